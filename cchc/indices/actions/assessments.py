"""Self-assessment: open a round for a framework's target group (computed criteria pre-filled),
score the criteria with evidence documents, cited platform records or an explanation, submit
(which locks the assessment), and the reminders before the deadline. Every function here is an
action: a transaction and its audit event."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cchc.accounts.models import Membership, User
from cchc.core import audit
from cchc.core.actions import notices_to, notify
from cchc.core.models import Notification
from cchc.core.uploads import check_upload
from cchc.indices.models import (
    Assessment,
    AssessmentRound,
    Criterion,
    EvidenceDocument,
    Framework,
    SelfScore,
    TargetGroup,
)
from cchc.indices.queries import computed_scores, scored_by_units
from cchc.indices.scoring import check_points
from cchc.orgunits.models import OrgUnit
from cchc.plans.models import ProgressReport, Task

REMINDER_DAYS = (3, 1, 0)  # days before the round's deadline a draft's scorers are reminded

KINDS: dict[str, tuple[str, ...]] = {
    TargetGroup.DEPARTMENTS: (OrgUnit.Kind.DEPARTMENT,),
    TargetGroup.WARDS: OrgUnit.LOWER_KINDS,
    TargetGroup.PUBLIC_SERVICE: (OrgUnit.Kind.PUBLIC_SERVICE,),
    TargetGroup.CENTRAL: (OrgUnit.Kind.DEPARTMENT,),
}


DEFAULT_MAJORITY: Decimal = AssessmentRound._meta.get_field("majority_percent").default
DEFAULT_RESPONSE_DAYS: int = AssessmentRound._meta.get_field("response_days").default


@transaction.atomic
def open_round(
    framework: Framework,
    *,
    actor: User,
    title: str,
    deadline: datetime.date,
    units: list[OrgUnit],
    majority_percent: Decimal = DEFAULT_MAJORITY,
    response_days: int = DEFAULT_RESPONSE_DAYS,
    today: datetime.date | None = None,
) -> AssessmentRound:
    """Open a self-assessment round of a published framework for `units`, with an assessment
    each whose computed criteria are pre-filled as of `today` (points and calculation). Writes
    "indices.open_round" with the number of units.

    Refuses a draft framework, a deadline before today, no units, a unit outside the
    framework's target group or no longer current, a majority outside 0 to 100 percent and a
    negative number of days for the unit's response."""
    if not framework.is_published:
        raise ValidationError(_("Publish the framework before opening a round."))
    today = today or timezone.localdate()
    if deadline < today:
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    if not units:
        raise ValidationError({"units": _("Choose the units that assess themselves.")})
    wrong = [u.name for u in units if u.kind not in KINDS[framework.group] or not u.is_current]
    if wrong:
        raise ValidationError(
            _("Not in the framework's target group: %(units)s.") % {"units": ", ".join(wrong)}
        )
    if not 0 <= majority_percent < 100:
        raise ValidationError(
            {"majority_percent": _("The majority must be from 0 to less than 100 percent.")}
        )
    if response_days < 0:
        raise ValidationError({"response_days": _("The days for the response cannot be negative.")})
    rating_round = AssessmentRound.objects.create(
        framework=framework,
        title=title.strip(),
        deadline=deadline,
        opened_by=actor,
        majority_percent=majority_percent,
        response_days=response_days,
    )
    Assessment.objects.bulk_create(Assessment(round=rating_round, unit=unit) for unit in units)
    _fill_computed(framework, list(rating_round.assessments.all()), today)
    audit.record(
        actor,
        "indices.open_round",
        rating_round,
        details={"units": len(units), "year": framework.year},
    )
    return rating_round


def _fill_computed(
    framework: Framework, assessments: list[Assessment], as_of: datetime.date
) -> dict[str, str]:
    """Write the computed criteria's SelfScore (points and calculation, as of `as_of`) of each
    assessment, creating or updating them in bulk; returns {code: points} of the scores written
    (for the audit of one assessment). A constant number of queries."""
    by_unit = computed_scores(framework, [a.unit_id for a in assessments], as_of)
    if not any(by_unit.values()):
        return {}
    existing = {
        (s.assessment_id, s.criterion_id): s
        for s in SelfScore.objects.filter(
            assessment__in=assessments, criterion__in=list(next(iter(by_unit.values())))
        )
    }
    codes = dict(framework.criteria.values_list("pk", "code"))
    new, changed, summary = [], [], {}
    for assessment in assessments:
        for criterion_id, (points, calculation) in by_unit[assessment.unit_id].items():
            text = calculation[: SelfScore._meta.get_field("calculation").max_length]
            score = existing.get((assessment.pk, criterion_id))
            if score is None:
                new.append(
                    SelfScore(
                        assessment=assessment,
                        criterion_id=criterion_id,
                        points=points,
                        calculation=text,
                    )
                )
            elif (score.points, score.calculation) != (points, text):
                score.points, score.calculation = points, text
                score.version += 1
                score.updated_at = timezone.now()
                changed.append(score)
            else:
                continue
            summary[codes[criterion_id]] = str(points)
    SelfScore.objects.bulk_create(new)
    SelfScore.objects.bulk_update(changed, ["points", "calculation", "version", "updated_at"])
    return summary


def _editable(assessment: Assessment) -> Assessment:
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("round__framework", "unit")
        .get(pk=assessment.pk)
    )
    if assessment.is_submitted:
        raise ValidationError(_("The assessment was submitted: it can no longer be changed."))
    return assessment


@transaction.atomic
def score_criterion(
    assessment: Assessment,
    criterion: Criterion,
    *,
    actor: User,
    points: Decimal,
    explanation: str = "",
    version: int | None = None,
) -> SelfScore:
    """Set the unit's self-score on a criterion it scores, with an optional explanation.
    Writes "indices.score" with before/after.

    Refuses a submitted assessment, a criterion of another framework or not scored by the
    unit, points outside the criterion's minimum and maximum or not in the framework's steps,
    and a stale `version`."""
    assessment = _editable(assessment)
    framework = assessment.round.framework
    if criterion.framework_id != framework.pk or criterion not in scored_by_units(framework):
        raise ValidationError(_("The unit does not score this criterion itself."))
    check_points(criterion, framework.step, points)
    score = (
        SelfScore.objects.select_for_update()
        .filter(assessment=assessment, criterion=criterion)
        .first()
    )
    if score is not None and version is not None and score.version != version:
        raise ValidationError(
            _("Someone else changed this score while you were editing it. Reload and try again.")
        )
    before = None if score is None else str(score.points)
    if score is None:
        score = SelfScore(assessment=assessment, criterion=criterion, points=points)
    else:
        score.version += 1
    score.points = points
    score.explanation = explanation.strip()
    score.save()
    audit.record(
        actor,
        "indices.score",
        score,
        unit=assessment.unit,
        changes={"points": [before, str(points)]},
    )
    return score


@transaction.atomic
def attach_evidence(score: SelfScore, *, actor: User, upload: UploadedFile) -> EvidenceDocument:
    """Attach an evidence document to a self-score (checked like every upload: size, type,
    content, SHA-256). Writes "indices.attach_evidence". Refuses a submitted assessment."""
    _editable(score.assessment)
    checked = check_upload(upload)
    document = EvidenceDocument.store(checked, score=score)
    audit.record(
        actor,
        "indices.attach_evidence",
        score,
        unit=score.assessment.unit,
        details={"file": checked.original_name, "sha256": checked.sha256},
    )
    return document


def _unit_score(score: SelfScore) -> tuple[Assessment, SelfScore]:
    """The editable assessment of `score` and the score, of a criterion the unit scores."""
    assessment = _editable(score.assessment)
    score = SelfScore.objects.select_related("criterion").get(pk=score.pk)
    if score.criterion.method != Criterion.Method.MANUAL:
        raise ValidationError(_("The unit does not score this criterion itself."))
    return assessment, score


@transaction.atomic
def cite_records(
    score: SelfScore,
    *,
    actor: User,
    tasks: Iterable[Task],
    reports: Iterable[ProgressReport],
) -> SelfScore:
    """Cite platform records as the evidence of a self-score (replacing the earlier citations):
    tasks led by the assessment's unit and progress reports on such tasks. Writes "indices.cite"
    with the task codes and report ids before and after.

    Refuses a submitted assessment, a criterion the unit does not score itself, and a task or
    report of another unit (each named by its task's code)."""
    assessment, score = _unit_score(score)
    tasks = list(tasks)
    reports = list(
        ProgressReport.objects.select_related("task").filter(pk__in=[r.pk for r in reports])
    )
    foreign = [t.code for t in tasks if t.lead_unit_id != assessment.unit_id]
    foreign += [r.task.code for r in reports if r.task.lead_unit_id != assessment.unit_id]
    if foreign:
        raise ValidationError(
            _("Not a record of %(unit)s: %(codes)s.")
            % {"unit": assessment.unit.name, "codes": ", ".join(sorted(set(foreign)))}
        )
    before = {
        "tasks": sorted(score.cited_tasks.values_list("code", flat=True)),
        "reports": sorted(score.cited_reports.values_list("pk", flat=True)),
    }
    score.cited_tasks.set(tasks)
    score.cited_reports.set(reports)
    after = {"tasks": sorted(t.code for t in tasks), "reports": sorted(r.pk for r in reports)}
    audit.record(
        actor,
        "indices.cite",
        score,
        unit=assessment.unit,
        changes=audit.diff(before, after),
        details={"criterion": score.criterion.code},
    )
    return score


@transaction.atomic
def submit_assessment(
    assessment: Assessment, *, actor: User, today: datetime.date | None = None
) -> Assessment:
    """Submit the self-assessment: it is locked from then on. The computed criteria are
    recalculated as of `today` first. Writes "indices.submit" with the recalculated points.

    Refuses an assessment already submitted, a criterion left unscored, and a criterion whose
    framework requires evidence that has no document, no cited record and no explanation
    (every one is named)."""
    assessment = _editable(assessment)
    framework = assessment.round.framework
    computed = _fill_computed(framework, [assessment], today or timezone.localdate())
    scores = {
        s.criterion_id: s
        for s in assessment.scores.prefetch_related("evidence", "cited_tasks", "cited_reports")
    }
    problems = []
    for criterion in scored_by_units(framework):
        score = scores.get(criterion.pk)
        if score is None:
            problems.append(_("%(code)s: not scored yet.") % {"code": criterion.code})
        elif criterion.evidence_required and not _has_evidence(score):
            problems.append(
                _("%(code)s: attach an evidence document, cite a record or write an explanation.")
                % {"code": criterion.code}
            )
    if problems:
        raise ValidationError(problems)
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = actor
    assessment.save(update_fields=["status", "submitted_at", "submitted_by"])
    audit.record(
        actor, "indices.submit", assessment, unit=assessment.unit, details={"computed": computed}
    )
    return assessment


@transaction.atomic
def close_unsubmitted(
    assessment: Assessment, *, actor: User, reason: str, today: datetime.date | None = None
) -> Assessment:
    """Close the self-assessment of a unit that did not submit it by the round's deadline, so
    that the council appraises it on what there is (the points the unit scored, if any, count as
    its self-scores; the computed criteria are recalculated) and the round can be published.
    DRAFT → SUBMITTED, with the reason kept and shown to the unit. Writes
    "indices.close_unsubmitted".

    Refuses an assessment no longer in draft, a round whose deadline has not passed and an
    empty reason."""
    assessment = (
        Assessment.objects.select_for_update()
        .select_related("round__framework", "unit")
        .get(pk=assessment.pk)
    )
    if assessment.status != Assessment.Status.DRAFT:
        raise ValidationError(_("This self-assessment has already been submitted."))
    today = today or timezone.localdate()
    if today <= assessment.round.deadline:
        raise ValidationError(
            _("The deadline (%(day)s) has not passed: the unit may still submit.")
            % {"day": f"{assessment.round.deadline:%d/%m/%Y}"}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the self-assessment is closed.")})
    computed = _fill_computed(assessment.round.framework, [assessment], today)
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = actor
    assessment.closed_reason = reason.strip()
    assessment.save(update_fields=["status", "submitted_at", "submitted_by", "closed_reason"])
    audit.record(
        actor,
        "indices.close_unsubmitted",
        assessment,
        unit=assessment.unit,
        details={"reason": assessment.closed_reason, "computed": computed},
    )
    return assessment


def _has_evidence(score: SelfScore) -> bool:
    """A document, a cited record or an explanation (from prefetched relations)."""
    return bool(
        score.explanation
        or score.evidence.all()
        or score.cited_tasks.all()
        or score.cited_reports.all()
    )


def _reminder_text(assessment: Assessment, days: int) -> str:
    values = {
        "unit": assessment.unit.name,
        "round": assessment.round.title,
        "day": f"{assessment.round.deadline:%d/%m/%Y}",
        "days": days,
    }
    if days == 0:
        return (
            _("The self-assessment of %(unit)s in “%(round)s” is due today (%(day)s): submit it.")
            % values
        )
    return (
        ngettext(
            "The self-assessment of %(unit)s in “%(round)s” is due in %(days)s day, on %(day)s.",
            "The self-assessment of %(unit)s in “%(round)s” is due in %(days)s days, on %(day)s.",
            days,
        )
        % values
    )


@transaction.atomic
def send_deadline_reminders(today: datetime.date, *, actor: User | None = None) -> int:
    """Notify the focal points and heads of each unit whose assessment is still a draft when
    its round's deadline is 3 days away, 1 day away or today (in Vietnamese, linking to the
    assessment), and e-mail them after commit. Idempotent: one notification per user and key
    "index:<assessment>:due:<days>", so a rerun sends nothing new. Writes
    "indices.send_reminders" with the count when something was sent; returns the count."""
    due = {today + datetime.timedelta(days=days): days for days in REMINDER_DAYS}
    drafts = list(
        Assessment.objects.filter(
            status=Assessment.Status.DRAFT,
            round__deadline__in=list(due),
            round__published_at__isnull=True,
        ).select_related("round", "unit")
    )
    scorers: dict[int, set[int]] = {}
    for unit_id, user_id in Membership.objects.filter(
        unit_id__in={a.unit_id for a in drafts},
        role__in=[Membership.Role.FOCAL_POINT, Membership.Role.HEAD],
        user__is_active=True,
    ).values_list("unit_id", "user_id"):
        scorers.setdefault(unit_id, set()).add(user_id)
    notices = []
    with translation.override("vi"):
        for assessment in drafts:
            days = due[assessment.round.deadline]
            message = _reminder_text(assessment, days)[:500]
            key = f"index:{assessment.pk}:due:{days}"
            notices += notices_to(
                sorted(scorers.get(assessment.unit_id, ())),
                kind=Notification.Kind.INDEX,
                link=assessment.get_absolute_url(),
                message=message,
                key=key,
            )
    new = notify(notices)
    if not new:
        return 0
    audit.record(actor, "indices.send_reminders", details={"day": str(today), "sent": len(new)})
    return len(new)
