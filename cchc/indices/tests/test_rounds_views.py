"""The self-assessment pages: rounds and their progress, opening a round, the unit's assessment
(scoring, evidence, citations, submission, the council's points and the response), per persona,
with the N+1 guards."""

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import count_queries, html
from cchc.indices.actions import (
    attach_evidence,
    create_framework,
    open_round,
    propose,
    publish_framework,
    score_criterion,
    send_appraisal,
    set_council,
)
from cchc.indices.models import (
    Assessment,
    AssessmentRound,
    EvidenceDocument,
    Framework,
    SelfScore,
)
from cchc.indices.tests.factories import tree
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from cchc.plans.actions import create_plan
from cchc.plans.tests.factories import task_in
from conftest import Hanoi, client_for

D = Decimal
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _english(settings: Any, tmp_path: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


@pytest.fixture
def framework(city_admin: User) -> Framework:
    framework = create_framework(
        actor=city_admin, year=2026, group="wards", title="Bộ chỉ số 2026", nodes=tree()
    )
    return publish_framework(framework, actor=city_admin)


@pytest.fixture
def rating_round(framework: Framework, hanoi: Hanoi, city_admin: User) -> AssessmentRound:
    return open_round(
        framework,
        actor=city_admin,
        title="Tự đánh giá 2026",
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        units=[hanoi.ward_a, hanoi.ward_b],
    )


@pytest.fixture
def assessment(rating_round: AssessmentRound, hanoi: Hanoi) -> Assessment:
    return rating_round.assessments.get(unit=hanoi.ward_a)


@pytest.fixture
def viewer_a(hanoi: Hanoi) -> User:
    user = UserFactory(username="viewer_a")
    MembershipFactory(user=user, unit=hanoi.ward_a, role=Membership.Role.VIEWER)
    return user


def leaf(assessment: Assessment, code: str) -> Any:
    return assessment.round.framework.criteria.get(code=code)


def score_url(assessment: Assessment, code: str) -> str:
    return reverse("indices:assessment_score", args=[assessment.pk, leaf(assessment, code).pk])


def said(response: HttpResponse) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def score_all(assessment: Assessment, actor: User) -> None:
    """Score every manual leaf, with an explanation."""
    for code, points in (("1.1", "14"), ("1.2", "12.5"), ("4", "0")):
        score_criterion(
            assessment, leaf(assessment, code), actor=actor, points=D(points), explanation="KH 12"
        )


# --- rounds ------------------------------------------------------------------------------------


def test_round_list_counts_every_status_for_the_city_administrator(
    rating_round: AssessmentRound, assessment: Assessment, officer_a: User, admin_client_: Client
) -> None:
    score_all(assessment, officer_a)
    client_for(officer_a).post(reverse("indices:assessment_submit", args=[assessment.pk]))

    page = html(admin_client_.get(reverse("indices:rounds")))

    assert 'data-testid="draft">1<' in page
    assert 'data-testid="submitted">1<' in page
    assert 'data-testid="finalised">0<' in page
    assert "Tự đánh giá 2026" in page


def test_round_list_shows_a_unit_only_its_own_assessment(
    rating_round: AssessmentRound, assessment: Assessment, client_a: Client
) -> None:
    page = html(client_a.get(reverse("indices:rounds")))
    assert assessment.get_absolute_url() in page
    assert "Phường Hoàn Kiếm" not in page
    assert 'data-testid="draft"' not in page


def test_round_list_reads_a_constant_number_of_queries(
    framework: Framework, hanoi: Hanoi, city_admin: User, admin_client_: Client
) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            open_round(
                framework,
                actor=city_admin,
                title="Vòng",
                deadline=timezone.localdate(),
                units=[hanoi.ward_a, hanoi.ward_b],
            )

    add(1)
    admin_client_.get(reverse("indices:rounds"))
    one, _ = count_queries(lambda: admin_client_.get(reverse("indices:rounds")))
    add(2)
    three, response = count_queries(lambda: admin_client_.get(reverse("indices:rounds")))
    assert one == three <= 8
    assert html(response).count("data-round=") == 3


def test_city_admin_opens_a_round_with_the_units_ticked(
    framework: Framework, hanoi: Hanoi, admin_client_: Client
) -> None:
    url = reverse("indices:round_open")
    chosen = html(admin_client_.get(url, {"framework": framework.pk}))
    assert chosen.count('name="units"') == 2
    assert chosen.count("checked") == 2
    deadline = timezone.localdate() + datetime.timedelta(days=10)

    response = admin_client_.post(
        url,
        {
            "framework": framework.pk,
            "title": "Tự đánh giá năm 2026",
            "deadline": deadline.isoformat(),
            "units": [hanoi.ward_a.pk],
            "majority_percent": "60",
            "response_days": "7",
        },
    )

    rating_round = AssessmentRound.objects.get()
    assert response.url == reverse("indices:round", args=[rating_round.pk])
    assert (rating_round.majority_percent, rating_round.response_days) == (D(60), 7)
    assert [a.unit for a in rating_round.assessments.all()] == [hanoi.ward_a]
    assert SelfScore.objects.get(criterion__code="2.1").calculation
    assert said(response) == ["The round was opened for 1 units."]


def test_open_round_refuses_a_past_deadline_and_non_admins(
    framework: Framework, hanoi: Hanoi, admin_client_: Client, client_a: Client
) -> None:
    url = reverse("indices:round_open")
    data = {
        "framework": framework.pk,
        "title": "x",
        "deadline": "2020-01-01",
        "units": [hanoi.ward_a.pk],
        "majority_percent": "50",
        "response_days": "5",
    }
    response = admin_client_.post(url, data)
    assert "The deadline cannot be in the past." in html(response)
    assert not AssessmentRound.objects.exists()
    assert client_a.get(url).status_code == 403
    assert client_a.post(url, data).status_code == 403


def test_round_page_shows_progress_to_the_city_administrator(
    rating_round: AssessmentRound, assessment: Assessment, officer_a: User, admin_client_: Client
) -> None:
    score = score_criterion(assessment, leaf(assessment, "1.1"), actor=officer_a, points=D(14))
    attach_evidence(score, actor=officer_a, upload=SimpleUploadedFile("kh.pdf", PDF))
    score_criterion(assessment, leaf(assessment, "1.2"), actor=officer_a, points=D(10))

    page = html(admin_client_.get(reverse("indices:round", args=[rating_round.pk])))

    assert 'data-testid="count-all">2<' in page
    assert 'data-testid="count-draft">2<' in page
    assert 'data-testid="scored">2/3<' in page
    assert 'data-testid="scored">0/3<' in page
    assert 'data-testid="evidenced">1<' in page
    assert "Phường Hoàn Kiếm" in page


def test_city_admin_closes_an_unsubmitted_assessment_from_the_round_page(
    rating_round: AssessmentRound, assessment: Assessment, admin_client_: Client, client_a: Client
) -> None:
    url = reverse("indices:round", args=[rating_round.pk])
    assert 'data-testid="close-form"' not in html(admin_client_.get(url))  # deadline ahead
    AssessmentRound.objects.filter(pk=rating_round.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert html(admin_client_.get(url)).count('data-testid="close-form"') == 2
    close = reverse("indices:assessment_close", args=[assessment.pk])
    # A ward's officer may not close it: the view is marked @city_admin, which refuses with 403
    # before the record is looked up, and nothing changes.
    assert client_a.post(close, {"reason": "x"}).status_code == 403
    assessment.refresh_from_db()
    assert (assessment.status, assessment.closed_reason) == ("draft", "")
    response = admin_client_.post(close, {"reason": "Không nộp đúng hạn"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.closed_reason) == ("submitted", "Không nộp đúng hạn")
    page = html(admin_client_.get(url))
    assert page.count('data-testid="close-form"') == 1
    assert "closed by the city" in page
    unit_page = html(client_a.get(reverse("indices:assessment", args=[assessment.pk])))
    assert "Không nộp đúng hạn" in unit_page
    # An empty reason is refused with the message; nothing changes.
    other = rating_round.assessments.exclude(pk=assessment.pk).get()
    refused = admin_client_.post(
        reverse("indices:assessment_close", args=[other.pk]), {"reason": " "}
    )
    assert "Say why the self-assessment is closed." in said(refused)
    other.refresh_from_db()
    assert other.status == "draft"


def test_round_page_filters_by_status(
    rating_round: AssessmentRound, assessment: Assessment, officer_a: User, admin_client_: Client
) -> None:
    score_all(assessment, officer_a)
    client_for(officer_a).post(reverse("indices:assessment_submit", args=[assessment.pk]))
    url = reverse("indices:round", args=[rating_round.pk])

    page = html(admin_client_.get(url, {"status": "submitted"}))

    assert "Phường Ba Đình" in page
    assert "Phường Hoàn Kiếm" not in page


def test_council_members_see_the_round_and_a_unit_only_its_own_link(
    rating_round: AssessmentRound,
    assessment: Assessment,
    city_admin: User,
    inspector: User,
    client_a: Client,
    officer_b: User,
) -> None:
    url = reverse("indices:round", args=[rating_round.pk])
    outsider = client_for(inspector)
    assert outsider.get(url).status_code == 404
    set_council(rating_round, actor=city_admin, members=[inspector], chair=inspector)

    council_page = html(outsider.get(url))
    unit_page = html(client_a.get(url))

    assert "Phường Hoàn Kiếm" in council_page
    assert reverse("indices:council", args=[rating_round.pk]) in council_page
    assert assessment.get_absolute_url() in unit_page
    other = rating_round.assessments.get(unit__code="00070")
    assert other.get_absolute_url() not in unit_page
    assert "Phường Hoàn Kiếm" not in unit_page


def test_round_page_reads_at_most_twelve_queries_for_thirty_units(
    framework: Framework, hanoi: Hanoi, city_admin: User, admin_client_: Client
) -> None:
    units = [
        OrgUnitFactory(code=f"9{n:04d}", kind=OrgUnit.Kind.WARD, parent=hanoi.city)
        for n in range(30)
    ]
    rating_round = open_round(
        framework, actor=city_admin, title="Vòng", deadline=timezone.localdate(), units=units
    )
    url = reverse("indices:round", args=[rating_round.pk])
    admin_client_.get(url)
    queries, response = count_queries(lambda: admin_client_.get(url))
    assert html(response).count("data-unit=") == 30
    assert queries <= 12


# --- the assessment: who sees and does what ----------------------------------------------------


def test_a_ward_officer_sees_and_scores_only_their_own_ward(
    rating_round: AssessmentRound, assessment: Assessment, client_a: Client, client_b: Client
) -> None:
    own = client_a.get(assessment.get_absolute_url())
    assert own.status_code == 200
    assert 'data-testid="score-form"' in html(own)
    assert client_b.get(assessment.get_absolute_url()).status_code == 404
    refused = client_b.post(score_url(assessment, "1.1"), {"points": "10"})
    assert refused.status_code == 404
    assert not SelfScore.objects.filter(criterion__code="1.1").exists()


def test_a_viewer_of_the_unit_reads_but_cannot_post(
    assessment: Assessment, viewer_a: User, officer_a: User
) -> None:
    score_criterion(assessment, leaf(assessment, "1.1"), actor=officer_a, points=D(14))
    client = client_for(viewer_a)

    page = client.get(assessment.get_absolute_url())

    assert page.status_code == 200
    assert 'data-testid="score-form"' not in html(page)
    assert 'data-testid="submit-form"' not in html(page)
    assert client.post(score_url(assessment, "1.1"), {"points": "10"}).status_code == 403
    submit = reverse("indices:assessment_submit", args=[assessment.pk])
    assert client.post(submit).status_code == 403
    assert SelfScore.objects.get(criterion__code="1.1").points == D(14)


def test_a_city_viewer_reads_every_self_assessment_of_the_city_and_scores_none(
    rating_round: AssessmentRound, hanoi: Hanoi, city_viewer: User
) -> None:
    """Issue #17: the demo's city viewer saw "no self-assessment round"."""
    client = client_for(city_viewer)
    rounds = html(client.get(reverse("indices:rounds")))
    assert "Tự đánh giá 2026" in rounds
    assert "Phường Ba Đình" in rounds
    assert "Phường Hoàn Kiếm" in rounds
    assert client.get(reverse("indices:round", args=[rating_round.pk])).status_code == 200
    other = rating_round.assessments.get(unit=hanoi.ward_b)
    page = client.get(other.get_absolute_url())
    assert page.status_code == 200
    assert 'data-testid="score-form"' not in html(page)
    assert client.post(score_url(other, "1.1"), {"points": "10"}).status_code == 403
    assert not SelfScore.objects.filter(assessment=other, criterion__code="1.1").exists()


def test_council_member_reads_the_assessment(
    rating_round: AssessmentRound, assessment: Assessment, city_admin: User, inspector: User
) -> None:
    set_council(rating_round, actor=city_admin, members=[inspector], chair=inspector)
    page = client_for(inspector).get(assessment.get_absolute_url())
    assert page.status_code == 200
    assert 'data-testid="score-form"' not in html(page)


# --- scoring through the page --------------------------------------------------------------------


def test_scoring_a_leaf_saves_it_and_redirects(
    assessment: Assessment, client_a: Client, officer_a: User
) -> None:
    response = client_a.post(
        score_url(assessment, "1.1"), {"points": "13.5", "explanation": "KH số 12/KH-UBND"}
    )

    score = SelfScore.objects.get(criterion__code="1.1")
    assert (score.points, score.explanation) == (D("13.5"), "KH số 12/KH-UBND")
    assert response.url == f"{assessment.get_absolute_url()}#c-{score.criterion_id}"
    assert said(response) == ["1.1: the self-score was saved."]
    assert AuditEvent.objects.filter(verb="indices.score", actor=officer_a).count() == 1


def test_scoring_with_htmx_answers_the_leaf_and_the_totals(
    assessment: Assessment, client_a: Client
) -> None:
    response = client_a.post(score_url(assessment, "1.2"), {"points": "10"}, headers=HTMX)

    page = html(response)
    assert response.status_code == 200
    assert 'data-testid="saved"' in page
    assert 'id="totals"' in page
    assert 'hx-swap-oob="true"' in page
    assert "<html" not in page
    assert SelfScore.objects.get(criterion__code="1.2").points == D(10)


@pytest.mark.parametrize(
    ("code", "points", "message"),
    [
        ("1.1", "15.25", "1.1: the points must be between 0.00 and 15.00."),
        ("1.1", "-1", "1.1: the points must be between 0.00 and 15.00."),
        ("1.2", "7.3", "Score in steps of 0.25 points."),
        ("2.1", "10", "The unit does not score this criterion itself."),
    ],
)
def test_scoring_refuses_bad_points_with_the_message(
    assessment: Assessment, client_a: Client, code: str, points: str, message: str
) -> None:
    response = client_a.post(score_url(assessment, code), {"points": points})
    assert message in " ".join(said(response))
    assert not SelfScore.objects.filter(criterion__method="manual").exists()

    partial = client_a.post(score_url(assessment, code), {"points": points}, headers=HTMX)
    assert message in html(partial)


def test_a_bonus_or_penalty_may_be_negative_through_the_page(
    assessment: Assessment, client_a: Client
) -> None:
    client_a.post(score_url(assessment, "4"), {"points": "-2.5"})
    assert SelfScore.objects.get(criterion__code="4").points == D("-2.5")


def test_a_stale_version_is_refused(assessment: Assessment, client_a: Client) -> None:
    client_a.post(score_url(assessment, "1.2"), {"points": "10"})
    score = SelfScore.objects.get(criterion__code="1.2")
    client_a.post(score_url(assessment, "1.2"), {"points": "11", "version": score.version})
    stale = client_a.post(score_url(assessment, "1.2"), {"points": "9", "version": score.version})
    assert "Someone else changed this score" in " ".join(said(stale))
    assert SelfScore.objects.get(criterion__code="1.2").points == D(11)


def test_editing_after_submission_is_refused(
    assessment: Assessment, client_a: Client, officer_a: User
) -> None:
    score_all(assessment, officer_a)
    submitted = client_a.post(reverse("indices:assessment_submit", args=[assessment.pk]))
    assert said(submitted) == ["The self-assessment was submitted: it is now locked."]

    response = client_a.post(score_url(assessment, "1.1"), {"points": "1"})

    assert "it can no longer be changed" in " ".join(said(response))
    assert SelfScore.objects.get(criterion__code="1.1").points == D(14)
    page = html(client_a.get(assessment.get_absolute_url()))
    assert 'data-testid="score-form"' not in page
    assert 'data-testid="submit-form"' not in page


# --- evidence and citations ----------------------------------------------------------------------


def test_evidence_upload_and_download(
    assessment: Assessment, client_a: Client, client_b: Client, officer_a: User
) -> None:
    score_criterion(assessment, leaf(assessment, "1.1"), actor=officer_a, points=D(14))
    url = reverse("indices:assessment_evidence", args=[assessment.pk, leaf(assessment, "1.1").pk])

    response = client_a.post(url, {"file": SimpleUploadedFile("ke-hoach.pdf", PDF)})

    document = EvidenceDocument.objects.get()
    assert said(response) == ["1.1: the evidence document was attached."]
    assert document.original_name == "ke-hoach.pdf"
    download_url = reverse("indices:evidence_download", args=[document.pk])
    assert download_url in html(client_a.get(assessment.get_absolute_url()))
    download = client_a.get(download_url)
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/octet-stream"
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert client_b.get(download_url).status_code == 404


def test_evidence_needs_a_score_and_a_valid_file(
    assessment: Assessment, client_a: Client, officer_a: User
) -> None:
    url = reverse("indices:assessment_evidence", args=[assessment.pk, leaf(assessment, "1.1").pk])
    first = client_a.post(url, {"file": SimpleUploadedFile("kh.pdf", PDF)})
    assert said(first) == ["1.1: score the criterion before attaching evidence."]
    score_criterion(assessment, leaf(assessment, "1.1"), actor=officer_a, points=D(14))
    bad = client_a.post(url, {"file": SimpleUploadedFile("kh.exe", b"MZ\x90\x00")})
    assert said(bad)[-1].startswith("1.1: kh.exe: this type of file is not accepted")
    assert not EvidenceDocument.objects.exists()


@pytest.fixture
def tasks(hanoi: Hanoi, city_admin: User) -> dict[str, Any]:
    plan = create_plan(actor=city_admin, unit=hanoi.city, year=2026, title="KH 2026")
    return {
        "own": task_in(plan, hanoi.ward_a, city_admin, code="A1"),
        "other": task_in(plan, hanoi.ward_b, city_admin, code="B1"),
    }


def test_citing_the_units_own_task(
    assessment: Assessment, client_a: Client, officer_a: User, tasks: dict[str, Any]
) -> None:
    score_criterion(assessment, leaf(assessment, "1.1"), actor=officer_a, points=D(14))
    url = reverse("indices:assessment_cite", args=[assessment.pk, leaf(assessment, "1.1").pk])
    page = html(client_a.get(assessment.get_absolute_url()))
    assert "A1 · " in page
    assert "B1 · " not in page

    response = client_a.post(url, {"tasks": [tasks["own"].pk]})

    assert said(response) == ["1.1: the cited records were saved."]
    score = SelfScore.objects.get(criterion__code="1.1")
    assert list(score.cited_tasks.all()) == [tasks["own"]]
    assert AuditEvent.objects.get(verb="indices.cite").changes == {"tasks": [[], ["A1"]]}


def test_citing_another_units_task_is_refused(
    assessment: Assessment, client_a: Client, officer_a: User, tasks: dict[str, Any]
) -> None:
    score_criterion(assessment, leaf(assessment, "1.1"), actor=officer_a, points=D(14))
    url = reverse("indices:assessment_cite", args=[assessment.pk, leaf(assessment, "1.1").pk])

    response = client_a.post(url, {"tasks": [tasks["own"].pk, tasks["other"].pk]})

    assert "Select a valid choice" in " ".join(said(response))
    assert not SelfScore.objects.get(criterion__code="1.1").cited_tasks.exists()
    assert not AuditEvent.objects.filter(verb="indices.cite").exists()


# --- submission ------------------------------------------------------------------------------


def test_submit_without_evidence_or_explanation_names_the_code(
    assessment: Assessment, client_a: Client, officer_a: User, tasks: dict[str, Any]
) -> None:
    score_criterion(assessment, leaf(assessment, "1.1"), actor=officer_a, points=D(14))
    score_criterion(assessment, leaf(assessment, "1.2"), actor=officer_a, points=D(10))
    url = reverse("indices:assessment_submit", args=[assessment.pk])

    refused = client_a.post(url)

    assert said(refused) == [
        "The self-assessment cannot be submitted yet:",
        "1.1: attach an evidence document, cite a record or write an explanation.",
        "4: not scored yet.",
    ]
    assessment.refresh_from_db()
    assert not assessment.is_submitted

    score_criterion(assessment, leaf(assessment, "4"), actor=officer_a, points=D(0))
    cite = reverse("indices:assessment_cite", args=[assessment.pk, leaf(assessment, "1.1").pk])
    client_a.post(cite, {"tasks": [tasks["own"].pk]})
    client_a.post(url)
    assessment.refresh_from_db()
    assert assessment.is_submitted


# --- the appraisal and the unit's response ---------------------------------------------------


@pytest.fixture
def sent(
    rating_round: AssessmentRound,
    assessment: Assessment,
    officer_a: User,
    city_admin: User,
    inspector: User,
) -> Assessment:
    score_all(assessment, officer_a)
    client_for(officer_a).post(reverse("indices:assessment_submit", args=[assessment.pk]))
    set_council(rating_round, actor=city_admin, members=[inspector], chair=inspector)
    assessment.refresh_from_db()
    propose(assessment, leaf(assessment, "1.1"), actor=inspector, points=D(12), reason="Thiếu KH")
    return send_appraisal(assessment, actor=inspector)


def test_the_unit_sees_the_councils_points_and_responds_once(
    sent: Assessment, client_a: Client
) -> None:
    page = html(client_a.get(sent.get_absolute_url()))
    assert 'data-testid="decided"' in page
    assert "<strong>12</strong>" in page
    assert 'data-testid="respond-form"' in page
    url = reverse("indices:assessment_respond", args=[sent.pk])

    response = client_a.post(url, {"text": "Đơn vị đã ban hành KH số 12."})

    assert said(response) == ["The unit's response was sent to the council."]
    sent.refresh_from_db()
    assert sent.response == "Đơn vị đã ban hành KH số 12."
    again = client_a.post(url, {"text": "Lần hai"})
    assert said(again)[-1] == "The unit has already responded: only one response is allowed."
    page = html(client_a.get(sent.get_absolute_url()))
    assert 'data-testid="respond-form"' not in page
    assert "Đơn vị đã ban hành KH số 12." in page


def test_a_response_after_the_window_is_refused(sent: Assessment, client_a: Client) -> None:
    Assessment.objects.filter(pk=sent.pk).update(
        response_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert 'data-testid="respond-form"' not in html(client_a.get(sent.get_absolute_url()))

    response = client_a.post(
        reverse("indices:assessment_respond", args=[sent.pk]), {"text": "Muộn"}
    )

    assert "The time to respond ended on" in said(response)[0]
    sent.refresh_from_db()
    assert sent.response == ""


def test_only_the_units_scorers_respond(sent: Assessment, viewer_a: User, inspector: User) -> None:
    url = reverse("indices:assessment_respond", args=[sent.pk])
    assert client_for(viewer_a).post(url, {"text": "x"}).status_code == 403
    assert client_for(inspector).post(url, {"text": "x"}).status_code == 403


# --- N+1 guard on the assessment page ------------------------------------------------------------


def test_the_assessment_page_reads_a_constant_number_of_queries(
    assessment: Assessment, officer_a: User, client_a: Client, tasks: dict[str, Any]
) -> None:
    url = assessment.get_absolute_url()
    client_a.get(url)
    empty, _ = count_queries(lambda: client_a.get(url))
    for code in ("1.1", "1.2", "4"):
        score = score_criterion(assessment, leaf(assessment, code), actor=officer_a, points=D(0))
        attach_evidence(score, actor=officer_a, upload=SimpleUploadedFile("a.pdf", PDF))
        attach_evidence(score, actor=officer_a, upload=SimpleUploadedFile("b.pdf", PDF))
        score.cited_tasks.add(tasks["own"])
    full, response = count_queries(lambda: client_a.get(url))
    assert html(response).count("/indices/evidence/") == 6
    assert empty == full <= 12
