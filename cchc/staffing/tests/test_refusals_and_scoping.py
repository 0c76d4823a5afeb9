"""Every refusal of the staffing actions (each ValidationError path, nothing written) and the
audit event of each success; every page's scoping: the owner reads it, officer B of another
ward gets 404 (a unit they do not see) or 403 (a page for others), the city viewer reads but
changes nothing, anonymous users go to the login page."""

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import html, pdf_text
from cchc.orgunits.models import OrgUnit
from cchc.staffing.actions import (
    HeadcountInput,
    record_headcount,
    set_successor_shares,
    update_policy,
)
from cchc.staffing.models import MIN_YEAR, Headcount, StaffingPolicy, SuccessorShare
from cchc.staffing.tests.factories import MERGED_ON, legacy_ward, record

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


@pytest.fixture
def figures(hanoi: Any, city_admin: User) -> None:
    record(hanoi.ward_a, 2015, 30, 10, actor=city_admin)
    record(hanoi.ward_a, 2021, 27, 9, actor=city_admin)
    record(hanoi.ward_b, 2015, 40, 0, actor=city_admin)
    record(hanoi.ward_b, 2021, 38, 0, actor=city_admin)


@pytest.fixture
def split(hanoi: Any, city_admin: User) -> OrgUnit:
    """A pre-2025 ward shared between wards A and B."""
    unit = legacy_ward("00010", "Phường Điện Biên (cũ)", successors=[hanoi.ward_a, hanoi.ward_b])
    record(unit, 2021, 10, 0, actor=city_admin)
    return unit


def nothing_recorded() -> bool:
    return (
        not Headcount.objects.exists()
        and not AuditEvent.objects.filter(verb="staffing.record").exists()
    )


# --- record_headcount --------------------------------------------------------------------------


def test_an_ended_unit_has_no_figures_after_the_year_it_ended(hanoi: Any, city_admin: User):
    old = legacy_ward("00001", "Phường Phúc Xá (cũ)", successors=[hanoi.ward_a])
    with pytest.raises(ValidationError) as error:
        record_headcount(old, actor=city_admin, year=2026, figures=HeadcountInput(1, 1), version=0)
    assert error.value.message_dict == {
        "year": ["Phường Phúc Xá (cũ) ended on 01/07/2025: it has no figures for 2026."]
    }
    assert nothing_recorded()


def test_a_merged_unit_has_no_figures_before_it_began(hanoi: Any, city_admin: User):
    OrgUnit.objects.filter(pk=hanoi.ward_a.pk).update(valid_from=MERGED_ON)
    legacy_ward("00001", "Phường Phúc Xá (cũ)", successors=[hanoi.ward_a])
    ward_a = OrgUnit.objects.get(pk=hanoi.ward_a.pk)
    with pytest.raises(ValidationError) as error:
        record_headcount(
            ward_a, actor=city_admin, year=2024, figures=HeadcountInput(1, 1), version=0
        )
    assert error.value.message_dict == {
        "year": ["Phường Ba Đình exists from 01/07/2025: it has no figures for 2024."]
    }
    assert nothing_recorded()


def test_a_unit_without_predecessors_keeps_its_earlier_history(hanoi: Any, city_admin: User):
    """The departments re-registered on 01/07/2025 had figures before: they are accepted."""
    OrgUnit.objects.filter(pk=hanoi.home_affairs.pk).update(valid_from=MERGED_ON)
    department = OrgUnit.objects.get(pk=hanoi.home_affairs.pk)
    saved = record_headcount(
        department, actor=city_admin, year=2020, figures=HeadcountInput(50, 5), version=0
    )
    assert (saved.year, saved.civil_assigned) == (2020, 50)


def test_more_budget_paid_posts_than_public_posts_are_refused(hanoi: Any, officer_a: User):
    with pytest.raises(ValidationError) as error:
        record_headcount(
            hanoi.ward_a,
            actor=officer_a,
            year=2025,
            figures=HeadcountInput(10, 5, public_budget_assigned=6),
            version=0,
        )
    assert error.value.message_dict == {
        "public_budget_assigned": [
            "The posts paid from the state budget cannot exceed the public-employee posts."
        ]
    }
    assert nothing_recorded()


def test_a_version_for_a_record_that_does_not_exist_is_refused(hanoi: Any, officer_a: User):
    with pytest.raises(ValidationError) as error:
        record_headcount(
            hanoi.ward_a, actor=officer_a, year=2025, figures=HeadcountInput(1, 1), version=3
        )
    assert error.value.messages == [
        "Someone else has changed the figures of Phường Ba Đình for 2025 meanwhile. "
        "Reload the page to see them, then enter yours again."
    ]
    assert nothing_recorded()


def test_the_year_before_the_first_is_refused_by_its_field(hanoi: Any, officer_a: User):
    with pytest.raises(ValidationError) as error:
        record_headcount(
            hanoi.ward_a,
            actor=officer_a,
            year=MIN_YEAR - 1,
            figures=HeadcountInput(1, 1),
            version=0,
        )
    assert list(error.value.message_dict) == ["year"]
    assert nothing_recorded()


def test_the_audit_event_names_the_unit_the_year_and_every_figure(hanoi: Any, city_admin: User):
    saved = record_headcount(
        hanoi.ward_b,
        actor=city_admin,
        year=2024,
        figures=HeadcountInput(20, 8, civil_actual=19, public_actual=7, public_budget_assigned=6),
        version=0,
    )
    event = AuditEvent.objects.get(verb="staffing.record")
    assert (event.actor, event.target_id, event.unit_id) == (
        city_admin,
        str(saved.pk),
        hanoi.ward_b.pk,
    )
    assert event.details == {"year": 2024}
    assert event.changes == {
        "civil_assigned": [None, 20],
        "civil_actual": [None, 19],
        "public_assigned": [None, 8],
        "public_budget_assigned": [None, 6],
        "public_actual": [None, 7],
    }


# --- update_policy -----------------------------------------------------------------------------


def test_a_baseline_year_in_the_future_is_refused(city_admin: User):
    policy = StaffingPolicy.current()
    next_year = datetime.date.today().year + 1
    with pytest.raises(ValidationError) as error:
        update_policy(
            policy,
            actor=city_admin,
            baseline_year=next_year,
            target_percent=Decimal(10),
            version=policy.version,
        )
    assert list(error.value.message_dict) == ["baseline_year"]
    assert StaffingPolicy.current().baseline_year == 2015
    assert not AuditEvent.objects.filter(verb="staffing.update_policy").exists()


def test_a_baseline_year_before_the_first_is_refused(city_admin: User):
    policy = StaffingPolicy.current()
    with pytest.raises(ValidationError) as error:
        update_policy(
            policy,
            actor=city_admin,
            baseline_year=MIN_YEAR - 1,
            target_percent=Decimal(10),
            version=policy.version,
        )
    assert error.value.message_dict["baseline_year"] == [
        f"The baseline year must be between {MIN_YEAR} and {datetime.date.today().year}."
    ]


@pytest.mark.parametrize("target", ["100.01", "12.345", "-1"])
def test_a_target_out_of_range_or_too_precise_is_refused(city_admin: User, target: str):
    policy = StaffingPolicy.current()
    with pytest.raises(ValidationError) as error:
        update_policy(
            policy,
            actor=city_admin,
            baseline_year=2015,
            target_percent=Decimal(target),
            version=policy.version,
        )
    assert error.value.message_dict == {
        "target_percent": ["The target must be above 0% and at most 100%, two decimals."]
    }
    assert StaffingPolicy.current().target_percent == Decimal("10.00")


def test_a_target_of_exactly_100_percent_is_accepted_and_audited(city_admin: User):
    policy = StaffingPolicy.current()
    update_policy(
        policy, actor=city_admin, baseline_year=2015, target_percent=Decimal(100), version=1
    )
    event = AuditEvent.objects.get(verb="staffing.update_policy")
    assert event.target_id == str(policy.pk)
    assert event.changes == {"target_percent": ["10.00", "100"]}


# --- set_successor_shares ----------------------------------------------------------------------


def shares_refused(unit: OrgUnit, actor: User, shares: dict[int, Decimal]) -> list[str]:
    with pytest.raises(ValidationError) as error:
        set_successor_shares(unit, actor=actor, shares=shares)
    assert not SuccessorShare.objects.exists()
    assert not AuditEvent.objects.filter(verb="staffing.set_shares").exists()
    return error.value.messages


def test_only_city_administrators_set_shares(split: OrgUnit, hanoi: Any, officer_a: User):
    shares = {hanoi.ward_a.pk: Decimal(50), hanoi.ward_b.pk: Decimal(50)}
    assert shares_refused(split, officer_a, shares) == [
        "Only city administrators set the successor shares."
    ]


def test_a_current_unit_has_no_shares(hanoi: Any, city_admin: User):
    assert shares_refused(hanoi.ward_a, city_admin, {hanoi.ward_b.pk: Decimal(100)}) == [
        "Phường Ba Đình has not ended: its figures stay its own."
    ]


def test_an_ended_unit_without_successors_has_no_shares(hanoi: Any, city_admin: User):
    alone = legacy_ward("00011", "Phường Cũ (không kế thừa)", successors=[])
    assert shares_refused(alone, city_admin, {hanoi.ward_a.pk: Decimal(100)}) == [
        "Phường Cũ (không kế thừa) has no successor to share its figures."
    ]


def test_a_share_for_a_unit_that_is_not_a_successor_is_refused(
    split: OrgUnit, hanoi: Any, city_admin: User
):
    shares = {
        hanoi.ward_a.pk: Decimal(50),
        hanoi.ward_b.pk: Decimal(40),
        hanoi.inspectorate.pk: Decimal(10),
    }
    assert shares_refused(split, city_admin, shares) == [
        "Thanh tra Thành phố is not a successor of Phường Điện Biên (cũ)."
    ]


def test_a_missing_share_is_named(split: OrgUnit, hanoi: Any, city_admin: User):
    assert shares_refused(split, city_admin, {hanoi.ward_a.pk: Decimal(100)}) == [
        "A share is missing for Phường Hoàn Kiếm."
    ]


def test_a_share_out_of_range_is_refused(split: OrgUnit, hanoi: Any, city_admin: User):
    shares = {hanoi.ward_a.pk: Decimal(120), hanoi.ward_b.pk: Decimal(-20)}
    assert shares_refused(split, city_admin, shares) == [
        "A share is a percent from 0 to 100, two decimals at most."
    ]


def test_shares_that_do_not_add_up_to_100_are_refused(split: OrgUnit, hanoi: Any, city_admin: User):
    shares = {hanoi.ward_a.pk: Decimal("60.5"), hanoi.ward_b.pk: Decimal(30)}
    assert shares_refused(split, city_admin, shares) == [
        "The shares of Phường Điện Biên (cũ) add up to 90.5%, not 100%."
    ]


def test_setting_shares_twice_audits_the_shares_before_and_after(
    split: OrgUnit, hanoi: Any, city_admin: User
):
    a, b = hanoi.ward_a.pk, hanoi.ward_b.pk
    set_successor_shares(split, actor=city_admin, shares={a: Decimal(70), b: Decimal(30)})
    set_successor_shares(split, actor=city_admin, shares={a: Decimal(40), b: Decimal(60)})
    first, second = AuditEvent.objects.filter(verb="staffing.set_shares").order_by("pk")
    assert (second.target_id, second.unit_id) == (str(split.pk), split.pk)
    assert first.changes == {"shares": [None, {str(a): "70", str(b): "30"}]}
    assert second.changes == {
        "shares": [{str(a): "70.00", str(b): "30.00"}, {str(a): "40", str(b): "60"}]
    }
    assert dict(SuccessorShare.objects.values_list("successor_id", "share")) == {
        a: Decimal(40),
        b: Decimal(60),
    }


# --- the pages: who reads what -----------------------------------------------------------------


def test_the_history_page_for_the_owner_the_viewer_and_another_ward(
    hanoi: Any, officer_a: User, officer_b: User, city_viewer: User, login: Login, figures
):
    url = reverse("staffing:unit", args=[hanoi.ward_a.pk])
    owner = html(login(officer_a).get(url))
    assert "Phường Ba Đình" in owner
    assert 'data-testid="history-table"' in owner
    assert 'data-testid="record-link"' in owner
    viewer = login(city_viewer).get(url)
    assert viewer.status_code == 200
    assert [(y.year, y.figures.civil_assigned) for y in viewer.context["years"]] == [
        (2015, 30),
        (2021, 27),
    ]
    assert 'data-testid="record-link"' not in html(viewer)  # reads, may not record
    assert login(officer_b).get(url).status_code == 404


def test_the_record_page_refuses_the_viewer_and_another_ward_and_writes_nothing(
    hanoi: Any, officer_b: User, city_viewer: User, login: Login
):
    url = reverse("staffing:unit", args=[hanoi.ward_a.pk]) + "record/"
    post = {"year": 2025, "civil_assigned": 5, "public_assigned": 1, "version": 0}
    viewer = login(city_viewer)
    assert viewer.get(url).status_code == 403  # sees the ward, may not record it
    assert viewer.post(url, post).status_code == 403
    other = login(officer_b)
    assert other.get(url).status_code == 404  # does not see ward A at all
    assert other.post(url, post).status_code == 404
    assert nothing_recorded()


def test_the_record_form_shows_the_current_figures_and_saves_a_change(
    hanoi: Any, officer_a: User, login: Login, figures
):
    client = login(officer_a)
    url = reverse("staffing:record", args=[hanoi.ward_a.pk])
    form = client.get(url, {"year": 2021})
    assert form.context["form"].initial["civil_assigned"] == 27
    assert 'data-testid="record-form"' in html(form)
    post = {"year": 2021, "civil_assigned": 26, "public_assigned": 9, "version": 1}
    response = client.post(url, post)
    assert response["Location"] == reverse("staffing:unit", args=[hanoi.ward_a.pk])
    assert Headcount.objects.get(unit=hanoi.ward_a, year=2021).civil_assigned == 26
    event = AuditEvent.objects.filter(verb="staffing.record").latest("pk")
    assert (event.actor, event.changes["civil_assigned"]) == (officer_a, [27, 26])


def test_anonymous_users_go_to_the_login_page_from_every_staffing_page(
    client: Client, hanoi: Any, split: OrgUnit
):
    for url in (
        reverse("staffing:summary"),
        reverse("staffing:summary_xlsx"),
        reverse("staffing:unit", args=[hanoi.ward_a.pk]),
        reverse("staffing:record", args=[hanoi.ward_a.pk]),
        reverse("staffing:import"),
        reverse("staffing:policy"),
        reverse("staffing:shares"),
        reverse("staffing:share_edit", args=[split.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/accounts/login/?next={url}", url


def test_the_city_viewer_reads_the_whole_summary(city_viewer: User, login: Login, figures):
    response = login(city_viewer).get(reverse("staffing:summary"), {"year": 2021})
    assert [row.unit.code for row in response.context["page"]] == ["01", "00004", "00070"]
    assert response.context["may_import"] is False
    assert 'data-testid="summary-table"' in html(response)


def test_officer_b_reads_only_ward_b_in_the_summary_and_its_xlsx(
    officer_b: User, login: Login, figures
):
    client = login(officer_b)
    page = client.get(reverse("staffing:summary"), {"year": 2021})
    assert [row.unit.code for row in page.context["page"]] == ["00070"]
    assert "Phường Ba Đình" not in html(page)
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("staffing:summary_xlsx"), {"year": 2021}).content)
    ).active
    codes = {row[0] for row in sheet.iter_rows(values_only=True)}
    assert "00070" in codes
    assert "00004" not in codes


def test_the_summary_pdf_holds_only_the_readers_units(officer_b: User, login: Login, figures):
    text = pdf_text(login(officer_b).get(reverse("staffing:summary_pdf"), {"year": 2021}).content)
    assert "Hoàn Kiếm" in text
    assert "Ba Đình" not in text


def test_the_policy_page_refuses_the_viewer_and_changes_nothing(
    city_viewer: User, officer_b: User, login: Login
):
    post = {"baseline_year": 2016, "target_percent": "12.5", "version": 1}
    for user in (city_viewer, officer_b):
        client = login(user)
        assert client.get(reverse("staffing:policy")).status_code == 403
        assert client.post(reverse("staffing:policy"), post).status_code == 403
    assert StaffingPolicy.current().baseline_year == 2015
    assert not AuditEvent.objects.filter(verb="staffing.update_policy").exists()


def test_a_stale_policy_form_shows_the_refusal(city_admin: User, login: Login):
    policy = StaffingPolicy.current()
    policy.version = 5
    policy.save()
    response = login(city_admin).post(
        reverse("staffing:policy"), {"baseline_year": 2016, "target_percent": "12.5", "version": 1}
    )
    assert response.status_code == 200
    assert "Someone else has changed the policy meanwhile." in html(response)
    assert StaffingPolicy.current().baseline_year == 2015


def test_the_share_pages_refuse_the_viewer_and_the_officers(
    split: OrgUnit, hanoi: Any, city_viewer: User, officer_b: User, login: Login
):
    post = {f"share_{hanoi.ward_a.pk}": "50", f"share_{hanoi.ward_b.pk}": "50"}
    for user in (city_viewer, officer_b):
        client = login(user)
        assert client.get(reverse("staffing:shares")).status_code == 403
        assert client.post(reverse("staffing:share_edit", args=[split.pk]), post).status_code == 403
        assert client.get(reverse("staffing:share_template")).status_code == 403
    assert not SuccessorShare.objects.exists()


def test_a_share_form_that_does_not_add_up_shows_the_refusal(
    split: OrgUnit, hanoi: Any, city_admin: User, login: Login
):
    url = reverse("staffing:share_edit", args=[split.pk])
    client = login(city_admin)
    form = html(client.get(url))
    assert 'data-testid="share-form"' in form
    assert "Phường Hoàn Kiếm" in form
    post = {f"share_{hanoi.ward_a.pk}": "50", f"share_{hanoi.ward_b.pk}": "20"}
    response = client.post(url, post)
    assert response.status_code == 200
    assert "The shares of Phường Điện Biên (cũ) add up to 70%, not 100%." in html(response)
    assert not SuccessorShare.objects.exists()


def test_a_current_unit_has_no_share_form(hanoi: Any, city_admin: User, login: Login):
    url = reverse("staffing:share_edit", args=[hanoi.ward_a.pk])
    assert login(city_admin).get(url).status_code == 404


def test_the_error_reports_need_a_failed_import_first(
    city_admin: User, city_viewer: User, login: Login
):
    admin = login(city_admin)
    assert admin.get(reverse("staffing:share_import_errors")).status_code == 404
    assert admin.get(reverse("staffing:import_errors")).status_code == 404
    viewer = login(city_viewer)
    assert viewer.get(reverse("staffing:import_errors")).status_code == 403
    assert viewer.get(reverse("staffing:import_template")).status_code == 403
