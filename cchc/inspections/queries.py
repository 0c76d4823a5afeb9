"""Reads of inspections: the open recommendations list, the overview's figures, the discipline
facts the ratings module reads, and the reads the actions and pages share (a team member, the
plan that receives a remediation task, earlier recommendations)."""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.models import HeadTerm
from cchc.core.rounding import percent
from cchc.inspections.models import (
    ChecklistItem,
    Finding,
    Inspection,
    Recommendation,
    RecommendationQuerySet,
    Target,
)
from cchc.orgunits.models import OrgUnit, OrgUnitQuerySet
from cchc.plans.models import Plan
from cchc.plans.queries import receiving_plan

if TYPE_CHECKING:
    from cchc.accounts.models import User

# Age buckets of open recommendations, by days past the deadline: (label key, lower bound).
AGE_BUCKETS = [("in_term", None), ("late_30", 1), ("late_90", 31), ("late_more", 91)]


def open_recommendations(
    recommendations: RecommendationQuerySet, *, unit: OrgUnit | None = None
) -> RecommendationQuerySet:
    """The open recommendations among `recommendations` (of `unit`'s subtree if given), oldest
    deadline first, with what a list shows loaded in the same query. Changes nothing."""
    rows = recommendations.open()
    if unit is not None:
        rows = rows.filter(unit__path__subtree=unit.path)
    return rows.select_related("unit", "person", "conclusion__inspection", "task").order_by(
        "deadline", "conclusion_id", "number"
    )


def _bucket(days: int) -> str:
    label = AGE_BUCKETS[0][0]
    for name, lower in AGE_BUCKETS[1:]:
        if lower is not None and days >= lower:
            label = name
    return label


def open_by_unit(
    recommendations: RecommendationQuerySet, today: datetime.date | None = None
) -> list[dict[str, Any]]:
    """Per unit: the open recommendations counted by age (in term, 1–30, 31–90, > 90 days
    overdue), most overdue unit first. One grouped query. Changes nothing."""
    today = today or timezone.localdate()
    rows = (
        recommendations.open()
        .order_by()
        .values_list("unit_id", "unit__name", "deadline")
        .annotate(n=Count("pk"))
    )
    units: dict[int, dict[str, Any]] = {}
    for unit_id, name, deadline, n in rows:
        entry = units.setdefault(
            unit_id, {"unit": name, "total": 0, **{key: 0 for key, _low in AGE_BUCKETS}}
        )
        entry[_bucket((today - deadline).days)] += n
        entry["total"] += n
    return sorted(units.values(), key=lambda e: (-e["late_more"], -e["late_90"], -e["total"]))


def findings_by_item_and_month(findings: QuerySet[Finding], year: int) -> dict[str, Any]:
    """Findings of `year` counted per checklist item and month: {"months": ["01/2026", …],
    "items": [{"item": ChecklistItem, "counts": [n per month]}]} for the items with findings.
    One grouped query with a filtered count per month (comparisons on the indexed timestamp,
    no per-row date function). Changes nothing."""
    bounds = [_month_start(year, month) for month in range(1, 14)]
    counts = {
        f"m{month}": Count(
            "pk", filter=Q(observed_at__gte=bounds[month - 1], observed_at__lt=bounds[month])
        )
        for month in range(1, 13)
    }
    grouped = (
        findings.filter(observed_at__gte=bounds[0], observed_at__lt=bounds[12])
        .order_by()
        .values("item_id")
        .annotate(**counts)
        .values_list("item_id", *counts)
    )
    rows: dict[int, list[int]] = {row[0]: list(row[1:]) for row in grouped}
    used = [m for m in range(12) if any(values[m] for values in rows.values())]
    return {
        "months": [f"{m + 1:02d}/{year}" for m in used],
        "items": [
            {"item": item, "counts": [rows[item.pk][m] for m in used]}
            for item in ChecklistItem.objects.filter(pk__in=rows)
        ],
    }


def _month_start(year: int, month: int) -> datetime.datetime:
    """The first instant of a month in the local time zone (month 13 is January next year)."""
    day = datetime.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def remediation_rate(recommendations: QuerySet[Recommendation]) -> dict[str, Any]:
    """How many recommendations were remedied of all issued, per status. One query."""
    counts = dict(recommendations.order_by().values_list("status").annotate(n=Count("pk")))
    total = sum(counts.values())
    remedied = counts.get(Recommendation.Status.REMEDIED, 0)
    return {
        "total": total,
        "remedied": remedied,
        "partly": counts.get(Recommendation.Status.PARTLY, 0),
        "not_remedied": counts.get(Recommendation.Status.NOT_REMEDIED, 0),
        "open": counts.get(Recommendation.Status.OPEN, 0),
        "still_open": total - remedied,
        "rate": percent(remedied, total, 1),
    }


def never_inspected(units: OrgUnitQuerySet, year: int) -> OrgUnitQuerySet:
    """The current units among `units` (departments, wards, communes, special zones) that no
    inspection started in `year` has targeted. Changes nothing."""
    inspected = Target.objects.filter(
        inspection__start_date__year=year, inspection__status__in=Inspection.STARTED
    ).values("unit_id")
    kinds = (OrgUnit.Kind.DEPARTMENT, *OrgUnit.LOWER_KINDS)
    return units.current().filter(kind__in=kinds).exclude(pk__in=inspected).order_by("path")


@dataclass(frozen=True)
class DisciplineFact:
    """One finding against a person (directly, or as head of the unit found at fault)."""

    person_id: int
    finding_id: int
    inspection_id: int
    day: datetime.date
    unit: str
    item: str
    severity: str
    description: str
    as_head: bool

    @property
    def severity_label(self) -> str:
        return str(Finding.Severity(self.severity).label)


def discipline_facts(
    person_ids: list[int], first: datetime.date, last: datetime.date
) -> dict[int, list[DisciplineFact]]:
    """The findings observed between `first` and `last` (inclusive) against each person: those
    naming the person, and those marked against the head of a unit the person headed on the
    day (HeadTerm). Only findings of concluded inspections count: until the conclusion they are
    the team's working notes (and an incognito inspection is not yet known to the unit). For
    the ratings module (the scorecard shows them); two queries. Changes nothing."""
    facts: dict[int, list[DisciplineFact]] = {pk: [] for pk in person_ids}
    in_period = Finding.objects.filter(
        observed_at__date__gte=first,
        observed_at__date__lte=last,
        inspection__status=Inspection.Status.CONCLUDED,
    ).select_related("unit", "item")
    for finding in in_period.filter(person_id__in=person_ids):
        person_id = int(finding.person_id or 0)
        facts[person_id].append(_fact(finding, person_id, finding.against_head))
    against_heads = list(in_period.filter(against_head=True, person__isnull=True))
    if against_heads:
        terms = HeadTerm.objects.filter(
            user_id__in=person_ids, unit_id__in={f.unit_id for f in against_heads}
        ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first), started_on__lte=last)
        terms_list = list(terms)
        for finding in against_heads:
            day = timezone.localtime(finding.observed_at).date()
            for term in terms_list:
                if (
                    term.unit_id == finding.unit_id
                    and term.started_on <= day
                    and (term.ended_on is None or term.ended_on >= day)
                ):
                    facts[term.user_id].append(_fact(finding, term.user_id, True))
    return facts


def _fact(finding: Finding, person_id: int, as_head: bool) -> DisciplineFact:
    return DisciplineFact(
        person_id=person_id,
        finding_id=finding.pk,
        inspection_id=finding.inspection_id,
        day=timezone.localtime(finding.observed_at).date(),
        unit=finding.unit.name,
        item=finding.item.name,
        severity=finding.severity,
        description=finding.description,
        as_head=as_head,
    )


# --- reads the actions and pages share ---------------------------------------------------------


def is_on_team(user: "User", inspection: Inspection) -> bool:
    return inspection.team.filter(user_id=user.pk).exists()


def remediation_plan(unit: OrgUnit, concluded_on: datetime.date) -> Plan:
    """The plan that receives a remediation task of `unit` from a conclusion dated
    `concluded_on` (plans.queries.receiving_plan: the unit's issued plan of that year, else the
    nearest one above it). Refuses when there is none."""
    plan = receiving_plan(unit, concluded_on)
    if plan is None:
        raise ValidationError(
            _(
                "Neither %(unit)s nor the city has an issued reform plan for %(year)s: issue "
                "one before the conclusion, so that its remediation tasks have a plan."
            )
            % {"unit": unit, "year": concluded_on.year}
        )
    return plan


def earlier_recommendations(inspection: Inspection) -> list[Recommendation]:
    """The recommendations of earlier conclusions addressed to this inspection's targets."""
    units = inspection.targets.values("unit_id")
    return list(
        Recommendation.objects.filter(unit__in=units)
        .exclude(conclusion__inspection=inspection)
        .filter(conclusion__date__lte=inspection.end_date)
        .select_related("conclusion__inspection", "unit", "person", "task")
        .order_by("conclusion__date", "conclusion_id", "number")
    )
