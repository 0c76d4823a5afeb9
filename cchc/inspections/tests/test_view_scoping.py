"""Every inspections page for each persona: the owner (the inspector who heads the team) reads
and changes it; officer A of the inspected ward reads what concerns its ward and changes
nothing (403); officer B of another ward does not see it (404); the city viewer reads and
changes nothing; anonymous users go to the login page. Each answer is checked against what the
page shows or what stays unchanged, not only its status code."""

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_shows, html
from cchc.inspections.models import (
    FindingFile,
    Inspection,
    InspectionPlan,
    Recommendation,
    TeamMember,
    Verdict,
)
from cchc.inspections.tests.factories import (
    concluded,
    finding,
    inspection_of,
    photo,
    reinspection,
    started,
)

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


@pytest.fixture
def in_progress(hanoi: Any, inspector: User) -> Inspection:
    """An inspection of ward A by the city inspectorate, started, with one finding and photo."""
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    finding(inspection, inspector, hanoi.ward_a, files=[photo()])
    return inspection


def url(name: str, inspection: Inspection, *args: Any) -> str:
    return reverse(f"inspections:{name}", args=[inspection.pk, *args])


def test_the_detail_page_for_each_persona(
    in_progress: Inspection,
    inspector: User,
    officer_a: User,
    officer_b: User,
    city_viewer: User,
    login: Login,
):
    page = html(login(inspector).get(url("detail", in_progress)))
    assert "Kiểm tra công vụ quý I" in page
    assert 'data-testid="team-form"' in page  # the owner manages the team
    assert "Cán bộ một cửa đi muộn 30 phút" in page
    target = login(officer_a).get(url("detail", in_progress))
    assert "Cán bộ một cửa đi muộn 30 phút" in html(target)  # the finding about its own ward
    assert target.context["manage"] is False
    assert 'data-testid="team-form"' not in html(target)
    viewer = login(city_viewer).get(url("detail", in_progress))
    assert viewer.context["manage"] is False
    assert viewer.context["may_record"] is False
    assert "Kiểm tra công vụ quý I" in html(viewer)
    assert login(officer_b).get(url("detail", in_progress)).status_code == 404


def test_anonymous_users_go_to_the_login_page(client: Client, in_progress: Inspection):
    for address in (
        reverse("inspections:list"),
        reverse("inspections:overview"),
        reverse("inspections:recommendations"),
        reverse("inspections:plans"),
        url("detail", in_progress),
        url("finding_add", in_progress),
        url("minutes_pdf", in_progress),
    ):
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"] == f"/accounts/login/?next={address}", address


def test_only_the_managers_add_to_the_team(
    in_progress: Inspection, officer_a: User, officer_b: User, city_viewer: User, login: Login
):
    post = {"role": "member", "name": "Lê Văn C", "position": "Sở Nội vụ"}
    assert login(officer_a).post(url("team_add", in_progress), post).status_code == 403
    assert login(city_viewer).post(url("team_add", in_progress), post).status_code == 403
    assert login(officer_b).post(url("team_add", in_progress), post).status_code == 404
    assert in_progress.team.count() == 1
    assert not AuditEvent.objects.filter(verb="inspections.add_member").exists()


def test_the_owner_adds_an_outside_member_from_the_page(
    in_progress: Inspection, inspector: User, login: Login
):
    client = login(inspector)
    response = client.post(
        url("team_add", in_progress), {"role": "member", "name": "Lê Văn C", "position": "Sở"}
    )
    assert response["Location"] == in_progress.get_absolute_url()
    assert in_progress.team.filter(name="Lê Văn C", role=TeamMember.Role.MEMBER).exists()
    assert "Lê Văn C" in html(client.get(url("detail", in_progress)))


def test_only_the_managers_start_an_inspection(
    hanoi: Any, inspector: User, officer_a: User, officer_b: User, login: Login
):
    planned = inspection_of(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    assert login(officer_a).post(url("start", planned)).status_code == 403
    assert login(officer_b).post(url("start", planned)).status_code == 404
    planned.refresh_from_db()
    assert planned.status == Inspection.Status.PLANNED
    assert not AuditEvent.objects.filter(verb="inspections.start").exists()


def test_starting_twice_shows_the_refusal(in_progress: Inspection, inspector: User, login: Login):
    client = login(inspector)
    response = client.post(url("start", in_progress), follow=True)
    assert "This inspection has already started." in html(response)
    assert AuditEvent.objects.filter(verb="inspections.start").count() == 1


def test_the_finding_form_is_for_the_team_only(
    in_progress: Inspection,
    city_admin: User,
    officer_a: User,
    officer_b: User,
    city_viewer: User,
    login: Login,
):
    """The city administrator manages the inspection but is not on its team: no finding."""
    post = {"unit": "", "item": "", "severity": "minor", "description": "x"}
    for user in (city_admin, officer_a, city_viewer):
        assert login(user).get(url("finding_add", in_progress)).status_code == 403
        assert login(user).post(url("finding_add", in_progress), post).status_code == 403
    assert login(officer_b).get(url("finding_add", in_progress)).status_code == 404
    assert in_progress.findings.count() == 1


def test_the_finding_form_shows_the_scope_to_the_team(
    in_progress: Inspection, inspector: User, login: Login
):
    response = login(inspector).get(url("finding_add", in_progress))
    page = html(response)
    assert 'data-testid="finding-form"' in page
    assert "Phường Ba Đình" in page
    assert list(response.context["form"].fields["unit"].queryset) == [
        t.unit for t in in_progress.targets.all()
    ]


def test_a_finding_photo_reaches_who_sees_the_finding(
    in_progress: Inspection, inspector: User, officer_a: User, officer_b: User, login: Login
):
    stored = FindingFile.objects.get()
    address = reverse("inspections:finding_file", args=[stored.pk])
    download = login(officer_a).get(address)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    assert "anh-hien-truong.png" in download["Content-Disposition"]
    assert login(inspector).get(address).status_code == 200
    assert login(officer_b).get(address).status_code == 404


def test_a_finding_photo_about_another_target_is_hidden_from_this_one(
    hanoi: Any, inspector: User, officer_a: User, login: Login
):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a, hanoi.ward_b])
    finding(inspection, inspector, hanoi.ward_b, files=[photo("phuong-b.png")])
    stored = FindingFile.objects.get()
    address = reverse("inspections:finding_file", args=[stored.pk])
    assert login(officer_a).get(address).status_code == 404  # ward A sees its own findings only
    assert "phuong-b.png" not in html(login(officer_a).get(url("detail", inspection)))


def test_the_conclusion_form_is_for_the_managers(
    in_progress: Inspection,
    inspector: User,
    officer_a: User,
    officer_b: User,
    city_viewer: User,
    login: Login,
):
    assert login(officer_a).get(url("conclude", in_progress)).status_code == 403
    assert login(city_viewer).post(url("conclude", in_progress), {}).status_code == 403
    assert login(officer_b).get(url("conclude", in_progress)).status_code == 404
    page = html(login(inspector).get(url("conclude", in_progress)))
    assert 'data-testid="conclusion-form"' in page
    assert page.count('name="rec-') >= 3 * 3  # three empty recommendation rows
    in_progress.refresh_from_db()
    assert in_progress.status == Inspection.Status.IN_PROGRESS


def test_a_concluded_inspection_cannot_be_concluded_again_from_the_page(
    in_progress: Inspection, inspector: User, city_plan: Any, login: Login
):
    concluded(in_progress, inspector, [in_progress.targets.get().unit])
    response = login(inspector).get(url("conclude", in_progress), follow=True)
    assert "Only an inspection in progress can be concluded." in html(response)
    assert Recommendation.objects.count() == 1


def test_the_minutes_are_for_the_managers(
    in_progress: Inspection,
    inspector: User,
    officer_a: User,
    officer_b: User,
    city_viewer: User,
    login: Login,
):
    for user in (officer_a, city_viewer):
        assert login(user).get(url("minutes_docx", in_progress)).status_code == 403
        assert login(user).get(url("minutes_pdf", in_progress)).status_code == 403
    assert login(officer_b).get(url("minutes_docx", in_progress)).status_code == 404
    docx = login(inspector).get(url("minutes_docx", in_progress))
    document = Document(io.BytesIO(docx.content))
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    text = "\n".join([*(p.text for p in document.paragraphs), *cells])
    assert "BIÊN BẢN" in text
    assert "Cán bộ một cửa đi muộn 30 phút" in text


def test_the_reinspection_page_lists_the_earlier_recommendations_to_the_team(
    hanoi: Any,
    inspector: User,
    officer_a: User,
    officer_b: User,
    city_plan: Any,
    login: Login,
):
    later, rec = reinspection(hanoi.inspectorate, inspector, hanoi.ward_a)
    response = login(inspector).get(url("reinspection", later))
    assert [row["rec"] for row in response.context["rows"]] == [rec]
    assert rec.reference in html(response)
    assert response.context["rows"][0]["form"] is not None  # the team may judge it
    assert login(officer_a).get(url("reinspection", later)).status_code == 403
    assert login(officer_b).get(url("reinspection", later)).status_code == 404


def test_a_verdict_from_a_manager_outside_the_team_is_refused(
    hanoi: Any, inspector: User, city_admin: User, officer_a: User, city_plan: Any, login: Login
):
    later, rec = reinspection(hanoi.inspectorate, inspector, hanoi.ward_a)
    post = {f"r{rec.pk}-verdict": "remedied", f"r{rec.pk}-evidence": "Đã chấn chỉnh"}
    assert login(city_admin).post(url("verdict", later, rec.pk), post).status_code == 403
    assert login(officer_a).post(url("verdict", later, rec.pk), post).status_code == 403
    assert not Verdict.objects.exists()
    rec.refresh_from_db()
    assert rec.is_open


def test_the_recommendation_list_for_each_persona(
    hanoi: Any,
    inspector: User,
    officer_a: User,
    officer_b: User,
    city_viewer: User,
    city_plan: Any,
    login: Login,
):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    rec = concluded(inspection, inspector, [hanoi.ward_a]).recommendations.get()
    address = reverse("inspections:recommendations")
    for user in (inspector, officer_a, city_viewer):
        response = login(user).get(address)
        assert list(response.context["page"]) == [rec], user
        assert rec.reference in html(response)
    other = login(officer_b).get(address)
    assert list(other.context["page"]) == []
    assert rec.reference not in html(other)


def findings_counted(response: Any) -> int:
    return sum(sum(row["counts"]) for row in response.context["by_item"]["items"])


def test_the_overview_counts_only_what_the_reader_sees(
    in_progress: Inspection, officer_a: User, officer_b: User, city_viewer: User, login: Login
):
    own = login(officer_a).get(reverse("inspections:overview"), {"year": 2026})
    assert (own.context["started"], findings_counted(own)) == (1, 1)
    other = login(officer_b).get(reverse("inspections:overview"), {"year": 2026})
    assert (other.context["started"], findings_counted(other)) == (0, 0)
    assert [u.code for u in other.context["never"]] == ["00070"]
    viewer = login(city_viewer).get(reverse("inspections:overview"), {"year": 2026})
    assert viewer.context["started"] == 1
    assert 'data-testid="overview-figures"' in html(viewer)


def test_the_plan_list_for_each_persona(
    hanoi: Any, inspector: User, officer_a: User, city_viewer: User, login: Login
):
    InspectionPlan.objects.create(unit=hanoi.inspectorate, year=2026, title="Kế hoạch 2026")
    address = reverse("inspections:plans")
    owner = login(inspector).get(address)
    assert owner.context["form"] is not None
    assert "Kế hoạch 2026" in html(owner)
    viewer = login(city_viewer).get(address)
    assert viewer.context["form"] is None  # reads, creates nothing
    assert "Kế hoạch 2026" in html(viewer)
    assert login(city_viewer).post(address, {"year": 2027, "title": "x"}).status_code == 403
    ward = login(officer_a).get(address)
    assert list(ward.context["plans"]) == []  # the inspectorate is not ward A's unit
    assert InspectionPlan.objects.count() == 1


def test_the_list_for_the_viewer_and_the_other_ward(
    in_progress: Inspection, officer_b: User, city_viewer: User, login: Login
):
    viewer = login(city_viewer).get(reverse("inspections:list"))
    assert list(viewer.context["page"]) == [in_progress]
    assert viewer.context["may_create"] is False
    other = login(officer_b).get(reverse("inspections:list"))
    assert list(other.context["page"]) == []
    assert "Kiểm tra công vụ quý I" not in html(other)


def test_a_surprise_inspection_stays_hidden_from_its_target_until_it_starts(
    hanoi: Any, inspector: User, officer_a: User, city_viewer: User, login: Login
):
    """The city viewer sees the inspectorate's work; the target learns of it at the start."""
    planned = inspection_of(
        hanoi.inspectorate, inspector, targets=[hanoi.ward_a], kind=Inspection.Kind.SURPRISE
    )
    assert login(officer_a).get(url("detail", planned)).status_code == 404
    assert list(login(officer_a).get(reverse("inspections:list")).context["page"]) == []
    assert login(city_viewer).get(url("detail", planned)).status_code == 200
    login(inspector).post(url("start", planned))
    target = login(officer_a).get(url("detail", planned))
    assert "Kiểm tra công vụ quý I" in html(target)


def test_an_incognito_inspection_reaches_its_target_only_once_concluded(
    hanoi: Any, inspector: User, officer_a: User, city_plan: Any, login: Login
):
    inspection = started(
        hanoi.inspectorate, inspector, targets=[hanoi.ward_a], kind=Inspection.Kind.INCOGNITO
    )
    finding(inspection, inspector, hanoi.ward_a)
    assert login(officer_a).get(url("detail", inspection)).status_code == 404
    concluded(inspection, inspector, [hanoi.ward_a])
    page = login(officer_a).get(url("detail", inspection))
    assert [r.unit for r in page.context["recommendations"]] == [hanoi.ward_a]
    assert "Cán bộ một cửa đi muộn 30 phút" in html(page)


def test_a_target_reads_only_the_recommendations_to_its_own_ward(
    hanoi: Any, inspector: User, officer_a: User, city_plan: Any, login: Login
):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a, hanoi.ward_b])
    concluded(inspection, inspector, [hanoi.ward_a, hanoi.ward_b])
    page = login(officer_a).get(url("detail", inspection))
    assert [r.unit for r in page.context["recommendations"]] == [hanoi.ward_a]
    assert "Phường Hoàn Kiếm" not in html(page).split('data-testid="conclusion"')[1]
    owner = login(inspector).get(url("detail", inspection))
    assert len(owner.context["recommendations"]) == 2


def test_an_invalid_team_member_form_shows_a_message_and_adds_no_one(
    in_progress: Inspection, inspector: User, login: Login
):
    response = login(inspector).post(url("team_add", in_progress), {"role": "chief"}, follow=True)
    assert_shows(response, "Check the team member's details.")
    assert in_progress.team.count() == 1


def test_a_verdict_without_evidence_from_the_page_shows_a_message(
    hanoi: Any, inspector: User, city_plan: Any, login: Login
):
    later, rec = reinspection(hanoi.inspectorate, inspector, hanoi.ward_a)
    response = login(inspector).post(
        url("verdict", later, rec.pk), {f"r{rec.pk}-verdict": "remedied"}, follow=True
    )
    assert "Choose a verdict and describe the evidence." in html(response)
    assert not Verdict.objects.exists()


def test_the_recommendation_xlsx_of_another_ward_is_empty(
    hanoi: Any, inspector: User, officer_b: User, city_plan: Any, login: Login
):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    rec = concluded(inspection, inspector, [hanoi.ward_a]).recommendations.get()
    export = login(officer_b).get(reverse("inspections:recommendations"), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Mã kiến nghị"
    assert rec.reference not in {row[0] for row in rows}
