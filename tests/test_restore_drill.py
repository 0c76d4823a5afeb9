"""scripts/restore_drill.py on SQLite, end to end: backup.sh, a restore into a new file and a new
media folder, row counts per table and the evidence files by SHA-256; a verdict and exit code.

The database is a small SQLite file with the shape the drill reads (tables, one with `file` and
`sha256` columns as cchc.core.models.StoredFile's subclasses have), so the drill runs in about a
second; docs/operations.md shows it on the demo database and on PostgreSQL."""

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DRILL = ROOT / "scripts" / "restore_drill.py"

pytestmark = pytest.mark.skipif(
    shutil.which("sqlite3") is None, reason="backup.sh needs the sqlite3 program"
)


def make_installation(tmp_path: Path) -> tuple[Path, Path]:
    """A SQLite database with two evidence files in its media folder."""
    media = tmp_path / "var" / "media"
    files = {"evidence/2026/12/bao-cao.pdf": b"%PDF-1.4 one", "plans/ke-hoach.pdf": b"%PDF two"}
    database = tmp_path / "var" / "cchc.sqlite3"
    media.mkdir(parents=True)
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE plans_plan (id INTEGER PRIMARY KEY, title TEXT)")
        connection.executemany(
            "INSERT INTO plans_plan (title) VALUES (?)", [(f"Kế hoạch {n}",) for n in range(25)]
        )
        connection.execute(
            "CREATE TABLE plans_evidence (id INTEGER PRIMARY KEY, file TEXT, sha256 TEXT)"
        )
        for name, content in files.items():
            (media / name).parent.mkdir(parents=True, exist_ok=True)
            (media / name).write_bytes(content)
            digest = hashlib.sha256(content).hexdigest()
            connection.execute(
                "INSERT INTO plans_evidence (file, sha256) VALUES (?, ?)", (name, digest)
            )
        connection.execute("CREATE TABLE core_auditevent (id INTEGER PRIMARY KEY)")
    return database, media


def drill(database: Path, media: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"CCHC_SQLITE_PATH": str(database), "CCHC_MEDIA_ROOT": str(media)}
    return subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(DRILL), str(folder)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_sqlite_drill_passes_and_cleans_up(tmp_path: Path) -> None:
    database, media = make_installation(tmp_path)
    folder = tmp_path / "backups"
    result = drill(database, media, folder)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "ok        tables: 3 restored, 3 live" in out
    assert "ok        rows: 27 in 3 tables, each as live" in out
    assert "ok        evidence files: 2 referenced by the restored database, 2 present" in out
    assert "ok        media folder: 2 files restored, 2 live, same SHA-256" in out
    assert out.rstrip().endswith("Verdict: PASSED (4 checks ok, 0 mismatched)")
    # The backup stays; the restored copy is gone.
    kept = sorted(p.name.split("-")[0] for p in folder.iterdir())
    assert kept == ["cchc", "media"]


def test_sqlite_drill_fails_on_an_evidence_file_missing_from_the_backup(tmp_path: Path) -> None:
    """A row whose file is not in the media folder (so not in the archive): exit 1, named."""
    database, media = make_installation(tmp_path)
    (media / "plans" / "ke-hoach.pdf").unlink()
    result = drill(database, media, tmp_path / "backups")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "MISMATCH  evidence files: 2 referenced by the restored database, 1 present" in (
        result.stdout
    )
    assert "missing plans/ke-hoach.pdf" in result.stdout
    assert "Verdict: FAILED (3 checks ok, 1 mismatched)" in result.stdout


def test_sqlite_drill_fails_on_an_altered_evidence_file(tmp_path: Path) -> None:
    database, media = make_installation(tmp_path)
    (media / "evidence" / "2026" / "12" / "bao-cao.pdf").write_bytes(b"%PDF-1.4 changed")
    result = drill(database, media, tmp_path / "backups")
    assert result.returncode == 1
    assert "altered evidence/2026/12/bao-cao.pdf" in result.stdout


def test_drill_without_a_database_cannot_run(tmp_path: Path) -> None:
    result = drill(tmp_path / "none.sqlite3", tmp_path / "media", tmp_path / "backups")
    assert result.returncode == 2
    assert "Restore drill could not run: no database" in result.stderr
