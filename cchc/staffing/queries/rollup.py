"""The headcount roll-up: reduction against the baseline per unit, over the current unit tree,
carrying the figures of ended units to their successors (docs/staffing.md).

The whole roll-up is one SQL query (a recursive common table expression, the same text on
SQLite and PostgreSQL). Each unit with figures starts a walk up the tree:

- from an ended unit that has successors, the walk moves to **each successor, with its share**
  (`SuccessorShare`, or by default 100% to a single successor and equal shares among several);
  the figures times the share count as that unit's own ("carried"), so a ward merged in 2025
  adds its 2015 baseline to the new ward, and a ward split 60/40 gives 60% and 40%;
- from any other unit, the walk moves to its parent; the figures count in the parent's subtree
  total only.

Shares make fractions of posts: each unit's sums are rounded half up to whole posts after the
sum, so a parent's total (the sum of the unrounded shares) keeps the exact whole — the city's
total is unchanged by any split — while the rounded figures of its children may differ from it
by a post. Figures of an ended unit that leads to no current unit are left out of every
current unit (and so of the totals).

Every figure compared is the **assigned posts** (biên chế giao), civil-servant and
public-employee posts separately (under Conclusion 40-KL/TW the public-employee posts paid from
the state budget); actual staff (thực có) is summed and shown, not compared. The rule of a year
(baseline year and targets) is that of the policy period containing it (`rule_for`).
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import Count

from cchc.orgunits.models import OrgUnit, OrgUnitQuerySet
from cchc.staffing.models import Headcount, StaffingPeriod, StaffingPolicy, SuccessorShare

HUNDREDTH = Decimal("0.01")
MAX_STEPS = 32  # a guard against a cycle in the successor links
# What the summaries read of a unit (loading thousands of full units was the slow part).
UNIT_FIELDS = (
    "code",
    "legacy",
    "kind",
    "name",
    "short_name",
    "search_name",
    "path",
    "depth",
    "valid_to",
)


def percent(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` in percent, two decimals rounded half up; None when `whole` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rule:
    """The reduction rule a year is judged by: its policy period's baseline year and targets
    (public employees: budget-paid posts only under Conclusion 40), or the single policy row
    for a year no period contains."""

    baseline_year: int
    civil_target: Decimal
    public_target: Decimal
    public_budget_only: bool = False
    carries_excess: bool = False
    source: str = ""
    first_year: int | None = None
    last_year: int | None = None

    @classmethod
    def of_period(cls, period: StaffingPeriod) -> "Rule":
        return cls(
            period.baseline_year,
            period.civil_target,
            period.public_target,
            period.public_budget_only,
            period.carries_excess,
            period.source,
            period.first_year,
            period.last_year,
        )

    def targets(self) -> dict[str, float]:
        return {"civil": float(self.civil_target), "public": float(self.public_target)}


def rule_for(year: int) -> Rule:
    """The rule of the policy period containing `year`; outside every period, the policy
    row's baseline year and target for both kinds. One or two queries. Changes nothing."""
    period = StaffingPeriod.objects.containing(year)
    if period is not None:
        return Rule.of_period(period)
    policy = StaffingPolicy.current()
    return Rule(policy.baseline_year, policy.target_percent, policy.target_percent)


@dataclass(frozen=True, slots=True)
class Reduction:
    """Assigned posts in the baseline year and in the year compared, and the reduction."""

    baseline: int = 0
    current: int = 0

    @property
    def reduction(self) -> int:
        return self.baseline - self.current

    @property
    def percent(self) -> Decimal | None:
        return percent(self.reduction, self.baseline)

    def as_dict(self) -> dict[str, Any]:
        pct = self.percent
        return {
            "baseline": self.baseline,
            "year": self.current,
            "reduction": self.reduction,
            "percent": float(pct) if pct is not None else None,
        }

    def __add__(self, other: "Reduction") -> "Reduction":
        return Reduction(self.baseline + other.baseline, self.current + other.current)

    def met(self, target: Decimal, credit: int = 0) -> bool | None:
        """Whether the reduction (plus `credit` posts carried from an earlier period) reaches
        `target` % of the baseline; None without a baseline."""
        if not self.baseline:
            return None
        return Decimal(self.reduction + credit) * 100 >= target * self.baseline

    def excess(self, target: Decimal) -> int:
        """Posts cut beyond `target` % of the baseline (0 when the target is not reached)."""
        required = (target * self.baseline / 100).to_integral_value(rounding="ROUND_CEILING")
        return max(0, self.reduction - int(required))


@dataclass(slots=True)
class Figures:
    """One year's sums for a unit: assigned posts and actual staff (None: nobody reported it).
    `public_budget_assigned` counts a record without the split as all budget-paid."""

    civil_assigned: int = 0
    civil_actual: int | None = None
    public_assigned: int = 0
    public_actual: int | None = None
    own_civil_assigned: int = 0
    own_public_assigned: int = 0
    public_budget_assigned: int = 0
    own_public_budget_assigned: int = 0

    def public_compared(self, rule: Rule) -> int:
        return self.public_budget_assigned if rule.public_budget_only else self.public_assigned

    def own_public_compared(self, rule: Rule) -> int:
        if rule.public_budget_only:
            return self.own_public_budget_assigned
        return self.own_public_assigned


@dataclass(slots=True)
class UnitRollup:
    """A current unit with its figures per year: `total` over its subtree (with what its own
    predecessors carried), `own` only its own and carried figures."""

    unit: OrgUnit
    years: dict[int, Figures] = field(default_factory=dict)

    def figures(self, year: int) -> Figures:
        return self.years.get(year) or Figures()


@dataclass(slots=True)
class SummaryRow:
    unit: OrgUnit
    depth: int  # relative to the shallowest unit of the summary
    civil: Reduction
    public: Reduction
    civil_actual: int | None
    public_actual: int | None
    own_civil: Reduction
    own_public: Reduction
    civil_target: Decimal
    public_target: Decimal
    # Posts cut beyond the previous period's target, when the period lets them count.
    civil_credit: int = 0
    public_credit: int = 0

    @property
    def target(self) -> Decimal:
        return self.civil_target

    @property
    def civil_met(self) -> bool | None:
        return self.civil.met(self.civil_target, self.civil_credit)

    @property
    def public_met(self) -> bool | None:
        return self.public.met(self.public_target, self.public_credit)

    @property
    def below_target(self) -> bool:
        return self.civil_met is False or self.public_met is False


@dataclass
class Summary:
    year: int
    rule: Rule
    rows: list[SummaryRow]
    civil: Reduction
    public: Reduction
    civil_actual: int | None
    public_actual: int | None
    # Current units with their own baseline but no figures for the year: not compared.
    not_reported: list[OrgUnit] = field(default_factory=list)
    # Ended units split among several successors by equal default shares (to be confirmed).
    unconfirmed: list[OrgUnit] = field(default_factory=list)
    civil_credit: int = 0
    public_credit: int = 0

    @property
    def baseline_year(self) -> int:
        return self.rule.baseline_year

    @property
    def target(self) -> Decimal:
        return self.rule.civil_target

    @property
    def civil_met(self) -> bool | None:
        return self.civil.met(self.rule.civil_target, self.civil_credit)

    @property
    def public_met(self) -> bool | None:
        return self.public.met(self.rule.public_target, self.public_credit)

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "baseline_year": self.baseline_year,
            "targets": self.rule.targets(),
            "target_percent": float(self.rule.civil_target),
            "public_compared": "budget-paid" if self.rule.public_budget_only else "all",
            "source": self.rule.source,
            "compared": "assigned posts",
            "units": [
                {
                    "id": row.unit.pk,
                    "code": row.unit.code,
                    "name": row.unit.name,
                    "depth": row.depth,
                    "civil": row.civil.as_dict(),
                    "public": row.public.as_dict(),
                }
                for row in self.rows
            ],
            "total": {"civil": self.civil.as_dict(), "public": self.public.as_dict()},
            "not_reported": [unit.code for unit in self.not_reported],
            "shares_to_confirm": [unit.code for unit in self.unconfirmed],
        }


def _rollup_sql(years: Sequence[int], nodes_sql: str, excluded: int = 0) -> str:
    """The roll-up query's text (see the module docstring); `nodes_sql` selects the ids of the
    units to report on. Parameters: the years, the `excluded` units whose figures are left out,
    then those of `nodes_sql`."""
    unit = OrgUnit._meta.db_table
    headcount = Headcount._meta.db_table
    share_table = SuccessorShare._meta.db_table
    through = OrgUnit.successors.through._meta
    links = through.db_table
    from_col = through.get_field("from_orgunit").column
    to_col = through.get_field("to_orgunit").column
    in_years = ", ".join(["%s"] * len(years))
    leave_out = f" AND unit_id NOT IN ({', '.join(['%s'] * excluded)})" if excluded else ""
    real = "DOUBLE PRECISION"  # REAL affinity on SQLite, float8 on PostgreSQL
    # The stored share, else equal shares among the predecessor's successors.
    share = "COALESCE(x.share, 100.0 / n.successors)"
    # Only table and column names from the models go into the text; values are parameters.
    return f"""
WITH RECURSIVE
figures(unit_id, year, ca, cx, pa, px, pb) AS (
  SELECT unit_id, year, civil_assigned, civil_actual, public_assigned, public_actual,
         COALESCE(public_budget_assigned, public_assigned)
  FROM {headcount} WHERE year IN ({in_years}){leave_out}
),
counts(from_id, successors) AS (
  SELECT {from_col}, COUNT(*) FROM {links} GROUP BY {from_col}
),
walk(source_id, node_id, own, steps, weight) AS (
  SELECT DISTINCT unit_id, unit_id, 1, 0, CAST(1 AS {real}) FROM figures
  UNION ALL
  SELECT w.source_id,
         CASE WHEN s.{from_col} IS NOT NULL THEN s.{to_col} ELSE u.parent_id END,
         CASE WHEN s.{from_col} IS NOT NULL THEN w.own ELSE 0 END,
         w.steps + 1,
         CAST(CASE WHEN s.{from_col} IS NOT NULL THEN w.weight * {share} / 100
                   ELSE w.weight END AS {real})
  FROM walk w JOIN {unit} u ON u.id = w.node_id
  LEFT JOIN {links} s ON s.{from_col} = u.id AND u.valid_to IS NOT NULL
  LEFT JOIN {share_table} x ON x.predecessor_id = s.{from_col} AND x.successor_id = s.{to_col}
  LEFT JOIN counts n ON n.from_id = s.{from_col}
  WHERE w.steps < {MAX_STEPS} AND (u.parent_id IS NOT NULL OR s.{from_col} IS NOT NULL)
)
SELECT w.node_id, f.year, SUM(f.ca * w.weight), SUM(f.cx * w.weight), SUM(f.pa * w.weight),
       SUM(f.px * w.weight),
       SUM(CASE WHEN w.own = 1 THEN f.ca * w.weight ELSE 0 END),
       SUM(CASE WHEN w.own = 1 THEN f.pa * w.weight ELSE 0 END),
       SUM(f.pb * w.weight),
       SUM(CASE WHEN w.own = 1 THEN f.pb * w.weight ELSE 0 END)
FROM walk w JOIN figures f ON f.unit_id = w.source_id
WHERE w.node_id IN ({nodes_sql})
GROUP BY w.node_id, f.year
"""  # noqa: S608


def _posts(value: Any) -> int:
    """A sum of shared posts (never negative) rounded half up to whole posts, 0 for none.
    The tiny allowance absorbs the binary fractions of the shares (12.4999999… is 12.5)."""
    if value is None:
        return 0
    return math.floor(float(value) + 0.5 + 1e-9)


def _maybe_posts(value: Any) -> int | None:
    return None if value is None else _posts(value)


def rollup(
    units: OrgUnitQuerySet, years: Iterable[int], *, excluded: Sequence[int] = ()
) -> dict[int, UnitRollup]:
    """{unit id: UnitRollup} for the current units among `units` that have figures (their own,
    carried from ended predecessors by their shares, or of units below them) in any of
    `years`, leaving out the figures of the `excluded` units (`incomplete`: a comparison must
    not read a missing year as zero posts). Two queries. Changes nothing."""
    years = sorted(set(years))
    if not years:
        return {}
    nodes = units.current().order_by().values("id")
    nodes_sql, nodes_params = nodes.query.sql_with_params()
    with connection.cursor() as cursor:
        sql = _rollup_sql(years, nodes_sql, len(excluded))
        cursor.execute(sql, [*years, *excluded, *nodes_params])
        fetched = cursor.fetchall()
    result: dict[int, UnitRollup] = {}
    if not fetched:
        return result
    loaded = _units(nodes, {row[0] for row in fetched})
    for node, year, ca, cx, pa, px, own_ca, own_pa, pb, own_pb in fetched:
        entry = result.setdefault(node, UnitRollup(loaded[node]))
        entry.years[year] = Figures(
            _posts(ca),
            _maybe_posts(cx),
            _posts(pa),
            _maybe_posts(px),
            _posts(own_ca),
            _posts(own_pa),
            _posts(pb),
            _posts(own_pb),
        )
    return result


def _units(nodes: Any, wanted: set[int]) -> dict[int, OrgUnit]:
    """{id: unit} of the `wanted` ids among the units `nodes` selects, with the UNIT_FIELDS
    only. One query over the same subquery as the roll-up's (a list of thousands of ids in
    IN (…) was four statements on SQLite), each unit built from its row as the ORM builds a
    deferred instance (`from_db`)."""
    # from_db takes the values in the order of the model's fields.
    names = [f.attname for f in OrgUnit._meta.concrete_fields if f.attname in {"id", *UNIT_FIELDS}]
    rows = OrgUnit.objects.filter(pk__in=nodes).order_by().values_list(*names)
    alias = connection.alias
    return {row[0]: OrgUnit.from_db(alias, names, row) for row in rows if row[0] in wanted}


def _carried_links() -> dict[int, list[int]]:
    """{ended unit: its successors}, for every ended unit with successors. One query."""
    links: dict[int, list[int]] = {}
    rows = OrgUnit.successors.through.objects.filter(
        from_orgunit__valid_to__isnull=False
    ).values_list("from_orgunit_id", "to_orgunit_id")
    for source, target in rows:
        links.setdefault(source, []).append(target)
    return links


def _holders(source: int, following: dict[int, list[int]]) -> set[int]:
    """The units at the end of `source`'s merger chains (itself when it was not merged)."""
    found: set[int] = set()
    frontier, steps = [source], 0
    while frontier and steps < MAX_STEPS:
        nxt = []
        for node in frontier:
            targets = following.get(node) or []
            if targets:
                nxt.extend(targets)
            else:
                found.add(node)
        frontier, steps = nxt, steps + 1
    return found | set(frontier)


def incomplete(years: Sequence[int]) -> tuple[list[int], list[int]]:
    """(sources, holders) for a comparison of `years`: the units whose figures must be left
    out because a unit holding them — the unit itself, or a successor its figures are carried
    to — has no figures for one of the years, and those holders. Two queries. Changes
    nothing."""
    years_of: dict[int, set[int]] = {}
    records = Headcount.objects.filter(year__in=years).order_by()  # no join for the ordering
    for unit_id, year in records.values_list("unit_id", "year"):
        years_of.setdefault(unit_id, set()).add(year)
    following = _carried_links()
    holder_years: dict[int, set[int]] = {}
    holders_of: dict[int, set[int]] = {}
    for source, held in years_of.items():
        holders_of[source] = _holders(source, following)
        for holder in holders_of[source]:
            holder_years.setdefault(holder, set()).update(held)
    wanted = set(years)
    lacking = {h for h, held in holder_years.items() if not wanted <= held}
    sources = sorted(s for s, hs in holders_of.items() if hs & lacking)
    return sources, sorted(lacking)


def _add(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else a + b


def summary(units: OrgUnitQuerySet, year: int, *, rule: Rule | None = None) -> Summary:
    """The reduction of assigned posts in `year` against the baseline year of the rule of
    `year` (`rule_for`) for every current unit among `units` that reported both years (its
    own figures or those carried to it), in tree order, the total over the topmost of them
    (for a city administrator: the city), the units holding figures of one year but not the
    other (not compared: a missing year is not zero posts; `incomplete`) and the ended units
    whose split among successors is still the unconfirmed default. About eight queries
    (twice that when the period counts earlier excess). Changes nothing."""
    rule = rule or rule_for(year)
    base = rule.baseline_year
    rows, holders = _rows(units, base, year, rule)
    _credit(rows, units, rule)
    roots = _roots(rows)
    result = Summary(year, rule, rows, Reduction(), Reduction(), None, None)
    for row in roots:
        result.civil, result.public = result.civil + row.civil, result.public + row.public
        result.civil_actual = _add(result.civil_actual, row.civil_actual)
        result.public_actual = _add(result.public_actual, row.public_actual)
        result.civil_credit += row.civil_credit
        result.public_credit += row.public_credit
    result.not_reported = list(
        units.current().filter(pk__in=holders).only(*UNIT_FIELDS).order_by("path")
    )
    result.unconfirmed = unconfirmed_splits()
    return result


def _rows(
    units: OrgUnitQuerySet, base: int, year: int, rule: Rule
) -> tuple[list[SummaryRow], list[int]]:
    """The rows of the units compared, and the holders left out (`incomplete`)."""
    # Only units that reported both years are compared: a missing year is not zero posts.
    sources, holders = incomplete([base, year])
    rolled = rollup(units, [base, year], excluded=sources)
    ordered = sorted(rolled.values(), key=lambda r: r.unit.path)
    top = min((r.unit.depth for r in ordered), default=0)
    return [_row(entry, base, year, top, rule) for entry in ordered], holders


def _credit(rows: list[SummaryRow], units: OrgUnitQuerySet, rule: Rule) -> None:
    """When the rule's period counts earlier excess, credit each row with the posts it cut
    beyond the previous period's targets by that period's last year."""
    if not rule.carries_excess or rule.first_year is None:
        return
    period = StaffingPeriod.objects.containing(rule.first_year - 1)
    if period is None:
        return
    before = Rule.of_period(period)
    old_rows, _lacking = _rows(units, before.baseline_year, period.last_year, before)
    earlier = {r.unit.pk: r for r in old_rows}
    for row in rows:
        if (old := earlier.get(row.unit.pk)) is not None:
            row.civil_credit = old.civil.excess(before.civil_target)
            row.public_credit = old.public.excess(before.public_target)


def _row(entry: UnitRollup, base: int, year: int, top: int, rule: Rule) -> SummaryRow:
    before, now = entry.figures(base), entry.figures(year)
    return SummaryRow(
        unit=entry.unit,
        depth=entry.unit.depth - top,
        civil=Reduction(before.civil_assigned, now.civil_assigned),
        public=Reduction(before.public_compared(rule), now.public_compared(rule)),
        civil_actual=now.civil_actual,
        public_actual=now.public_actual,
        own_civil=Reduction(before.own_civil_assigned, now.own_civil_assigned),
        own_public=Reduction(before.own_public_compared(rule), now.own_public_compared(rule)),
        civil_target=rule.civil_target,
        public_target=rule.public_target,
    )


def _roots(rows: list[SummaryRow]) -> list[SummaryRow]:
    """The rows with no ancestor among `rows` (sorted by path). A unit's subtree is the block
    of paths that start with its own, right after it in path order: a row is a root unless it
    lies in the block of the last root found. One pass."""
    roots: list[SummaryRow] = []
    for row in rows:
        if not roots or not row.unit.path.startswith(roots[-1].unit.path):
            roots.append(row)
    return roots


def unconfirmed_splits() -> list[OrgUnit]:
    """Ended units with figures and several successors whose shares were never set (the
    default equal shares are used until a city administrator confirms them). One query.
    Changes nothing."""
    return list(
        OrgUnit.objects.filter(valid_to__isnull=False, headcounts__isnull=False)
        .annotate(n=Count("successors", distinct=True))
        .filter(n__gt=1)
        .exclude(pk__in=SuccessorShare.objects.values("predecessor_id"))
        .only(*UNIT_FIELDS)
        .order_by("path")
    )
