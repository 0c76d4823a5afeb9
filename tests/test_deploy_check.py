"""`manage.py check --deploy` passes with the production environment of docs/operations.md, and
the settings refuse to load without a database, with the built-in secret key or with an invalid
home province when DEBUG is off."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "DJANGO_ALLOWED_HOSTS": "cchc.example.gov.vn",
    "DJANGO_HTTPS": "true",
    "DJANGO_HSTS_PRELOAD": "true",
    "DJANGO_EMAIL_HOST": "smtp.example.gov.vn",
    "CCHC_STATIC_FROM_SOURCE": "false",
    # The check does not connect: the documented URL is enough.
    "DATABASE_URL": "postgres://cchc:change-me@127.0.0.1:5432/cchc",
    "CCHC_PROXY_COUNT": "1",
}


def run_check(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CCHC_")) and k != "DATABASE_URL"
    }
    env.update(extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_passes_with_production_settings() -> None:
    result = run_check(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_debug_settings() -> None:
    result = run_check({**PRODUCTION, "DJANGO_DEBUG": "true", "DJANGO_HTTPS": "false"})
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on


def without(name: str) -> dict[str, str]:
    return {k: v for k, v in PRODUCTION.items() if k != name}


def test_check_deploy_fails_without_own_secret_key() -> None:
    result = run_check(without("DJANGO_SECRET_KEY"))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_built_in_secret_key_refused() -> None:
    from config.settings import DEVELOPMENT_SECRET_KEY

    result = run_check({**PRODUCTION, "DJANGO_SECRET_KEY": DEVELOPMENT_SECRET_KEY})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set (or is the development key" in result.stderr


def test_no_database_refused_with_debug_off() -> None:
    result = run_check(without("DATABASE_URL"))
    assert result.returncode != 0
    assert "No database configured" in result.stderr


def test_explicit_sqlite_path_accepted(tmp_path: Path) -> None:
    result = run_check({**without("DATABASE_URL"), "CCHC_SQLITE_PATH": str(tmp_path / "db")})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("code", ["99", "1", "Hà Nội", "00"])
def test_invalid_home_province_refused(code: str) -> None:
    result = run_check({**PRODUCTION, "CCHC_HOME_PROVINCE": code})
    assert result.returncode != 0
    assert "is not a province code" in result.stderr


def test_valid_home_province_accepted() -> None:
    assert run_check({**PRODUCTION, "CCHC_HOME_PROVINCE": "79"}).returncode == 0


def test_debug_on_needs_nothing() -> None:
    """`make run` (DJANGO_DEBUG=true) still works without any variable."""
    result = run_check({"DJANGO_DEBUG": "true"})
    assert "ImproperlyConfigured" not in result.stderr
    assert "security.W018" in result.stderr
