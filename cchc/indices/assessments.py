"""Self-assessment: open a round for a framework's target group, score the criteria with
evidence or an explanation, submit (which locks the assessment). Every function here is an
action: a transaction and its audit event."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.models import User
from cchc.core import audit
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
from cchc.orgunits.models import OrgUnit

KINDS: dict[str, tuple[str, ...]] = {
    TargetGroup.DEPARTMENTS: (OrgUnit.Kind.DEPARTMENT,),
    TargetGroup.WARDS: OrgUnit.LOWER_KINDS,
    TargetGroup.PUBLIC_SERVICE: (OrgUnit.Kind.PUBLIC_SERVICE,),
    TargetGroup.CENTRAL: (OrgUnit.Kind.DEPARTMENT,),
}


def scored_by_units(framework: Framework) -> list[Criterion]:
    """The leaves the units score themselves: manual ones (computed and survey criteria get
    their points elsewhere)."""
    criteria = list(framework.criteria.order_by("order"))
    parents = {c.parent_id for c in criteria}
    return [c for c in criteria if c.pk not in parents and c.method == Criterion.Method.MANUAL]


@transaction.atomic
def open_round(
    framework: Framework,
    *,
    actor: User,
    title: str,
    deadline: datetime.date,
    units: list[OrgUnit],
) -> AssessmentRound:
    """Open a self-assessment round of a published framework for `units`, with an empty
    assessment each. Writes "indices.open_round" with the number of units.

    Refuses a draft framework, a deadline before today, no units, and a unit outside the
    framework's target group or no longer current."""
    if not framework.is_published:
        raise ValidationError(_("Publish the framework before opening a round."))
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    if not units:
        raise ValidationError({"units": _("Choose the units that assess themselves.")})
    wrong = [u.name for u in units if u.kind not in KINDS[framework.group] or not u.is_current]
    if wrong:
        raise ValidationError(
            _("Not in the framework's target group: %(units)s.") % {"units": ", ".join(wrong)}
        )
    rating_round = AssessmentRound.objects.create(
        framework=framework, title=title.strip(), deadline=deadline, opened_by=actor
    )
    Assessment.objects.bulk_create(Assessment(round=rating_round, unit=unit) for unit in units)
    audit.record(
        actor,
        "indices.open_round",
        rating_round,
        details={"units": len(units), "year": framework.year},
    )
    return rating_round


def _editable(assessment: Assessment) -> Assessment:
    assessment = (
        Assessment.objects.select_for_update()
        .select_related("round__framework")
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
    if not criterion.min_points <= points <= criterion.max_points:
        raise ValidationError(
            {
                "points": _("%(code)s: the points must be between %(min)s and %(max)s.")
                % {"code": criterion.code, "min": criterion.min_points, "max": criterion.max_points}
            }
        )
    if points % framework.step:
        raise ValidationError(
            {"points": _("Score in steps of %(step)s points.") % {"step": framework.step}}
        )
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
    document = EvidenceDocument(
        score=score,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    document.file.save(checked.storage_name(), upload, save=False)
    document.save()
    audit.record(
        actor,
        "indices.attach_evidence",
        score,
        unit=score.assessment.unit,
        details={"file": checked.original_name, "sha256": checked.sha256},
    )
    return document


@transaction.atomic
def submit_assessment(assessment: Assessment, *, actor: User) -> Assessment:
    """Submit the self-assessment: it is locked from then on. Writes "indices.submit".

    Refuses an assessment already submitted, a criterion left unscored, and a criterion whose
    framework requires evidence that has neither a document nor an explanation (every one is
    named)."""
    assessment = _editable(assessment)
    scores = {s.criterion_id: s for s in assessment.scores.prefetch_related("evidence")}
    problems = []
    for criterion in scored_by_units(assessment.round.framework):
        score = scores.get(criterion.pk)
        if score is None:
            problems.append(_("%(code)s: not scored yet.") % {"code": criterion.code})
        elif criterion.evidence_required and not score.explanation and not score.evidence.all():
            problems.append(
                _("%(code)s: attach an evidence document or write an explanation.")
                % {"code": criterion.code}
            )
    if problems:
        raise ValidationError(problems)
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = actor
    assessment.save(update_fields=["status", "submitted_at", "submitted_by"])
    audit.record(actor, "indices.submit", assessment, unit=assessment.unit)
    return assessment
