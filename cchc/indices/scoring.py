"""The index's arithmetic as pure functions (no database): the points a criterion accepts,
index %, ranking with ties, areas' shares, strengths and weaknesses."""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

CENT = Decimal("0.01")


def check_points(criterion: Any, step: Decimal, points: Decimal) -> None:
    """Refuse points outside the criterion's minimum and maximum or not in the framework's
    steps (the same rule for the unit's self-score and the council's proposal)."""
    if not criterion.min_points <= points <= criterion.max_points:
        raise ValidationError(
            {
                "points": _("%(code)s: the points must be between %(min)s and %(max)s.")
                % {
                    "code": criterion.code,
                    "min": number_format(criterion.min_points, 2),
                    "max": number_format(criterion.max_points, 2),
                }
            }
        )
    if points % step:
        raise ValidationError(
            {"points": _("Score in steps of %(step)s points.") % {"step": number_format(step)}}
        )


def index_percent(appraised: Decimal, survey: Decimal | None, maximum: Decimal) -> Decimal:
    """(appraised + survey) / maximum × 100, to two decimals (half up). Without a survey
    (None), the caller passes the appraisal maximum as `maximum`: the appraised points are then
    rescaled to 100 (docs/domain/par-index.md)."""
    total = appraised + (survey or Decimal(0))
    return (100 * total / maximum).quantize(CENT, rounding=ROUND_HALF_UP)


def competition_ranks(values: Sequence[Decimal]) -> list[int]:
    """The rank of each value, highest first, equal values sharing a rank and the next rank
    skipping as many places (1, 2, 2, 4): 1 + the number of values strictly higher."""
    ordered = sorted(values, reverse=True)
    first_place: dict[Decimal, int] = {}
    for place, value in enumerate(ordered, start=1):
        first_place.setdefault(value, place)
    return [first_place[value] for value in values]


# Strengths and weaknesses of a unit against its group (issue #5 item 6), from the `areas` of
# the published Result rows: [{"code", "title", "points", "max", "rank"}, …], whose numbers may
# be stored as strings or numbers.


def area_share(area: Mapping[str, Any]) -> Decimal | None:
    """The area's points as a percent of its maximum (two decimals); None for an area without
    a positive maximum (nothing to compare)."""
    maximum = Decimal(str(area.get("max") or 0))
    if maximum <= 0:
        return None
    points = Decimal(str(area.get("points") or 0))
    return (100 * points / maximum).quantize(CENT, rounding=ROUND_HALF_UP)


def area_means(results_areas: Iterable[list[dict[str, Any]]]) -> dict[str, Decimal]:
    """The mean share (percent of the maximum) of each area code across the units, in the
    order the areas first appear; an area counts only the units that have it."""
    sums: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    for areas in results_areas:
        for area in areas:
            share = area_share(area)
            if share is None:
                continue
            code = str(area["code"])
            sums[code] = sums.get(code, Decimal(0)) + share
            counts[code] = counts.get(code, 0) + 1
    return {
        code: (total / counts[code]).quantize(CENT, rounding=ROUND_HALF_UP)
        for code, total in sums.items()
    }


@dataclass(frozen=True)
class AreaGap:
    """An area's share for one unit against the group's mean share, in percentage points."""

    code: str
    title: str
    share: Decimal
    mean: Decimal
    gap: Decimal


def strengths_weaknesses(
    areas: list[dict[str, Any]],
    means: dict[str, Decimal],
    margin: Decimal = Decimal(5),
    limit: int = 3,
) -> tuple[list[AreaGap], list[AreaGap]]:
    """(strengths, weaknesses): the areas whose share is at least `margin` percentage points
    above the group's mean (largest gap first) or below it (largest shortfall first), at most
    `limit` of each. Areas without a maximum or a mean are left out."""
    gaps = []
    for area in areas:
        share = area_share(area)
        mean = means.get(str(area["code"]))
        if share is None or mean is None:
            continue
        gaps.append(
            AreaGap(str(area["code"]), str(area.get("title", "")), share, mean, share - mean)
        )
    strengths = sorted((g for g in gaps if g.gap >= margin), key=lambda g: -g.gap)
    weaknesses = sorted((g for g in gaps if g.gap <= -margin), key=lambda g: g.gap)
    return strengths[:limit], weaknesses[:limit]


def decided_points(
    proposals: list[Decimal], members: int, majority_percent: Decimal
) -> Decimal | None:
    """The points more than `majority_percent` of the `members` proposed, or None."""
    if not proposals:
        return None
    points, count = Counter(proposals).most_common(1)[0]
    return points if 100 * count > majority_percent * members else None
