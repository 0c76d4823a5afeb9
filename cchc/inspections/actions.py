"""Every change to inspections: plan, create, staff and start an inspection, record findings,
issue the conclusion (creating the remediation tasks in `plans`), record re-inspection verdicts
and escalate overdue recommendations."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import audit
from cchc.core.actions import notices_to, notify
from cchc.core.models import Notification
from cchc.core.uploads import check_upload
from cchc.inspections.models import (
    ChecklistItem,
    Conclusion,
    Finding,
    FindingFile,
    Inspection,
    InspectionPlan,
    Recommendation,
    Target,
    TeamMember,
    Verdict,
)
from cchc.inspections.queries import is_on_team, remediation_plan
from cchc.orgunits.models import OrgUnit
from cchc.plans.actions import complete_task, create_task
from cchc.plans.models import ContentArea, Task
from cchc.plans.queries import Recipients

if TYPE_CHECKING:
    from cchc.accounts.models import User

# Remediation of public-duty findings belongs to civil-service reform (plans' area "CV").
REMEDIATION_AREA = "CV"
MAX_FILES = 10


def _day(value: datetime.date) -> str:
    return f"{value:%d/%m/%Y}"


@transaction.atomic
def create_inspection_plan(
    *,
    actor: "User",
    unit: OrgUnit,
    year: int,
    title: str,
    document_number: str = "",
    document_date: datetime.date | None = None,
) -> InspectionPlan:
    """Create the yearly inspection plan of `unit`. Writes "inspections.create_plan".

    Refuses an empty title, a second plan of the unit for the year and a document dated
    outside the year or the year before.
    """
    if not title.strip():
        raise ValidationError({"title": _("The plan needs a title.")})
    if InspectionPlan.objects.filter(unit=unit, year=year).exists():
        raise ValidationError(
            _("%(unit)s already has an inspection plan for %(year)s.")
            % {"unit": unit, "year": year}
        )
    if document_date is not None and document_date.year not in (year - 1, year):
        raise ValidationError(
            {
                "document_date": _(
                    "The document date must fall in the plan's year or the year before."
                )
            }
        )
    plan = InspectionPlan.objects.create(
        unit=unit,
        year=year,
        title=title.strip(),
        document_number=document_number.strip(),
        document_date=document_date,
    )
    audit.record(actor, "inspections.create_plan", plan, unit=unit, details={"year": year})
    return plan


@transaction.atomic
def create_inspection(
    *,
    actor: "User",
    unit: OrgUnit,
    title: str,
    kind: str,
    decision_number: str,
    decision_date: datetime.date,
    decision_signer: str,
    start_date: datetime.date,
    end_date: datetime.date,
    targets: Sequence[OrgUnit],
    checklist: Sequence[ChecklistItem],
    plan: InspectionPlan | None = None,
    head: "User | None" = None,
    target_persons: dict[int, list["User"]] | None = None,
) -> Inspection:
    """Create a planned (not started) inspection by `unit` with its decision, targets, scope
    and, optionally, its team head. Writes "inspections.create".

    Refuses an empty title, decision number or signer, an end before the start, a decision
    dated after the start, a plan of another year, no target or a target that has ended, and
    an empty scope.
    """
    if not title.strip():
        raise ValidationError({"title": _("The inspection needs a title.")})
    if not decision_number.strip() or not decision_signer.strip():
        raise ValidationError(_("The decision number and its signer are required."))
    if end_date < start_date:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    if decision_date > start_date:
        raise ValidationError(
            {"decision_date": _("The decision is dated after the inspection starts.")}
        )
    if plan is not None and plan.year != start_date.year:
        raise ValidationError(
            {"plan": _("The inspection plan is for %(year)s.") % {"year": plan.year}}
        )
    if not targets:
        raise ValidationError({"targets": _("Choose at least one unit to inspect.")})
    ended = [t for t in targets if not t.is_current]
    if ended:
        raise ValidationError(
            {"targets": _("%(unit)s has ended and cannot be inspected.") % {"unit": ended[0]}}
        )
    if not checklist:
        raise ValidationError({"checklist": _("Choose at least one checklist item.")})
    inspection = Inspection.objects.create(
        plan=plan,
        unit=unit,
        title=title.strip(),
        kind=Inspection.Kind(kind),
        decision_number=decision_number.strip(),
        decision_date=decision_date,
        decision_signer=decision_signer.strip(),
        start_date=start_date,
        end_date=end_date,
        created_by=actor,
    )
    inspection.checklist.set(checklist)
    for target_unit in dict.fromkeys(targets):
        target = Target.objects.create(inspection=inspection, unit=target_unit)
        persons = (target_persons or {}).get(target_unit.pk)
        if persons:
            target.persons.set(persons)
    if head is not None:
        TeamMember.objects.create(inspection=inspection, user=head, role=TeamMember.Role.HEAD)
    audit.record(
        actor,
        "inspections.create",
        inspection,
        unit=unit,
        details={
            "kind": kind,
            "decision": inspection.decision_number,
            "targets": [t.pk for t in targets],
        },
    )
    return inspection


@transaction.atomic
def add_team_member(
    inspection: Inspection,
    *,
    actor: "User",
    role: str,
    user: "User | None" = None,
    name: str = "",
    position: str = "",
) -> TeamMember:
    """Add a member (a user, or an outside person by name) to the team.
    Writes "inspections.add_member".

    Refuses a concluded inspection, both or neither of user and name, a user already on the
    team and a second head.
    """
    if inspection.is_concluded:
        raise ValidationError(_("The inspection is concluded; its team no longer changes."))
    if (user is None) == (not name.strip()):
        raise ValidationError(_("Choose a user or write an outside member's name, not both."))
    if user is not None and inspection.team.filter(user=user).exists():
        raise ValidationError(
            {"user": _("%(user)s is already on the team.") % {"user": user.get_full_name()}}
        )
    if role == TeamMember.Role.HEAD and inspection.team.filter(role=role).exists():
        raise ValidationError({"role": _("The team already has a head.")})
    member = TeamMember.objects.create(
        inspection=inspection,
        user=user,
        name=name.strip(),
        position=position.strip(),
        role=TeamMember.Role(role),
    )
    audit.record(
        actor,
        "inspections.add_member",
        inspection,
        unit=inspection.unit,
        details={"member": member.display_name, "role": role},
    )
    return member


@transaction.atomic
def start_inspection(inspection: Inspection, *, actor: "User") -> Inspection:
    """Start a planned inspection: from now a surprise inspection is visible to its targets.
    Writes "inspections.start".

    Refuses an inspection already started and a team without a head.
    """
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.status != Inspection.Status.PLANNED:
        raise ValidationError(_("This inspection has already started."))
    if not inspection.team.filter(role=TeamMember.Role.HEAD).exists():
        raise ValidationError(_("Name the team head before starting the inspection."))
    inspection.status = Inspection.Status.IN_PROGRESS
    inspection.started_at = timezone.now()
    inspection.save(update_fields=["status", "started_at"])
    audit.record(actor, "inspections.start", inspection, unit=inspection.unit)
    return inspection


@transaction.atomic
def record_finding(
    inspection: Inspection,
    *,
    actor: "User",
    unit: OrgUnit,
    item: ChecklistItem,
    severity: str,
    description: str,
    person: "User | None" = None,
    against_head: bool = False,
    files: Sequence[UploadedFile] = (),
) -> Finding:
    """Record a finding on the spot, with its photos or files. Writes "inspections.finding".

    Refuses an inspection not in progress, an author not on the team, a unit that is not one
    of the targets, an item outside the scope, an empty description, more than MAX_FILES files
    and any file that fails the upload checks (nothing is saved then).
    """
    if inspection.status != Inspection.Status.IN_PROGRESS:
        raise ValidationError(_("Findings are recorded while the inspection is in progress."))
    if not is_on_team(actor, inspection):
        raise ValidationError(_("Only members of the inspection team record findings."))
    if not inspection.targets.filter(unit=unit).exists():
        raise ValidationError(
            {"unit": _("%(unit)s is not inspected by this inspection.") % {"unit": unit}}
        )
    if not inspection.checklist.filter(pk=item.pk).exists():
        raise ValidationError(
            {"item": _("“%(item)s” is outside this inspection's scope.") % {"item": item}}
        )
    if not description.strip():
        raise ValidationError({"description": _("Describe what was found.")})
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("Attach at most %(n)s files.") % {"n": MAX_FILES}})
    checked = [check_upload(upload) for upload in files]
    finding = Finding.objects.create(
        inspection=inspection,
        unit=unit,
        item=item,
        severity=Finding.Severity(severity),
        description=description.strip(),
        person=person,
        against_head=against_head,
        created_by=actor,
    )
    for upload in checked:
        FindingFile.store(upload, finding=finding)
    audit.record(
        actor,
        "inspections.finding",
        finding,
        unit=unit,
        details={"inspection": inspection.pk, "severity": severity, "files": len(checked)},
    )
    return finding


@dataclass(frozen=True)
class RecommendationInput:
    text: str
    unit: OrgUnit
    deadline: datetime.date
    person: "User | None" = None


def _remediation_area() -> ContentArea:
    area = ContentArea.objects.filter(code=REMEDIATION_AREA).first() or ContentArea.objects.first()
    if area is None:
        raise ValidationError(_("No content area exists for the remediation tasks."))
    return area


def _check_recommendations(
    recommendations: Sequence[RecommendationInput], date: datetime.date
) -> None:
    for number, rec in enumerate(recommendations, start=1):
        if not rec.text.strip():
            raise ValidationError(_("Recommendation %(n)s has no text.") % {"n": number})
        if rec.deadline < date:
            raise ValidationError(
                _("Recommendation %(n)s is due %(deadline)s, before the conclusion's date.")
                % {"n": number, "deadline": _day(rec.deadline)}
            )


@transaction.atomic
def issue_conclusion(
    inspection: Inspection,
    *,
    actor: "User",
    number: str,
    date: datetime.date,
    signer: str,
    text: str,
    recommendations: Sequence[RecommendationInput],
) -> Conclusion:
    """Issue the conclusion with its recommendations; one remediation task per recommendation
    is created in `plans` (remediation_plan of its unit, source INSPECTION, code and source_ref
    the recommendation's reference) in this same transaction. The inspection is concluded.
    Writes "inspections.conclude" (and plans' "plans.create_task" per task).

    Refuses an inspection not in progress, an empty number, signer or text, a date before the
    start, a recommendation without text or due before the date, and anything create_task
    refuses (a unit that has ended, …): then neither the conclusion nor any task is kept.
    """
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.status != Inspection.Status.IN_PROGRESS:
        raise ValidationError(_("Only an inspection in progress can be concluded."))
    if not number.strip() or not signer.strip() or not text.strip():
        raise ValidationError(_("The conclusion's number, signer and text are required."))
    if date < inspection.start_date:
        raise ValidationError({"date": _("The conclusion is dated before the inspection.")})
    _check_recommendations(recommendations, date)
    conclusion = Conclusion.objects.create(
        inspection=inspection,
        number=number.strip(),
        date=date,
        signer=signer.strip(),
        text=text.strip(),
        issued_by=actor,
    )
    area = _remediation_area() if recommendations else ContentArea()
    for index, rec in enumerate(recommendations, start=1):
        recommendation = Recommendation.objects.create(
            conclusion=conclusion,
            number=index,
            text=rec.text.strip(),
            unit=rec.unit,
            person=rec.person,
            deadline=rec.deadline,
        )
        recommendation.task = _remediation_task(recommendation, conclusion, area, actor)
        recommendation.save(update_fields=["task"])
    inspection.status = Inspection.Status.CONCLUDED
    inspection.save(update_fields=["status"])
    audit.record(
        actor,
        "inspections.conclude",
        conclusion,
        unit=inspection.unit,
        details={"inspection": inspection.pk, "recommendations": len(recommendations)},
    )
    return conclusion


def _remediation_task(
    rec: Recommendation, conclusion: Conclusion, area: ContentArea, actor: "User"
) -> Task:
    plan = remediation_plan(rec.unit, conclusion.date)
    try:
        return create_task(
            plan,
            actor=actor,
            code=rec.reference,
            title=_("Remedy: %(text)s") % {"text": rec.text[:480]},
            description=_("Recommendation %(n)s of conclusion %(number)s dated %(date)s:\n%(text)s")
            % {
                "n": rec.number,
                "number": conclusion.number,
                "date": _day(conclusion.date),
                "text": rec.text,
            },
            area=area,
            lead_unit=rec.unit,
            responsible=rec.person,
            deadline=rec.deadline,
            source=Task.Source.INSPECTION,
            source_ref=rec.reference,
        )
    except ValidationError as error:
        raise ValidationError(
            _("Recommendation %(n)s: the remediation task was refused: %(reason)s")
            % {"n": rec.number, "reason": " ".join(error.messages)}
        ) from error


@transaction.atomic
def record_verdict(
    inspection: Inspection,
    recommendation: Recommendation,
    *,
    actor: "User",
    verdict: str,
    evidence: str,
    file: UploadedFile | None = None,
) -> Verdict:
    """Record a re-inspection's verdict on an earlier recommendation: remedied closes it; partly
    or not remedied keep it open (and an overdue one escalates at once to its unit's heads).
    Writes "inspections.verdict".

    A remedied verdict also completes the recommendation's remediation task, if it is still
    open (plans.complete_task, today): the re-inspection verified it.

    Refuses an inspection not in progress, an author not on the team, a recommendation of this
    inspection or not addressed to one of its targets, one already remedied or already judged
    by this inspection, empty evidence and an invalid file.
    """
    if inspection.status != Inspection.Status.IN_PROGRESS:
        raise ValidationError(_("Verdicts are recorded while the re-inspection is in progress."))
    if not is_on_team(actor, inspection):
        raise ValidationError(_("Only members of the inspection team record verdicts."))
    if recommendation.conclusion.inspection_id == inspection.pk or not (
        inspection.targets.filter(unit_id=recommendation.unit_id).exists()
    ):
        raise ValidationError(
            _("%(ref)s is not an earlier recommendation to a unit of this inspection.")
            % {"ref": recommendation.reference}
        )
    if not recommendation.is_open:
        raise ValidationError(_("%(ref)s is already remedied.") % {"ref": recommendation.reference})
    if inspection.verdicts.filter(recommendation=recommendation).exists():
        raise ValidationError(
            _("This re-inspection has already judged %(ref)s.") % {"ref": recommendation.reference}
        )
    if not evidence.strip():
        raise ValidationError({"evidence": _("Describe the evidence for the verdict.")})
    record = Verdict(
        inspection=inspection,
        recommendation=recommendation,
        verdict=Verdict.Value(verdict),
        evidence=evidence.strip(),
        recorded_by=actor,
    )
    if file is not None:
        checked = check_upload(file)
        record.file.save(checked.storage_name(), file, save=False)
        record.file_name = checked.original_name
    record.save()
    before = recommendation.status
    recommendation.status = verdict
    recommendation.closed_on = timezone.localdate() if verdict == Verdict.Value.REMEDIED else None
    recommendation.save(update_fields=["status", "closed_on"])
    audit.record(
        actor,
        "inspections.verdict",
        recommendation,
        unit=recommendation.unit,
        changes={"status": [before, verdict]},
        details={"inspection": inspection.pk},
    )
    task = recommendation.task
    if verdict == Verdict.Value.REMEDIED and task is not None and task.is_open:
        # Verified on the spot: the remediation task is done, so it no longer counts overdue.
        reason = _("Remedied according to the re-inspection %(title)s.") % {
            "title": inspection.title
        }
        complete_task(task, actor=actor, day=timezone.localdate(), reason=reason)
    if recommendation.days_overdue() > 0:
        _escalate(recommendation, actor=actor)
    return record


def _escalate(
    rec: Recommendation, *, actor: "User | None", recipients: Recipients | None = None
) -> int:
    """Notify, once per recommendation (key), those who hear of an overdue task in plans (the
    heads of its unit and of the units above it, and the city administrators:
    plans.queries.Recipients.escalation); the notices are e-mailed after the commit."""
    recipients = recipients or Recipients({rec.unit_id})
    message = _("Recommendation %(ref)s to %(unit)s is overdue since %(deadline)s: %(text)s") % {
        "ref": rec.reference,
        "unit": rec.unit,
        "deadline": _day(rec.deadline),
        "text": rec.text[:300],
    }
    created = notify(
        notices_to(
            sorted(recipients.escalation(rec.unit.path)),
            kind=Notification.Kind.ESCALATION,
            task_id=rec.task_id,
            link=rec.conclusion.inspection.get_absolute_url(),
            message=message,
            key=f"inspections.overdue.{rec.pk}",
        )
    )
    if created:
        audit.record(
            actor, "inspections.escalate", rec, unit=rec.unit, details={"notified": len(created)}
        )
    return len(created)


@transaction.atomic
def escalate_overdue_recommendations(
    *, actor: "User | None" = None, today: datetime.date | None = None
) -> int:
    """Escalate each open recommendation past its deadline (_escalate: the heads of its unit and
    above, and the city administrators), once per recommendation and person (idempotent).
    Writes "inspections.escalate" per recommendation that notified someone. Returns the number
    of notifications created."""
    overdue = list(
        Recommendation.objects.overdue(today).select_related("unit", "conclusion__inspection")
    )
    recipients = Recipients({rec.unit_id for rec in overdue})
    return sum(_escalate(rec, actor=actor, recipients=recipients) for rec in overdue)
