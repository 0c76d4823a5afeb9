"""Every change of the service index: recomputing open months (counts, then scores and the
notices of units below the alert threshold), closing a month, issuing an apology letter.
Each is atomic and audited; the imports (imports.py) call `refresh_months`."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cchc.accounts.models import Membership
from cchc.core import audit
from cchc.core.actions import Notice, notices_to, notify
from cchc.core.models import Notification
from cchc.orgunits.models import OrgUnit
from cchc.services import scoring
from cchc.services.models import (
    ApologyLetter,
    Dossier,
    DossierCount,
    FeedbackCount,
    Framework,
    MonthFreeze,
    MonthScore,
)
from cchc.services.queries import (
    default_framework,
    dossier_count_sql,
    feedback_count_sql,
    first_of,
    frozen_months,
    unit_counts,
)


def _recount(month: datetime.date, unit_ids: list[int] | None) -> None:
    """Recount the month's DossierCount and FeedbackCount rows, of every unit or only of
    `unit_ids` (the other units' rows stay as they are)."""
    dossiers = DossierCount.objects.filter(month=month)
    feedback = FeedbackCount.objects.filter(month=month)
    if unit_ids is not None:
        dossiers, feedback = (
            dossiers.filter(unit_id__in=unit_ids),
            feedback.filter(unit_id__in=unit_ids),
        )
    dossiers.delete()
    feedback.delete()
    with connection.cursor() as cursor:
        cursor.execute(*dossier_count_sql(month, unit_ids))
        cursor.execute(*feedback_count_sql(month, unit_ids))


def score_month(
    month: datetime.date, framework: Framework | None = None, unit_ids: list[int] | None = None
) -> list[MonthScore]:
    """Store the month's scores from its counts (every unit with a dossier handled, or only
    `unit_ids`), replacing the earlier ones. Internal: callers check the freeze and are
    atomic."""
    framework = framework or default_framework()
    scheme = scoring.parse_framework(framework.document)
    counts = unit_counts(month, unit_ids)
    rates = {str(u): scoring.rates(c) for u, c in counts.items() if c["handled"]}
    pts = scoring.points(scheme, rates)
    now = timezone.now()
    rows = [
        MonthScore(
            unit_id=int(u),
            month=month,
            framework=framework,
            handled=counts[int(u)]["handled"],
            counts=counts[int(u)],
            rates={k: None if v is None else str(v) for k, v in rates[u].items()},
            groups={k: None if v is None else str(v) for k, v in pts[u].groups.items()},
            total_points=pts[u].total,
            computed_at=now,
        )
        for u in rates
    ]
    stale = MonthScore.objects.filter(month=month)
    if unit_ids is not None:
        stale = stale.filter(unit_id__in=unit_ids)
    stale.delete()
    return MonthScore.objects.bulk_create(rows, batch_size=1000)


@transaction.atomic
def refresh_months(
    months: list[datetime.date],
    *,
    actor: Any,
    reason: str,
    units: Mapping[datetime.date, Collection[int]] | None = None,
) -> list[datetime.date]:
    """Recount and rescore each given month that is not closed — every unit, or with `units`
    only the units given for each month (an import's touched pairs); notify the units whose
    on-time rate fell below the framework's alert threshold. Returns the months refreshed.
    Audits `services.recompute` with the months, the number of units and the reason (an
    import, a command)."""
    wanted = sorted({first_of(m) for m in months})
    frozen = frozen_months(wanted)
    done = [m for m in wanted if m not in frozen]
    framework = default_framework()
    for month in done:
        unit_ids = None if units is None else sorted(units.get(month, ()))
        _recount(month, unit_ids)
        stored = score_month(month, framework, unit_ids)
        notify_low_on_time(month, stored, framework)
    audit.record(
        actor,
        "services.recompute",
        details={
            "months": [f"{m:%Y-%m}" for m in done],
            "units": "all" if units is None else len(set().union(*units.values())),
            "skipped_closed": [f"{m:%Y-%m}" for m in sorted(frozen)],
            "reason": reason,
        },
    )
    return done


def notify_low_on_time(
    month: datetime.date, stored: list[MonthScore], framework: Framework
) -> list[Notice]:
    """One notice (in-app and e-mailed, `core.actions.notify`) to each focal point and head of a
    unit whose on-time rate is below the framework's alert threshold; idempotent per unit and
    month (its key)."""
    threshold = (framework.document.get("alerts") or {}).get("on_time_rate_below")
    if threshold is None:
        return []
    low = [
        s
        for s in stored
        if s.rates.get("on_time_rate") is not None
        and Decimal(s.rates["on_time_rate"]) < Decimal(str(threshold))
    ]
    if not low:
        return []
    members = Membership.objects.filter(
        unit_id__in=[s.unit_id for s in low],
        role__in=[Membership.Role.FOCAL_POINT, Membership.Role.HEAD],
        user__is_active=True,
    ).values_list("unit_id", "user_id")
    by_unit: dict[int, set[int]] = {}
    for unit_id, user_id in members:
        by_unit.setdefault(unit_id, set()).add(user_id)
    notices = []
    for score in low:
        link = reverse("services:late", args=[score.unit_id, month.year, month.month])
        # In Vietnamese whoever ran the import, with Vietnamese numbers (66,67%, not 66.67%).
        with translation.override("vi"):
            message = _(
                "The on-time rate of dossiers in %(month)s is %(rate)s%%, below "
                "%(threshold)s%%: see the late dossiers."
            ) % {
                "month": f"{month:%m/%Y}",
                "rate": number_format(Decimal(score.rates["on_time_rate"]), 2),
                "threshold": number_format(Decimal(str(threshold))),
            }
        notices += notices_to(
            by_unit.get(score.unit_id, ()),
            kind=Notification.Kind.OVERDUE,
            message=message,
            key=f"services:{score.unit_id}:{month:%Y-%m}",
            link=link,
        )
    return notify(notices)


@transaction.atomic
def close_month(month: datetime.date, *, actor: Any) -> MonthFreeze:
    """Recompute the month one last time and freeze it: later imports leave its counts and
    scores as they are. Audits `services.close_month`. Refuses a month already closed or not
    yet over."""
    month = first_of(month)
    if MonthFreeze.objects.filter(month=month).exists():
        raise ValidationError(_("%(month)s is already closed.") % {"month": f"{month:%m/%Y}"})
    if month >= first_of(timezone.localdate()):
        raise ValidationError(_("A month can be closed once it is over."))
    refresh_months([month], actor=actor, reason="close")
    freeze = MonthFreeze.objects.create(month=month, frozen_at=timezone.now(), frozen_by=actor)
    audit.record(
        actor,
        "services.close_month",
        freeze,
        details={"units": MonthScore.objects.filter(month=month).count()},
    )
    return freeze


@transaction.atomic
def issue_apology(
    dossier: Dossier,
    *,
    actor: Any,
    number: str,
    issued_on: datetime.date,
    reason: str,
    signer: str,
    new_due_on: datetime.date | None = None,
) -> ApologyLetter:
    """Record the apology letter for a late dossier (one per dossier). Refuses a dossier that is
    not late (completed by its due time, or still within it) and a second letter. Audits
    `services.apology` on the dossier's unit."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    now = timezone.now()
    late = (dossier.returned_at or now) > dossier.due_at
    if not late:
        raise ValidationError(_("This dossier is not late: no apology letter is due."))
    if ApologyLetter.objects.filter(dossier=dossier).exists():
        raise ValidationError(_("An apology letter was already issued for this dossier."))
    if not number.strip() or not reason.strip() or not signer.strip():
        raise ValidationError(_("The number, the reason and the signer are required."))
    if new_due_on is not None and new_due_on < issued_on:
        raise ValidationError(_("The new date for the result cannot be before the letter."))
    letter = ApologyLetter.objects.create(
        dossier=dossier,
        number=number.strip(),
        issued_on=issued_on,
        reason=reason.strip(),
        signer=signer.strip(),
        new_due_on=new_due_on,
        issued_by=actor,
    )
    audit.record(
        actor,
        "services.apology",
        letter,
        unit=OrgUnit.objects.get(pk=dossier.unit_id),
        details={"dossier": dossier.code, "number": letter.number},
    )
    return letter
