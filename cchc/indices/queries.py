"""Reads for the index: the points of computed criteria (the share of a unit's reform tasks
completed on time in the framework's year), the leaves units score and the council appraises,
the users told of an appraisal, and the external indices' pages. Nothing here changes data."""

import datetime
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef
from django.utils import formats, translation
from django.utils.translation import gettext as _

from cchc.accounts.models import Membership
from cchc.core.rounding import half_up
from cchc.indices.models import (
    NATIONAL,
    SERVICE_INDEX,
    Assessment,
    Criterion,
    ExternalIndex,
    ExternalResult,
    Framework,
)
from cchc.plans.models import TaskStatus, status_filter
from cchc.plans.queries import counted_tasks
from cchc.services.queries import city_points, first_of, handling_results, months_between

CENT = Decimal("0.01")
MAX_SCORE = Decimal(100_000)  # an external index's score must stay below it


def computed_leaves(framework: Framework) -> list[Criterion]:
    """The framework's leaves computed from platform data, in its order. One query."""
    has_children = Criterion.objects.filter(parent=OuterRef("pk"))
    return list(
        framework.criteria.filter(method__in=[Criterion.Method.COMPUTED, Criterion.Method.SERVICES])
        .exclude(Exists(has_children))
        .order_by("order")
    )


def task_counts(
    framework: Framework, unit_ids: list[int], as_of: datetime.date
) -> dict[int, tuple[int, int]]:
    """(due, completed on time) per unit: the counted tasks it leads (plans.queries.
    counted_tasks(as_of): leaves of issued plans, not cancelled, assigned by `as_of`) whose
    deadline falls in the framework's year and by `as_of`; on time = completed by `as_of` and
    by the deadline. One query grouped by lead unit; units without a task due are absent."""
    first = datetime.date(framework.year, 1, 1)
    last = min(datetime.date(framework.year, 12, 31), as_of)
    rows = (
        counted_tasks(as_of)
        .filter(lead_unit_id__in=unit_ids, deadline__gte=first, deadline__lte=last)
        .order_by()
        .values_list("lead_unit_id")
        .annotate(
            due=Count("pk"),
            on_time=Count("pk", filter=status_filter(TaskStatus.ON_TIME, as_of)),
        )
    )
    return {unit_id: (due, on_time) for unit_id, due, on_time in rows}


def _number(value: Decimal | float) -> str:
    """A number as the page shows it: no trailing zeros, the locale's decimal mark."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        value = Decimal(text)
    return formats.number_format(value, use_l10n=True)


def on_time_points(
    criterion: Criterion, step: Decimal, due: int, on_time: int, as_of: datetime.date
) -> tuple[Decimal, str]:
    """The points of a computed criterion for a unit with `on_time` of `due` tasks completed on
    time: the share × the maximum, rounded down to the framework's `step`, and the calculation
    in words (in the active language). No task due gives the maximum."""
    if not due:
        return _maximum(
            criterion,
            _("No task of the unit was due by %(day)s: the maximum, %(max)s points."),
            as_of,
        )
    return _share(
        criterion,
        step,
        due,
        on_time,
        _("%(done)s/%(due)s tasks completed on time = %(percent)s × %(max)s = %(points)s"),
        places=1,
    )


def _maximum(criterion: Criterion, text: str, as_of: datetime.date) -> tuple[Decimal, str]:
    maximum = criterion.max_points
    return maximum, text % {"day": f"{as_of:%d/%m/%Y}", "max": _number(maximum)}


def _share(
    criterion: Criterion, step: Decimal, total: int, done: int, text: str, *, places: int
) -> tuple[Decimal, str]:
    """`done` ÷ `total` × the maximum, rounded down to `step`, and `text` filled in."""
    maximum = criterion.max_points
    unit = step if step > 0 else CENT
    steps = math.floor(Fraction(done) * Fraction(maximum) / (Fraction(total) * Fraction(unit)))
    points = (unit * steps).quantize(CENT)
    percent = half_up(Decimal(100 * done) / Decimal(total), places)
    return points, text % {
        "done": done,
        "due": total,
        "percent": f"{_number(percent)}%",
        "max": _number(maximum),
        "points": _number(points),
    }


def computed_scores(
    framework: Framework, unit_ids: list[int], as_of: datetime.date
) -> dict[int, dict[int, tuple[Decimal, str]]]:
    """For each unit of `unit_ids` and each computed leaf of the framework: (points, calculation)
    as of `as_of` (see `on_time_points`; the text in the site's language, as it is stored).
    Two queries whatever the number of units; one when the framework has no computed leaf."""
    leaves = computed_leaves(framework)
    if not leaves or not unit_ids:
        return {unit_id: {} for unit_id in unit_ids}
    counts = task_counts(framework, unit_ids, as_of)
    dossiers: dict[int, tuple[int, int, Any]] = {}
    if any(leaf.method == Criterion.Method.SERVICES for leaf in leaves):
        first = datetime.date(framework.year, 1, 1)
        last = min(datetime.date(framework.year, 12, 31), as_of)
        dossiers = handling_results(unit_ids, first, last)
    scores: dict[int, dict[int, tuple[Decimal, str]]] = {}
    with translation.override(settings.LANGUAGE_CODE):
        for unit_id in unit_ids:
            due, on_time = counts.get(unit_id, (0, 0))
            handled, in_time, _rate = dossiers.get(unit_id, (0, 0, None))
            scores[unit_id] = {
                leaf.pk: dossier_points(leaf, framework.step, handled, in_time, as_of)
                if leaf.method == Criterion.Method.SERVICES
                else on_time_points(leaf, framework.step, due, on_time, as_of)
                for leaf in leaves
            }
    return scores


def scored_by_units(framework: Framework) -> list[Criterion]:
    """The leaves the units score themselves: manual ones (computed and survey criteria get
    their points elsewhere)."""
    criteria = list(framework.criteria.order_by("order"))
    parents = {c.parent_id for c in criteria}
    return [c for c in criteria if c.pk not in parents and c.method == Criterion.Method.MANUAL]


def appraised_leaves(framework: Framework) -> list[Criterion]:
    """The leaves the council appraises: every leaf not scored by the survey (manual and
    computed ones, bonus/penalty included), in the framework's order."""
    criteria = list(framework.criteria.order_by("order"))
    parents = {c.parent_id for c in criteria}
    return [c for c in criteria if c.pk not in parents and c.method != Criterion.Method.SURVEY]


def unit_scorers(assessment: Assessment) -> list[int]:
    """The users who score and respond for the assessed unit (its focal points and heads)."""
    return list(
        Membership.objects.filter(
            unit=assessment.unit,
            role__in=[Membership.Role.FOCAL_POINT, Membership.Role.HEAD],
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )


# --- external indices' pages -----------------------------------------------------------------


def home_results(indices: list[ExternalIndex]) -> dict[int, ExternalResult]:
    """The latest result of the home province (CCHC_HOME_PROVINCE) per index, in one query."""
    latest: dict[int, ExternalResult] = {}
    results = ExternalResult.objects.filter(
        index__in=indices, province_code=settings.CCHC_HOME_PROVINCE
    ).order_by("-year", "-month")
    for result in results:
        latest.setdefault(result.index_id, result)
    return latest


def trend(index: ExternalIndex, province_code: str) -> list[ExternalResult]:
    """The province's results over time, oldest first."""
    return list(
        ExternalResult.objects.filter(index=index, province_code=province_code).order_by(
            "year", "month"
        )
    )


def city_service_points(
    index: ExternalIndex, province_code: str, results: list[ExternalResult]
) -> dict[tuple[int, int], Decimal] | None:
    """For the Decision 766 index shown for the home province: the city's own total per month
    computed from its dossier data (cchc.services), by (year, month), over the published months
    and the last 12 — None for any other index or province."""
    if index.code != SERVICE_INDEX or province_code != settings.CCHC_HOME_PROVINCE:
        return None
    today = datetime.date.today()
    recent = months_between(first_of(today - datetime.timedelta(days=335)), today)
    months = {datetime.date(r.year, r.month, 1) for r in results if r.month} | set(recent)
    return {(m.year, m.month): v for m, v in city_points(sorted(months)).items()}


def national(index: ExternalIndex) -> dict[tuple[int, int | None], ExternalResult]:
    """The national figures of the index by (year, month)."""
    results = ExternalResult.objects.filter(index=index, province_code=NATIONAL)
    return {(r.year, r.month): r for r in results}


def ranked(index: ExternalIndex, year: int, month: int | None) -> list[ExternalResult]:
    """Every province's result for the period, best rank (then best score) first."""
    results = ExternalResult.objects.filter(index=index, year=year, month=month).exclude(
        province_code=NATIONAL
    )
    return sorted(
        results, key=lambda r: (r.rank is None, r.rank or 0, -(r.score or Decimal(-MAX_SCORE)))
    )


def provinces(index: ExternalIndex) -> list[tuple[str, str]]:
    """(code, name) of the provinces with a result in the index, by code."""
    rows = (
        ExternalResult.objects.filter(index=index)
        .exclude(province_code=NATIONAL)
        .values_list("province_code", "province_name")
        .order_by("province_code", "-year")
    )
    return sorted(dict(reversed(list(rows))).items())


def dossier_points(
    criterion: Criterion, step: Decimal, handled: int, on_time: int, as_of: datetime.date
) -> tuple[Decimal, str]:
    """A criterion read from the service index (cchc.services): the share of the unit's
    dossiers handled on time over the framework's year to `as_of` (summed monthly counts,
    Decision 766's on-time rate) × the maximum, rounded down to the step. No dossier handled
    gives the maximum, as for tasks."""
    if not handled:
        return _maximum(
            criterion,
            _("No dossier of the unit was handled by %(day)s: the maximum, %(max)s points."),
            as_of,
        )
    return _share(
        criterion,
        step,
        handled,
        on_time,
        _("%(done)s/%(due)s dossiers handled on time = %(percent)s × %(max)s = %(points)s"),
        places=2,
    )
