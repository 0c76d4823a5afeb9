"""A unit's figures year by year, and the successor shares the roll-up carries ended units'
figures by (docs/staffing.md). Reads only: nothing here changes data."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from cchc.orgunits.models import OrgUnit
from cchc.staffing.models import Headcount, SuccessorShare
from cchc.staffing.queries.rollup import (
    HUNDREDTH,
    Figures,
    Reduction,
    Rule,
    rollup,
    rule_for,
)


@dataclass
class HistoryYear:
    year: int
    figures: Figures
    civil: Reduction
    public: Reduction
    rule: Rule


def history(unit: OrgUnit) -> list[HistoryYear]:
    """Every year with figures for `unit` (a current unit: its subtree and what was carried to
    it; an ended unit: its own records), each compared with the baseline year of its own
    rule (`rule_for`). A few queries. Changes nothing."""
    if unit.is_current:
        years = list(Headcount.objects.order_by().values_list("year", flat=True).distinct())
        rolled = rollup(OrgUnit.objects.filter(pk=unit.pk), years).get(unit.pk)
        per_year = rolled.years if rolled else {}
    else:
        per_year = {}
        for h in unit.headcounts.all():
            pb = h.public_assigned if h.public_budget_assigned is None else h.public_budget_assigned
            per_year[h.year] = Figures(
                h.civil_assigned,
                h.civil_actual,
                h.public_assigned,
                h.public_actual,
                h.civil_assigned,
                h.public_assigned,
                pb,
                pb,
            )
    rules: dict[int, Rule] = {}
    result = []
    for year, figures in sorted(per_year.items()):
        rule = rules.setdefault(year, rule_for(year))
        base = per_year.get(rule.baseline_year) or Figures()
        result.append(
            HistoryYear(
                year,
                figures,
                Reduction(base.civil_assigned, figures.civil_assigned),
                Reduction(base.public_compared(rule), figures.public_compared(rule)),
                rule,
            )
        )
    return result


def years_with_figures() -> list[int]:
    """The years that have any record, latest first. One query. Changes nothing."""
    return list(Headcount.objects.order_by("-year").values_list("year", flat=True).distinct())


@dataclass(frozen=True)
class Share:
    predecessor: OrgUnit
    successor: OrgUnit
    share: Decimal
    confirmed: bool


def shares_of(predecessors: Iterable[OrgUnit]) -> dict[int, list[Share]]:
    """{predecessor id: its shares} for ended units: the stored shares, or the default (100%
    to a single successor, confirmed; equal shares among several, to confirm). Two queries.
    Changes nothing."""
    ended = {unit.pk: unit for unit in predecessors if not unit.is_current}
    links = OrgUnit.successors.through.objects.filter(from_orgunit_id__in=ended).select_related(
        "to_orgunit"
    )
    stored = {
        (s.predecessor_id, s.successor_id): s.share
        for s in SuccessorShare.objects.filter(predecessor_id__in=ended)
    }
    successors: dict[int, list[OrgUnit]] = {}
    for link in links:
        successors.setdefault(link.from_orgunit_id, []).append(link.to_orgunit)
    result: dict[int, list[Share]] = {}
    for pk, targets in successors.items():
        targets.sort(key=lambda u: u.path)
        equal = (Decimal(100) / len(targets)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
        explicit = any((pk, t.pk) in stored for t in targets)
        result[pk] = [
            Share(
                ended[pk],
                target,
                stored.get((pk, target.pk), Decimal(0)) if explicit else equal,
                explicit or len(targets) == 1,
            )
            for target in targets
        ]
    return result


def carried_from(unit: OrgUnit) -> list[Share]:
    """The ended units whose figures the roll-up carries to `unit`, with the share each
    gives it. Three queries. Changes nothing."""
    predecessors = list(unit.predecessors.filter(valid_to__isnull=False).order_by("path"))
    shares = shares_of(predecessors)
    return [s for p in predecessors for s in shares.get(p.pk, []) if s.successor.pk == unit.pk]
