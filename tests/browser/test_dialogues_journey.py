"""A petition's whole journey in Chromium: a citizen sends it through the public form before a
dialogue conference (on a phone, without logging in); ward A, the host, classifies it and routes
it to ward B; ward B answers with a commitment, which becomes a task of the city's plan; ward A
publishes the answer; the task is completed through plans' actions; the public journey page
then shows every step with its date.

Selectors use ids, URLs, data-testid and data-* attributes, so the test holds in Vietnamese and
in English.
"""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from cchc.accounts.models import User
from cchc.dialogues.actions import announce_conference
from cchc.dialogues.models import Commitment, Field, IssueGroup, Petition
from cchc.plans.actions import accept_report, create_plan, issue_plan, submit_report
from cchc.plans.models import ContentArea
from tests.browser.chromium import chromium_missing_reason
from tests.browser.steps import log_in, log_out

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def _reference_data() -> None:
    """The fields and issue groups come from a data migration; a transactional test's flush
    empties them for the tests after it."""
    module = importlib.import_module("cchc.dialogues.migrations.0002_fields_and_issue_groups")
    module.create(apps, None)


def test_a_citizens_petition_from_the_form_to_the_completed_commitment(
    page: Page, phone_page: Page, hanoi, city_admin: User, officer_a: User, officer_b: User
) -> None:
    _reference_data()
    today = timezone.localdate()
    plan = create_plan(actor=city_admin, unit=hanoi.city, year=today.year, title="Kế hoạch CCHC")
    issue_plan(
        plan,
        actor=city_admin,
        document_number="01/KH-UBND",
        document_date=datetime.date(today.year, 1, 5),
        signer="Chủ tịch UBND Thành phố",
    )
    conference = announce_conference(
        actor=officer_a,
        title="Hội nghị đối thoại với người dân phường Ba Đình",
        level="ward",
        host_unit=hanoi.ward_a,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        audiences=["citizens", "businesses"],
        chair_name="Chủ tịch UBND phường Ba Đình",
        place="Hội trường UBND phường",
    )

    # A citizen, on a phone and not logged in, finds the conference and sends a petition.
    citizen = phone_page
    citizen.goto("/dialogues/")
    upcoming = citizen.get_by_test_id("upcoming")
    expect(upcoming.locator(f"[data-conference='{conference.pk}']")).to_be_visible()
    citizen.locator(f"a[href='/dialogues/c/{conference.pk}/petition/']").click()
    form = citizen.get_by_test_id("petition-form")
    form.locator("#id_submitter_type_0").check()
    form.locator("#id_title").fill("Ngõ 12 Đội Cấn ngập khi mưa")
    form.locator("#id_content").fill("Mỗi trận mưa lớn ngõ ngập 30 cm, đề nghị cải tạo cống.")
    citizen.get_by_test_id("petition-submit").click()
    expect(citizen.get_by_test_id("petition-thanks")).to_be_visible()
    petition = Petition.objects.get()
    expect(citizen.get_by_test_id("petition-code")).to_have_text(petition.code)
    assert petition.channel == Petition.Channel.WEB
    assert petition.flag_reason == ""

    # Ward A screens it from the queue: classified, then routed to ward B.
    log_in(page, "officer_a")
    page.goto("/dialogues/petitions/screening/")
    page.locator(f"tr[data-petition='{petition.code}'] a").click()
    field, group = Field.objects.get(code="XH"), IssueGroup.objects.get(code="XH-HT")
    screen = page.get_by_test_id("screen-form")
    screen.locator("#id_field").select_option(str(field.pk))
    screen.locator("#id_issue_group").select_option(str(group.pk))
    screen.locator("button[type=submit]").click()
    page.wait_for_load_state()
    route = page.get_by_test_id("route-form")
    route.locator("#id_unit").select_option(str(hanoi.ward_b.pk))
    deadline = today + datetime.timedelta(days=15)
    route.locator("#id_deadline").fill(f"{deadline:%d/%m/%Y}")
    route.locator("button[type=submit]").click()
    page.wait_for_load_state()
    petition.refresh_from_db()
    assert (petition.status, petition.responsible_unit) == (
        Petition.Status.ROUTED,
        hanoi.ward_b,
    )
    log_out(page)

    # Ward B answers at the conference and commits to act: a task in the city's plan.
    log_in(page, "officer_b")
    page.goto(petition.get_absolute_url())
    page.get_by_test_id("answer-link").click()
    answer = page.get_by_test_id("answer-form")
    answer.locator("#id_text").fill("Phường Hoàn Kiếm sẽ cải tạo cống ngõ 12 trong quý này.")
    answer.locator("#id_commit").check()
    answer.locator("#id_commitment_title").fill("Cải tạo cống thoát nước ngõ 12 Đội Cấn")
    committed = today + datetime.timedelta(days=45)
    answer.locator("#id_commitment_deadline").fill(f"{committed:%d/%m/%Y}")
    area = ContentArea.objects.get(code="TĐ")
    answer.locator("#id_commitment_area").select_option(str(area.pk))
    answer.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(rf"/dialogues/petitions/{petition.pk}/$"))
    task = Commitment.objects.get(petition=petition).task
    assert (task.lead_unit, task.source_ref, task.deadline) == (
        hanoi.ward_b,
        petition.code,
        committed,
    )
    log_out(page)

    # Ward A publishes the answer.
    log_in(page, "officer_a")
    page.goto("/dialogues/petitions/publish/")
    expect(page.locator(f"tr[data-petition='{petition.code}'] input")).to_be_checked()
    page.get_by_test_id("publish-submit").click()
    page.wait_for_load_state()
    petition.refresh_from_db()
    assert petition.status == Petition.Status.PUBLISHED

    # Before the task is done, the public page says the commitment is being carried out.
    citizen.goto(f"/dialogues/p/{petition.code}/")
    expect(citizen.get_by_test_id("public-status")).to_have_attribute(
        "data-status", "commitment_in_term"
    )

    # Ward B reports completion; the city (the plan's assigner) accepts it.
    report = submit_report(
        task,
        actor=officer_b,
        percent=100,
        narrative="Đã cải tạo xong 120 m cống.",
        is_completion=True,
        output="Biên bản nghiệm thu",
    )
    accept_report(report, actor=city_admin)

    # The citizen looks the petition up by its code and sees every step with its date.
    citizen.goto("/dialogues/lookup/")
    citizen.locator("#id_code").fill(petition.code.lower())
    citizen.locator("main form button[type=submit]").click()
    expect(citizen).to_have_url(re.compile(rf"/dialogues/p/{petition.code}/$"))
    expect(citizen.get_by_test_id("public-status")).to_have_attribute(
        "data-status", "commitment_done"
    )
    journey = citizen.get_by_test_id("journey")
    day = f"{today:%d/%m/%Y}"
    expect(journey.locator("[data-step='received']")).to_contain_text(day)
    expect(journey.locator("[data-step='routed']")).to_contain_text(hanoi.ward_b.name)
    expect(journey.locator("[data-step='routed']")).to_contain_text(f"{deadline:%d/%m/%Y}")
    expect(journey.locator("[data-step='answer']")).to_contain_text("cải tạo cống ngõ 12")
    expect(journey.locator("[data-step='commitment']")).to_contain_text(task.code)
    expect(journey.locator("[data-step='commitment']")).to_contain_text(f"{committed:%d/%m/%Y}")
    expect(journey.locator("[data-step='task']")).to_contain_text(day)  # completed today
    expect(citizen.get_by_text("Mỗi trận mưa lớn ngõ ngập 30 cm")).to_be_visible()
    # Nothing on the public page needs a login or a script.
    assert citizen.locator("script").count() == 0
