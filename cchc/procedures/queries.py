"""Aggregate reads: the overview figures the city reports (procedures reviewed, simplification
plans approved, abolished, workflows approved, yearly saving), per year, unit and field, and the
progress against the year's target (Resolution 66/NQ-CP: the cut of processing time and of
compliance cost over every procedure in scope against its baseline figures,
docs/domain/procedure-targets.md). A handful of grouped queries whatever the size."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from cchc.orgunits.models import OrgUnit
from cchc.procedures import scoring
from cchc.procedures.models import (
    Procedure,
    ProcedureTarget,
    Review,
    ReviewCampaign,
    SimplificationPlan,
    Workflow,
)

APPROVED_WORKFLOW = ~Q(status=Workflow.Status.DRAFT)


@dataclass
class Tally:
    """One line of the overview: a unit, a field or the total."""

    label: str = ""
    reviewed: int = 0
    abolished: int = 0
    plans: int = 0
    workflows: int = 0
    cost_before: int = 0
    saving: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def cut_pct(self) -> Decimal | None:
        if not self.cost_before:
            return None
        return scoring.cut_percent(self.cost_before, self.cost_before - self.saving)

    @property
    def target_progress(self) -> Decimal | None:
        """How far the cut has come towards the city target (30 %), capped at 100."""
        cut = self.cut_pct
        if cut is None:
            return None
        return min(Decimal(100), (cut * 100 / scoring.CITY_TARGET_CUT).quantize(scoring.CENT))

    @property
    def meets_target(self) -> bool:
        cut = self.cut_pct
        return cut is not None and cut >= scoring.CITY_TARGET_CUT

    def add(self, **counts: int) -> None:
        for name, value in counts.items():
            setattr(self, name, getattr(self, name) + (value or 0))


def _approved_plans(user: Any) -> QuerySet[SimplificationPlan]:
    return SimplificationPlan.objects.for_user(user).filter(
        status=SimplificationPlan.Status.APPROVED
    )


def _approved_workflows(user: Any) -> QuerySet[Workflow]:
    return Workflow.objects.for_user(user).filter(APPROVED_WORKFLOW)


def per_year(user: Any) -> dict[int, Tally]:
    """{year: Tally} over every year with a figure: reviews by their campaign's year, plans
    and workflows by the year of their decision. Three grouped queries."""
    years: dict[int, Tally] = defaultdict(Tally)
    review_rows = (
        Review.objects.for_user(user)
        .order_by()
        .values_list("campaign__year")
        .annotate(
            n=Count("pk"),
            gone=Count(
                "pk",
                filter=Q(
                    proposal=Review.Proposal.ABOLISH,
                    campaign__status=ReviewCampaign.Status.APPROVED,
                ),
            ),
        )
    )
    for year, reviewed, abolished in review_rows:
        years[year].add(reviewed=reviewed, abolished=abolished)
    # Grouped by decision day, the years summed here: SQLite has no year function, and
    # Django's stand-in (ExtractYear) is a Python call per row, most of the overview's time
    # over 20,000 workflows (bench/procedures.py). A day has one year: the sums are the same.
    plan_rows = (
        _approved_plans(user)
        .order_by()
        .values_list("decision_date")
        .annotate(n=Count("pk"), before=Sum("cost_before"), saving=Sum("saving"))
    )
    for day, plans, before, saving in plan_rows:
        if day is not None:  # no decision date: no year (as ExtractYear's None, left out)
            years[day.year].add(plans=plans, cost_before=before, saving=saving)
    workflow_rows = (
        _approved_workflows(user).order_by().values_list("decision_date").annotate(n=Count("pk"))
    )
    for day, workflows in workflow_rows:
        if day is not None:
            years[day.year].add(workflows=workflows)
    for year, tally in years.items():
        tally.label = str(year)
    return dict(sorted((y, t) for y, t in years.items() if y is not None))


@dataclass
class Breakdown:
    total: Tally
    units: list[Tally]
    fields: list[Tally]


def breakdown(user: Any, year: int) -> Breakdown:
    """The year's figures per unit, per field and in total (three grouped queries, by unit and
    field at once, plus one for the unit names). Each Tally's `extra["id"]` is the unit's pk."""
    units: dict[int, Tally] = defaultdict(Tally)
    fields: dict[str, Tally] = defaultdict(Tally)
    total = Tally()

    def add(unit_id: int, field_name: str, **counts: int) -> None:
        for tally in (units[unit_id], fields[field_name], total):
            tally.add(**counts)

    reviews = (
        Review.objects.for_user(user)
        .filter(campaign__year=year)
        .order_by()
        .values_list("unit_id", "procedure__field")
        .annotate(
            n=Count("pk"),
            gone=Count(
                "pk",
                filter=Q(
                    proposal=Review.Proposal.ABOLISH,
                    campaign__status=ReviewCampaign.Status.APPROVED,
                ),
            ),
        )
    )
    for unit_id, name, reviewed, abolished in reviews:
        add(unit_id, name, reviewed=reviewed, abolished=abolished)
    plans = (
        _approved_plans(user)
        .filter(decision_date__year=year)
        .order_by()
        .values_list("unit_id", "procedure__field")
        .annotate(n=Count("pk"), before=Sum("cost_before"), saving=Sum("saving"))
    )
    for unit_id, name, count, before, saving in plans:
        add(unit_id, name, plans=count, cost_before=before, saving=saving)
    workflows = (
        _approved_workflows(user)
        .filter(decision_date__year=year)
        .order_by()
        .values_list("unit_id", "procedure__field")
        .annotate(n=Count("pk"))
    )
    for unit_id, name, count in workflows:
        add(unit_id, name, workflows=count)
    names = dict(OrgUnit.objects.filter(pk__in=list(units)).values_list("pk", "name"))
    for unit_id, tally in units.items():
        tally.label, tally.extra["id"] = names.get(unit_id, ""), unit_id
    for name, tally in fields.items():
        tally.label = name
    total.label = str(year)
    by_saving = lambda t: (-t.saving, -t.reviewed, t.label)  # noqa: E731 (sort key)
    return Breakdown(
        total=total,
        units=sorted(units.values(), key=by_saving),
        fields=sorted(fields.values(), key=by_saving),
    )


# --- targets by year (Resolution 66/NQ-CP) ------------------------------------------------------


@dataclass
class Cut:
    """Processing time (working days) and yearly compliance cost (VND) of some procedures in
    the baseline year and now, and the cut of each."""

    base_days: Decimal = Decimal(0)
    days: Decimal = Decimal(0)
    base_cost: int = 0
    cost: int = 0
    procedures: int = 0

    @property
    def time_cut_pct(self) -> Decimal | None:
        if not self.base_days:
            return None
        cut = (self.base_days - self.days) * 100 / self.base_days
        return cut.quantize(scoring.CENT, rounding=ROUND_HALF_UP)

    @property
    def cost_cut_pct(self) -> Decimal | None:
        if not self.base_cost:
            return None
        return scoring.cut_percent(self.base_cost, self.cost)

    def add(self, other: "Cut") -> None:
        self.base_days += other.base_days
        self.days += other.days
        self.base_cost += other.base_cost
        self.cost += other.cost
        self.procedures += other.procedures


@dataclass
class ProcedureCut:
    pk: int
    code: str
    name: str
    cut: Cut
    time_shortfall: Decimal  # working days still to cut to reach the time target
    cost_shortfall: Decimal  # VND a year still to cut to reach the cost target


@dataclass
class TargetProgress:
    year: int
    target: ProcedureTarget
    total: Cut
    units: list[tuple[str, int, Cut]]  # (name, id, cut) per implementing unit
    lagging: list[ProcedureCut]  # furthest from the target (cost, then time), at most LAGGING
    without_baseline: int  # procedures in scope without baseline figures for the baseline year

    @property
    def time_met(self) -> bool | None:
        cut = self.total.time_cut_pct
        return None if cut is None else cut >= self.target.time_target

    @property
    def cost_met(self) -> bool | None:
        cut = self.total.cost_cut_pct
        return None if cut is None else cut >= self.target.cost_target

    def as_dict(self) -> dict[str, Any]:
        def pct(value: Decimal | None) -> float | None:
            return None if value is None else float(value)

        def cut_dict(cut: Cut) -> dict[str, Any]:
            return {
                "procedures": cut.procedures,
                "baseline": {"days": float(cut.base_days), "cost": cut.base_cost},
                "current": {"days": float(cut.days), "cost": cut.cost},
                "time_cut_pct": pct(cut.time_cut_pct),
                "cost_cut_pct": pct(cut.cost_cut_pct),
            }

        total = cut_dict(self.total)
        return {
            "year": self.year,
            "baseline_year": self.target.baseline_year,
            "target_pct": {
                "time": float(self.target.time_target),
                "cost": float(self.target.cost_target),
            },
            "scope": "business" if self.target.business_only else "all",
            "source": self.target.source,
            "time_cut_pct": total["time_cut_pct"],
            "cost_cut_pct": total["cost_cut_pct"],
            "time_met": self.time_met,
            "cost_met": self.cost_met,
            "procedures_in_scope": self.total.procedures,
            "without_baseline": self.without_baseline,
            "baseline": total["baseline"],
            "current": total["current"],
            "units": [{"id": pk, "name": name, **cut_dict(cut)} for name, pk, cut in self.units],
            "lagging": [
                {
                    "code": p.code,
                    "name": p.name,
                    "time_cut_pct": pct(p.cut.time_cut_pct),
                    "cost_cut_pct": pct(p.cut.cost_cut_pct),
                    "time_shortfall_days": float(p.time_shortfall),
                    "cost_shortfall": int(p.cost_shortfall),
                }
                for p in self.lagging
            ],
        }


LAGGING = 10


def _in_scope(user: Any, target: ProcedureTarget) -> QuerySet[Procedure]:
    procedures = Procedure.objects.for_user(user) if user is not None else Procedure.objects.all()
    if target.business_only:
        procedures = procedures.filter(business_related=True)
    return procedures


def _procedure_cuts(
    procedures: QuerySet[Procedure], target: ProcedureTarget, year: int
) -> tuple[dict[int, ProcedureCut], int]:
    """({procedure id: its cut}, count without baseline) for `procedures` in `year`: now = the
    catalogue's processing time and the yearly cost after the latest plan approved by the end
    of `year` (none: the baseline cost); an abolished procedure is cut whole. Two queries."""
    # The latest approved plan of each procedure, read in one pass over the approved plans
    # (ordered newest first per procedure, the first one kept). A correlated subquery per
    # procedure made SQLite scan the plans once per procedure (0.4 s at 2,000 procedures).
    latest: dict[int, int] = {}
    plans = (
        SimplificationPlan.objects.filter(
            procedure__in=procedures.order_by().values("pk"),
            status=SimplificationPlan.Status.APPROVED,
            decision_date__year__lte=year,
        )
        .order_by("procedure_id", "-decision_date", "-pk")
        .values_list("procedure_id", "cost_after")
    )
    for procedure_id, cost_after in plans:
        latest.setdefault(procedure_id, cost_after)
    rows = procedures.order_by().values_list(
        "pk",
        "code",
        "name",
        "status",
        "processing_days",
        "baseline_year",
        "baseline_days",
        "baseline_cost",
    )
    cuts: dict[int, ProcedureCut] = {}
    missing = 0
    for pk, code, name, status, days, base_year, base_days, base_cost in rows:
        cost_now = latest.get(pk)
        if base_year != target.baseline_year or base_days is None or base_cost is None:
            missing += 1
            continue
        gone = status == Procedure.Status.ABOLISHED
        cut = Cut(
            base_days,
            Decimal(0) if gone else days,
            base_cost,
            0 if gone else (base_cost if cost_now is None else cost_now),
            1,
        )
        cuts[pk] = ProcedureCut(
            pk,
            code,
            name,
            cut,
            base_days * target.time_target / 100 - (cut.base_days - cut.days),
            Decimal(base_cost) * target.cost_target / 100 - (cut.base_cost - cut.cost),
        )
    return cuts, missing


def target_progress(user: Any, year: int) -> TargetProgress | None:
    """The year's target (ProcedureTarget) and the cut of processing time and compliance cost
    over every procedure in scope that `user` sees (None: every procedure), in total and per
    implementing unit they see, with the procedures furthest from the target; None when the
    year has no target. Five queries. Changes nothing."""
    target = ProcedureTarget.objects.for_year(year)
    if target is None:
        return None
    procedures = _in_scope(user, target)
    cuts, missing = _procedure_cuts(procedures, target, year)
    total = Cut()
    for item in cuts.values():
        total.add(item.cut)
    links = Procedure.units.through.objects.filter(procedure_id__in=procedures.values("pk"))
    if user is not None and not user.is_city_admin:
        links = links.filter(orgunit__in=OrgUnit.objects.visible_to(user))
    per_unit: dict[int, Cut] = defaultdict(Cut)
    for procedure_id, unit_id in links.values_list("procedure_id", "orgunit_id"):
        if (found := cuts.get(procedure_id)) is not None:
            per_unit[unit_id].add(found.cut)
    names = dict(OrgUnit.objects.filter(pk__in=list(per_unit)).values_list("pk", "name"))
    units = sorted(
        ((names.get(pk, ""), pk, cut) for pk, cut in per_unit.items()),
        key=lambda row: (row[2].cost_cut_pct or Decimal(0), row[0]),
    )
    lagging = sorted(
        (c for c in cuts.values() if c.cost_shortfall > 0 or c.time_shortfall > 0),
        key=lambda c: (-c.cost_shortfall, -c.time_shortfall, c.code),
    )[:LAGGING]
    return TargetProgress(year, target, total, units, lagging, missing)
