"""The ratings part of the JSON API: rounds, ratings, scorecards, quarter/year lines and
responsibilities, with the same scoping as the pages. The data is docs/ratings.md's worked
example (ward A, September 2026), built through the actions and a real month close."""

import datetime
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cchc.accounts.actions import grant_membership
from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import UserFactory
from cchc.api.tests.helpers import ApiClient
from cchc.core.tests.helpers import assert_constant_queries
from cchc.plans.actions import close_month
from cchc.plans.models import Plan, Task
from cchc.plans.tests.factories import task_in
from cchc.ratings.actions import add_follow_up, assess_rating, record_discipline
from cchc.ratings.models import Rating, RatingPolicy, RatingRound, Responsibility
from cchc.ratings.tests.factories import (
    SEPTEMBER,
    appoint_head,
    draft_city_plan,
    issue,
    rate,
    worked_example,
)
from conftest import Hanoi, client_for

pytestmark = pytest.mark.django_db

OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture
def head_a(hanoi: Hanoi, city_admin: User) -> User:
    """The head of ward A since 01/01/2026."""
    return appoint_head(hanoi.ward_a, city_admin, username="head_a", full_name="Trần Văn Trưởng")


@pytest.fixture
def plan(hanoi: Hanoi, city_admin: User) -> Plan:
    return draft_city_plan(hanoi.city, city_admin)


@pytest.fixture
def commitment(plan: Plan, hanoi: Hanoi, city_admin: User, officer_a: User) -> Task:
    """A conclusion of a monthly briefing assigned to ward A, due at the end of the year."""
    return task_in(
        plan,
        hanoi.ward_a,
        city_admin,
        code="GB01",
        title="Số hóa hồ sơ một cửa",
        deadline=datetime.date(2026, 12, 31),
        source=Task.Source.BRIEFING,
        responsible=officer_a,
    )


@pytest.fixture
def september(
    plan: Plan, commitment: Task, hanoi: Hanoi, city_admin: User, officer_a: User, head_a: User
) -> RatingRound:
    """September rated: ward A's unit rating and officer A's (54.25 points), its head's (58.98),
    and the responsibilities for the two tasks overdue at the close."""
    worked_example(plan, hanoi.ward_a, city_admin, responsible=officer_a)
    return rate(SEPTEMBER, city_admin)


def _rating(kind: str) -> Rating:
    return Rating.objects.get(round__month=SEPTEMBER, kind=kind)


def _items(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    return response.json()["items"]


def _labels(response: Any) -> list[str]:
    return [item["label"] for item in _items(response)]


# --- schema and authentication -------------------------------------------------------------


def test_openapi_documents_every_ratings_endpoint(anonymous: Client, db: None) -> None:
    paths = anonymous.get("/api/v1/openapi.json").json()["paths"]
    expected = [
        "/api/v1/ratings/rounds",
        "/api/v1/ratings",
        "/api/v1/ratings/{rating_id}",
        "/api/v1/ratings/periods/{year}",
        "/api/v1/responsibilities",
    ]
    for path in expected:
        assert set(paths[path]) == {"get"}, path
        operation = paths[path]["get"]
        assert operation["summary"], path
        assert len(operation["description"]) > 40, path
    filters = {p["name"] for p in paths["/api/v1/ratings"]["get"]["parameters"]}
    assert {"month", "kind", "peer_group", "band", "unit", "page", "page_size"} <= filters
    period = {p["name"] for p in paths["/api/v1/ratings/periods/{year}"]["get"]["parameters"]}
    assert {"year", "quarter", "kind"} <= period
    responsibilities = paths["/api/v1/responsibilities"]["get"]["parameters"]
    assert {"open", "unit"} <= {p["name"] for p in responsibilities}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/ratings/rounds",
        "/api/v1/ratings",
        "/api/v1/ratings/1",
        "/api/v1/ratings/periods/2026",
        "/api/v1/responsibilities",
    ],
)
def test_ratings_endpoints_without_credentials_are_unauthorized(
    anonymous: Client, hanoi: Hanoi, path: str
) -> None:
    response = anonymous.get(path)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_ratings_with_a_browser_session_works_for_get(september: RatingRound, officer_a) -> None:
    response = client_for(officer_a).get("/api/v1/ratings", {"kind": "unit"})
    assert _labels(response) == ["Phường Ba Đình"]


# --- ratings -------------------------------------------------------------------------------


def test_ratings_city_admin_sees_every_rating(september: RatingRound, city_admin: User) -> None:
    items = _items(ApiClient(city_admin).get("/api/v1/ratings"))
    assert [(item["kind"], item["label"], item["total"]) for item in items] == [
        ("head", "Trần Văn Trưởng · Phường Ba Đình", 58.98),  # the leaders' formula
        ("person", f"{_rating('person').person.full_name} · Phường Ba Đình", 54.25),
        ("unit", "Phường Ba Đình", 54.25),
    ]


def test_ratings_officer_of_ward_a_sees_ward_a_and_inspector_nothing(
    september: RatingRound, officer_a: User, inspector: User
) -> None:
    assert len(_items(ApiClient(officer_a).get("/api/v1/ratings"))) == 3
    assert ApiClient(inspector).get("/api/v1/ratings").json() == {"items": [], "count": 0}


def test_ratings_officer_b_sees_nothing_of_ward_a(september: RatingRound, officer_b: User) -> None:
    api = ApiClient(officer_b)
    hidden = api.get(f"/api/v1/ratings/{_rating('unit').pk}")
    missing = api.get("/api/v1/ratings/999999")

    assert api.get("/api/v1/ratings").json() == {"items": [], "count": 0}
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"detail": "Not Found"}
    assert api.get("/api/v1/ratings/periods/2026").json() == {"items": [], "count": 0}
    assert api.get("/api/v1/responsibilities").json() == {"items": [], "count": 0}
    [round_] = api.get("/api/v1/ratings/rounds").json()
    assert (round_["month"], round_["ratings"]) == ("2026-09", 0)


def test_ratings_item_fields(september: RatingRound, hanoi: Hanoi, officer_a: User) -> None:
    [item] = _items(ApiClient(officer_a).get("/api/v1/ratings", {"kind": "unit"}))
    assert item == {
        "id": _rating("unit").pk,
        "month": "2026-09",
        "kind": "unit",
        "label": "Phường Ba Đình",
        "unit": {"id": hanoi.ward_a.pk, "code": "00004", "name": "Phường Ba Đình"},
        "person": None,
        "peer_group": "wards",
        "days_held": None,
        "tasks": 10,
        "completed": 8,
        "late": 2,
        "not_completed": 2,
        "failed_reviews": 1,
        "extensions": 0,
        "quantity_pct": 80.0,
        "quality_pct": 77.5,
        "progress_pct": 75.0,
        "task_points": 54.25,
        "general_points": None,
        "total": 54.25,
        "score_band": "complete",
        "band": "complete",
        "cap_applied": False,
        "discipline": None,
        "status": "computed",
    }


def test_ratings_head_item_names_the_person_and_the_days_held(
    september: RatingRound, head_a: User, officer_a: User
) -> None:
    [item] = _items(ApiClient(officer_a).get("/api/v1/ratings", {"kind": "head"}))
    assert item["person"] == {"id": head_a.pk, "username": "head_a", "full_name": "Trần Văn Trưởng"}
    assert item["days_held"] == 30


@pytest.mark.parametrize(
    ("params", "kinds"),
    [
        ({"kind": "person"}, ["person"]),
        ({"band": "complete"}, ["head", "person", "unit"]),
        ({"band": "good"}, []),
        ({"peer_group": "wards"}, ["head", "person", "unit"]),
        ({"peer_group": "departments"}, []),
        ({"month": "2026-09"}, ["head", "person", "unit"]),
        ({"month": "2026-08"}, []),
        ({"unit": "ward_b"}, []),
        ({"unit": "ward_a", "kind": "unit"}, ["unit"]),
    ],
)
def test_ratings_filters(
    september: RatingRound, hanoi: Hanoi, city_admin: User, params: dict, kinds: list
) -> None:
    units = {"ward_a": hanoi.ward_a.pk, "ward_b": hanoi.ward_b.pk}
    params = {key: units.get(value, value) for key, value in params.items()}
    items = _items(ApiClient(city_admin).get("/api/v1/ratings", params))
    assert [item["kind"] for item in items] == kinds


@pytest.mark.parametrize(
    "params", [{"month": "2026-13"}, {"month": "09/2026"}, {"band": "great"}, {"kind": "city"}]
)
def test_ratings_with_a_malformed_filter_is_refused(
    september: RatingRound, city_admin: User, params: dict
) -> None:
    assert ApiClient(city_admin).get("/api/v1/ratings", params).status_code == 422


def test_ratings_show_the_disciplinary_decision_that_forced_the_band(
    september: RatingRound, city_admin: User, officer_a: User, hanoi: Hanoi
) -> None:
    record_discipline(
        actor=city_admin,
        unit=hanoi.ward_a,
        person=officer_a,
        number="15/QĐ-UBND",
        decided_on=datetime.date(2026, 9, 25),
        form="reprimand",
        reason="Chậm trễ kéo dài",
    )
    [item] = _items(ApiClient(city_admin).get("/api/v1/ratings", {"kind": "person"}))
    assert (item["score_band"], item["band"], item["discipline"]) == (
        "complete",
        "not_complete",
        "15/QĐ-UBND",
    )


def test_ratings_query_count_is_constant(plan: Plan, hanoi: Hanoi, city_admin: User) -> None:
    """A viewer who sees one more unit at each step: each unit has a unit rating and a person
    rating, one of them forced by a disciplinary decision."""
    units = [hanoi.ward_a, hanoi.ward_b, hanoi.home_affairs]
    for n, unit in enumerate(units):
        task_in(
            plan,
            unit,
            city_admin,
            code=f"N{n}",
            deadline=datetime.date(2026, 9, 15),
            responsible=UserFactory(),
        )
    issue(plan, city_admin)
    rate(SEPTEMBER, city_admin)
    record_discipline(
        actor=city_admin,
        unit=hanoi.ward_a,
        person=Task.objects.get(code="N0").responsible,
        number="1/QĐ",
        decided_on=datetime.date(2026, 9, 20),
        form="warning",
        reason="Vi phạm",
    )
    viewer = UserFactory()
    api = ApiClient(viewer)
    remaining = iter(units)

    def see_more_units(n: int) -> None:
        for unit in itertools.islice(remaining, n):
            grant_membership(actor=city_admin, user=viewer, unit=unit, role=Membership.Role.VIEWER)

    _first, second = assert_constant_queries(lambda: api.get("/api/v1/ratings"), see_more_units)
    assert second.json()["count"] == 6


# --- scorecard -----------------------------------------------------------------------------


def test_rating_read_shows_the_worked_example_step_by_step(
    september: RatingRound, city_admin: User
) -> None:
    rating = _rating("unit")
    body = ApiClient(city_admin).get(f"/api/v1/ratings/{rating.pk}").json()

    assert body["steps"] == {
        "quantity": {"numerator": 8.0, "denominator": 10.0, "pct": 80.0},
        "quality": {"numerator": 7.75, "denominator": 10.0, "pct": 77.5},
        "progress": {"numerator": 7.5, "denominator": 10.0, "pct": 75.0},
        "task_points": 54.25,
        "general_points": None,
        "total": 54.25,
    }
    assert (body["id"], body["total"], body["band"], body["status"]) == (
        rating.pk,
        54.25,
        "complete",
        "computed",
    )
    policy = RatingPolicy.objects.get(valid_from=datetime.date(2026, 1, 1), is_default=True)
    assert body["policy"] == {
        "id": policy.pk,
        "name": "Nghị định 335/2025/NĐ-CP (mặc định)",
        "valid_from": "2026-01-01",
        "general_max": 30.0,
        "task_max": 70.0,
        "weight_quantity": 1.0,
        "weight_quality": 1.0,
        "weight_progress": 1.0,
        "review_deduction": 0.25,
        "delay_deduction": 0.25,
        "extension_is_delay": True,
        "excellent_min": 90.0,
        "good_min": 70.0,
        "complete_min": 50.0,
        "excellent_cap_pct": 20.0,
        "response_days": 5,
    }
    assert body["general_scores"] == []
    assert (body["assessed_at"], body["response_deadline"]) == (None, None)
    assert body["trend"] == [
        {"id": rating.pk, "month": "2026-09", "total": 54.25, "band": "complete"}
    ]


def test_rating_read_shows_the_unit_s_tally_row(
    september: RatingRound, hanoi: Hanoi, city_admin: User
) -> None:
    tally = ApiClient(city_admin).get(f"/api/v1/ratings/{_rating('unit').pk}").json()["tally"]
    assert (tally["scope"], tally["unit_id"], tally["label"]) == (
        "unit",
        hanoi.ward_a.pk,
        "Phường Ba Đình",
    )
    assert (tally["assigned"], tally["on_time"], tally["late"], tally["overdue"]) == (11, 6, 2, 2)
    assert tally["in_term"] == 1  # the briefing commitment, due in December
    assert (tally["completion_rate"], tally["on_time_rate"], tally["carried_over"]) == (
        80.0,
        60.0,
        0,
    )


def test_rating_read_lists_the_counted_tasks_as_the_calculation_counted_them(
    september: RatingRound, city_admin: User
) -> None:
    body = ApiClient(city_admin).get(f"/api/v1/ratings/{_rating('unit').pk}").json()
    outcomes = [task["outcome"] for task in body["counted_tasks"]]
    assert len(outcomes) == body["tasks"] == 10
    assert outcomes.count("not_completed") == body["not_completed"] == 2
    assert outcomes.count("late") == body["late"] == 2
    assert {
        task["days_overdue"] for task in body["counted_tasks"] if task["outcome"] == "not_completed"
    } == {15}


def test_rating_read_after_assessment_shows_the_general_scores(
    september: RatingRound, city_admin: User, officer_a: User
) -> None:
    rating = _rating("unit")
    criteria = list(rating.round.policy.criteria.order_by("order"))
    points = {criterion.pk: Decimal(4) for criterion in criteria}
    points[criteria[0].pk] = Decimal("4.5")
    assess_rating(rating, actor=city_admin, points=points, comment="Cần cải thiện tiến độ")

    body = ApiClient(officer_a).get(f"/api/v1/ratings/{rating.pk}").json()

    assert body["general_scores"][0] == {
        "code": "1",
        "title": "Chính trị, tư tưởng",
        "max_points": 5.0,
        "points": 4.5,
    }
    assert [score["points"] for score in body["general_scores"]] == [4.5, 4, 4, 4, 4, 4]
    assert (body["steps"]["general_points"], body["steps"]["total"]) == (24.5, 78.75)
    assert (body["general_points"], body["total"], body["band"]) == (24.5, 78.75, "good")
    assert (body["status"], body["assessor_comment"]) == ("assessed", "Cần cải thiện tiến độ")
    assert (
        body["response_deadline"]
        == (
            # The deadline counts from the local (Hà Nội) day of the assessment.
            timezone.localdate(datetime.datetime.fromisoformat(body["assessed_at"]))
            + datetime.timedelta(days=5)
        ).isoformat()
    )


def test_rating_read_shows_open_responsibilities_and_commitments(
    september: RatingRound, commitment: Task, officer_a: User, head_a: User
) -> None:
    api = ApiClient(officer_a)
    person = api.get(f"/api/v1/ratings/{_rating('person').pk}").json()
    unit = api.get(f"/api/v1/ratings/{_rating('unit').pk}").json()

    officer = {"id": officer_a.pk, "username": "officer_a", "full_name": officer_a.full_name}
    assert [
        (r["task_code"], r["title"], r["person"], r["role"], r["days_overdue"], r["handling"])
        for r in person["responsibilities"]
    ] == [
        ("V09", "Nhiệm vụ V09", officer, "responsible", 15, ""),
        ("V10", "Nhiệm vụ V10", officer, "responsible", 15, ""),
    ]
    assert {(r["task_code"], r["person"]["username"]) for r in unit["responsibilities"]} == {
        ("V09", "officer_a"),
        ("V10", "officer_a"),
        ("V09", "head_a"),
        ("V10", "head_a"),
    }
    assert (
        unit["commitments"]
        == person["commitments"]
        == [
            {
                "task_id": commitment.pk,
                "code": "GB01",
                "title": "Số hóa hồ sơ một cửa",
                "deadline": "2026-12-31",
                "responsible": officer_a.full_name,
            }
        ]
    )


def test_rating_read_trend_lists_the_months_oldest_first(
    september: RatingRound, city_admin: User
) -> None:
    close_month(OCTOBER, actor=city_admin, today=datetime.date(2026, 11, 1))
    october = Rating.objects.get(round__month=OCTOBER, kind="unit")

    body = ApiClient(city_admin).get(f"/api/v1/ratings/{october.pk}").json()

    assert body["trend"] == [
        {"id": _rating("unit").pk, "month": "2026-09", "total": 54.25, "band": "complete"},
        {"id": october.pk, "month": "2026-10", "total": 0.0, "band": "not_complete"},
    ]


# --- rounds, periods, responsibilities -----------------------------------------------------


def test_rounds_list_the_policy_and_the_counts_the_caller_sees(
    september: RatingRound, city_admin: User, officer_a: User
) -> None:
    [body] = ApiClient(city_admin).get("/api/v1/ratings/rounds").json()
    assert body == {
        "month": "2026-09",
        "scope": "civil_service",
        "policy_id": september.policy_id,
        "policy": "Nghị định 335/2025/NĐ-CP (mặc định)",
        "generated_at": body["generated_at"],
        "ratings": 3,
        "bands": {"excellent": 0, "good": 0, "complete": 3, "not_complete": 0},
        "approved": 0,
        "capped": 0,
    }
    assert body["generated_at"].startswith(f"{september.generated_at:%Y-%m-%dT%H:%M:%S}")
    [own] = ApiClient(officer_a).get("/api/v1/ratings/rounds").json()
    assert own["ratings"] == 3


def test_rating_period_of_the_quarter_and_the_year(
    september: RatingRound, hanoi: Hanoi, city_admin: User
) -> None:
    api = ApiClient(city_admin)
    quarter = _items(api.get("/api/v1/ratings/periods/2026", {"quarter": 3, "kind": "unit"}))
    assert quarter == [
        {
            "kind": "unit",
            "unit_id": hanoi.ward_a.pk,
            "person_id": None,
            "label": "Phường Ba Đình",
            "peer_group": "wards",
            "months": 1,
            "approved_months": 0,
            "total": 54.25,
            "score_band": "complete",
            "band": "complete",
            "cap_applied": False,
            "discipline_id": None,
        }
    ]
    year = _items(api.get("/api/v1/ratings/periods/2026"))
    assert sorted(line["kind"] for line in year) == ["head", "person", "unit"]
    assert _items(api.get("/api/v1/ratings/periods/2026", {"quarter": 2})) == []
    assert api.get("/api/v1/ratings/periods/2026", {"quarter": 5}).status_code == 422


def test_responsibilities_are_scoped_and_filter_open(
    september: RatingRound, city_admin: User, officer_a: User, officer_b: User, hanoi: Hanoi
) -> None:
    record = Responsibility.objects.get(task__code="V09", role="responsible")
    add_follow_up(record, actor=city_admin, text="Đã hoàn thành", close=True)
    api = ApiClient(officer_a)

    every = _items(api.get("/api/v1/responsibilities"))
    still_open = _items(api.get("/api/v1/responsibilities", {"open": "true"}))
    closed = _items(api.get("/api/v1/responsibilities", {"open": "false"}))

    assert len(every) == 4
    assert [(r["task_code"], r["role"]) for r in closed] == [("V09", "responsible")]
    assert len(still_open) == 3
    assert record.pk not in {r["id"] for r in still_open}
    item = closed[0]
    assert item == {
        **item,
        "task_id": record.task_id,
        "title": "Nhiệm vụ V09",
        "person": {"id": officer_a.pk, "username": "officer_a", "full_name": officer_a.full_name},
        "unit": {"id": hanoi.ward_a.pk, "code": "00004", "name": "Phường Ba Đình"},
        "first_month": "2026-09",
        "last_month": "2026-09",
        "deadline": "2026-09-15",
        "days_overdue": 15,
        "reason": "",
        "handling": "",
    }
    assert item["closed_at"] is not None
    assert ApiClient(officer_b).get("/api/v1/responsibilities").json()["count"] == 0
    assert ApiClient(city_admin).get("/api/v1/responsibilities").json()["count"] == 4
