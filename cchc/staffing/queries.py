"""The headcount roll-up: reduction against the baseline per unit, over the current unit tree,
carrying the figures of ended units to their successors (docs/staffing.md).

The whole roll-up is one SQL query (a recursive common table expression, the same text on
SQLite and PostgreSQL). Each unit with figures starts a walk up the tree:

- from an ended unit that has successors, the walk moves to its **first successor** (the one
  whose path sorts first: for Hà Nội's wards, the lowest ward code); the figures count as that
  unit's own ("carried"), so a ward merged in 2025 adds its 2015 baseline to the new ward;
- from any other unit, the walk moves to its parent; the figures count in the parent's subtree
  total only.

A unit with several successors gives all of its figures to the first one rather than splitting
them: posts are whole numbers, and the city's totals stay exact. Figures of an ended unit that
leads to no current unit are left out of every current unit (and so of the totals).

Every figure compared is the **assigned posts** (biên chế giao), civil-servant and
public-employee posts separately; actual staff (thực có) is summed and shown, not compared.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import OuterRef, Subquery

from cchc.orgunits.models import OrgUnit, OrgUnitQuerySet
from cchc.staffing.models import Headcount, StaffingPolicy

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


@dataclass
class Figures:
    """One year's sums for a unit: assigned posts and actual staff (None: nobody reported it)."""

    civil_assigned: int = 0
    civil_actual: int | None = None
    public_assigned: int = 0
    public_actual: int | None = None
    own_civil_assigned: int = 0
    own_public_assigned: int = 0


@dataclass
class UnitRollup:
    """A current unit with its figures per year: `total` over its subtree (with what its own
    predecessors carried), `own` only its own and carried figures."""

    unit: OrgUnit
    years: dict[int, Figures] = field(default_factory=dict)

    def figures(self, year: int) -> Figures:
        return self.years.get(year) or Figures()


@dataclass
class SummaryRow:
    unit: OrgUnit
    depth: int  # relative to the shallowest unit of the summary
    civil: Reduction
    public: Reduction
    civil_actual: int | None
    public_actual: int | None
    own_civil: Reduction
    own_public: Reduction
    target: Decimal

    @property
    def civil_met(self) -> bool | None:
        pct = self.civil.percent
        return None if pct is None else pct >= self.target

    @property
    def public_met(self) -> bool | None:
        pct = self.public.percent
        return None if pct is None else pct >= self.target

    @property
    def below_target(self) -> bool:
        return self.civil_met is False or self.public_met is False


@dataclass
class Summary:
    year: int
    baseline_year: int
    target: Decimal
    rows: list[SummaryRow]
    civil: Reduction
    public: Reduction
    civil_actual: int | None
    public_actual: int | None
    # Current units with their own baseline but no figures for the year: not compared.
    not_reported: list[OrgUnit] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "baseline_year": self.baseline_year,
            "target_percent": float(self.target),
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
        }


def _rollup_sql(years: Sequence[int], nodes_sql: str, excluded: int = 0) -> str:
    """The roll-up query's text (see the module docstring); `nodes_sql` selects the ids of the
    units to report on. Parameters: the years, the `excluded` units whose figures are left out,
    then those of `nodes_sql`."""
    unit = OrgUnit._meta.db_table
    headcount = Headcount._meta.db_table
    through = OrgUnit.successors.through._meta
    links = through.db_table
    from_col = through.get_field("from_orgunit").column
    to_col = through.get_field("to_orgunit").column
    in_years = ", ".join(["%s"] * len(years))
    leave_out = f" AND unit_id NOT IN ({', '.join(['%s'] * excluded)})" if excluded else ""
    # Only table and column names from the models go into the text; values are parameters.
    first_successor = (
        f"(SELECT t.id FROM {links} s JOIN {unit} t ON t.id = s.{to_col} "  # noqa: S608
        f"WHERE s.{from_col} = u.id ORDER BY t.path LIMIT 1)"
    )
    carries = (
        f"(u.valid_to IS NOT NULL AND EXISTS (SELECT 1 FROM {links} s "  # noqa: S608
        f"WHERE s.{from_col} = u.id))"
    )
    return f"""
WITH RECURSIVE
figures(unit_id, year, ca, cx, pa, px) AS (
  SELECT unit_id, year, civil_assigned, civil_actual, public_assigned, public_actual
  FROM {headcount} WHERE year IN ({in_years}){leave_out}
),
walk(source_id, node_id, own, steps) AS (
  SELECT DISTINCT unit_id, unit_id, 1, 0 FROM figures
  UNION ALL
  SELECT w.source_id,
         CASE WHEN {carries} THEN {first_successor} ELSE u.parent_id END,
         CASE WHEN {carries} THEN w.own ELSE 0 END,
         w.steps + 1
  FROM walk w JOIN {unit} u ON u.id = w.node_id
  WHERE w.steps < {MAX_STEPS} AND (u.parent_id IS NOT NULL OR {carries})
)
SELECT w.node_id, f.year, SUM(f.ca), SUM(f.cx), SUM(f.pa), SUM(f.px),
       SUM(CASE WHEN w.own = 1 THEN f.ca ELSE 0 END),
       SUM(CASE WHEN w.own = 1 THEN f.pa ELSE 0 END)
FROM walk w JOIN figures f ON f.unit_id = w.source_id
WHERE w.node_id IN ({nodes_sql})
GROUP BY w.node_id, f.year
"""  # noqa: S608


def rollup(
    units: OrgUnitQuerySet, years: Iterable[int], *, excluded: Sequence[int] = ()
) -> dict[int, UnitRollup]:
    """{unit id: UnitRollup} for the current units among `units` that have figures (their own,
    carried from ended predecessors, or of units below them) in any of `years`, leaving out
    the figures of the `excluded` units (`incomplete`: a comparison must not read a missing
    year as zero posts). Two queries. Changes nothing."""
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
    loaded = OrgUnit.objects.only(*UNIT_FIELDS).in_bulk({row[0] for row in fetched})
    for node, year, ca, cx, pa, px, own_ca, own_pa in fetched:
        entry = result.setdefault(node, UnitRollup(loaded[node]))
        entry.years[year] = Figures(
            int(ca or 0),
            None if cx is None else int(cx),
            int(pa or 0),
            None if px is None else int(px),
            int(own_ca or 0),
            int(own_pa or 0),
        )
    return result


def _next_units(unit_ids: set[int]) -> dict[int, int | None]:
    """For each unit, the unit its figures are carried to: the first successor (by path) of an
    ended unit that has successors, else None. Two queries."""
    ended = OrgUnit.objects.filter(pk__in=unit_ids, valid_to__isnull=False).values("pk")
    links: dict[int, tuple[int, str]] = {}
    rows = OrgUnit.successors.through.objects.filter(from_orgunit_id__in=ended).values_list(
        "from_orgunit_id", "to_orgunit_id", "to_orgunit__path"
    )
    for source, target, path in rows:
        if source not in links or path < links[source][1]:
            links[source] = (target, path)
    return {pk: links[pk][0] if pk in links else None for pk in unit_ids}


def incomplete(years: Sequence[int]) -> tuple[list[int], list[int]]:
    """(sources, holders) for a comparison of `years`: the units whose figures must be left
    out because the unit holding them — the unit itself, or the successor its figures are
    carried to (first by path, as in the roll-up) — has no figures for one of the years, and
    those holders. One query, then one per step of the merger chains. Changes nothing."""
    years_of: dict[int, set[int]] = {}
    for unit_id, year in Headcount.objects.filter(year__in=years).values_list("unit_id", "year"):
        years_of.setdefault(unit_id, set()).add(year)
    following: dict[int, int | None] = {}
    frontier = set(years_of)
    for _ in range(MAX_STEPS):
        frontier -= following.keys()
        if not frontier:
            break
        found = _next_units(frontier)
        following |= found
        frontier = {pk for pk in found.values() if pk is not None}
    holder_years: dict[int, set[int]] = {}
    holder_of: dict[int, int] = {}
    for source, held in years_of.items():
        node, steps = source, 0
        while following.get(node) is not None and steps < MAX_STEPS:
            node, steps = following[node] or node, steps + 1
        holder_of[source] = node
        holder_years.setdefault(node, set()).update(held)
    wanted = set(years)
    sources = sorted(s for s, h in holder_of.items() if not wanted <= holder_years[h])
    return sources, sorted({holder_of[source] for source in sources})


def _add(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else a + b


def summary(units: OrgUnitQuerySet, year: int, *, policy: StaffingPolicy | None = None) -> Summary:
    """The reduction of assigned posts in `year` against the policy's baseline year for every
    current unit among `units` that reported both years (its own figures or those carried to it),
    in tree order, the total over the topmost of them (for a city administrator: the city), and
    the units holding figures of one year but not the other (not compared: a missing year is
    not zero posts; `incomplete`). About six queries. Changes nothing."""
    policy = policy or StaffingPolicy.current()
    base = policy.baseline_year
    # Only units that reported both years are compared: a missing year is not zero posts.
    sources, holders = incomplete([base, year])
    rolled = rollup(units, [base, year], excluded=sources)
    ordered = sorted(rolled.values(), key=lambda r: r.unit.path)
    top = min((r.unit.depth for r in ordered), default=0)
    rows = [_row(entry, base, year, top, policy.target_percent) for entry in ordered]
    paths = {row.unit.path for row in rows}
    roots = [row for row in rows if not _has_ancestor_in(row.unit.path, paths)]
    civil, public = Reduction(), Reduction()
    civil_actual: int | None = None
    public_actual: int | None = None
    for row in roots:
        civil, public = civil + row.civil, public + row.public
        civil_actual = _add(civil_actual, row.civil_actual)
        public_actual = _add(public_actual, row.public_actual)
    not_reported = list(units.current().filter(pk__in=holders).only(*UNIT_FIELDS).order_by("path"))
    return Summary(
        year,
        base,
        policy.target_percent,
        rows,
        civil,
        public,
        civil_actual,
        public_actual,
        not_reported,
    )


def _row(entry: UnitRollup, base: int, year: int, top: int, target: Decimal) -> SummaryRow:
    before, now = entry.figures(base), entry.figures(year)
    return SummaryRow(
        unit=entry.unit,
        depth=entry.unit.depth - top,
        civil=Reduction(before.civil_assigned, now.civil_assigned),
        public=Reduction(before.public_assigned, now.public_assigned),
        civil_actual=now.civil_actual,
        public_actual=now.public_actual,
        own_civil=Reduction(before.own_civil_assigned, now.own_civil_assigned),
        own_public=Reduction(before.own_public_assigned, now.own_public_assigned),
        target=target,
    )


def _has_ancestor_in(path: str, paths: set[str]) -> bool:
    parts = path.strip("/").split("/")[:-1]
    return any("/" + "/".join(parts[:i]) + "/" in paths for i in range(1, len(parts) + 1))


@dataclass
class HistoryYear:
    year: int
    figures: Figures
    civil: Reduction
    public: Reduction


def history(unit: OrgUnit, *, policy: StaffingPolicy | None = None) -> list[HistoryYear]:
    """Every year with figures for `unit` (a current unit: its subtree and what was carried to
    it; an ended unit: its own records), each compared with the baseline year. Three queries
    at most. Changes nothing."""
    policy = policy or StaffingPolicy.current()
    if unit.is_current:
        years = list(Headcount.objects.order_by().values_list("year", flat=True).distinct())
        rolled = rollup(OrgUnit.objects.filter(pk=unit.pk), years).get(unit.pk)
        per_year = rolled.years if rolled else {}
    else:
        per_year = {
            h.year: Figures(
                h.civil_assigned,
                h.civil_actual,
                h.public_assigned,
                h.public_actual,
                h.civil_assigned,
                h.public_assigned,
            )
            for h in unit.headcounts.all()
        }
    base = per_year.get(policy.baseline_year) or Figures()
    return [
        HistoryYear(
            year,
            figures,
            Reduction(base.civil_assigned, figures.civil_assigned),
            Reduction(base.public_assigned, figures.public_assigned),
        )
        for year, figures in sorted(per_year.items())
    ]


def years_with_figures() -> list[int]:
    """The years that have any record, latest first. One query. Changes nothing."""
    return list(Headcount.objects.order_by("-year").values_list("year", flat=True).distinct())


def carried_from(unit: OrgUnit) -> OrgUnitQuerySet:
    """The ended units whose figures the roll-up carries to `unit`: its predecessors whose
    first successor (by path) it is. One query. Changes nothing."""
    first = (
        OrgUnit.successors.through.objects.filter(from_orgunit=OuterRef("pk"))
        .order_by("to_orgunit__path")
        .values("to_orgunit")[:1]
    )
    return (
        unit.predecessors.filter(valid_to__isnull=False)
        .annotate(first_successor=Subquery(first))
        .filter(first_successor=unit.pk)
        .order_by("path")
    )
