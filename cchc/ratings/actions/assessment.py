"""Assessment, response, approval and reopening of a monthly rating."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cchc.accounts.models import Membership, User
from cchc.core import audit
from cchc.core.actions import notices_to, notify
from cchc.core.models import Notification
from cchc.ratings.actions.rounds import rebands, refresh_leaders
from cchc.ratings.models import (
    GeneralScore,
    Rating,
    cents,
)

# Assessment, response, approval -------------------------------------------------------------


def _check_version(rating: Rating, version: int | None) -> Rating:
    current = Rating.objects.select_for_update().get(pk=rating.pk)
    if version is not None and current.version != version:
        raise ValidationError(
            _("Someone else changed this rating while you were editing it. Reload and try again.")
        )
    return current


@transaction.atomic
def assess_rating(
    rating: Rating,
    *,
    actor: User,
    points: dict[int, Decimal],
    comment: str = "",
    version: int | None = None,
) -> Rating:
    """Enter the general-criteria points (criterion id → points) with a comment: the rating's
    general points, total and (with its cap group) band are recomputed; it becomes
    "assessed". Writes "ratings.assess" with the points before and after, and notifies the
    rated (notify_assessed).

    Refuses an approved rating, a stale `version`, a missing or unknown sub-criterion, and
    points below zero or above a sub-criterion's maximum.
    """
    rating = _check_version(rating, version)
    if rating.is_frozen:
        raise ValidationError(_("An approved rating cannot be changed; reopen it first."))
    criteria = {c.pk: c for c in rating.round.policy.criteria.all()}
    if set(points) != set(criteria):
        raise ValidationError(_("Give points for every general sub-criterion."))
    for pk, value in points.items():
        if not 0 <= value <= criteria[pk].max_points:
            raise ValidationError(
                _("%(criterion)s: points must be between 0 and %(max)s.")
                % {"criterion": criteria[pk], "max": criteria[pk].max_points}
            )
    before = rating.general_points
    rating.general_scores.all().delete()
    GeneralScore.objects.bulk_create(
        GeneralScore(rating=rating, criterion_id=pk, points=value) for pk, value in points.items()
    )
    rating.general_points = cents(sum(points.values(), Decimal(0)))
    rating.total = cents(rating.task_points + rating.general_points)
    rating.assessor_comment = comment.strip()
    rating.assessed_by = actor
    rating.assessed_at = timezone.now()
    rating.status = Rating.Status.ASSESSED
    rating.version += 1
    rating.save()
    if rating.kind == Rating.Kind.PERSON:  # the staff part of the unit's heads may change
        refresh_leaders(rating.round, [rating.unit_id])
    rebands(rating.round, [rating.cap_group, f"{Rating.Kind.HEAD}:{rating.peer_group}"])
    rating.refresh_from_db()
    audit.record(
        actor,
        "ratings.assess",
        rating,
        unit=rating.unit,
        changes={"general_points": [_num(before), _num(rating.general_points)]},
        details={"total": _num(rating.total), "band": rating.band},
    )
    notify_assessed(rating)
    return rating


def notify_assessed(rating: Rating) -> None:
    """Tell the rated (the person; for a unit, its heads) that the rating was assessed and
    until when they may respond: an in-app notice, e-mailed after commit (core.actions.notify)."""
    if rating.kind == Rating.Kind.UNIT:
        heads = Membership.objects.filter(
            unit=rating.unit, role=Membership.Role.HEAD, user__is_active=True
        )
        users = list(heads.values_list("user_id", flat=True))
    else:
        users = [rating.person_id] if rating.person_id else []
    deadline = response_deadline(rating)
    with translation.override("vi"):
        message = _(
            "The rating of %(label)s for %(month)s was assessed: %(total)s points, %(band)s. "
            "You may respond until %(day)s."
        ) % {
            "label": rating.label,
            "month": f"{rating.round.month:%m/%Y}",
            "total": number_format(rating.total, 2),
            "band": rating.get_band_display(),
            "day": f"{deadline:%d/%m/%Y}" if deadline else "",
        }
    notify(
        notices_to(
            users,
            kind=Notification.Kind.RATING,
            link=rating.get_absolute_url(),
            message=message,
            key=f"rating:{rating.pk}:v{rating.version}",
        )
    )


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def response_deadline(rating: Rating) -> datetime.date | None:
    """The last day on which the rated person may respond (None before the assessment)."""
    if rating.assessed_at is None:
        return None
    days = rating.round.policy.response_days
    return timezone.localdate(rating.assessed_at) + datetime.timedelta(days=days)


@transaction.atomic
def respond_to_rating(
    rating: Rating, *, actor: User, text: str, today: datetime.date | None = None
) -> Rating:
    """Record the rated person's response (once). The figures do not change; a response that
    shows an error leads the approver to reopen the rating. Writes "ratings.respond".

    Refuses a rating not yet assessed, a second response, an empty text and a response after
    the window (policy.response_days from the assessment).
    """
    rating = Rating.objects.select_for_update().get(pk=rating.pk)
    deadline = response_deadline(rating)
    if deadline is None:
        raise ValidationError(_("The rating has not been assessed yet."))
    if rating.responded_at is not None:
        raise ValidationError(_("A response has already been given."))
    if (today or timezone.localdate()) > deadline:
        raise ValidationError(
            _("Responses were accepted until %(day)s.") % {"day": f"{deadline:%d/%m/%Y}"}
        )
    if not text.strip():
        raise ValidationError({"text": _("Write the response.")})
    rating.response = text.strip()
    rating.responded_by = actor
    rating.responded_at = timezone.now()
    rating.version += 1
    rating.save(update_fields=["response", "responded_by", "responded_at", "version"])
    audit.record(actor, "ratings.respond", rating, unit=rating.unit)
    return rating


@transaction.atomic
def approve_ratings(ratings: Iterable[Rating], *, actor: User) -> int:
    """Approve assessed ratings: each is frozen (its band, with the cap and discipline as they
    stand) until reopened. Writes "ratings.approve" per rating. Returns how many.

    Refuses (all of them) when one is not assessed or is the approver's own.
    """
    # The unit and round come with the rows (each audit event names them), locked rows only.
    chosen = list(
        Rating.objects.select_for_update(of=("self",))
        .select_related("unit", "round")
        .filter(pk__in=[r.pk for r in ratings])
    )
    for rating in chosen:
        if rating.status != Rating.Status.ASSESSED:
            raise ValidationError(
                _("%(rating)s is not waiting for approval.") % {"rating": rating.label}
            )
        if rating.person_id == actor.pk:
            raise ValidationError(_("Nobody approves their own rating."))
    now = timezone.now()
    for rating in chosen:
        rating.status = Rating.Status.APPROVED
        rating.approved_by = actor
        rating.approved_at = now
        rating.version += 1
        audit.record(
            actor,
            "ratings.approve",
            rating,
            unit=rating.unit,
            details={"total": str(rating.total), "band": rating.band},
        )
    Rating.objects.bulk_update(chosen, ["status", "approved_by", "approved_at", "version"])
    return len(chosen)


@transaction.atomic
def reopen_rating(rating: Rating, *, actor: User, reason: str) -> Rating:
    """Reopen an approved rating so that it can be assessed again: back to "assessed", with the
    reason; its band is recomputed with its group. Writes "ratings.reopen".

    Refuses a rating that is not approved and an empty reason.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    rating = Rating.objects.select_for_update().get(pk=rating.pk)
    if not rating.is_frozen:
        raise ValidationError(_("Only an approved rating can be reopened."))
    rating.status = Rating.Status.ASSESSED
    rating.reopen_reason = reason.strip()
    rating.approved_by = None
    rating.approved_at = None
    rating.version += 1
    rating.save()
    if rating.kind == Rating.Kind.PERSON:
        refresh_leaders(rating.round, [rating.unit_id])
    rebands(rating.round, [rating.cap_group, f"{Rating.Kind.HEAD}:{rating.peer_group}"])
    audit.record(
        actor, "ratings.reopen", rating, unit=rating.unit, details={"reason": rating.reopen_reason}
    )
    rating.refresh_from_db()
    return rating
