"""Progress reports with evidence, the assigner's accept/return with a quality review, and
deadline extensions."""

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import audit
from cchc.core.uploads import check_upload
from cchc.plans.models import Evidence, ExtensionRequest, ProgressReport, QualityReview, Task
from cchc.plans.queries import roll_up_progress

if TYPE_CHECKING:
    from cchc.accounts.models import User

MAX_FILES = 10


def refresh_ancestors(task: Task) -> None:
    """Store on each ancestor of `task` the progress rolled up from its children by weight
    (queries.roll_up_progress), so that every list shows it without computing it again."""
    parent_id = task.parent_id
    while parent_id is not None:
        parent = Task.objects.get(pk=parent_id)
        Task.objects.filter(pk=parent.pk).update(progress=roll_up_progress(parent))
        parent_id = parent.parent_id


@transaction.atomic
def submit_report(
    task: Task,
    *,
    actor: "User",
    percent: int,
    narrative: str,
    is_completion: bool = False,
    output: str = "",
    files: list[UploadedFile] | None = None,
    received_on: datetime.date | None = None,
) -> ProgressReport:
    """Report progress on a task (or its completion, at 100%), with evidence files.
    Writes "plans.submit_report". `received_on` is the date of a report received on paper and
    entered later (default: now); a completion counts from that date.

    Refuses a percent outside 0–100, a completion below 100% or without its output, an empty
    narrative, a task that is completed or cancelled, a task with a report still awaiting
    review, a `received_on` in the future or before the plan's date, more than MAX_FILES files
    and any invalid file (nothing is saved then).
    """
    submitted_at = timezone.now()
    if received_on is not None:
        start = task.plan.document_date or datetime.date(task.plan.year, 1, 1)
        if not start <= received_on <= timezone.localdate():
            raise ValidationError(
                {"received_on": _("The date received must be between the plan's date and today.")}
            )
        if received_on != timezone.localdate():
            submitted_at = timezone.make_aware(
                datetime.datetime.combine(received_on, datetime.time(9))
            )
    if not 0 <= percent <= 100:
        raise ValidationError({"percent": _("The progress must be between 0 and 100%.")})
    if is_completion and percent != 100:
        raise ValidationError({"percent": _("A completion report is at 100%.")})
    if is_completion and not output.strip():
        raise ValidationError({"output": _("Describe the output delivered.")})
    if not narrative.strip():
        raise ValidationError({"narrative": _("Describe the progress made.")})
    if not task.is_open:
        raise ValidationError(_("This task is already completed or cancelled."))
    if task.reports.filter(status=ProgressReport.Status.SUBMITTED).exists():
        raise ValidationError(_("The previous report of this task is still awaiting review."))
    files = files or []
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("At most %(n)s files per report.") % {"n": MAX_FILES}})
    checked = [check_upload(upload) for upload in files]
    report = ProgressReport.objects.create(
        task=task,
        author=actor,
        percent=percent,
        narrative=narrative.strip(),
        is_completion=is_completion,
        output=output.strip(),
        submitted_at=submitted_at,
    )
    for item in checked:
        Evidence.store(item, report=report)
    Task.objects.filter(pk=task.pk).update(progress=percent, updated_at=timezone.now())
    task.progress = percent
    refresh_ancestors(task)
    audit.record(
        actor,
        "plans.submit_report",
        report,
        unit=task.lead_unit,
        details={
            "task": task.code,
            "percent": percent,
            "completion": is_completion,
            "files": [c.original_name for c in checked],
            "received_on": str(received_on) if received_on else None,
        },
    )
    return report


@transaction.atomic
def complete_task(task: Task, *, actor: "User", day: datetime.date, reason: str) -> Task:
    """Record that `task` was completed on `day` as verified outside its progress reports (a
    re-inspection finding the recommendation remedied): progress 100, its ancestors follow.
    Writes "plans.complete_task" with the reason.

    Refuses a cancelled task, one already completed, a day in the future and an empty reason.
    """
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.cancelled_at is not None:
        raise ValidationError(_("Task %(code)s is cancelled.") % {"code": task.code})
    if task.completed_on is not None:
        raise ValidationError(_("Task %(code)s is already completed.") % {"code": task.code})
    if day > timezone.localdate():
        raise ValidationError(_("The completion date cannot be in the future."))
    if not reason.strip():
        raise ValidationError(_("Say how the completion was verified."))
    task.completed_on = day
    task.progress = 100
    task.save(update_fields=["completed_on", "progress", "updated_at"])
    refresh_ancestors(task)
    audit.record(
        actor,
        "plans.complete_task",
        task,
        unit=task.lead_unit,
        details={"completed_on": str(day), "reason": reason.strip()},
    )
    return task


def _decide(report: ProgressReport, *, actor: "User", status: str) -> None:
    # Two reviewers may decide the same report at once: the row is locked and its status read
    # again, so the second one is told it was decided (not an IntegrityError on the review).
    current = ProgressReport.objects.select_for_update().only("status").get(pk=report.pk)
    if current.status != ProgressReport.Status.SUBMITTED:
        raise ValidationError(_("This report was already decided."))
    report.status = status
    report.decided_by = actor
    report.decided_at = timezone.now()


@transaction.atomic
def accept_report(report: ProgressReport, *, actor: "User", comment: str = "") -> ProgressReport:
    """Accept a report: a passed quality review is recorded; a completion report completes the
    task on the day it was submitted. Writes "plans.accept_report".

    Refuses a report already decided.
    """
    _decide(report, actor=actor, status=ProgressReport.Status.ACCEPTED)
    report.save(update_fields=["status", "decided_by", "decided_at"])
    QualityReview.objects.create(
        task=report.task, report=report, passed=True, comment=comment.strip(), reviewer=actor
    )
    task = report.task
    if report.is_completion:
        task.completed_on = timezone.localdate(report.submitted_at)
        task.progress = 100
        task.save(update_fields=["completed_on", "progress", "updated_at"])
        refresh_ancestors(task)
    audit.record(
        actor,
        "plans.accept_report",
        report,
        unit=task.lead_unit,
        details={
            "task": task.code,
            "completion": report.is_completion,
            "completed_on": str(task.completed_on) if task.completed_on else None,
        },
    )
    return report


@transaction.atomic
def return_report(report: ProgressReport, *, actor: "User", reason: str) -> ProgressReport:
    """Return a report to the unit with a reason: a failed quality review is recorded and
    counted on the task (Decree 335 deducts points for each). Writes "plans.return_report".

    Refuses an empty reason and a report already decided.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the report is returned.")})
    _decide(report, actor=actor, status=ProgressReport.Status.RETURNED)
    report.return_reason = reason.strip()
    report.save(update_fields=["status", "decided_by", "decided_at", "return_reason"])
    QualityReview.objects.create(
        task=report.task, report=report, passed=False, comment=reason.strip(), reviewer=actor
    )
    Task.objects.filter(pk=report.task_id).update(
        failed_reviews=F("failed_reviews") + 1, updated_at=timezone.now()
    )
    # The counter only: the task's cached lead unit serves the audit record below.
    report.task.refresh_from_db(fields=["failed_reviews", "updated_at"])
    audit.record(
        actor,
        "plans.return_report",
        report,
        unit=report.task.lead_unit,
        details={"task": report.task.code, "reason": reason.strip()},
    )
    return report


@transaction.atomic
def request_extension(
    task: Task, *, actor: "User", reason: str, new_deadline: datetime.date
) -> ExtensionRequest:
    """Ask the assigner to move the deadline. Writes "plans.request_extension".

    Refuses a completed or cancelled task, a new deadline not after the current one, an empty
    reason, and a second pending request.
    """
    if not task.is_open:
        raise ValidationError(_("A completed or cancelled task cannot be extended."))
    if new_deadline <= task.deadline:
        raise ValidationError(
            {
                "new_deadline": _("The new deadline must be after %(d)s.")
                % {"d": f"{task.deadline:%d/%m/%Y}"}
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the extension.")})
    if task.extensions.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise ValidationError(_("An extension request for this task is already pending."))
    extension = ExtensionRequest.objects.create(
        task=task,
        requested_by=actor,
        reason=reason.strip(),
        new_deadline=new_deadline,
        previous_deadline=task.deadline,
    )
    audit.record(
        actor,
        "plans.request_extension",
        extension,
        unit=task.lead_unit,
        details={"task": task.code, "new_deadline": str(new_deadline)},
    )
    return extension


@transaction.atomic
def decide_extension(
    extension: ExtensionRequest, *, actor: "User", approve: bool, comment: str = ""
) -> ExtensionRequest:
    """Approve (the task's deadline moves to the new date) or refuse an extension request.
    Writes "plans.approve_extension" or "plans.refuse_extension".

    Refuses a request already decided, a task no longer open, and a refusal without comment.
    """
    current = ExtensionRequest.objects.select_for_update().only("status").get(pk=extension.pk)
    if current.status != ExtensionRequest.Status.PENDING:
        raise ValidationError(_("This request was already decided."))
    task = extension.task
    if not task.is_open:
        raise ValidationError(_("A completed or cancelled task cannot be extended."))
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Say why the extension is refused.")})
    extension.status = (
        ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
    )
    extension.decided_by = actor
    extension.decided_at = timezone.now()
    extension.decision_comment = comment.strip()
    extension.save()
    changes = {}
    if approve:
        changes = {"deadline": [str(task.deadline), str(extension.new_deadline)]}
        Task.objects.filter(pk=task.pk).update(
            deadline=extension.new_deadline, version=F("version") + 1, updated_at=timezone.now()
        )
        task.refresh_from_db()
    verb = "plans.approve_extension" if approve else "plans.refuse_extension"
    audit.record(
        actor,
        verb,
        task,
        unit=task.lead_unit,
        changes=changes,
        details={"comment": comment.strip()},
    )
    return extension
