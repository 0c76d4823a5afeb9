"""The inspections part of the JSON API: the list (scoped, surprise inspections hidden from
their targets until started), one inspection with its findings and recommendations, and the
open recommendations."""

import datetime

import pytest

from cchc.accounts.models import User
from cchc.api.tests.helpers import ApiClient
from cchc.inspections.actions import record_verdict, start_inspection
from cchc.inspections.models import Inspection
from cchc.inspections.tests.factories import concluded, finding, inspection_of, started
from cchc.plans.tests.factories import issued_city_plan
from conftest import Hanoi

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(hanoi: Hanoi, inspector: User, city_admin: User) -> dict:
    issued_city_plan(hanoi.city, city_admin)
    both = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a, hanoi.ward_b])
    finding(both, inspector, hanoi.ward_a, description="Tồn tại A")
    finding(both, inspector, hanoi.ward_b, description="Tồn tại B")
    concluded(both, inspector, [hanoi.ward_a, hanoi.ward_b])
    surprise = inspection_of(
        hanoi.inspectorate, inspector, targets=[hanoi.ward_a], kind=Inspection.Kind.SURPRISE
    )
    return {"both": both, "surprise": surprise}


def _ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


def test_list_is_scoped_and_hides_unstarted_surprise(setup, inspector, officer_a, officer_b):
    both, surprise = setup["both"], setup["surprise"]
    assert _ids(ApiClient(inspector).get("/api/v1/inspections")) == [surprise.pk, both.pk]
    assert _ids(ApiClient(officer_a).get("/api/v1/inspections")) == [both.pk]
    start_inspection(surprise, actor=inspector)
    assert set(_ids(ApiClient(officer_a).get("/api/v1/inspections"))) == {both.pk, surprise.pk}
    assert _ids(ApiClient(officer_b).get("/api/v1/inspections", {"kind": "surprise"})) == []
    item = ApiClient(officer_a).get("/api/v1/inspections", {"status": "concluded"}).json()
    assert item["items"][0]["findings"] == 2  # counted on the list; the detail is scoped
    assert item["items"][0]["target_unit_ids"] == sorted(item["items"][0]["target_unit_ids"])


def test_detail_for_inspector_and_inspected_unit(setup, inspector, officer_a, hanoi):
    both = setup["both"]
    full = ApiClient(inspector).get(f"/api/v1/inspections/{both.pk}").json()
    assert full["status"] == "concluded"
    assert [f["description"] for f in full["findings_list"]] == ["Tồn tại A", "Tồn tại B"]
    assert full["team"][0]["role"] == "head"
    assert full["conclusion"]["number"] == "20/TB-TTTP"
    assert [r["reference"] for r in full["recommendations"]] == [
        f"KTCV-{both.pk}-KN1",
        f"KTCV-{both.pk}-KN2",
    ]
    assert all(r["task_id"] for r in full["recommendations"])
    own = ApiClient(officer_a).get(f"/api/v1/inspections/{both.pk}").json()
    assert [f["description"] for f in own["findings_list"]] == ["Tồn tại A"]
    assert [r["unit_id"] for r in own["recommendations"]] == [hanoi.ward_a.pk]


def test_detail_of_unstarted_surprise_is_404_for_target(setup, officer_a):
    response = ApiClient(officer_a).get(f"/api/v1/inspections/{setup['surprise'].pk}")
    assert response.status_code == 404


def test_open_recommendations(setup, inspector, officer_b, hanoi):
    both = setup["both"]
    rows = ApiClient(inspector).get("/api/v1/recommendations/open").json()["items"]
    assert [r["unit_id"] for r in rows] == [hanoi.ward_a.pk, hanoi.ward_b.pk]
    assert rows[0]["days_overdue"] >= 0
    assert rows[0]["inspection_id"] == both.pk
    own = ApiClient(officer_b).get("/api/v1/recommendations/open").json()["items"]
    assert [r["unit_id"] for r in own] == [hanoi.ward_b.pk]
    later = started(
        hanoi.inspectorate, inspector, targets=[hanoi.ward_a], start=datetime.date(2026, 6, 1)
    )
    rec = both.conclusion.recommendations.get(unit=hanoi.ward_a)
    record_verdict(later, rec, actor=inspector, verdict="remedied", evidence="Đã khắc phục")
    rows = ApiClient(inspector).get("/api/v1/recommendations/open").json()["items"]
    assert [r["unit_id"] for r in rows] == [hanoi.ward_b.pk]
    scoped = ApiClient(inspector).get("/api/v1/recommendations/open", {"unit": hanoi.ward_a.pk})
    assert scoped.json()["items"] == []


def test_open_recommendations_query_count(setup, inspector, hanoi, django_assert_max_num_queries):
    client = ApiClient(inspector)
    with django_assert_max_num_queries(8):
        client.get("/api/v1/recommendations/open")
    for n in range(3):
        more = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a], title=f"K{n}")
        concluded(more, inspector, [hanoi.ward_a])
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/recommendations/open").json()["items"]) == 5
    with django_assert_max_num_queries(10):
        assert len(client.get("/api/v1/inspections").json()["items"]) == 5
