"""Periodic reports' actions: start, write, override (audited), submit, return, resubmit,
accept, consolidate, reminders."""

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cchc.accounts.models import Membership
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.core.models import AuditEvent, Notification
from cchc.reports import actions
from cchc.reports.home import waiting_for
from cchc.reports.models import AnnexValue, Indicator, PeriodicReport, SectionText
from cchc.reports.tests.factories import period, write


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The refusals are matched in English (the interface's language is Vietnamese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def q3(hanoi, officer_a) -> PeriodicReport:
    return actions.start_report(hanoi.ward_a, actor=officer_a, year=2026, period=period("q3"))


@pytest.mark.django_db
def test_start_creates_every_section_and_annex_row(q3, officer_a) -> None:
    assert q3.status == PeriodicReport.Status.DRAFT
    assert q3.texts.count() == 9
    assert AnnexValue.objects.filter(report=q3).count() == Indicator.objects.count()
    event = AuditEvent.objects.get(verb="reports.start")
    assert event.actor == officer_a
    assert event.details["period"] == "q3"
    with pytest.raises(ValidationError, match="already has a report"):
        actions.start_report(q3.unit, actor=officer_a, year=2026, period=period("q3"))


@pytest.mark.django_db
def test_last_periods_text_is_offered_as_a_start(hanoi, officer_a) -> None:
    h1 = actions.start_report(hanoi.ward_a, actor=officer_a, year=2026, period=period("h1"))
    write(h1, officer_a, text="Sáu tháng: rà soát 8 thủ tục.")
    q3 = actions.start_report(hanoi.ward_a, actor=officer_a, year=2026, period=period("q3"))
    text = SectionText.objects.get(report=q3, section__code="procedures")
    assert text.results == "Sáu tháng: rà soát 8 thủ tục."
    assert PeriodicReport.objects.get(pk=q3.pk).signer_name == "Nguyễn Văn A"


@pytest.mark.django_db
def test_override_needs_a_reason_and_is_audited(q3, officer_a) -> None:
    computed = Indicator.objects.get(code="TTHC.01")
    with pytest.raises(ValidationError, match="reason"):
        actions.set_annex_value(q3, computed, actor=officer_a, version=q3.version, value=Decimal(5))
    actions.set_annex_value(
        q3,
        computed,
        actor=officer_a,
        version=q3.version,
        value=Decimal(5),
        reason="2 thủ tục rà soát trên giấy chưa nhập vào hệ thống",
    )
    row = AnnexValue.objects.get(report=q3, indicator=computed)
    assert (row.computed, row.value) == (Decimal(0), Decimal(5))
    event = AuditEvent.objects.get(verb="reports.override")
    assert event.changes["value"] == ["0.00", "5"]
    assert event.details == {"indicator": "TTHC.01", "computed": "0.00"}
    assert "giấy" in event.changes["reason"][1]
    # A typed-in row needs no reason; a stale version is refused.
    typed = Indicator.objects.get(code="CĐS.01")
    actions.set_annex_value(q3, typed, actor=officer_a, version=q3.version, value=Decimal(140))
    assert AuditEvent.objects.filter(verb="reports.set_value").count() == 1
    with pytest.raises(ValidationError, match="Someone else"):
        actions.set_annex_value(q3, typed, actor=officer_a, version=1, value=Decimal(1))
    with pytest.raises(ValidationError, match="negative"):
        actions.set_annex_value(q3, typed, actor=officer_a, version=q3.version, value=Decimal(-1))


@pytest.mark.django_db
def test_returned_report_is_edited_and_resubmitted(q3, officer_a, city_admin) -> None:
    with pytest.raises(ValidationError, match="at least one section"):
        actions.submit_report(q3, actor=officer_a, version=q3.version)
    write(q3, officer_a)
    actions.submit_report(q3, actor=officer_a, version=q3.version)
    review = Notification.objects.get(user=city_admin, kind="review")
    # The period as in the document's title, its year once: "quý III năm 2026".
    assert review.message.endswith("đã gửi báo cáo cải cách hành chính quý III năm 2026.")
    waiting = {i.kind: i for i in waiting_for(city_admin, datetime.date(2026, 9, 20))}
    assert waiting["periodic_to_decide"].count == 1  # the Department's home says so
    with pytest.raises(ValidationError, match="no longer be changed"):
        write(q3, officer_a)
    with pytest.raises(ValidationError, match="reason"):
        actions.return_report(q3, actor=city_admin, reason=" ")
    actions.return_report(q3, actor=city_admin, reason="Bổ sung số liệu hồ sơ trực tuyến")
    q3.refresh_from_db()
    assert q3.status == PeriodicReport.Status.RETURNED
    returned = waiting_for(officer_a, datetime.date(2026, 9, 20))
    assert [i.url for i in returned if i.kind == "periodic_returned"] == [q3.get_absolute_url()]
    assert Notification.objects.get(user=officer_a, kind="decision").message == (
        "Báo cáo cải cách hành chính quý III năm 2026 của đơn vị bị trả lại: "
        "Bổ sung số liệu hồ sơ trực tuyến"
    )
    write(q3, officer_a, text="Đã bổ sung.")
    actions.submit_report(q3, actor=officer_a, version=q3.version)
    assert AuditEvent.objects.filter(verb="reports.submit").order_by("pk").last().details == {
        "resubmitted": True
    }
    actions.accept_report(q3, actor=city_admin)
    q3.refresh_from_db()
    assert q3.status == PeriodicReport.Status.ACCEPTED
    assert [e.verb for e in AuditEvent.objects.for_target(q3).order_by("pk")] == [
        "reports.start",
        "reports.update",
        "reports.submit",
        "reports.return",
        "reports.update",
        "reports.submit",
        "reports.accept",
    ]
    with pytest.raises(ValidationError, match="Only a submitted"):
        actions.accept_report(q3, actor=city_admin)


@pytest.mark.django_db
def test_city_report_consolidates_accepted_units(hanoi, officer_a, officer_b, city_admin) -> None:
    typed = Indicator.objects.get(code="CĐS.01")
    for officer, unit, dossiers, accept in (
        (officer_a, hanoi.ward_a, 140, True),
        (officer_b, hanoi.ward_b, 60, False),
    ):
        report = actions.start_report(unit, actor=officer, year=2026, period=period("q3"))
        write(report, officer, text=f"Kết quả của {unit.name}.")
        actions.set_annex_value(
            report, typed, actor=officer, version=report.version, value=Decimal(dossiers)
        )
        actions.submit_report(report, actor=officer, version=report.version)
        if accept:
            actions.accept_report(report, actor=city_admin)
    city = actions.start_report(hanoi.city, actor=city_admin, year=2026, period=period("q3"))
    actions.consolidate_report(city, actor=city_admin, version=city.version)
    assert AnnexValue.objects.get(report=city, indicator=typed).value == 140  # accepted only
    text = SectionText.objects.get(report=city, section__code="procedures")
    assert text.results == "Phường Ba Đình: Kết quả của Phường Ba Đình."
    event = AuditEvent.objects.get(verb="reports.consolidate")
    assert event.details == {"accepted": 1, "missing": 3, "sections_started": 1}


@pytest.mark.django_db
def test_reminders_before_and_escalation_after_the_internal_due_day(hanoi, city_admin) -> None:
    focal = UserFactory(username="focal_b")
    MembershipFactory(user=focal, unit=hanoi.ward_b, role=Membership.Role.FOCAL_POINT)
    head = UserFactory(username="head_b")
    MembershipFactory(user=head, unit=hanoi.ward_b, role=Membership.Role.HEAD)
    # The internal due day of quarter III 2026 is 16/09; reminders start three days before.
    assert actions.send_report_reminders(datetime.date(2026, 9, 12)) == {
        "reminded": 0,
        "escalated": 0,
    }
    first = actions.send_report_reminders(datetime.date(2026, 9, 14))
    again = actions.send_report_reminders(datetime.date(2026, 9, 15))
    assert first["reminded"] >= 1
    assert again["reminded"] == 0
    reminder = Notification.objects.get(user=focal, kind="before")
    assert "cải cách hành chính quý III năm 2026 của" in reminder.message
    assert "năm năm" not in reminder.message
    assert period("h1").heading_for(2026) == "6 tháng đầu năm 2026"  # not "… năm năm 2026"
    escalated = actions.send_report_reminders(datetime.date(2026, 9, 17))
    assert escalated["escalated"] >= 2
    assert Notification.objects.filter(user=head, kind="escalation").count() == 1
    assert Notification.objects.filter(user=city_admin, kind="escalation").exists()
    assert AuditEvent.objects.filter(verb="reports.remind").count() == 2  # not the idle run
