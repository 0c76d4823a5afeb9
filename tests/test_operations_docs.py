"""docs/operations.md, .env.example and scripts/ say the same thing, and the documented backup
runs against a throwaway database (scripts/install.sh runs the whole install; see the docs)."""

import os
import re
import shutil
import sqlite3
import stat
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = (ROOT / "docs" / "operations.md").read_text()
ENV_EXAMPLE = (ROOT / ".env.example").read_text()
SETTINGS = (ROOT / "config" / "settings.py").read_text()
GUNICORN = (ROOT / "config" / "gunicorn.conf.py").read_text()
BASH = shutil.which("bash") or "/bin/bash"

SHOWN_IN_FULL = [
    "scripts/nginx/cchc.conf",
    "scripts/systemd/cchc-web.service",
    "scripts/systemd/cchc-worker.service",
    "scripts/systemd/cchc-daily.service",
    "scripts/systemd/cchc-daily.timer",
    "scripts/systemd/cchc-backup.service",
    "scripts/systemd/cchc-backup.timer",
    "scripts/cron.d/cchc",
]


@pytest.mark.parametrize("path", SHOWN_IN_FULL)
def test_installed_files_are_shown_in_full_in_the_docs(path: str) -> None:
    assert (ROOT / path).read_text().strip() in DOCS


def variables() -> set[str]:
    found = re.findall(r'(?:environ\.get|env_bool|env_list|environ)\(?\[?"([A-Z_]+)"', SETTINGS)
    found += re.findall(r'environ\.get\("([A-Z_]+)"', GUNICORN)
    return set(found) - {"DJANGO_SETTINGS_MODULE"}


def test_every_variable_is_documented() -> None:
    names = variables()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "CCHC_HASH_KEY", "CCHC_LOG_FORMAT"} <= names
    missing_docs = {name for name in names if f"`{name}`" not in DOCS}
    missing_example = {name for name in names if not re.search(rf"^#? ?{name}=", ENV_EXAMPLE, re.M)}
    assert not missing_docs, missing_docs
    assert not missing_example, missing_example


def test_env_example_matches_the_docs_advice() -> None:
    assert re.search(r"^CCHC_PROXY_COUNT=1$", ENV_EXAMPLE, re.M)
    assert re.search(r"^DJANGO_HSTS_SECONDS=3600$", ENV_EXAMPLE, re.M)
    assert re.search(r"^DJANGO_SECRET_KEY=$", ENV_EXAMPLE, re.M)  # to fill in: refused empty
    assert "install -m 640 -o root -g cchc" in DOCS


@pytest.mark.parametrize("script", ["scripts/install.sh", "scripts/backup.sh"])
def test_scripts_parse(script: str) -> None:
    subprocess.run([BASH, "-n", str(ROOT / script)], check=True)  # noqa: S603


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 command")
def test_documented_backup_of_a_throwaway_sqlite_database(tmp_path: Path) -> None:
    database = tmp_path / "cchc.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("create table plans_plan (id integer primary key, title text)")
        connection.execute("insert into plans_plan (title) values ('Kế hoạch CCHC 2026')")
    media = tmp_path / "media"
    (media / "evidence").mkdir(parents=True)
    (media / "evidence" / "a.pdf").write_bytes(b"%PDF-1.4 test")
    backups = tmp_path / "backups"
    backups.mkdir()
    old = backups / "cchc-2020-01-01-0215.sqlite3"
    old.write_text("old")
    past = time.time() - 30 * 86400
    os.utime(old, (past, past))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(CCHC_SQLITE_PATH=str(database), CCHC_MEDIA_ROOT=str(media))

    subprocess.run(  # noqa: S603
        [BASH, str(ROOT / "scripts" / "backup.sh"), str(backups), "14"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )

    assert not old.exists()  # retention
    (dump,) = backups.glob("cchc-*.sqlite3")
    (archive,) = backups.glob("media-*.tar.gz")
    for made in (dump, archive):
        assert stat.S_IMODE(made.stat().st_mode) == 0o600
    with sqlite3.connect(dump) as connection:
        assert connection.execute("select title from plans_plan").fetchall() == [
            ("Kế hoạch CCHC 2026",)
        ]
    listing = subprocess.run(  # noqa: S603
        [shutil.which("tar") or "/bin/tar", "-tzf", str(archive)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "media/evidence/a.pdf" in listing
