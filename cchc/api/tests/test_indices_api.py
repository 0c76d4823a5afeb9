"""The indices part of the JSON API: frameworks, self-assessments (read, score, submit) and the
published results, with the same scoping as the pages. The framework is the small 70 + 30 tree
of cchc/indices/tests/factories.py; ward A and ward B assess themselves in one round."""

import datetime
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation

from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.api.tests.test_api import ApiClient
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_constant_queries, count_queries
from cchc.indices.actions import (
    attach_evidence,
    cite_records,
    create_framework,
    open_round,
    publish_framework,
    score_criterion,
)
from cchc.indices.models import (
    Appraisal,
    Assessment,
    AssessmentRound,
    CouncilMember,
    Framework,
    Result,
    SelfScore,
)
from cchc.indices.tests.factories import tree
from cchc.plans.tests.factories import issued_city_plan, task_in
from conftest import Hanoi, client_for

pytestmark = pytest.mark.django_db

D = Decimal
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _english(settings: Any, tmp_path: Any) -> Iterator[None]:
    """These tests assert messages by their English msgids: run them in English (the
    Vietnamese catalogue is checked by cchc/core/tests/test_translations.py)."""
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


class WriteClient(ApiClient):
    def post(self, path: str, data: dict | None = None) -> Any:
        return self.client.post(
            path,
            json.dumps(data or {}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.key}",
        )


@pytest.fixture
def framework(city_admin: User) -> Framework:
    framework = create_framework(
        actor=city_admin,
        year=2026,
        group="wards",
        title="Bộ chỉ số CCHC 2026",
        nodes=tree(),
        is_illustrative=True,
    )
    return publish_framework(framework, actor=city_admin)


def _open(framework: Framework, actor: User, units: list, title: str = "Tự đánh giá 2026") -> Any:
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    return open_round(framework, actor=actor, title=title, deadline=deadline, units=units)


@pytest.fixture
def index_round(framework: Framework, hanoi: Hanoi, city_admin: User) -> AssessmentRound:
    return _open(framework, city_admin, [hanoi.ward_a, hanoi.ward_b])


@pytest.fixture
def assessment_a(index_round: AssessmentRound, hanoi: Hanoi) -> Assessment:
    return index_round.assessments.get(unit=hanoi.ward_a)


@pytest.fixture
def assessment_b(index_round: AssessmentRound, hanoi: Hanoi) -> Assessment:
    return index_round.assessments.get(unit=hanoi.ward_b)


@pytest.fixture
def council(index_round: AssessmentRound) -> User:
    """A council member of the round (not a member of any unit)."""
    user = UserFactory(username="council")
    CouncilMember.objects.create(round=index_round, user=user, is_chair=True)
    return user


def _member(username: str, unit: Any, role: str) -> User:
    user = UserFactory(username=username)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


def _criterion(assessment: Assessment, code: str) -> Any:
    return assessment.round.framework.criteria.get(code=code)


def _score(assessment: Assessment, actor: User, code: str, points: str, **extra: Any) -> SelfScore:
    return score_criterion(
        assessment, _criterion(assessment, code), actor=actor, points=D(points), **extra
    )


def _fill(assessment: Assessment, actor: User) -> None:
    """Every criterion the unit scores, with the explanation 1.1 requires."""
    _score(assessment, actor, "1.1", "14", explanation="Kế hoạch số 12/KH-UBND")
    _score(assessment, actor, "1.2", "12.5")
    _score(assessment, actor, "4", "0")


def _manual_scores() -> Any:
    """The self-scores the unit gave (opening the round pre-fills the computed ones)."""
    return SelfScore.objects.filter(criterion__method="manual")


def _items(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    return response.json()["items"]


def _refused(response: Any) -> list[tuple[list[str], str]]:
    assert response.status_code == 422, response.content
    return [(item["loc"], item["msg"]) for item in response.json()["detail"]]


# --- schema and authentication -------------------------------------------------------------

READ_PATHS = [
    "/api/v1/indices/frameworks",
    "/api/v1/indices/frameworks/{framework_id}",
    "/api/v1/indices/assessments",
    "/api/v1/indices/assessments/{assessment_id}",
]
WRITE_PATHS = [
    "/api/v1/indices/assessments/{assessment_id}/scores",
    "/api/v1/indices/assessments/{assessment_id}/submit",
]
PUBLIC_PATHS = ["/api/v1/indices/results", "/api/v1/indices/results/{round_id}"]


def test_openapi_documents_every_indices_endpoint(anonymous: Client, db: None) -> None:
    response = anonymous.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]

    for path in READ_PATHS + PUBLIC_PATHS:
        assert set(paths[path]) == {"get"}, path
    for path in WRITE_PATHS:
        assert set(paths[path]) == {"post"}, path
        assert {"200", "422"} <= set(paths[path]["post"]["responses"]), path
        assert paths[path]["post"]["security"] == [{"TokenAuth": []}], path
    for path in READ_PATHS + PUBLIC_PATHS + WRITE_PATHS:
        [operation] = paths[path].values()
        assert operation["tags"] == ["indices"], path
        assert operation["summary"], path
        assert len(operation["description"]) > 40, path
    for path in PUBLIC_PATHS:
        assert "security" not in paths[path]["get"], path
    for path in READ_PATHS:
        assert paths[path]["get"]["security"] == [{"TokenAuth": []}, {"ReadSessionAuth": []}], path
    filters = {p["name"] for p in paths["/api/v1/indices/assessments"]["get"]["parameters"]}
    assert {"round", "page", "page_size"} <= filters


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/indices/frameworks",
        "/api/v1/indices/frameworks/1",
        "/api/v1/indices/assessments",
        "/api/v1/indices/assessments/1",
    ],
)
def test_indices_reads_without_credentials_are_unauthorized(
    anonymous: Client, hanoi: Hanoi, path: str
) -> None:
    response = anonymous.get(path)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_indices_reads_with_a_browser_session_work(
    assessment_a: Assessment, officer_a: User
) -> None:
    client = client_for(officer_a)
    assert [item["id"] for item in _items(client.get("/api/v1/indices/assessments"))] == [
        assessment_a.pk
    ]
    assert client.get(f"/api/v1/indices/assessments/{assessment_a.pk}").status_code == 200
    assert len(client.get("/api/v1/indices/frameworks").json()) == 1


# --- frameworks ----------------------------------------------------------------------------


def test_frameworks_list_the_split_and_thresholds(framework: Framework, inspector: User) -> None:
    body = ApiClient(inspector).get("/api/v1/indices/frameworks").json()
    assert body == [
        {
            "id": framework.pk,
            "year": 2026,
            "group": "wards",
            "title": "Bộ chỉ số CCHC 2026",
            "status": "published",
            "is_illustrative": True,
            "appraisal_max": 70.0,
            "survey_max": 30.0,
            "group_a_min": 90.0,
            "group_b_min": 80.0,
            "group_c_min": 70.0,
            "step": 0.25,
            "published_at": body[0]["published_at"],
        }
    ]
    assert body[0]["published_at"].startswith(f"{framework.published_at:%Y-%m-%dT%H:%M:%S}")


def test_frameworks_newest_year_first(framework: Framework, city_admin: User) -> None:
    create_framework(actor=city_admin, year=2027, group="wards", title="Nháp 2027", nodes=tree())
    body = ApiClient(city_admin).get("/api/v1/indices/frameworks").json()
    assert [(item["year"], item["status"]) for item in body] == [
        (2027, "draft"),
        (2026, "published"),
    ]


def test_framework_read_gives_the_criteria_tree_as_a_flat_list(
    framework: Framework, officer_b: User
) -> None:
    response = ApiClient(officer_b).get(f"/api/v1/indices/frameworks/{framework.pk}")
    body = response.json()

    assert (body["id"], body["notes"], body["copied_from_id"]) == (framework.pk, "", None)
    assert [(c["code"], c["parent_code"], c["max_points"]) for c in body["criteria"]] == [
        ("1", None, 30.0),
        ("1.1", "1", 15.0),
        ("1.2", "1", 15.0),
        ("2", None, 40.0),
        ("2.1", "2", 40.0),
        ("3", None, 30.0),
        ("3.1", "3", 15.0),
        ("3.2", "3", 15.0),
        ("4", None, 5.0),
    ]
    assert body["criteria"][1] == {
        "code": "1.1",
        "parent_code": "1",
        "title": "Kế hoạch CCHC",
        "max_points": 15.0,
        "min_points": 0.0,
        "method": "manual",
        "is_bonus_penalty": False,
        "evidence_required": True,
        "guidance": "",
        "order": 1,
    }
    bonus = body["criteria"][-1]
    assert (bonus["min_points"], bonus["is_bonus_penalty"]) == (-5.0, True)
    assert [c["method"] for c in body["criteria"]][4:8] == [
        "computed",
        "survey",
        "survey",
        "survey",
    ]


def test_framework_read_of_a_missing_framework_is_not_found(hanoi: Hanoi, officer_a: User) -> None:
    response = ApiClient(officer_a).get("/api/v1/indices/frameworks/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


# --- assessments: who sees what ------------------------------------------------------------


def test_assessments_ward_officer_sees_only_their_ward(
    assessment_a: Assessment, assessment_b: Assessment, officer_a: User, officer_b: User
) -> None:
    assert [i["id"] for i in _items(ApiClient(officer_a).get("/api/v1/indices/assessments"))] == [
        assessment_a.pk
    ]
    assert [i["id"] for i in _items(ApiClient(officer_b).get("/api/v1/indices/assessments"))] == [
        assessment_b.pk
    ]


def test_assessments_city_admin_and_council_see_the_whole_round(
    assessment_a: Assessment,
    assessment_b: Assessment,
    framework: Framework,
    hanoi: Hanoi,
    city_admin: User,
    council: User,
    inspector: User,
) -> None:
    other = _open(framework, city_admin, [hanoi.ward_a], title="Vòng khác")
    other_a = other.assessments.get()

    admin_ids = [i["id"] for i in _items(ApiClient(city_admin).get("/api/v1/indices/assessments"))]
    council_ids = [i["id"] for i in _items(ApiClient(council).get("/api/v1/indices/assessments"))]

    assert sorted(admin_ids) == sorted([assessment_a.pk, assessment_b.pk, other_a.pk])
    assert council_ids == [assessment_a.pk, assessment_b.pk]
    assert ApiClient(inspector).get("/api/v1/indices/assessments").json() == {
        "items": [],
        "count": 0,
    }


def test_assessments_filter_by_round(
    index_round: AssessmentRound, framework: Framework, hanoi: Hanoi, city_admin: User
) -> None:
    other = _open(framework, city_admin, [hanoi.ward_a], title="Vòng khác")
    api = ApiClient(city_admin)

    first = _items(api.get("/api/v1/indices/assessments", {"round": index_round.pk}))
    second = _items(api.get("/api/v1/indices/assessments", {"round": other.pk}))

    assert {i["round"]["id"] for i in first} == {index_round.pk}
    assert len(first) == 2
    assert [i["round"]["title"] for i in second] == ["Vòng khác"]
    assert api.get("/api/v1/indices/assessments", {"round": "x"}).status_code == 422


def test_assessments_item_fields(
    assessment_a: Assessment, index_round: AssessmentRound, hanoi: Hanoi, officer_a: User
) -> None:
    _score(assessment_a, officer_a, "1.2", "10")
    [item] = _items(ApiClient(officer_a).get("/api/v1/indices/assessments"))
    assert item == {
        "id": assessment_a.pk,
        "round": {
            "id": index_round.pk,
            "title": "Tự đánh giá 2026",
            "framework_id": index_round.framework_id,
            "year": 2026,
            "group": "wards",
            "deadline": index_round.deadline.isoformat(),
        },
        "unit": {"id": hanoi.ward_a.pk, "code": "00004", "name": "Phường Ba Đình"},
        "status": "draft",
        "submitted_at": None,
        "sent_at": None,
        "response_deadline": None,
        "finalised_at": None,
        "scored": 1,
    }


def test_assessments_query_count_is_constant(
    framework: Framework, hanoi: Hanoi, city_admin: User, officer_a: User
) -> None:
    """One more round (and assessment with a score) at each step."""
    api = ApiClient(city_admin)
    opened = iter(range(10))

    def open_more(n: int) -> None:
        for _ in range(n):
            assessment = _open(framework, city_admin, [hanoi.ward_a], f"Vòng {next(opened)}")
            _score(assessment.assessments.get(), officer_a, "1.2", "5")

    _first, second = assert_constant_queries(
        lambda: api.get("/api/v1/indices/assessments"), open_more
    )
    assert second.json()["count"] == 3
    assert {item["scored"] for item in second.json()["items"]} == {1}


# --- assessment detail ---------------------------------------------------------------------


def test_assessment_read_lists_the_scored_criteria_with_their_evidence(
    assessment_a: Assessment, hanoi: Hanoi, city_admin: User, officer_a: User
) -> None:
    task = task_in(issued_city_plan(hanoi.city, city_admin), hanoi.ward_a, city_admin, code="K1")
    score = _score(assessment_a, officer_a, "1.1", "14", explanation="Kế hoạch số 12")
    attach_evidence(score, actor=officer_a, upload=SimpleUploadedFile("ke-hoach.pdf", PDF))
    cite_records(score, actor=officer_a, tasks=[task], reports=[])
    computed = SelfScore.objects.get(assessment=assessment_a, criterion__code="2.1")

    body = ApiClient(officer_a).get(f"/api/v1/indices/assessments/{assessment_a.pk}").json()

    assert (body["id"], body["status"], body["scored"]) == (assessment_a.pk, "draft", 1)
    assert body["unit"]["name"] == "Phường Ba Đình"
    assert (body["response"], body["responded_at"], body["appraisal_shown"]) == ("", None, False)
    assert [line["code"] for line in body["criteria"]] == ["1.1", "1.2", "2.1", "4"]
    first, second, third, bonus = body["criteria"]
    assert first == {
        "code": "1.1",
        "title": "Kế hoạch CCHC",
        "max_points": 15.0,
        "min_points": 0.0,
        "method": "manual",
        "evidence_required": True,
        "points": 14.0,
        "explanation": "Kế hoạch số 12",
        "calculation": "",
        "version": 1,
        "evidence": ["ke-hoach.pdf"],
        "cited_task_ids": [task.pk],
        "cited_report_ids": [],
        "appraised": None,
    }
    assert (second["points"], second["version"], second["evidence"]) == (None, None, [])
    assert (third["method"], third["points"], third["version"]) == ("computed", 40.0, 1)
    assert third["calculation"] == computed.calculation
    assert computed.calculation  # pre-filled when the round was opened
    assert (bonus["min_points"], bonus["max_points"]) == (-5.0, 5.0)


def test_assessment_read_of_another_ward_is_not_found(
    assessment_b: Assessment, officer_a: User, inspector: User
) -> None:
    hidden = ApiClient(officer_a).get(f"/api/v1/indices/assessments/{assessment_b.pk}")
    missing = ApiClient(officer_a).get("/api/v1/indices/assessments/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"detail": "Not Found"}
    assert (
        ApiClient(inspector).get(f"/api/v1/indices/assessments/{assessment_b.pk}").status_code
        == 404
    )


def test_assessment_read_by_council_and_other_rounds(
    assessment_b: Assessment, framework: Framework, hanoi: Hanoi, city_admin: User, council: User
) -> None:
    other = _open(framework, city_admin, [hanoi.ward_a], title="Vòng khác").assessments.get()
    api = ApiClient(council)
    assert api.get(f"/api/v1/indices/assessments/{assessment_b.pk}").status_code == 200
    assert api.get(f"/api/v1/indices/assessments/{other.pk}").status_code == 404


def _appraise(assessment: Assessment, code: str, points: str) -> None:
    Appraisal.objects.create(
        assessment=assessment, criterion=_criterion(assessment, code), points=D(points)
    )


def _appraised(api: ApiClient, assessment: Assessment) -> tuple[bool, dict[str, Any]]:
    body = api.get(f"/api/v1/indices/assessments/{assessment.pk}").json()
    return body["appraisal_shown"], {line["code"]: line["appraised"] for line in body["criteria"]}


def test_assessment_read_withholds_the_appraisal_from_the_unit_until_it_is_sent(
    assessment_a: Assessment, officer_a: User, city_admin: User, council: User
) -> None:
    _fill(assessment_a, officer_a)
    Assessment.objects.filter(pk=assessment_a.pk).update(status=Assessment.Status.SUBMITTED)
    _appraise(assessment_a, "1.1", "12")
    decided = {"1.1": 12.0, "1.2": None, "2.1": None, "4": None}

    assert _appraised(ApiClient(officer_a), assessment_a) == (
        False,
        dict.fromkeys(decided),
    )
    assert _appraised(ApiClient(council), assessment_a) == (True, decided)
    assert _appraised(ApiClient(city_admin), assessment_a) == (True, decided)

    Assessment.objects.filter(pk=assessment_a.pk).update(status=Assessment.Status.APPRAISED)
    assert _appraised(ApiClient(officer_a), assessment_a) == (True, decided)


def test_assessment_read_uses_few_queries(assessment_a: Assessment, officer_a: User) -> None:
    _fill(assessment_a, officer_a)
    api = ApiClient(officer_a)
    url = f"/api/v1/indices/assessments/{assessment_a.pk}"
    api.get(url)
    queries, response = count_queries(lambda: api.get(url))
    assert response.status_code == 200
    assert queries <= 10, queries


# --- scoring -------------------------------------------------------------------------------


def _scores_url(assessment: Assessment) -> str:
    return f"/api/v1/indices/assessments/{assessment.pk}/scores"


def test_score_post_saves_the_self_score_and_its_audit_event(
    assessment_a: Assessment, officer_a: User
) -> None:
    response = WriteClient(officer_a).post(
        _scores_url(assessment_a),
        {"criterion": "1.2", "points": 12.5, "explanation": " Kiểm tra 12/15 đơn vị "},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {
        "criterion": "1.2",
        "points": 12.5,
        "explanation": "Kiểm tra 12/15 đơn vị",
        "calculation": "",
        "version": 1,
        "updated_at": body["updated_at"],
    }
    score = _manual_scores().get()
    assert (score.assessment, score.criterion.code, score.points) == (
        assessment_a,
        "1.2",
        D("12.5"),
    )
    event = AuditEvent.objects.get(verb="indices.score")
    assert (event.actor, event.changes) == (officer_a, {"points": [None, "12.5"]})


def test_score_post_by_the_unit_head_works(
    assessment_a: Assessment, hanoi: Hanoi, officer_a: User
) -> None:
    head = _member("head_a", hanoi.ward_a, Membership.Role.HEAD)
    response = WriteClient(head).post(_scores_url(assessment_a), {"criterion": "4", "points": -2})
    assert response.status_code == 200, response.content
    assert _manual_scores().get().points == D(-2)


def test_score_post_with_a_stale_version_is_refused(
    assessment_a: Assessment, officer_a: User
) -> None:
    api = WriteClient(officer_a)
    url = _scores_url(assessment_a)
    assert api.post(url, {"criterion": "1.2", "points": 10}).json()["version"] == 1
    second = api.post(url, {"criterion": "1.2", "points": 11, "version": 1})
    assert second.json()["version"] == 2

    stale = api.post(url, {"criterion": "1.2", "points": 9, "version": 1})

    assert _refused(stale) == [
        (
            ["body"],
            "Someone else changed this score while you were editing it. Reload and try again.",
        )
    ]
    assert _manual_scores().get().points == D(11)


@pytest.mark.parametrize(
    ("data", "loc", "message"),
    [
        (
            {"criterion": "1.1", "points": 15.25},
            ["body", "points"],
            "1.1: the points must be between 0.00 and 15.00.",
        ),
        (
            {"criterion": "1.2", "points": -1},
            ["body", "points"],
            "1.2: the points must be between 0.00 and 15.00.",
        ),
        (
            {"criterion": "4", "points": -5.5},
            ["body", "points"],
            "4: the points must be between -5.00 and 5.00.",
        ),
        (
            {"criterion": "1.2", "points": 7.3},
            ["body", "points"],
            "Score in steps of 0.25 points.",
        ),
        (
            {"criterion": "2.1", "points": 10},
            ["body"],
            "The unit does not score this criterion itself.",
        ),
        (
            {"criterion": "3.1", "points": 10},
            ["body"],
            "The unit does not score this criterion itself.",
        ),
        (
            {"criterion": "9.9", "points": 1},
            ["body", "criterion"],
            "9.9: the framework has no criterion with this code.",
        ),
    ],
)
def test_score_post_refused_with_the_specific_message_and_nothing_saved(
    assessment_a: Assessment, officer_a: User, data: dict, loc: list, message: str
) -> None:
    response = WriteClient(officer_a).post(_scores_url(assessment_a), data)
    assert _refused(response) == [(loc, message)]
    assert not _manual_scores().exists()
    assert not AuditEvent.objects.filter(verb="indices.score").exists()


def test_score_post_with_a_missing_field_is_a_schema_error(
    assessment_a: Assessment, officer_a: User
) -> None:
    response = WriteClient(officer_a).post(_scores_url(assessment_a), {"criterion": "1.2"})
    assert response.status_code == 422
    assert not _manual_scores().exists()


def test_score_post_after_submission_is_refused(assessment_a: Assessment, officer_a: User) -> None:
    api = WriteClient(officer_a)
    _fill(assessment_a, officer_a)
    assert api.post(f"/api/v1/indices/assessments/{assessment_a.pk}/submit").status_code == 200

    response = api.post(_scores_url(assessment_a), {"criterion": "1.2", "points": 15})

    assert _refused(response) == [
        (["body"], "The assessment was submitted: it can no longer be changed.")
    ]
    assert SelfScore.objects.get(criterion__code="1.2").points == D("12.5")


def test_score_post_by_anyone_but_the_unit_s_scorers_is_not_found(
    assessment_a: Assessment,
    hanoi: Hanoi,
    officer_b: User,
    city_admin: User,
    council: User,
) -> None:
    viewer = _member("viewer_a", hanoi.ward_a, Membership.Role.VIEWER)
    data = {"criterion": "1.2", "points": 10}
    for user in (officer_b, city_admin, council, viewer):
        response = WriteClient(user).post(_scores_url(assessment_a), data)
        assert response.status_code == 404, user.username
    assert (
        WriteClient(officer_b).post("/api/v1/indices/assessments/999999/scores", data).status_code
        == 404
    )
    assert not _manual_scores().exists()


def test_score_post_with_a_browser_session_is_unauthorized(
    assessment_a: Assessment, officer_a: User
) -> None:
    response = client_for(officer_a).post(
        _scores_url(assessment_a),
        json.dumps({"criterion": "1.2", "points": 10}),
        content_type="application/json",
    )
    assert response.status_code == 401
    assert not _manual_scores().exists()


# --- submission ----------------------------------------------------------------------------


def _submit_url(assessment: Assessment) -> str:
    return f"/api/v1/indices/assessments/{assessment.pk}/submit"


def test_submit_post_lists_every_problem_and_changes_nothing(
    assessment_a: Assessment, officer_a: User
) -> None:
    api = WriteClient(officer_a)
    assert _refused(api.post(_submit_url(assessment_a))) == [
        (["body"], "1.1: not scored yet."),
        (["body"], "1.2: not scored yet."),
        (["body"], "4: not scored yet."),
    ]
    _score(assessment_a, officer_a, "1.1", "14")
    _score(assessment_a, officer_a, "4", "1")

    assert _refused(api.post(_submit_url(assessment_a))) == [
        (["body"], "1.1: attach an evidence document, cite a record or write an explanation."),
        (["body"], "1.2: not scored yet."),
    ]
    assessment_a.refresh_from_db()
    assert (assessment_a.status, assessment_a.submitted_at) == ("draft", None)
    assert not AuditEvent.objects.filter(verb="indices.submit").exists()


def test_submit_post_locks_the_assessment(assessment_a: Assessment, officer_a: User) -> None:
    _fill(assessment_a, officer_a)
    api = WriteClient(officer_a)

    response = api.post(_submit_url(assessment_a))

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["status"], body["scored"]) == (assessment_a.pk, "submitted", 3)
    assert body["submitted_at"] is not None
    assessment_a.refresh_from_db()
    assert (assessment_a.status, assessment_a.submitted_by) == ("submitted", officer_a)
    assert AuditEvent.objects.get(verb="indices.submit").actor == officer_a
    assert _refused(api.post(_submit_url(assessment_a))) == [
        (["body"], "The assessment was submitted: it can no longer be changed.")
    ]


def test_submit_post_by_another_ward_or_a_session_is_refused(
    assessment_a: Assessment, officer_a: User, officer_b: User
) -> None:
    _fill(assessment_a, officer_a)
    assert WriteClient(officer_b).post(_submit_url(assessment_a)).status_code == 404
    assert client_for(officer_a).post(_submit_url(assessment_a)).status_code == 401
    assessment_a.refresh_from_db()
    assert assessment_a.status == "draft"


# --- published results ---------------------------------------------------------------------


def _result(
    index_round: AssessmentRound, unit: Any, rank: int, points: tuple[str, str], **extra: Any
) -> Result:
    """A result row as publishing writes it: out of 100 points, so the total is the percent."""
    appraised, survey = D(points[0]), D(points[1])
    return Result.objects.create(
        round=index_round,
        unit=unit,
        unit_name=unit.name,
        appraised=appraised,
        survey=survey,
        total=appraised + survey,
        percent=appraised + survey,
        rank=rank,
        **extra,
    )


@pytest.fixture
def published(index_round: AssessmentRound, hanoi: Hanoi, city_admin: User) -> AssessmentRound:
    index_round.published_at = timezone.now()
    index_round.published_by = city_admin
    index_round.save()
    areas = [
        {"code": "1", "title": "Công tác chỉ đạo, điều hành", "points": 28.5, "max": 30, "rank": 1}
    ]
    _result(index_round, hanoi.ward_b, 2, ("55.00", "23.50"), group="C")
    _result(
        index_round,
        hanoi.ward_a,
        1,
        ("64.00", "27.25"),
        group="A",
        previous_percent=D("88.00"),
        areas=areas,
        rank_median=1.0,
        rank_q05=1.0,
        rank_q95=1.5,
    )
    return index_round


def test_results_are_public(published: AssessmentRound, anonymous: Client) -> None:
    body = anonymous.get("/api/v1/indices/results").json()
    assert body == [
        {
            "id": published.pk,
            "title": "Tự đánh giá 2026",
            "framework_id": published.framework_id,
            "framework": "Bộ chỉ số CCHC 2026",
            "year": 2026,
            "group": "wards",
            "is_illustrative": True,
            "published_at": body[0]["published_at"],
            "results": 2,
        }
    ]


def test_results_of_a_round_rank_the_units(
    published: AssessmentRound, hanoi: Hanoi, anonymous: Client
) -> None:
    response = anonymous.get(f"/api/v1/indices/results/{published.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["round"]["id"] == published.pk
    assert body["round"]["results"] == 2
    assert body["results"] == [
        {
            "rank": 1,
            "unit_id": hanoi.ward_a.pk,
            "unit_code": "00004",
            "unit_name": "Phường Ba Đình",
            "appraised": 64.0,
            "survey": 27.25,
            "total": 91.25,
            "percent": 91.25,
            "group": "A",
            "previous_percent": 88.0,
            "areas": [
                {
                    "code": "1",
                    "title": "Công tác chỉ đạo, điều hành",
                    "points": 28.5,
                    "max": 30,
                    "rank": 1,
                }
            ],
            "rank_median": 1.0,
            "rank_q05": 1.0,
            "rank_q95": 1.5,
        },
        {
            "rank": 2,
            "unit_id": hanoi.ward_b.pk,
            "unit_code": "00070",
            "unit_name": "Phường Hoàn Kiếm",
            "appraised": 55.0,
            "survey": 23.5,
            "total": 78.5,
            "percent": 78.5,
            "group": "C",
            "previous_percent": None,
            "areas": [],
            "rank_median": None,
            "rank_q05": None,
            "rank_q95": None,
        },
    ]


def test_results_show_an_ungrouped_unit_with_a_null_group(
    published: AssessmentRound, hanoi: Hanoi, anonymous: Client
) -> None:
    Result.objects.filter(unit=hanoi.ward_b).update(group="", percent=D("65.00"))
    results = anonymous.get(f"/api/v1/indices/results/{published.pk}").json()["results"]
    assert [(r["unit_code"], r["group"]) for r in results] == [("00004", "A"), ("00070", None)]


def test_results_of_an_unpublished_round_are_not_found(
    index_round: AssessmentRound, hanoi: Hanoi, anonymous: Client, city_admin: User
) -> None:
    _result(
        index_round, hanoi.ward_a, 1, ("64.00", "27.25"), group="A"
    )  # computed, not yet published

    assert anonymous.get("/api/v1/indices/results").json() == []
    for client in (anonymous, client_for(city_admin)):
        response = client.get(f"/api/v1/indices/results/{index_round.pk}")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not Found"}
    assert anonymous.get("/api/v1/indices/results/999999").status_code == 404


def test_results_read_uses_few_queries(published: AssessmentRound, anonymous: Client) -> None:
    queries, response = count_queries(
        lambda: anonymous.get(f"/api/v1/indices/results/{published.pk}")
    )
    assert response.status_code == 200
    assert queries <= 3, queries
