#!/usr/bin/env python3
"""The backup and restore drill (docs/operations.md, "Restore drill").

    .venv/bin/python scripts/restore_drill.py FOLDER [--keep]

With the application's environment loaded (DATABASE_URL, or CCHC_SQLITE_PATH for a SQLite
pilot; CCHC_MEDIA_ROOT), it:

1. counts the rows of every table of the live database;
2. runs scripts/backup.sh FOLDER (the daily backup, unchanged: dump + media archive);
3. counts the live rows again (a table whose count moved meanwhile is reported, not failed:
   the restored count must then lie between the two);
4. restores the dump into a NEW database: `pg_restore` into `<name>_drill_<stamp>` on the same
   PostgreSQL server, or SQLite's `.restore` into a new file, and extracts the media archive into
   a new folder;
5. compares: the same tables; the same rows in each table; the evidence files (every row of a
   table with `file` and `sha256` columns, i.e. every cchc.core.models.StoredFile subclass) present
   in the restored media with that SHA-256; and the restored media folder holding the same files
   (count and SHA-256 of each) as the live one;
6. prints each check and a verdict, drops the new database and folder (unless --keep), and exits
   0 when everything matches, 1 on any mismatch, 2 when it cannot run.

Only the Python standard library, psycopg (a dependency of the application) and the client
programs backup.sh uses (pg_dump/pg_restore or sqlite3, tar) are needed. Nothing of the live
installation is written to, apart from the backup files in FOLDER.
"""

import argparse
import datetime
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BACKUP = ROOT / "scripts" / "backup.sh"


class DrillError(Exception):
    """The drill cannot run (a missing program, an unreachable server, no backup written)."""


# Databases ----------------------------------------------------------------------------------


class Database:
    """Read-only access to the rows of one database: its tables, their counts, the files."""

    def tables(self) -> list[str]:
        raise NotImplementedError

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def columns(self, table: str) -> set[str]:
        raise NotImplementedError

    def counts(self) -> dict[str, int]:
        return {t: int(self.query(f'SELECT COUNT(*) FROM "{t}"')[0][0]) for t in self.tables()}  # noqa: S608

    def stored_files(self) -> dict[str, str]:
        """{relative path: sha256} of every row of a table with `file` and `sha256` columns."""
        files = {}
        for table in self.tables():
            if {"file", "sha256"} <= self.columns(table):
                for name, digest in self.query(f'SELECT "file", "sha256" FROM "{table}"'):  # noqa: S608
                    if name:
                        files[str(name)] = str(digest)
        return files

    def close(self) -> None:
        raise NotImplementedError


class SQLite(Database):
    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def tables(self) -> list[str]:
        rows = self.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
        return [str(row[0]) for row in rows]

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        return list(self.connection.execute(sql).fetchall())

    def columns(self, table: str) -> set[str]:
        return {str(row[1]) for row in self.query(f'PRAGMA table_info("{table}")')}

    def close(self) -> None:
        self.connection.close()


class Postgres(Database):
    def __init__(self, url: str) -> None:
        import psycopg

        self.connection = psycopg.connect(url, autocommit=True)

    def tables(self) -> list[str]:
        rows = self.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        return [str(row[0]) for row in rows]

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        return list(self.connection.execute(sql).fetchall())

    def columns(self, table: str) -> set[str]:
        rows = self.connection.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND table_name = %s",
            [table],
        ).fetchall()
        return {str(row[0]) for row in rows}

    def close(self) -> None:
        self.connection.close()


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def restored_postgres(url: str, dump: Path, stamp: str, keep: bool) -> Iterator[Postgres]:
    """A new database next to the live one, the dump restored into it."""
    import psycopg

    name = f"{urlsplit(url).path.lstrip('/')}_drill_{stamp}"
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    target = with_database(url, name)
    database = None
    try:
        run(["pg_restore", "--no-owner", "--exit-on-error", "-d", target, str(dump)])
        database = Postgres(target)
        yield database
    finally:
        if database is not None:
            database.close()
        if keep:
            print(f"kept: database {name}")
        else:
            with psycopg.connect(with_database(url, "postgres"), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


@contextmanager
def restored_sqlite(backup: Path, folder: Path) -> Iterator[SQLite]:
    """A new SQLite file, the backup restored into it with sqlite3's .restore."""
    target = folder / "cchc.sqlite3"
    run(["sqlite3", str(target), f".restore '{backup}'"])
    database = SQLite(target)
    try:
        yield database
    finally:
        database.close()


# Files ------------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tree_hashes(folder: Path) -> dict[str, str]:
    """{path relative to folder: sha256} of every file under it."""
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): sha256(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def run(command: list[str], env: dict[str, str] | None = None) -> str:
    try:
        done = subprocess.run(  # noqa: S603 - fixed programs, our own arguments
            command, env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as error:
        raise DrillError(f"{command[0]} is not installed") from error
    if done.returncode != 0:
        raise DrillError(f"{' '.join(command[:2])} failed: {done.stderr.strip() or done.stdout}")
    return done.stdout


def newest(folder: Path, pattern: str, since: set[Path]) -> Path:
    made = sorted(set(folder.glob(pattern)) - since, key=lambda p: p.stat().st_mtime)
    if not made:
        raise DrillError(f"backup.sh wrote no {pattern} in {folder}")
    return made[-1]


# The drill --------------------------------------------------------------------------------


class Checks:
    def __init__(self) -> None:
        self.failed = 0
        self.passed = 0

    def check(self, ok: bool, text: str) -> None:
        print(f"  {'ok      ' if ok else 'MISMATCH'}  {text}")
        if ok:
            self.passed += 1
        else:
            self.failed += 1


def compare_counts(
    checks: Checks, before: dict[str, int], after: dict[str, int], restored: dict[str, int]
) -> None:
    missing = sorted(set(before) - set(restored))
    extra = sorted(set(restored) - set(before))
    checks.check(
        not missing and not extra,
        f"tables: {len(restored)} restored, {len(before)} live"
        + (f"; missing {', '.join(missing)}" if missing else "")
        + (f"; extra {', '.join(extra)}" if extra else ""),
    )
    rows = sum(restored.values())
    wrong = []
    moving = []
    for table in sorted(set(before) & set(restored)):
        low, high = sorted((before[table], after.get(table, before[table])))
        if low != high:
            moving.append(f"{table} {before[table]:,}→{after.get(table, 0):,}")
        if not low <= restored[table] <= high:
            wrong.append(f"{table}: live {before[table]:,}, restored {restored[table]:,}")
    checks.check(
        not wrong,
        f"rows: {rows:,} in {len(restored)} tables, each as live"
        + "".join(f"\n            {line}" for line in wrong),
    )
    if moving:
        print(f"  note      changed during the backup: {', '.join(moving)}")


def compare_files(
    checks: Checks, stored: dict[str, str], live: dict[str, str], media: dict[str, str]
) -> None:
    absent = sorted(name for name in stored if name not in media)
    altered = sorted(
        name for name, digest in stored.items() if name in media and media[name] != digest
    )
    checks.check(
        not absent and not altered,
        f"evidence files: {len(stored):,} referenced by the restored database, "
        f"{len(stored) - len(absent) - len(altered):,} present with their SHA-256"
        + "".join(f"\n            missing {name}" for name in absent[:20])
        + "".join(f"\n            altered {name}" for name in altered[:20]),
    )
    differ = sorted(name for name in set(live) | set(media) if live.get(name) != media.get(name))
    checks.check(
        not differ,
        f"media folder: {len(media):,} files restored, {len(live):,} live, same SHA-256"
        + "".join(f"\n            differs {name}" for name in differ[:20]),
    )


def drill(folder: Path, keep: bool) -> int:
    url = os.environ.get("DATABASE_URL", "")
    postgres = url.startswith("postgres")
    sqlite_path = Path(os.environ.get("CCHC_SQLITE_PATH", ROOT / "var" / "cchc.sqlite3"))
    media_root = Path(os.environ.get("CCHC_MEDIA_ROOT", ROOT / "var" / "media"))
    if not postgres and not sqlite_path.is_file():
        raise DrillError(f"no database: set DATABASE_URL or CCHC_SQLITE_PATH ({sqlite_path})")
    stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
    print(f"Restore drill, {'PostgreSQL' if postgres else 'SQLite'}, {stamp}")
    live: Database = Postgres(url) if postgres else SQLite(sqlite_path)
    try:
        before = live.counts()
        existing = set(folder.glob("*"))
        folder.mkdir(parents=True, exist_ok=True)
        run(
            ["bash", str(BACKUP), str(folder)],
            env={**os.environ, "CCHC_MEDIA_ROOT": str(media_root)},
        )
        after = live.counts()
    finally:
        live.close()
    dump = newest(folder, "cchc-*.dump" if postgres else "cchc-*.sqlite3", existing)
    archive = newest(folder, "media-*.tar.gz", existing)
    print(
        f"  backup    {dump.name} ({dump.stat().st_size:,} B), "
        f"{archive.name} ({archive.stat().st_size:,} B)"
    )
    live_media = tree_hashes(media_root)
    work = Path(tempfile.mkdtemp(prefix=f"cchc-drill-{stamp}-", dir=folder))
    checks = Checks()
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(work / "media-restored", filter="data")
        media = tree_hashes(work / "media-restored" / media_root.name)
        restore = (
            restored_postgres(url, dump, stamp, keep) if postgres else restored_sqlite(dump, work)
        )
        with restore as restored:
            compare_counts(checks, before, after, restored.counts())
            compare_files(checks, restored.stored_files(), live_media, media)
    finally:
        if keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    verdict = "PASSED" if not checks.failed else "FAILED"
    print(f"Verdict: {verdict} ({checks.passed} checks ok, {checks.failed} mismatched)")
    return 0 if not checks.failed else 1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="where backup.sh writes the backup")
    parser.add_argument("--keep", action="store_true", help="keep the restored database")
    args = parser.parse_args(argv)
    try:
        return drill(args.folder.resolve(), args.keep)
    except DrillError as error:
        print(f"Restore drill could not run: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
