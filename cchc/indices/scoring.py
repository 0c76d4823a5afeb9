"""The index's arithmetic as pure functions (no database): index %, ranking with ties.
Results (issue #5 item 6) are built on these."""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def index_percent(appraised: Decimal, survey: Decimal | None, maximum: Decimal) -> Decimal:
    """(appraised + survey) / maximum × 100, to two decimals (half up). Without a survey
    (None), the caller passes the appraisal maximum as `maximum`: the appraised points are then
    rescaled to 100 (DOMAIN.md §3)."""
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
