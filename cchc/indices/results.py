"""A round's results (issue #5 item 6), read-only: each unit's appraised and survey points, index
percent, rank, group, per-area points and ranks, and the change against last year.

`compute_results` computes them live from the decided appraisals of the finalised assessments
in a constant number of queries (values_list reads, no query per unit or criterion);
`results_of` returns the frozen Result rows of a published round, or the live figures of an
unpublished one, in the same shape. Publishing (cchc.indices.actions.publication) freezes the
former.
"""

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pandas as pd
from django.db.models import Case, DecimalField, F, IntegerField, QuerySet, Sum, Value, When
from django.utils.translation import gettext as _

from cchc.composite.uncertainty import weighted_sum_rank_intervals
from cchc.indices.models import (
    Appraisal,
    Assessment,
    AssessmentRound,
    Criterion,
    Framework,
    Result,
    SurveyPoints,
)
from cchc.indices.scoring import competition_ranks, index_percent
from cchc.surveys.queries import index_points

ZERO = Decimal(0)
SURVEY = Criterion.Method.SURVEY


@dataclasses.dataclass
class UnitResult:
    """One unit's result in a round; `areas` as in Result.areas."""

    unit_id: int
    unit_name: str
    appraised: Decimal
    survey: Decimal | None
    total: Decimal
    percent: Decimal
    rank: int
    group: str
    areas: list[dict[str, Any]]
    previous_percent: Decimal | None = None
    unit_code: str = ""
    rank_median: float | None = None
    rank_q05: float | None = None
    rank_q95: float | None = None

    @property
    def rank_varies(self) -> bool:
        """Whether the rank interval is known and wider than the nominal rank alone."""
        return self.rank_q05 is not None and self.rank_q05 != self.rank_q95

    @property
    def change(self) -> Decimal | None:
        """Index percent points gained (or lost) since last year; None without last year's."""
        if self.previous_percent is None:
            return None
        return self.percent - self.previous_percent


# The fields of a UnitResult that a published Result row keeps (all but the unit's code).
FROZEN = (
    "unit_id",
    "unit_name",
    "appraised",
    "survey",
    "total",
    "percent",
    "rank",
    "group",
    "previous_percent",
    "areas",
    "rank_median",
    "rank_q05",
    "rank_q95",
)

# The rank intervals (issue #20): each area's points — and the survey points — weighted by
# 1 ± up to 25 % (COINr's noisy weights, its sensitivity vignette's ±25 %), 1,000 draws with a
# fixed seed so that the same round always gives the same interval. Illustrative settings: the
# reform-index rules weigh every area 1 and say nothing of uncertainty.
RANK_WEIGHT_NOISE = 0.25
RANK_REPLICATIONS = 1000
RANK_SEED = 20


@dataclasses.dataclass(frozen=True)
class Area:
    """A root criterion the council appraises (its points are the sum of its leaves')."""

    pk: int
    code: str
    title: str
    max_points: Decimal


@dataclasses.dataclass
class Tree:
    """What the results need of a framework's criteria: the areas in order, each appraised
    leaf (manual or computed, bonus/penalty included) with its root, the survey root."""

    areas: list[Area]
    root_of_leaf: dict[int, int]
    survey_code: str = ""
    survey_title: str = ""


def criteria_tree(framework: Framework) -> Tree:
    """One query: the framework's criteria as a Tree."""
    rows = list(
        framework.criteria.order_by("order", "pk").values_list(
            "pk", "parent_id", "code", "title", "max_points", "method"
        )
    )
    parent_of = {row[0]: row[1] for row in rows}
    parents = set(parent_of.values())

    def root_of(pk: int) -> int:
        seen = {pk}
        while (parent := parent_of.get(pk)) is not None and parent not in seen:
            seen.add(parent)
            pk = parent
        return pk

    tree = Tree(areas=[], root_of_leaf={})
    for pk, parent, code, title, maximum, method in rows:
        if parent is None and method != SURVEY:
            tree.areas.append(Area(pk, code, title, maximum))
        elif parent is None and not tree.survey_code:
            tree.survey_code, tree.survey_title = code, title
        if pk not in parents and method != SURVEY:
            tree.root_of_leaf[pk] = root_of(pk)
    return tree


def root_points(round_: AssessmentRound, tree: Tree) -> dict[int, dict[int, Decimal]]:
    """The decided points of each finalised assessment's unit summed per root criterion over
    the tree's appraised leaves: {unit id: {root id: points}}. One aggregate query, so that
    the rows read are units × areas, not units × criteria (undecided appraisals count 0)."""
    by_root: dict[int, list[int]] = defaultdict(list)
    for leaf, root in tree.root_of_leaf.items():
        by_root[root].append(leaf)
    if not by_root:
        return {}
    root_case = Case(
        *(When(criterion_id__in=leaves, then=Value(pk)) for pk, leaves in by_root.items()),
        output_field=IntegerField(),
    )
    rows = (
        Appraisal.objects.filter(
            assessment__round=round_,
            assessment__status=Assessment.Status.FINALISED,
            criterion_id__in=list(tree.root_of_leaf),
            points__isnull=False,
        )
        .annotate(root=root_case)
        .values("assessment__unit_id", "root")
        .annotate(points=Sum("points", output_field=DecimalField(max_digits=9, decimal_places=2)))
        .values_list("assessment__unit_id", "root", "points")
    )
    points: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for unit, area, value in rows:
        points[unit][area] = value
    return points


def survey_points(framework: Framework, unit_ids: Iterable[int]) -> dict[int, Decimal]:
    """The survey points of each of `unit_ids` that has some, for `framework`: imported ones
    first (the city's explicit figure, cchc.indices.actions.survey), else the satisfaction survey's
    (cchc.surveys.queries.index_points: the overall satisfied percent of the unit's accepted
    responses in the framework's year × the survey maximum / 100). Two queries."""
    unit_ids = list(unit_ids)
    rows = SurveyPoints.objects.filter(framework=framework, unit_id__in=unit_ids)
    imported = dict(rows.values_list("unit_id", "points"))
    missing = [pk for pk in unit_ids if pk not in imported]
    from_survey = index_points(framework.year, missing, framework.survey_max) if missing else {}
    return {**from_survey, **imported}


def previous_round(round_: AssessmentRound) -> AssessmentRound | None:
    """The latest published round of the year before, for a framework of the same group."""
    framework = round_.framework
    return (
        AssessmentRound.objects.filter(
            framework__year=framework.year - 1,
            framework__group=framework.group,
            published_at__isnull=False,
        )
        .order_by("-published_at", "-pk")
        .first()
    )


def previous_percents(round_: AssessmentRound) -> dict[int, Decimal]:
    """Each unit's published index percent in the previous year's round. Two queries."""
    previous = previous_round(round_)
    if previous is None:
        return {}
    return dict(Result.objects.filter(round=previous).values_list("unit_id", "percent"))


def compute_results(round_: AssessmentRound) -> list[UnitResult]:
    """Every finalised unit's result in the round, best first (ties by name): appraised points
    = the decided points of its appraised leaves; survey points when it has some; index percent
    over appraisal + survey maxima, or rescaled to 100 over the appraisal maximum without survey
    points; competition ranks (1, 2, 2, 4); the framework's group; per-area points and ranks;
    last year's percent. Assessments not yet finalised are left out. Five queries (six when
    last year has a published round)."""
    framework = round_.framework
    tree = criteria_tree(framework)
    units = list(
        round_.assessments.filter(status=Assessment.Status.FINALISED)
        .order_by("unit__name", "unit_id")
        .values_list("unit_id", "unit__name", "unit__code")
    )
    points = root_points(round_, tree)
    survey = survey_points(framework, [unit for unit, _name, _code in units])
    previous = previous_percents(round_)
    results = [
        _unit_result(framework, unit, name, code, points.get(unit, {}), survey.get(unit))
        for unit, name, code in units
    ]
    for result, rank in zip(results, competition_ranks([r.percent for r in results]), strict=True):
        result.rank = rank
        result.previous_percent = previous.get(result.unit_id)
    _add_areas(tree, framework, results, points)
    add_rank_intervals(framework, results)
    return sorted(results, key=lambda r: (r.rank, r.unit_name, r.unit_id))


def _unit_result(
    framework: Framework,
    unit: int,
    name: str,
    code: str,
    points: dict[int, Decimal],
    survey: Decimal | None,
) -> UnitResult:
    appraised = sum(points.values(), ZERO)
    if survey is None:
        percent = index_percent(appraised, None, framework.appraisal_max)
    else:
        percent = index_percent(appraised, survey, framework.appraisal_max + framework.survey_max)
    return UnitResult(
        unit_id=unit,
        unit_name=name,
        unit_code=code,
        appraised=appraised,
        survey=survey,
        total=appraised + (survey or ZERO),
        percent=percent,
        rank=0,
        group=framework.group_of(percent) or "",
        areas=[],
    )


def _add_areas(
    tree: Tree,
    framework: Framework,
    results: list[UnitResult],
    area_points: dict[int, dict[int, Decimal]],
) -> None:
    """Each result's areas, ranked among the round's units; the survey as one more area for
    the units with survey points (ranked among those)."""
    for area in tree.areas:
        values = [area_points.get(r.unit_id, {}).get(area.pk, ZERO) for r in results]
        for result, value, rank in zip(results, values, competition_ranks(values), strict=True):
            result.areas.append(
                {
                    "code": area.code,
                    "title": area.title,
                    "points": _number(value),
                    "max": _number(area.max_points),
                    "rank": rank,
                }
            )
    surveyed = [r for r in results if r.survey is not None]
    ranks = competition_ranks([r.survey for r in surveyed if r.survey is not None])
    for result, rank in zip(surveyed, ranks, strict=True):
        result.areas.append(
            {
                "code": tree.survey_code,
                "title": tree.survey_title or _("Sociological survey"),
                "points": _number(result.survey or ZERO),
                "max": _number(framework.survey_max),
                "rank": rank,
            }
        )


def add_rank_intervals(framework: Framework, results: list[UnitResult]) -> None:
    """Each result's rank interval (median, 5th and 95th percentile of its rank) over
    RANK_REPLICATIONS draws of noisy weights on its areas' points (cchc.composite's
    weighted_sum_rank_intervals), over the same maximum as its index percent. The survey points
    are taken as computed or imported (their sampling error is not drawn). No query."""
    if len(results) < 2:
        for result in results:
            result.rank_median = result.rank_q05 = result.rank_q95 = float(result.rank)
        return
    keys = [str(r.unit_id) for r in results]
    points = pd.DataFrame(
        [{a["code"] or a["title"]: a["points"] for a in r.areas} for r in results], index=keys
    )
    maxima = pd.Series(
        [
            framework.appraisal_max + (ZERO if r.survey is None else framework.survey_max)
            for r in results
        ],
        index=keys,
        dtype=float,
    )
    table = weighted_sum_rank_intervals(
        points, maxima, RANK_WEIGHT_NOISE, RANK_REPLICATIONS, seed=RANK_SEED
    ).table
    for result, key in zip(results, keys, strict=True):
        row = table.loc[key]
        result.rank_median = round(float(row["median"]), 1)
        result.rank_q05 = round(float(row["q05"]), 1)
        result.rank_q95 = round(float(row["q95"]), 1)


def _number(value: Decimal) -> float:
    """A two-decimal figure as a JSON number (Result.areas is JSON)."""
    return float(value.quantize(Decimal("0.01")))


def results_of(round_: AssessmentRound) -> list[UnitResult]:
    """The round's results in one shape: its frozen Result rows when it is published (one
    query), else compute_results."""
    if not round_.is_published:
        return compute_results(round_)
    rows = Result.objects.filter(round=round_).order_by("rank", "unit_name", "unit_id")
    return [
        UnitResult(unit_code=code, **{name: getattr(row, name) for name in FROZEN})
        for row, code in _with_codes(rows)
    ]


def _with_codes(rows: "QuerySet[Result]") -> list[tuple[Result, str]]:
    return [(row, row.unit_code) for row in rows.annotate(unit_code=F("unit__code"))]


def finalised_count(round_: AssessmentRound) -> tuple[int, int]:
    """(finalised assessments, assessments) of the round. One query."""
    statuses = list(round_.assessments.values_list("status", flat=True))
    finalised = sum(1 for status in statuses if status == Assessment.Status.FINALISED)
    return finalised, len(statuses)
