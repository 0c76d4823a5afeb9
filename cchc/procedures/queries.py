"""Aggregate reads: the overview figures the city reports (procedures reviewed, simplification
plans approved, abolished, workflows approved, yearly saving), per year, unit and field, and the
progress against the city's target cut. A handful of grouped queries whatever the size."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from cchc.orgunits.models import OrgUnit
from cchc.procedures import scoring
from cchc.procedures.models import Review, ReviewCampaign, SimplificationPlan, Workflow

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


def scoped(user: Any) -> dict[str, QuerySet[Any]]:
    """The reviews, approved plans and approved workflows `user` sees (their unit's)."""
    reviews = Review.objects.all()
    plans = SimplificationPlan.objects.filter(status=SimplificationPlan.Status.APPROVED)
    workflows = Workflow.objects.filter(APPROVED_WORKFLOW)
    if not user.is_city_admin:
        visible = OrgUnit.objects.visible_to(user)
        reviews = reviews.filter(unit__in=visible)
        plans = plans.filter(unit__in=visible)
        workflows = workflows.filter(unit__in=visible)
    return {"reviews": reviews, "plans": plans, "workflows": workflows}


def per_year(user: Any) -> dict[int, Tally]:
    """{year: Tally} over every year with a figure: reviews by their campaign's year, plans
    and workflows by the year of their decision. Three grouped queries."""
    sets = scoped(user)
    years: dict[int, Tally] = defaultdict(Tally)
    review_rows = (
        sets["reviews"]
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
    plan_rows = (
        sets["plans"]
        .annotate(y=ExtractYear("decision_date"))
        .order_by()
        .values_list("y")
        .annotate(n=Count("pk"), before=Sum("cost_before"), saving=Sum("saving"))
    )
    for year, plans, before, saving in plan_rows:
        years[year].add(plans=plans, cost_before=before, saving=saving)
    workflow_rows = (
        sets["workflows"]
        .annotate(y=ExtractYear("decision_date"))
        .order_by()
        .values_list("y")
        .annotate(n=Count("pk"))
    )
    for year, workflows in workflow_rows:
        years[year].add(workflows=workflows)
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
    sets = scoped(user)
    units: dict[int, Tally] = defaultdict(Tally)
    fields: dict[str, Tally] = defaultdict(Tally)
    total = Tally()

    def add(unit_id: int, field_name: str, **counts: int) -> None:
        for tally in (units[unit_id], fields[field_name], total):
            tally.add(**counts)

    reviews = (
        sets["reviews"]
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
        sets["plans"]
        .filter(decision_date__year=year)
        .order_by()
        .values_list("unit_id", "procedure__field")
        .annotate(n=Count("pk"), before=Sum("cost_before"), saving=Sum("saving"))
    )
    for unit_id, name, count, before, saving in plans:
        add(unit_id, name, plans=count, cost_before=before, saving=saving)
    workflows = (
        sets["workflows"]
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
