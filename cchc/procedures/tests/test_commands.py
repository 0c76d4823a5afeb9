"""manage.py compliance_cost prints the same figures as the plan page."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cchc.procedures.models import HourlyValue

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("compliance_cost", *args, stdout=out)
    return out.getvalue()


def test_example_a_in_days_with_fees_prints_exact_json() -> None:
    out = run(
        "--days-before", "15", "--hours-after", "80", "--fees-before", "100000",
        "--fees-after", "50000", "--times-per-year", "1", "--subjects", "1200", "--json",
    )  # fmt: skip
    assert out.strip() == (
        '{"before": 5880000000, "after": 3900000000, "saving": 1980000000, "cut_pct": 33.67}'
    )


def test_example_b_in_hours_without_fees() -> None:
    out = run(
        "--hours-before", "6", "--hours-after", "2,5", "--times-per-year", "2",
        "--subjects", "3000", "--hourly-value", "40000", "--json",
    )  # fmt: skip
    assert json.loads(out) == {
        "before": 1440000000,
        "after": 600000000,
        "saving": 840000000,
        "cut_pct": 58.33,
    }


def test_two_decimals_are_kept_in_json() -> None:
    out = run(
        "--hours-before", "8", "--hours-after", "7", "--times-per-year", "1",
        "--subjects", "1", "--json",
    )  # fmt: skip
    assert out.strip().endswith('"cut_pct": 12.50}')


def test_default_hourly_value_is_the_dated_parameter() -> None:
    assert HourlyValue.objects.get(valid_from=datetime.date(2024, 1, 1)).value == 40_000
    HourlyValue.objects.create(valid_from=datetime.date(2025, 1, 1), value=50_000)
    out = run(
        "--hours-before", "1", "--hours-after", "0", "--times-per-year", "1",
        "--subjects", "1", "--json",
    )  # fmt: skip
    assert json.loads(out)["before"] == 50_000


def test_negative_values_are_refused() -> None:
    with pytest.raises(CommandError, match="Other costs before cannot be negative"):
        run(
            "--hours-before", "1", "--hours-after", "0", "--other-before", "-5",
            "--times-per-year", "1", "--subjects", "1",
        )  # fmt: skip


def test_days_and_hours_for_one_side_are_exclusive() -> None:
    with pytest.raises(CommandError):
        run(
            "--hours-before", "1", "--days-before", "1", "--hours-after", "0",
            "--times-per-year", "1", "--subjects", "1",
        )  # fmt: skip
