"""Task status follows from dates (Decision 42/2014), on the boundary days."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cchc.plans.actions import (
    accept_report,
    cancel_task,
    complete_task,
    decide_extension,
    request_extension,
    return_report,
    submit_report,
)
from cchc.plans.models import ExtensionRequest, ProgressReport, TaskStatus
from cchc.plans.tests.factories import issued_city_plan, task_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests assert messages by their English msgids: run them in English (the
    Vietnamese catalogue is checked by cchc/core/tests/test_translations.py)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


DEADLINE = datetime.date(2026, 3, 31)


@pytest.fixture
def task(hanoi, city_admin):
    plan = issued_city_plan(hanoi.city, city_admin)
    return task_in(plan, hanoi.ward_a, city_admin, deadline=DEADLINE)


def test_task_due_today_is_in_term_and_overdue_the_next_day(task) -> None:
    assert task.status_on(DEADLINE - datetime.timedelta(days=1)) == TaskStatus.IN_TERM
    assert task.status_on(DEADLINE) == TaskStatus.IN_TERM
    assert task.status_on(DEADLINE + datetime.timedelta(days=1)) == TaskStatus.OVERDUE


def _complete_on(task, day, officer, admin, time_machine=None):
    report = submit_report(
        task,
        actor=officer,
        percent=100,
        narrative="Xong",
        is_completion=True,
        output="Quyết định số 12",
    )
    report.submitted_at = datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)
    report.save(update_fields=["submitted_at"])
    accept_report(report, actor=admin)
    task.refresh_from_db()
    return task


def test_task_completed_on_the_deadline_is_on_time(task, officer_a, city_admin) -> None:
    _complete_on(task, DEADLINE, officer_a, city_admin)
    assert task.completed_on == DEADLINE
    assert task.status_on(DEADLINE) == TaskStatus.ON_TIME
    assert task.status_on(DEADLINE - datetime.timedelta(days=1)) == TaskStatus.IN_TERM


def test_task_completed_after_the_deadline_is_late(task, officer_a, city_admin) -> None:
    _complete_on(task, DEADLINE + datetime.timedelta(days=1), officer_a, city_admin)
    assert task.status_on(datetime.date(2026, 4, 30)) == TaskStatus.LATE


def test_task_completed_after_an_approved_extension_is_on_time(task, officer_a, city_admin) -> None:
    new = DEADLINE + datetime.timedelta(days=15)
    extension = request_extension(task, actor=officer_a, reason="Chờ ý kiến Sở", new_deadline=new)
    decide_extension(extension, actor=city_admin, approve=True)
    task.refresh_from_db()
    assert task.deadline == new
    assert task.original_deadline == DEADLINE
    assert task.is_extended
    _complete_on(task, new, officer_a, city_admin)
    assert task.status_on(new) == TaskStatus.ON_TIME


def test_returned_completion_counts_a_failed_review(task, officer_a, city_admin) -> None:
    report = submit_report(
        task, actor=officer_a, percent=100, narrative="Xong", is_completion=True, output="Báo cáo"
    )
    return_report(report, actor=city_admin, reason="Thiếu tài liệu kiểm chứng")
    task.refresh_from_db()
    assert task.failed_reviews == 1
    assert task.completed_on is None
    assert task.reviews.get().passed is False


def test_extension_on_a_completed_task_is_refused(task, officer_a, city_admin) -> None:
    _complete_on(task, DEADLINE, officer_a, city_admin)
    with pytest.raises(ValidationError, match="completed or cancelled"):
        request_extension(
            task, actor=officer_a, reason="x", new_deadline=DEADLINE + datetime.timedelta(days=5)
        )


def test_percent_outside_0_100_is_refused(task, officer_a) -> None:
    with pytest.raises(ValidationError):
        submit_report(task, actor=officer_a, percent=101, narrative="x")
    assert task.reports.count() == 0


def test_paper_report_keeps_the_date_it_was_received(task, officer_a, city_admin) -> None:
    received = datetime.date(2026, 3, 30)
    report = submit_report(
        task,
        actor=officer_a,
        percent=100,
        narrative="Xong",
        is_completion=True,
        output="Quyết định",
        received_on=received,
    )
    accept_report(report, actor=city_admin)
    task.refresh_from_db()
    assert report.submitted_at.date() == received
    assert task.completed_on == received


def test_paper_report_dated_before_the_plan_is_refused(task, officer_a) -> None:
    with pytest.raises(ValidationError, match="between the plan's date and today"):
        submit_report(
            task,
            actor=officer_a,
            percent=10,
            narrative="x",
            received_on=datetime.date(2025, 12, 31),
        )


def test_unit_plan_task_implements_a_city_task(hanoi, city_admin, officer_a) -> None:
    from cchc.plans.actions import create_plan
    from cchc.plans.forms import TaskCreateForm

    city_plan = issued_city_plan(hanoi.city, city_admin)
    city_task = task_in(city_plan, hanoi.ward_a, city_admin, code="C1")
    ward_plan = create_plan(
        actor=city_admin,
        unit=hanoi.ward_a,
        year=2026,
        title="Kế hoạch CCHC năm 2026 của Phường Ba Đình",
        parent=city_plan,
    )
    form = TaskCreateForm(plan=ward_plan, user=city_admin)
    assert list(form.fields["implements"].queryset) == [city_task]
    own = task_in(ward_plan, hanoi.ward_a, city_admin, code="W1", implements=city_task)
    assert list(city_task.implementations.all()) == [own]


def test_complete_task_verified_outside_a_report(task, city_admin) -> None:
    done = complete_task(
        task, actor=city_admin, day=datetime.date(2026, 3, 20), reason="Phúc tra xác nhận"
    )
    assert (done.completed_on, done.progress) == (datetime.date(2026, 3, 20), 100)
    assert done.status_on(DEADLINE) == TaskStatus.ON_TIME
    with pytest.raises(ValidationError, match="already completed"):
        complete_task(done, actor=city_admin, day=datetime.date(2026, 3, 21), reason="x")


def test_complete_task_refusals(task, city_admin) -> None:
    future = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        complete_task(task, actor=city_admin, day=future, reason="x")
    with pytest.raises(ValidationError, match="Say how the completion was verified"):
        complete_task(task, actor=city_admin, day=DEADLINE, reason="  ")
    cancel_task(task, actor=city_admin, reason="Không còn phù hợp")
    with pytest.raises(ValidationError, match="is cancelled"):
        complete_task(task, actor=city_admin, day=DEADLINE, reason="x")
    task.refresh_from_db()
    assert task.completed_on is None


def test_a_second_reviewer_deciding_a_stale_copy_of_a_report_is_told_it_was_decided(
    task, officer_a, city_admin
) -> None:
    """Two reviewers open the same report; the second decides after the first (issue 16,
    item 5): a clear refusal, not an IntegrityError on the report's one quality review."""
    report = submit_report(task, actor=officer_a, percent=40, narrative="Đang làm")
    first, second = (ProgressReport.objects.get(pk=report.pk) for _ in range(2))
    accept_report(first, actor=city_admin)

    with pytest.raises(ValidationError) as refused:
        return_report(second, actor=city_admin, reason="Thiếu tài liệu")

    assert refused.value.messages == ["This report was already decided."]
    task.refresh_from_db()
    assert task.failed_reviews == 0
    assert task.reviews.get().passed is True


def test_a_second_decision_on_a_stale_copy_of_an_extension_is_refused(
    task, officer_a, city_admin
) -> None:
    new = DEADLINE + datetime.timedelta(days=15)
    extension = request_extension(task, actor=officer_a, reason="Chờ ý kiến", new_deadline=new)
    first, second = (ExtensionRequest.objects.get(pk=extension.pk) for _ in range(2))
    decide_extension(first, actor=city_admin, approve=True)

    with pytest.raises(ValidationError) as refused:
        decide_extension(second, actor=city_admin, approve=False, comment="Không")

    assert refused.value.messages == ["This request was already decided."]
    assert ExtensionRequest.objects.get(pk=extension.pk).status == ExtensionRequest.Status.APPROVED
