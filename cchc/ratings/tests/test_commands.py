"""manage.py rate_month and rating_band, run as an operator or cron would run them."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.utils import timezone, translation

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.plans.actions import close_month, reopen_month
from cchc.plans.models import MonthClose
from cchc.ratings.actions import approve_ratings, assess_rating, publish_policy
from cchc.ratings.models import Rating, RatingPolicy, RatingRound
from cchc.ratings.tests.factories import (
    SEPTEMBER,
    appoint_head,
    draft_city_plan,
    issue,
    rate,
    worked_example,
)
from conftest import Hanoi

pytestmark = pytest.mark.django_db


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def september(hanoi: Hanoi, city_admin: User, officer_a: User) -> RatingRound:
    """docs/ratings.md's worked example: ward A and officer A, 54.25 points each."""
    plan = draft_city_plan(hanoi.city, city_admin)
    worked_example(plan, hanoi.ward_a, city_admin, responsible=officer_a)
    return rate(SEPTEMBER, city_admin)


@pytest.fixture
def head_of_city(hanoi: Hanoi, city_admin: User) -> User:
    """The Chairman: head of the city, who approves the units' ratings."""
    return appoint_head(hanoi.city, city_admin, username="chairman")


def snapshot() -> dict[int, dict]:
    return {rating.pk: model_to_dict(rating) for rating in Rating.objects.all()}


# --- rate_month ----------------------------------------------------------------------------


def test_rate_month_json_prints_the_worked_example(september: RatingRound, officer_a) -> None:
    result = json.loads(run("rate_month", "2026-09", "--json"))

    policy = september.policy
    assert result == {
        "month": "2026-09",
        "policy": {"id": policy.pk, "name": policy.name, "valid_from": "2026-01-01"},
        "ratings": [
            {
                "kind": "person",
                "unit": "00004",
                "person": "officer_a",
                "label": f"{officer_a.full_name} · Phường Ba Đình",
                "points": 54.25,
                "task_points": 54.25,
                "general_points": None,
                "band": "complete",
                "cap_applied": False,
                "discipline": None,
            },
            {
                "kind": "unit",
                "unit": "00004",
                "person": None,
                "label": "Phường Ba Đình",
                "points": 54.25,
                "task_points": 54.25,
                "general_points": None,
                "band": "complete",
                "cap_applied": False,
                "discipline": None,
            },
        ],
        "counts": {
            "ratings": 2,
            "excellent": 0,
            "good": 0,
            "complete": 2,
            "not_complete": 0,
            "capped": 0,
        },
    }


def test_rate_month_prints_a_line_per_rating_and_a_summary(september: RatingRound) -> None:
    lines = run("rate_month", "2026-09").splitlines()

    assert lines[0] == f"09/2026 rated under {september.policy}:"
    assert lines[2].split() == [
        "unit",
        "Phường",
        "Ba",
        "Đình",
        "54.25",
        "complete",
        "cap:",
        "no",
        "discipline:",
        "—",
    ]
    assert lines[-1] == (
        "2 ratings: 0 excellent, 0 good, 2 complete, 0 not_complete; 0 moved to good by the cap."
    )


def test_rate_month_twice_changes_nothing(september: RatingRound) -> None:
    before = snapshot()

    first = run("rate_month", "2026-09", "--json")
    second = run("rate_month", "2026-09", "--json")

    assert first == second
    assert snapshot() == before
    assert RatingRound.objects.get().pk == september.pk


def test_rate_month_keeps_approved_ratings_and_general_points(
    september: RatingRound, city_admin: User, head_of_city: User
) -> None:
    unit = Rating.objects.get(kind="unit")
    criteria = unit.round.policy.criteria.all()
    assess_rating(unit, actor=city_admin, points={c.pk: c.max_points for c in criteria})
    approve_ratings([unit], actor=head_of_city)
    before = snapshot()

    result = json.loads(run("rate_month", "2026-09", "--json"))

    assert snapshot() == before
    [unit_line] = [line for line in result["ratings"] if line["kind"] == "unit"]
    assert (unit_line["general_points"], unit_line["points"], unit_line["band"]) == (
        30.0,
        84.25,
        "good",
    )


def test_rate_month_of_an_open_month_is_refused(september: RatingRound, city_admin: User) -> None:
    reopen_month(MonthClose.objects.get(), actor=city_admin, reason="Sửa số liệu")
    events = AuditEvent.objects.filter(verb="ratings.generate_round").count()

    with pytest.raises(CommandError) as reopened:
        run("rate_month", "2026-09")
    with pytest.raises(CommandError) as never_closed:
        run("rate_month", "2026-08")

    assert str(reopened.value) == (
        "09/2026 was reopened: close the month first: manage.py close_month 2026-09"
    )
    assert str(never_closed.value) == (
        "08/2026 has not been closed: close the month first: manage.py close_month 2026-08"
    )

    assert AuditEvent.objects.filter(verb="ratings.generate_round").count() == events


def test_rate_month_refuses_a_malformed_month(db: None) -> None:
    with pytest.raises(CommandError, match="is not a month"):
        run("rate_month", "09/2026")


def test_rate_month_without_a_policy_in_force_is_refused(hanoi: Hanoi, city_admin: User) -> None:
    RatingPolicy.objects.all().delete()
    issue(draft_city_plan(hanoi.city, city_admin), city_admin)
    close_month(datetime.date(2026, 9, 1), actor=city_admin, today=datetime.date(2026, 10, 1))

    with pytest.raises(CommandError, match="No rating policy is in force for 09/2026"):
        run("rate_month", "2026-09")
    assert not RatingRound.objects.exists()


# --- rating_band ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "band"),
    [
        ("100", "excellent"),
        ("90", "excellent"),
        ("90.0", "excellent"),
        ("89.99", "good"),
        ("89,99", "good"),
        ("70", "good"),
        ("69.99", "complete"),
        ("50", "complete"),
        ("49.99", "not_complete"),
        ("0", "not_complete"),
    ],
)
def test_rating_band_edges(db: None, score: str, band: str) -> None:
    assert json.loads(run("rating_band", score, "--json"))["band"] == band


@pytest.mark.parametrize(
    ("score", "printed"),
    [
        ("89.99", '{"score": 89.99, "band": "good"}\n'),
        ("89,99", '{"score": 89.99, "band": "good"}\n'),
        ("90", '{"score": 90, "band": "excellent"}\n'),
        ("90.0", '{"score": 90.0, "band": "excellent"}\n'),
        ("49.99", '{"score": 49.99, "band": "not_complete"}\n'),
    ],
)
def test_rating_band_json_shape(db: None, score: str, printed: str) -> None:
    assert run("rating_band", score, "--json") == printed


def test_rating_band_prints_the_label(db: None) -> None:
    with translation.override("en"):
        assert run("rating_band", "89.99") == "Good\n"
        assert run("rating_band", "49.99") == "Not complete\n"


def test_rating_band_uses_the_policy_in_force_today(db: None, city_admin: User) -> None:
    publish_policy(
        actor=city_admin,
        valid_from=timezone.localdate(),
        name="Quy định riêng của thành phố",
        criteria=[("1", "Tiêu chí chung", Decimal(30))],
        excellent_min=95,
        good_min=80,
        complete_min=60,
    )
    assert run("rating_band", "90", "--json") == '{"score": 90, "band": "good"}\n'


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("abc", "is not a number"),
        ("nan", "is not a number"),
        ("", "is not a number"),
        ("-1", "out of range"),
        ("100.01", "out of range"),
    ],
)
def test_rating_band_refuses_a_bad_score(db: None, score: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run("rating_band", score)
