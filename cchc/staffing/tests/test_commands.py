"""`manage.py headcount_summary --year Y [--json]`."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from cchc.accounts.models import User
from cchc.staffing.tests.factories import legacy_ward, record
from conftest import Hanoi

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(hanoi: Hanoi, city_admin: User) -> None:
    old_1 = legacy_ward("00001", "Phường Phúc Xá (cũ)", successors=[hanoi.ward_a])
    old_2 = legacy_ward("00007", "Phường Trúc Bạch (cũ)", successors=[hanoi.ward_a])
    record(old_1, 2021, 30, 120, actor=city_admin)
    record(old_2, 2021, 20, 80, actor=city_admin)
    record(hanoi.ward_a, 2025, 43, 180, actor=city_admin)


def _run(*args: str, **options) -> str:
    out = io.StringIO()
    call_command("headcount_summary", *args, stdout=out, **options)
    return out.getvalue()


def test_json_has_units_and_total(figures, hanoi: Hanoi):
    data = json.loads(_run("--year", "2025", "--json"))
    assert data["year"] == 2025
    assert data["baseline_year"] == 2021  # Conclusion 40-KL/TW: 2022–2026 against 2021
    assert data["targets"] == {"civil": 5.0, "public": 10.0}
    assert data["target_percent"] == 5.0
    assert data["compared"] == "assigned posts"
    assert [(u["code"], u["depth"]) for u in data["units"]] == [("01", 0), ("00004", 1)]
    expected = {
        "civil": {"baseline": 50, "year": 43, "reduction": 7, "percent": 14.0},
        "public": {"baseline": 200, "year": 180, "reduction": 20, "percent": 10.0},
    }
    assert data["units"][1]["civil"] == expected["civil"]
    assert data["total"] == expected


def test_text_output(figures):
    text = _run("--year", "2025")
    assert "Assigned posts, 2025 against 2021" in text
    total = text.splitlines()[-1].split()
    assert total == ["TOTAL", "50", "43", "7", "14.00%", "200", "180", "20", "10.00%"]


def test_year_is_required_and_checked(db):
    with pytest.raises(CommandError):
        _run("--year", "1990")
    with pytest.raises(CommandError):
        _run()
