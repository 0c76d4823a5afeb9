"""The appraisal council (hội đồng thẩm định): members propose a score per appraised criterion
of each submitted assessment, a criterion is decided when more than the round's majority of the
members agree, the chair sends the appraisal to the unit, which may respond once within the
round's window (giải trình), and the chair finalises.

Every function here that changes data is an action: a transaction and its audit event.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cchc.accounts.models import User
from cchc.core import audit
from cchc.core.actions import notices_to, notify
from cchc.core.models import Notification
from cchc.indices.models import (
    Appraisal,
    Assessment,
    AssessmentRound,
    CouncilMember,
    Criterion,
    Proposal,
)
from cchc.indices.queries import appraised_leaves, unit_scorers
from cchc.indices.scoring import check_points, decided_points


def _open_round(rating_round: AssessmentRound) -> None:
    if rating_round.is_published:
        raise ValidationError(_("The round's results are published: nothing can change."))


@transaction.atomic
def set_council(
    rating_round: AssessmentRound, *, actor: User, members: list[User], chair: User
) -> list[CouncilMember]:
    """Appoint the round's appraisal council (replacing the earlier one) with its chair.
    Writes "indices.set_council" with the members' usernames.

    Refuses a published round, a council without members, a chair who is not a member and a
    change once a member has proposed a score."""
    rating_round = AssessmentRound.objects.select_for_update().get(pk=rating_round.pk)
    _open_round(rating_round)
    if not members:
        raise ValidationError({"members": _("Choose the council's members.")})
    if chair not in members:
        raise ValidationError({"chair": _("The chair must be one of the members.")})
    if Proposal.objects.filter(appraisal__assessment__round=rating_round).exists():
        raise ValidationError(_("The council has started appraising: its members are fixed."))
    before = sorted(rating_round.council.values_list("user__username", flat=True))
    rating_round.council.all().delete()
    council = CouncilMember.objects.bulk_create(
        CouncilMember(round=rating_round, user=user, is_chair=user == chair) for user in members
    )
    audit.record(
        actor,
        "indices.set_council",
        rating_round,
        changes={"members": [before, sorted(u.username for u in members)]},
        details={"chair": chair.username},
    )
    return council


def _locked(assessment: Assessment, *statuses: str) -> Assessment:
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("round__framework", "unit")
        .get(pk=assessment.pk)
    )
    _open_round(assessment.round)
    if assessment.status not in statuses:
        raise ValidationError(
            _("Not possible while the assessment is “%(status)s”.")
            % {"status": assessment.get_status_display()}
        )
    return assessment


def _chair(assessment: Assessment, actor: User) -> None:
    if not CouncilMember.objects.filter(round=assessment.round, user=actor, is_chair=True).exists():
        raise ValidationError(_("Only the council's chair can do this."))


@transaction.atomic
def propose(
    assessment: Assessment,
    criterion: Criterion,
    *,
    actor: User,
    points: Decimal,
    reason: str = "",
    version: int | None = None,
) -> Appraisal:
    """Record `actor`'s proposed score for a criterion (replacing their earlier one) and decide
    the criterion when more than the majority agree. Writes "indices.propose".

    Refuses a member outside the council, an assessment not submitted or already finalised,
    a criterion the council does not appraise, points outside the criterion's range or steps,
    points different from the self-score without a reason, and a stale `version` (another
    member proposed on this criterion since the form was loaded)."""
    assessment = _locked(assessment, Assessment.Status.SUBMITTED, Assessment.Status.APPRAISED)
    rating_round = assessment.round
    framework = rating_round.framework
    members = list(rating_round.council.values_list("user_id", flat=True))
    if actor.pk not in members:
        raise ValidationError(_("Only the round's council members appraise."))
    if criterion.framework_id != framework.pk or criterion not in appraised_leaves(framework):
        raise ValidationError(_("The council does not appraise this criterion."))
    check_points(criterion, framework.step, points)
    self_score = assessment.scores.filter(criterion=criterion).values_list("points", flat=True)
    reason = reason.strip()
    if points != next(iter(self_score), None) and not reason:
        raise ValidationError(
            {"reason": _("Give the reason for a score different from the unit's self-score.")}
        )
    appraisal, _created = Appraisal.objects.get_or_create(
        assessment=assessment, criterion=criterion
    )
    appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    if version is not None and appraisal.version != version:
        raise ValidationError(
            _(
                "%(code)s: another member proposed a score while you were editing. "
                "Reload to see it, then propose again."
            )
            % {"code": criterion.code}
        )
    previous = appraisal.proposals.filter(member=actor).first()
    before = None if previous is None else str(previous.points)
    Proposal.objects.update_or_create(
        appraisal=appraisal, member=actor, defaults={"points": points, "reason": reason}
    )
    proposals = list(appraisal.proposals.values_list("points", flat=True))
    appraisal.points = decided_points(proposals, len(members), rating_round.majority_percent)
    appraisal.version += 1
    appraisal.save(update_fields=["points", "version"])
    audit.record(
        actor,
        "indices.propose",
        appraisal,
        unit=assessment.unit,
        changes={"points": [before, str(points)]},
        details={
            "criterion": criterion.code,
            "reason": reason,
            "decided": None if appraisal.points is None else str(appraisal.points),
        },
    )
    return appraisal


def _notify(users: list[int], assessment: Assessment, message: str, key: str) -> None:
    notify(
        notices_to(
            sorted(set(users)),
            kind=Notification.Kind.INDEX,
            link=assessment.get_absolute_url(),
            message=message,
            key=key,
        )
    )


@transaction.atomic
def send_appraisal(
    assessment: Assessment, *, actor: User, today: datetime.date | None = None
) -> Assessment:
    """The chair sends the appraisal to the unit, which may respond until `response_days` after
    today; the unit's focal points and heads are notified. Writes "indices.send_appraisal".

    Refuses anyone but the chair and an assessment not submitted (or already sent)."""
    assessment = _locked(assessment, Assessment.Status.SUBMITTED)
    _chair(assessment, actor)
    today = today or timezone.localdate()
    assessment.status = Assessment.Status.APPRAISED
    assessment.sent_at = timezone.now()
    assessment.response_deadline = today + datetime.timedelta(days=assessment.round.response_days)
    assessment.save(update_fields=["status", "sent_at", "response_deadline"])
    audit.record(
        actor,
        "indices.send_appraisal",
        assessment,
        unit=assessment.unit,
        details={"respond_by": assessment.response_deadline.isoformat()},
    )
    with translation.override("vi"):
        message = _(
            "The council appraised the self-assessment of %(unit)s in “%(round)s”. "
            "You may respond until %(day)s."
        ) % {
            "unit": assessment.unit.name,
            "round": assessment.round.title,
            "day": f"{assessment.response_deadline:%d/%m/%Y}",
        }
    _notify(unit_scorers(assessment), assessment, message, f"index:{assessment.pk}:sent")
    return assessment


@transaction.atomic
def respond(
    assessment: Assessment, *, actor: User, text: str, today: datetime.date | None = None
) -> Assessment:
    """The unit's one response to the appraisal (giải trình), within the window; the council is
    notified. Writes "indices.respond".

    Refuses an empty text, an assessment whose appraisal was not sent, a second response and
    a response after the window."""
    assessment = _locked(assessment, Assessment.Status.APPRAISED)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the unit's response.")})
    if assessment.responded_at is not None:
        raise ValidationError(_("The unit has already responded: only one response is allowed."))
    today = today or timezone.localdate()
    deadline = assessment.response_deadline
    if deadline is not None and today > deadline:
        raise ValidationError(
            _("The time to respond ended on %(day)s.") % {"day": f"{deadline:%d/%m/%Y}"}
        )
    assessment.response = text
    assessment.responded_at = timezone.now()
    assessment.responded_by = actor
    assessment.save(update_fields=["response", "responded_at", "responded_by"])
    audit.record(actor, "indices.respond", assessment, unit=assessment.unit)
    with translation.override("vi"):
        message = _("%(unit)s responded to the appraisal in “%(round)s”.") % {
            "unit": assessment.unit.name,
            "round": assessment.round.title,
        }
    council = list(assessment.round.council.values_list("user_id", flat=True))
    _notify(council, assessment, message, f"index:{assessment.pk}:response")
    return assessment


@transaction.atomic
def finalise(
    assessment: Assessment, *, actor: User, today: datetime.date | None = None
) -> Assessment:
    """The chair finalises the appraisal: the assessment's points are then fixed. Writes
    "indices.finalise" with the appraised total.

    Refuses anyone but the chair, an appraisal not yet sent to the unit, while the unit may
    still respond and has not, and while a criterion has no majority (every one is named)."""
    assessment = _locked(assessment, Assessment.Status.APPRAISED)
    _chair(assessment, actor)
    today = today or timezone.localdate()
    deadline = assessment.response_deadline
    if assessment.responded_at is None and deadline is not None and today <= deadline:
        raise ValidationError(
            _("The unit may respond until %(day)s: finalise after its response or that day.")
            % {"day": f"{deadline:%d/%m/%Y}"}
        )
    decided = {
        criterion: points
        for criterion, points in assessment.appraisals.values_list("criterion_id", "points")
        if points is not None
    }
    missing = [c.code for c in appraised_leaves(assessment.round.framework) if c.pk not in decided]
    if missing:
        raise ValidationError(
            _("No majority of the council yet on: %(codes)s.") % {"codes": ", ".join(missing)}
        )
    assessment.status = Assessment.Status.FINALISED
    assessment.finalised_at = timezone.now()
    assessment.finalised_by = actor
    assessment.save(update_fields=["status", "finalised_at", "finalised_by"])
    total = sum(decided.values(), Decimal(0))
    audit.record(
        actor, "indices.finalise", assessment, unit=assessment.unit, details={"total": str(total)}
    )
    with translation.override("vi"):
        message = _("The council finalised the appraisal of %(unit)s: %(total)s points.") % {
            "unit": assessment.unit.name,
            "total": f"{total:.2f}".replace(".", ","),
        }
    _notify(unit_scorers(assessment), assessment, message, f"index:{assessment.pk}:final")
    return assessment
