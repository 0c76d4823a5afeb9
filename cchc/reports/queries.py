"""Reads of the periodic reports: the annex figures computed from the platform's records for a
window, set-wise (one query per source, whatever the number of units), the section figures
(tasks by content area), and the city's consolidation of the units' reports.

Nothing here changes data. A unit's figures count the unit's own records (the tasks it leads,
the inspections it held, the petitions it received, …); the city's figures count every record.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from cchc.dialogues.models import Conference, Petition
from cchc.inspections.models import Inspection, Recommendation
from cchc.orgunits.models import OrgUnit
from cchc.plans.queries import day_start, status_counts, year_tasks
from cchc.procedures.models import Review, SimplificationPlan, Workflow
from cchc.reports.models import (
    AnnexValue,
    Indicator,
    PeriodicReport,
    ReportPeriod,
    ReportSection,
    SectionText,
    Window,
)
from cchc.services.models import Channel, Dossier
from cchc.staffing.models import Headcount

CITY = None  # the key of the city's total in a figures dict
# Above this many units, a grouped query reads every unit's group and keeps the wanted ones in
# Python: cheaper than a long IN list (and within every database's parameter limit).
IN_LIMIT = 500
Figures = dict[int | None, dict[str, Decimal]]  # unit id (None: city) → source → value
SourceFunction = Callable[[Window, Sequence[int] | None], dict[int | None, Decimal]]


def _grouped(
    queryset: QuerySet[Any], unit_field: str, aggregate: Any, unit_ids: Sequence[int] | None
) -> dict[int | None, Decimal]:
    """The aggregate over `queryset`: per unit of `unit_ids` (grouped in one query), or one
    city total keyed None when `unit_ids` is None."""
    if unit_ids is None:
        total = queryset.aggregate(v=aggregate)["v"]
        return {CITY: Decimal(total or 0)}
    wanted = set(unit_ids)
    if len(wanted) <= IN_LIMIT:
        queryset = queryset.filter(**{f"{unit_field}__in": list(wanted)})
    rows = queryset.order_by().values_list(unit_field).annotate(v=aggregate)
    return {unit: Decimal(value or 0) for unit, value in rows if unit in wanted}


def _between(window: Window) -> tuple[datetime.datetime, datetime.datetime]:
    """The window as aware datetimes: from the first day's midnight to the day after the last."""
    return day_start(window.first), day_start(window.last + datetime.timedelta(days=1))


def _inspections_held(window: Window, unit_ids: Sequence[int] | None) -> dict:
    held = Inspection.objects.filter(
        start_date__gte=window.first,
        start_date__lte=window.last,
        status__in=[Inspection.Status.IN_PROGRESS, Inspection.Status.CONCLUDED],
    )
    return _grouped(held, "unit", Count("pk"), unit_ids)


def _recommendations_remedied(window: Window, unit_ids: Sequence[int] | None) -> dict:
    remedied = Recommendation.objects.filter(
        status=Recommendation.Status.REMEDIED,
        closed_on__gte=window.first,
        closed_on__lte=window.last,
    )
    return _grouped(remedied, "unit", Count("pk"), unit_ids)


def _conferences_held(window: Window, unit_ids: Sequence[int] | None) -> dict:
    start, end = _between(window)
    held = Conference.objects.filter(held_at__gte=start, held_at__lt=end)
    return _grouped(held, "host_unit", Count("pk"), unit_ids)


def _petitions_received(window: Window, unit_ids: Sequence[int] | None) -> dict:
    start, end = _between(window)
    received = Petition.objects.filter(
        received_at__gte=start, received_at__lt=end, merged_into__isnull=True
    )
    return _grouped(received, "unit", Count("pk"), unit_ids)


def _petitions_answered(window: Window, unit_ids: Sequence[int] | None) -> dict:
    start, end = _between(window)
    answered = Petition.objects.filter(answered_at__gte=start, answered_at__lt=end)
    return _grouped(answered, "unit", Count("pk"), unit_ids)


def _reviews(proposal: str | None) -> SourceFunction:
    def count(window: Window, unit_ids: Sequence[int] | None) -> dict:
        start, end = _between(window)
        reviews = Review.objects.filter(recorded_at__gte=start, recorded_at__lt=end)
        if proposal:
            reviews = reviews.filter(proposal=proposal)
        return _grouped(reviews, "unit", Count("pk"), unit_ids)

    return count


def _approved_plans(window: Window) -> QuerySet[SimplificationPlan]:
    return SimplificationPlan.objects.filter(
        status=SimplificationPlan.Status.APPROVED,
        decision_date__gte=window.first,
        decision_date__lte=window.last,
    )


def _cost_saved(window: Window, unit_ids: Sequence[int] | None) -> dict:
    saving = Coalesce(Sum(F("cost_before") - F("cost_after")), 0)
    return _grouped(_approved_plans(window), "unit", saving, unit_ids)


def _workflows_approved(window: Window, unit_ids: Sequence[int] | None) -> dict:
    approved = Workflow.objects.filter(
        decision_date__gte=window.first, decision_date__lte=window.last
    ).exclude(status=Workflow.Status.DRAFT)
    return _grouped(approved, "unit", Count("pk"), unit_ids)


def _headcount(column: str) -> SourceFunction:
    def total(window: Window, unit_ids: Sequence[int] | None) -> dict:
        rows = Headcount.objects.filter(year=window.last.year)
        return _grouped(rows, "unit", Coalesce(Sum(column), 0), unit_ids)

    return total


def _dossiers(condition: str) -> SourceFunction:
    """Dossiers of the Decision 766 data (cchc.services) in the window: received, received
    online, or completed at or before their due time."""

    def count(window: Window, unit_ids: Sequence[int] | None) -> dict:
        start, end = _between(window)
        if condition == "on_time":
            rows = Dossier.objects.filter(
                returned_at__gte=start, returned_at__lt=end, returned_at__lte=F("due_at")
            )
        else:
            rows = Dossier.objects.filter(received_at__gte=start, received_at__lt=end)
            if condition == "online":
                rows = rows.filter(channel=Channel.ONLINE)
        return _grouped(rows, "unit", Count("pk"), unit_ids)

    return count


TASK_SOURCES = {
    "tasks_assigned": ("assigned",),
    "tasks_completed": ("on_time", "late"),
    "tasks_on_time": ("on_time",),
    "tasks_overdue": ("overdue",),
}
SOURCES: dict[str, SourceFunction] = {
    "inspections_held": _inspections_held,
    "recommendations_remedied": _recommendations_remedied,
    "conferences_held": _conferences_held,
    "petitions_received": _petitions_received,
    "petitions_answered": _petitions_answered,
    "procedures_reviewed": _reviews(None),
    "procedures_simplify": _reviews(Review.Proposal.SIMPLIFY),
    "procedures_abolish": _reviews(Review.Proposal.ABOLISH),
    "compliance_cost_saved": _cost_saved,
    "workflows_approved": _workflows_approved,
    "civil_posts_assigned": _headcount("civil_assigned"),
    "civil_in_post": _headcount("civil_actual"),
    "public_posts_assigned": _headcount("public_assigned"),
    "public_in_post": _headcount("public_actual"),
    "dossiers_received": _dossiers("received"),
    "dossiers_on_time": _dossiers("on_time"),
    "dossiers_online": _dossiers("online"),
}
# Where a figure comes from: the list page that shows the underlying records.
SOURCE_LISTS = {
    "tasks": "plans:plan_list",
    "inspections_held": "inspections:list",
    "recommendations_remedied": "inspections:recommendations",
    "conferences_held": "dialogues:conferences",
    "petitions_received": "dialogues:petitions",
    "petitions_answered": "dialogues:petitions",
    "procedures_reviewed": "procedures:campaigns",
    "procedures_simplify": "procedures:campaigns",
    "procedures_abolish": "procedures:campaigns",
    "compliance_cost_saved": "procedures:plans",
    "workflows_approved": "procedures:workflows",
    "civil_posts_assigned": "staffing:summary",
    "civil_in_post": "staffing:summary",
    "public_posts_assigned": "staffing:summary",
    "public_in_post": "staffing:summary",
    "dossiers_received": "services:index",
    "dossiers_on_time": "services:index",
    "dossiers_online": "services:index",
}
KNOWN_SOURCES = set(SOURCES) | set(TASK_SOURCES)


def source_link(source: str) -> str:
    """The URL of the list behind a source ("" for a typed-in row)."""
    if not source:
        return ""
    name = SOURCE_LISTS["tasks" if source in TASK_SOURCES else source]
    return reverse(name)


def task_counts(
    window: Window, unit_ids: Sequence[int] | None
) -> dict[tuple[int | None, str], dict[str, int]]:
    """The tally's year-to-date counts (plans.queries.year_tasks, status_counts: the tasks of
    the report year's plans assigned by the window's last day) per (lead unit, content area
    code), in one query; the unit is None for the city's total. Changes nothing."""
    tasks = year_tasks(window.last)
    keys = ["plan__year"]
    wanted = set(unit_ids or ())
    if unit_ids is not None:
        if len(wanted) <= IN_LIMIT:
            tasks = tasks.filter(lead_unit__in=list(wanted))
        keys = ["lead_unit"]
    rows = (
        tasks.order_by()
        .values(*keys, "area__code")
        .annotate(**status_counts(window.first, window.last))
    )
    counts: dict[tuple[int | None, str], dict[str, int]] = {}
    for row in rows:
        if unit_ids is None:
            counts[(CITY, row["area__code"])] = row
        elif row["lead_unit"] in wanted:
            counts[(row["lead_unit"], row["area__code"])] = row
    return counts


def figures(window: Window, unit_ids: Sequence[int] | None, sources: Iterable[str]) -> Figures:
    """The value of each of `sources` for each unit of `unit_ids` (or for the city, keyed
    None): one query per source, plus one for all the task sources. Units without records get
    zeros. Changes nothing."""
    wanted = set(sources)
    keys: list[int | None] = [CITY] if unit_ids is None else list(unit_ids)
    result: Figures = {key: {source: Decimal(0) for source in wanted} for key in keys}
    if wanted & set(TASK_SOURCES):
        for (unit, _area), row in task_counts(window, unit_ids).items():
            for source in wanted & set(TASK_SOURCES):
                result[unit][source] += sum(row[name] for name in TASK_SOURCES[source])
    for source in sorted(wanted & set(SOURCES)):
        for unit, value in SOURCES[source](window, unit_ids).items():
            result[unit][source] = value
    return result


@dataclass
class SectionFigures:
    """The tasks of a section's content area for one report: assigned, completed, on time,
    overdue."""

    assigned: int = 0
    completed: int = 0
    on_time: int = 0
    overdue: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "tasks_assigned": self.assigned,
            "tasks_completed": self.completed,
            "tasks_on_time": self.on_time,
            "tasks_overdue": self.overdue,
        }


def section_figures(window: Window, unit_id: int | None) -> dict[str, SectionFigures]:
    """Content area code → the tasks of that area for the unit (None: the city). One query.
    Changes nothing."""
    counts = task_counts(window, None if unit_id is None else [unit_id])
    by_area: dict[str, SectionFigures] = defaultdict(SectionFigures)
    for (_unit, area), row in counts.items():
        by_area[area] = SectionFigures(
            assigned=row["assigned"],
            completed=row["on_time"] + row["late"],
            on_time=row["on_time"],
            overdue=row["overdue"],
        )
    return by_area


def is_city_report(report: PeriodicReport) -> bool:
    """The city's own report is the one of the province unit (the consolidated report)."""
    return report.unit.kind == OrgUnit.Kind.PROVINCE


def report_scope(report: PeriodicReport) -> list[int] | None:
    """None (every record) for the city's report, else the unit's own records."""
    return None if is_city_report(report) else [report.unit_id]


@dataclass
class Row:
    """One annex row of one report, as shown and exported."""

    indicator: Indicator
    value: Decimal | None
    computed: Decimal | None
    reason: str
    link: str

    @property
    def overridden(self) -> bool:
        return self.computed is not None and self.value != self.computed


def annex_rows(report: PeriodicReport) -> list[Row]:
    """The report's annex rows in the Ministry's order, from its stored values. Changes
    nothing."""
    stored = {v.indicator_id: v for v in AnnexValue.objects.filter(report=report)}
    rows = []
    for indicator in Indicator.objects.filter(is_active=True).select_related("section"):
        value = stored.get(indicator.pk)
        rows.append(
            Row(
                indicator=indicator,
                value=value.value if value else None,
                computed=value.computed if value else None,
                reason=value.reason if value else "",
                link=source_link(indicator.source),
            )
        )
    return rows


@dataclass
class Contribution:
    """An accepted unit report as the city's consolidation sees it."""

    report_id: int
    unit: str
    texts: dict[int, str] = field(default_factory=dict)  # section id → text
    values: dict[int, Decimal] = field(default_factory=dict)  # indicator id → value


@dataclass
class Consolidation:
    """The city's report for a year and period: its computed figures (every record), the
    typed-in rows summed over the units' accepted reports, the units' own figures and texts."""

    window: Window
    totals: dict[str, Decimal]  # indicator code → value
    by_unit: Figures  # unit id → source → value (the units that reported)
    contributions: list[Contribution]
    missing: list[str]  # units that have not had a report accepted


def consolidate(year: int, period: ReportPeriod, units: Sequence[OrgUnit]) -> Consolidation:
    """The consolidation of `units`' reports of `year` and `period`: a fixed number of
    queries whatever the number of units (the figures of every unit are grouped queries; the
    accepted reports, their texts and their typed-in values three more, read as plain rows).
    Changes nothing."""
    window = period.window(year)
    indicators = list(Indicator.objects.filter(is_active=True))
    sources = {i.source for i in indicators if i.source}
    city = figures(window, None, sources)[CITY]
    names = {unit.pk: unit.name for unit in units}
    by_unit = figures(window, list(names), sources)
    accepted = {
        pk: unit_id
        for pk, unit_id in PeriodicReport.objects.filter(
            year=year, period=period, status=PeriodicReport.Status.ACCEPTED
        ).values_list("pk", "unit_id")
        if unit_id in names
    }
    contributions = {
        pk: Contribution(report_id=pk, unit=names[unit_id]) for pk, unit_id in accepted.items()
    }
    texts = SectionText.objects.filter(
        report__year=year, report__period=period, report__status=PeriodicReport.Status.ACCEPTED
    ).values_list("report_id", "section_id", "results", "limitations", "causes")
    for report_id, section_id, *parts in texts:
        text = "\n\n".join(part for part in parts if part)
        if text and report_id in contributions:
            contributions[report_id].texts[section_id] = text
    typed: dict[int, Decimal] = defaultdict(Decimal)
    values = AnnexValue.objects.filter(
        report__year=year,
        report__period=period,
        report__status=PeriodicReport.Status.ACCEPTED,
        indicator__source="",
        value__isnull=False,
    ).values_list("report_id", "indicator_id", "value")
    for report_id, indicator_id, value in values:
        if value is None or report_id not in contributions:
            continue
        contributions[report_id].values[indicator_id] = value
        typed[indicator_id] += value
    totals = {
        i.code: city[i.source] if i.source else typed.get(i.pk, Decimal(0)) for i in indicators
    }
    reported = set(accepted.values())
    return Consolidation(
        window=window,
        totals=totals,
        by_unit=by_unit,
        contributions=sorted(contributions.values(), key=lambda c: c.unit),
        missing=[name for pk, name in names.items() if pk not in reported],
    )


def reporting_units() -> QuerySet[OrgUnit]:
    """The units that report to the Department of Home Affairs: the current departments and
    agencies, wards, communes and special zones of the home tree (not the city itself)."""
    return (
        OrgUnit.objects.current()
        .filter(
            legacy=False,
            kind__in=[OrgUnit.Kind.DEPARTMENT, *OrgUnit.LOWER_KINDS],
        )
        .order_by("path")
    )


def previous_report(report: PeriodicReport) -> PeriodicReport | None:
    """The unit's report of the period before (same year's earlier period, or last year's
    year report), whose text is offered as a start. Changes nothing."""
    earlier = (
        PeriodicReport.objects.filter(unit=report.unit)
        .filter(
            Q(year=report.year, period__order__lt=report.period.order) | Q(year__lt=report.year)
        )
        .order_by("-year", "-period__order")
        .first()
    )
    return earlier


def active_indicators() -> list[Indicator]:
    return list(Indicator.objects.filter(is_active=True).select_related("section"))


def sections() -> list[ReportSection]:
    return list(ReportSection.objects.all())
