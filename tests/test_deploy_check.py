"""`manage.py check --deploy` passes with the production environment of docs/operations.md."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "DJANGO_ALLOWED_HOSTS": "cchc.example.gov.vn",
    "DJANGO_HTTPS": "true",
    "DJANGO_HSTS_PRELOAD": "true",
    "DJANGO_EMAIL_HOST": "smtp.example.gov.vn",
    "CCHC_STATIC_FROM_SOURCE": "false",
}


def run_check(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CCHC_"))}
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
