"""The procedures part of the JSON API, through HTTP: the scoped, paginated catalogue, one
procedure, a plan's compliance cost and the overview figures."""

from decimal import Decimal

import pytest

from cchc.api.tests.helpers import ApiClient
from cchc.procedures.actions import (
    BaselineInput,
    PlanFigures,
    approve_simplification_plan,
    approve_workflow,
    set_procedure_baseline,
)
from cchc.procedures.models import Review
from cchc.procedures.tests.factories import (
    DECISION_DATE,
    catalogue,
    plan_for,
    procedure_of,
    reviewed,
    row,
    workflow_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(hanoi, city_admin):
    catalogue(
        city_admin,
        [row(), row("2.000100", name="Cấp phép xây dựng", field="Xây dựng", units="00070")],
    )
    birth = procedure_of(city_admin, hanoi.ward_a, days="3")
    reviewed(city_admin, birth, hanoi.ward_a, Review.Proposal.SIMPLIFY)
    plan = plan_for(city_admin, birth, hanoi.ward_a)
    approve_simplification_plan(
        plan, actor=city_admin, decision_number="5/QĐ", decision_date=DECISION_DATE
    )
    workflow = workflow_for(city_admin, birth, hanoi.ward_a)
    approve_workflow(
        workflow, actor=city_admin, decision_number="7/QĐ", decision_date=DECISION_DATE
    )
    return {"birth": birth, "plan": plan, "workflow": workflow}


def test_list_is_scoped_paginated_and_filtered(setup, city_admin, officer_a, hanoi):
    everything = ApiClient(city_admin).get("/api/v1/procedures/").json()
    assert everything["count"] == 2
    assert [p["code"] for p in everything["items"]] == ["1.000001", "2.000100"]
    own = ApiClient(officer_a).get("/api/v1/procedures/").json()
    assert [p["code"] for p in own["items"]] == ["1.000001"]
    assert own["items"][0]["unit_ids"] == [hanoi.ward_a.pk]
    assert own["items"][0]["processing_days"] == 3.0
    found = ApiClient(city_admin).get("/api/v1/procedures/", {"q": "xay dung"}).json()
    assert [p["code"] for p in found["items"]] == ["2.000100"]
    by_field = ApiClient(city_admin).get("/api/v1/procedures/", {"field": "Hộ tịch"}).json()
    assert [p["code"] for p in by_field["items"]] == ["1.000001"]
    hidden = ApiClient(officer_a).get("/api/v1/procedures/", {"unit": hanoi.ward_b.pk}).json()
    assert hidden["count"] == 0
    paged = ApiClient(city_admin).get("/api/v1/procedures/", {"page_size": 1, "page": 2}).json()
    assert [p["code"] for p in paged["items"]] == ["2.000100"]


def test_detail_with_versions_plans_and_workflows(setup, officer_a, officer_b):
    birth = setup["birth"]
    body = ApiClient(officer_a).get(f"/api/v1/procedures/{birth.pk}").json()
    assert body["documents"][1] == {"name": "Giấy chứng sinh", "originals": 1, "copies": 1}
    assert [v["number"] for v in body["versions"]] == [1]
    assert body["plans"][0]["saving"] == 1_980_000_000
    assert body["plans"][0]["cut_pct"] == "33.67"
    assert body["workflows"][0]["status"] == "approved"
    assert body["workflows"][0]["decision_number"] == "7/QĐ"
    assert ApiClient(officer_b).get(f"/api/v1/procedures/{birth.pk}").status_code == 404


def test_compliance_cost_of_a_plan(setup, officer_a, officer_b):
    url = f"/api/v1/procedures/plans/{setup['plan'].pk}/compliance-cost"
    body = ApiClient(officer_a).get(url).json()
    assert (body["before"], body["after"], body["saving"], body["cut_pct"]) == (
        5_880_000_000,
        3_900_000_000,
        1_980_000_000,
        "33.67",
    )
    assert body["steps"]["before"] == {
        "hours": "120.00",
        "hourly_value": 40_000,
        "work": 4_800_000,
        "fees": 100_000,
        "other": 0,
        "one": 4_900_000,
        "times_per_year": 1,
        "subjects": 1200,
        "yearly": 5_880_000_000,
    }
    assert ApiClient(officer_b).get(url).status_code == 404


def test_overview_figures_are_scoped(setup, city_admin, officer_b):
    body = ApiClient(city_admin).get("/api/v1/procedures/overview", {"year": 2026}).json()
    assert body["total"] == {
        "label": "2026",
        "reviewed": 1,
        "abolished": 0,
        "plans_approved": 1,
        "workflows_approved": 1,
        "yearly_saving": 1_980_000_000,
        "cut_pct": "33.67",
    }
    assert body["target_cut_pct"] == "30.00"
    assert [f["label"] for f in body["fields"]] == ["Hộ tịch"]
    assert [y["label"] for y in body["years"]] == ["2026"]
    for year in (10_000, -5):  # out of range: a 422, not a server error
        assert (
            ApiClient(city_admin).get("/api/v1/procedures/overview", {"year": year}).status_code
            == 422
        )
    other = ApiClient(officer_b).get("/api/v1/procedures/overview", {"year": 2026}).json()
    assert other["total"]["reviewed"] == 0
    assert other["units"] == []


def test_anonymous_is_refused(setup, client):
    assert client.get("/api/v1/procedures/").status_code == 401


@pytest.fixture
def fifty_in_scope(hanoi, city_admin):
    """Fifty business procedures with 2024 baselines, the first five cut by 40% (their plans
    approved in 2026), half implemented by each ward."""
    rows = [
        row(f"1.{n:06d}", days="6" if n < 5 else "10", units="00004" if n % 2 else "00070")
        for n in range(50)
    ]
    procedures = catalogue(city_admin, rows)
    for procedure in procedures:
        set_procedure_baseline(
            procedure, actor=city_admin, baseline=BaselineInput(True, 2024, Decimal(10), 4_000_000)
        )
    figures = PlanFigures(
        hours_before=Decimal(100),
        hours_after=Decimal(60),
        fees_before=0,
        fees_after=0,
        times_per_year=1,
        subjects_per_year=1,
    )
    for n, procedure in enumerate(procedures[:5]):
        plan = plan_for(city_admin, procedure, hanoi.ward_a if n % 2 else hanoi.ward_b, figures)
        approve_simplification_plan(
            plan, actor=city_admin, decision_number="9/QĐ", decision_date=DECISION_DATE
        )


def test_targets_are_scoped(fifty_in_scope, city_admin, officer_a):
    data = ApiClient(city_admin).get("/api/v1/procedures/targets", {"year": 2026}).json()
    assert data["target_pct"] == {"time": 50.0, "cost": 50.0}
    assert data["cost_cut_pct"] == 4.0
    assert data["procedures_in_scope"] == 50
    own = ApiClient(officer_a).get("/api/v1/procedures/targets", {"year": 2026}).json()
    assert own["procedures_in_scope"] == 25
    assert ApiClient(city_admin).get("/api/v1/procedures/targets", {"year": 2023}).status_code == (
        404
    )
