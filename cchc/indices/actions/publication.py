"""Publishing a round's results: a frozen Result per unit that the public pages, the exports
and next year's comparison read. A published round never changes."""

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.models import User
from cchc.core import audit
from cchc.indices.models import Assessment, AssessmentRound, Result
from cchc.indices.results import FROZEN, compute_results


@transaction.atomic
def publish_round(round_: AssessmentRound, *, actor: User) -> list[Result]:
    """Freeze the round's results: one Result per unit (points, index percent, rank, group,
    areas, last year's percent), the round's published_at/by set. Writes
    "indices.publish_round" with the number of units and of each group.

    Refuses a round already published, a round where no assessment is finalised, and one where
    some assessment is not finalised yet (naming the units); nothing is written then."""
    round_ = (
        AssessmentRound.objects.select_for_update().select_related("framework").get(pk=round_.pk)
    )
    if round_.is_published:
        raise ValidationError(_("This round has already been published: its results are frozen."))
    statuses = list(round_.assessments.order_by("unit__name").values_list("unit__name", "status"))
    pending = [name for name, status in statuses if status != Assessment.Status.FINALISED]
    if len(pending) == len(statuses):
        raise ValidationError(_("No assessment of this round has been finalised yet."))
    if pending:
        raise ValidationError(
            _("The appraisal is not finalised yet for: %(units)s.") % {"units": ", ".join(pending)}
        )
    rows = Result.objects.bulk_create(
        Result(round=round_, **{name: getattr(result, name) for name in FROZEN})
        for result in compute_results(round_)
    )
    round_.published_at = timezone.now()
    round_.published_by = actor
    round_.save(update_fields=["published_at", "published_by"])
    groups = Counter(row.group for row in rows)
    audit.record(
        actor,
        "indices.publish_round",
        round_,
        details={
            "units": len(rows),
            "groups": {name: groups[name] for name in ("A", "B", "C")},
            "ungrouped": groups[""],
            "year": round_.framework.year,
        },
    )
    return rows
