"""The rates and points of the Decision 766 service index (docs/domain/service-index.md).

Pure functions on counts: `rates` turns one unit's month counts into the official rates (%, two
decimals, half-up); `points` scores many units at once through the composite engine's normalise
("full points at or above a threshold, proportional below": `target_proportional`) and aggregate
steps — the framework's indicators are the engine's level-1 nodes weighted by their points, its
groups level 2, the index level 3, so a weighted mean × the maximum / 100 is the sum of points.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from cchc.composite import engine
from cchc.composite.framework import Framework as EngineFramework
from cchc.composite.framework import Node, UnitData
from cchc.composite.pipeline import FORMAT, VERSION
from cchc.core.rounding import half_up, percent

# The counts kept per unit × procedure × month (DossierCount) and per unit × month (FeedbackCount).
COUNT_FIELDS = (
    "handled",
    "received",
    "on_time",
    "online",
    "full_online",
    "paid_online",
    "e_result",
    "digitised",
    "published",
    "unsatisfied",
)
FEEDBACK_FIELDS = ("feedback", "feedback_on_time", "feedback_unsatisfied")

# Each rate: (numerator, denominator) among the counts. Satisfaction's numerator is computed.
RATES: dict[str, tuple[str, str]] = {
    "on_time_rate": ("on_time", "handled"),
    "dossier_satisfaction_rate": ("satisfied", "handled"),
    "feedback_on_time_rate": ("feedback_on_time", "feedback"),
    "feedback_satisfaction_rate": ("feedback_satisfied", "feedback"),
    "online_rate": ("online", "handled"),
    "full_online_rate": ("full_online", "handled"),
    "online_payment_rate": ("paid_online", "handled"),
    "e_result_rate": ("e_result", "handled"),
    "digitised_rate": ("digitised", "handled"),
    "published_rate": ("published", "handled"),
}

PIPELINE: dict[str, Any] = {
    "format": FORMAT,
    "version": VERSION,
    "name": "Decision 766 points",
    "steps": [
        {"step": "normalise", "method": "target_proportional", "full": 100},
        {"step": "aggregate", "method": "arithmetic"},
    ],
}


def rates(counts: dict[str, int]) -> dict[str, Decimal | None]:
    """The official rates of one unit's month from its summed counts; None when nothing to
    divide by (no dossier handled, no feedback received).

    on time = (completed by the due time + in progress and not yet due) ÷ handled;
    dossier satisfaction = (handled − rated dissatisfied, with feedback or overdue, once each)
    ÷ handled; feedback on time = handled by the due time ÷ received; feedback satisfaction =
    (received − rated dissatisfied or handled late, once each) ÷ received; the shares ÷ handled.
    """
    full = {
        **counts,
        "satisfied": counts.get("handled", 0) - counts.get("unsatisfied", 0),
        "feedback_satisfied": counts.get("feedback", 0) - counts.get("feedback_unsatisfied", 0),
    }
    return {name: percent(full.get(num, 0), full.get(den, 0)) for name, (num, den) in RATES.items()}


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    group: str
    rate: str
    points: Decimal
    threshold: Decimal | None
    threshold_note: str


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    points: Decimal


@dataclass(frozen=True)
class Scheme:
    groups: list[Group]
    indicators: list[Indicator]

    @property
    def total(self) -> Decimal:
        return sum((g.points for g in self.groups), Decimal(0))


class SchemeError(ValueError):
    pass


def parse_framework(document: dict[str, Any]) -> Scheme:
    """The framework document: {"groups": [{"code", "name", "points"}], "indicators": [{"code",
    "name", "group", "rate", "points", "threshold" (or null), "threshold_note"}]}. Indicator
    points add up to their group's; rates are names of `RATES`."""
    try:
        groups = [
            Group(g["code"], g["name"], Decimal(str(g["points"]))) for g in document["groups"]
        ]
        indicators = [
            Indicator(
                i["code"],
                i["name"],
                i["group"],
                i["rate"],
                Decimal(str(i["points"])),
                None if i.get("threshold") is None else Decimal(str(i["threshold"])),
                i.get("threshold_note", ""),
            )
            for i in document["indicators"]
        ]
    except (KeyError, TypeError, ArithmeticError) as error:
        raise SchemeError(f"invalid framework document: {error}") from error
    codes = {g.code for g in groups}
    for ind in indicators:
        if ind.group not in codes:
            raise SchemeError(f"{ind.code}: unknown group {ind.group}")
        if ind.rate not in RATES:
            raise SchemeError(f"{ind.code}: unknown rate {ind.rate}")
    for group in groups:
        got = sum((i.points for i in indicators if i.group == group.code), Decimal(0))
        if got != group.points:
            raise SchemeError(f"{group.code}: indicators add up to {got}, not {group.points}")
    return Scheme(groups, indicators)


TOP = "INDEX"


def engine_framework(scheme: Scheme) -> EngineFramework:
    """The scheme as the engine's tree: indicators (weight = points, target = threshold or 100),
    groups (weight = points), the index."""
    nodes: dict[str, Node] = {}
    for ind in scheme.indicators:
        target = float(ind.threshold) if ind.threshold is not None else 100.0
        nodes[ind.code] = Node(ind.code, ind.name, 1, float(ind.points), ind.group, 1, target)
    for group in scheme.groups:
        nodes[group.code] = Node(group.code, group.name, 2, float(group.points), TOP)
    nodes[TOP] = Node(TOP, TOP, 3, 1.0, None)
    return EngineFramework(nodes)


@dataclass
class Points:
    indicators: dict[str, Decimal | None]
    groups: dict[str, Decimal | None]
    total: Decimal | None


def points(scheme: Scheme, unit_rates: dict[str, dict[str, Decimal | None]]) -> dict[str, Points]:
    """Points of every unit (code → its rates) through the engine, two decimals half-up.

    A rate that cannot be computed (no feedback in the month) leaves its indicator out and the
    engine renormalises the group's weights over the others (docs/domain/service-index.md)."""
    if not unit_rates:
        return {}
    fw = engine_framework(scheme)
    codes = list(unit_rates)
    values = pd.DataFrame(
        {
            ind.code: [
                np.nan if unit_rates[u].get(ind.rate) is None else float(unit_rates[u][ind.rate])  # type: ignore[arg-type]
                for u in codes
            ]
            for ind in scheme.indicators
        },
        index=codes,
    )
    data = UnitData(
        [i.code for i in scheme.indicators],
        {c: c for c in codes},
        values,
        pd.DataFrame(index=codes),
        pd.DataFrame(index=codes),
    )
    table = engine.run(fw, data, PIPELINE).scores.to_dict(orient="index")
    out: dict[str, Points] = {}
    for u in codes:
        row = table[u]
        ind_points = {i.code: _scaled(row[i.code], i.points) for i in scheme.indicators}
        group_points = {g.code: _scaled(row[g.code], g.points) for g in scheme.groups}
        out[u] = Points(ind_points, group_points, _scaled(row[TOP], scheme.total))
    return out


def _scaled(score: Any, maximum: Decimal) -> Decimal | None:
    if score is None or pd.isna(score):
        return None
    return half_up(Decimal(str(float(score))) * maximum / 100, 2)
