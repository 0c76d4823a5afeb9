"""Results of satisfaction surveys, aggregated in the database: per unit and element, per
question and option, and the survey points the reform index reads.

Only accepted responses count. A unit's satisfaction with an element is the share of satisfied
ratings (at or above the questionnaire's `satisfied_from`) among the element's answered
ratings; its overall satisfaction is the plain mean of the elements' shares (each rounded to two
decimals first), over the elements that have answers: the documented default of
docs/domain/sipas.md, since the official aggregation formula was not found.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from cchc.surveys.models import (
    ELEMENTS,
    AnswerCount,
    Campaign,
    CampaignUnit,
    Element,
    Question,
    Response,
)
from cchc.surveys.scoring import (
    CENT,
    mean_share,
    satisfied_share,
    scaled_points,
    wilson_interval,
)

ACCEPTED = Response.Status.ACCEPTED


def _cents(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


@dataclass
class ElementResult:
    """One element of one unit: `responses` that rated it, their `answers` (ratings) and the
    `satisfied` ones, the satisfied share in percent with its 95% Wilson interval (computed on
    the answers), and whether fewer responses rated it than the required sample."""

    element: str
    responses: int
    answers: int
    satisfied: int
    percent: Decimal | None
    low: Decimal | None
    high: Decimal | None
    below_sample: bool

    @property
    def label(self) -> str:
        return str(Element(self.element).label)


@dataclass
class UnitResult:
    campaign_unit: CampaignUnit
    accepted: int
    elements: list[ElementResult] = field(default_factory=list)
    overall: Decimal | None = None

    @property
    def below_sample(self) -> bool:
        """Fewer accepted responses than the required sample n."""
        return self.accepted < self.campaign_unit.required


def _tally_sums(prefix: str, accepted: Q) -> dict[str, Any]:
    """Annotations summing the accepted responses' tallies (`prefix` reaches Response)."""
    sums: dict[str, Any] = {}
    for element in ELEMENTS:
        for kind in ("answered", "satisfied"):
            sums[f"total_{element}_{kind}"] = Sum(f"{prefix}{element}_{kind}", filter=accepted)
        sums[f"total_{element}_responses"] = Count(
            f"{prefix}pk", filter=accepted & Q(**{f"{prefix}{element}_answered__gt": 0})
        )
    return sums


def _element(row: Mapping[str, Any], element: str, required: int) -> ElementResult:
    answered = row.get(f"total_{element}_answered") or 0
    satisfied = row.get(f"total_{element}_satisfied") or 0
    responses = row.get(f"total_{element}_responses") or 0
    low = high = None
    if answered:
        low_f, high_f = wilson_interval(satisfied, answered)
        low, high = _cents(low_f), _cents(high_f)
    return ElementResult(
        element=element,
        responses=responses,
        answers=answered,
        satisfied=satisfied,
        percent=satisfied_share(satisfied, answered),
        low=low,
        high=high,
        below_sample=responses < required,
    )


def _overall(elements: list[ElementResult]) -> Decimal | None:
    return mean_share([e.percent for e in elements if e.percent is not None])


def unit_results(campaign: Campaign, unit_ids: Iterable[int] | None = None) -> list[UnitResult]:
    """Per surveyed unit of `campaign` (optionally only the OrgUnits `unit_ids`), in the units'
    tree order: the accepted responses, then per element (in Element order) the responses that
    rated it, answers, satisfied answers, satisfied percent, Wilson interval and the
    below-required-sample flag, and the overall percent (mean of the elements' percents).
    Units without accepted responses are listed with empty figures.

    Two queries: the units, then the accepted responses' tallies summed per unit on the
    response table alone (its index on unit, status and the tallies covers it: no join, no
    table read), which keeps a campaign of a million responses within a few seconds."""
    units = (
        CampaignUnit.objects.filter(campaign=campaign)
        .select_related("unit", "campaign")
        .order_by("unit__path")
    )
    if unit_ids is not None:
        units = units.filter(unit_id__in=list(unit_ids))
    units_list = list(units)
    accepted = Q(status=ACCEPTED)
    sums = {
        row["campaign_unit_id"]: row
        for row in Response.objects.filter(
            accepted, campaign_unit_id__in=[unit.pk for unit in units_list]
        )
        .values("campaign_unit_id")
        .annotate(accepted_count=Count("pk"), **_tally_sums("", accepted))
        .order_by()
    }
    results = []
    for unit in units_list:
        row: Mapping[str, Any] = sums.get(unit.pk, {})
        elements = [_element(row, element, unit.required) for element in ELEMENTS]
        results.append(
            UnitResult(
                campaign_unit=unit,
                accepted=row.get("accepted_count", 0),
                elements=elements,
                overall=_overall(elements),
            )
        )
    return results


@dataclass
class DistributionRow:
    """An option (or a rating point) and how many accepted answers chose it."""

    value: str
    label: str
    count: int
    percent: Decimal | None


@dataclass
class Distribution:
    """The answers to one question. For a multiple choice, each chosen option counts once, so
    the counts may add up to more than `answers` (and the percents to more than 100)."""

    question: Question
    answers: int
    rows: list[DistributionRow]


def _percent(count: int, total: int) -> Decimal | None:
    return satisfied_share(count, total) if total else None


def distributions(
    campaign: Campaign, questions: Iterable[Question], unit_ids: Iterable[int] | None = None
) -> list[Distribution]:
    """How the accepted answers to each of `questions` in `campaign` (optionally only in the
    OrgUnits `unit_ids`) spread over its options, or over the scale points for a rating; every
    option is listed, chosen or not. Counted per option: an answer choosing A and C adds one to
    A and one to C. A text question has no rows. Refuses (ValueError) a question of another
    questionnaire. One query whatever the number of questions and responses (the options
    prefetched): it sums the units' AnswerCount rows, which review_response keeps."""
    questions = list(questions)
    if any(q.questionnaire_id != campaign.questionnaire_id for q in questions):
        raise ValueError("The question does not belong to the campaign's questionnaire.")
    counts = AnswerCount.objects.filter(campaign_unit__campaign=campaign, question__in=questions)
    if unit_ids is not None:
        counts = counts.filter(campaign_unit__unit_id__in=list(unit_ids))
    summed = {
        (question_id, key): n
        for question_id, key, n in counts.values_list("question_id", "key")
        .annotate(n=Sum("count"))
        .order_by()
    }
    found = []
    for question in questions:
        total = summed.get((question.pk, "answers"), 0)
        rows: list[DistributionRow] = []
        if question.type == Question.Type.RATING:
            for point, label in campaign.questionnaire.scale:
                count = summed.get((question.pk, f"rating:{point}"), 0)
                rows.append(DistributionRow(str(point), label, count, _percent(count, total)))
        elif question.has_options:
            for option in question.options.all():
                count = summed.get((question.pk, f"option:{option.pk}"), 0)
                rows.append(
                    DistributionRow(option.value, option.label, count, _percent(count, total))
                )
        found.append(Distribution(question=question, answers=total, rows=rows))
    return found


def distribution(
    campaign: Campaign, question: Question, unit_ids: Iterable[int] | None = None
) -> Distribution:
    """The distribution of one question (`distributions` of one)."""
    return distributions(campaign, [question], unit_ids)[0]


def index_points(year: int, unit_ids: Iterable[int], maximum: Decimal) -> dict[int, Decimal]:
    """The survey points of the reform index (cchc.indices.actions.survey): for each of `unit_ids`
    with accepted responses rating at least one element in campaigns whose period lies within
    `year` (it starts and ends in it), the overall satisfied percent × `maximum` / 100, to two
    decimals (half up). The responses of all such campaigns of a unit are pooled per element
    before the shares and their mean are taken. A unit below its required sample still gets
    points (the results show the flag). Units without such responses are left out. One query.
    """
    accepted = Q(status=ACCEPTED)
    rows = (
        Response.objects.filter(
            accepted,
            campaign_unit__unit_id__in=list(unit_ids),
            campaign_unit__campaign__period_start__year=year,
            campaign_unit__campaign__period_end__year=year,
        )
        .values("campaign_unit__unit_id")
        .annotate(**_tally_sums("", accepted))
        .order_by()
    )
    points: dict[int, Decimal] = {}
    for values in rows:
        row: dict[str, Any] = dict(values)
        shares = [
            share
            for element in ELEMENTS
            if (
                share := satisfied_share(
                    row[f"total_{element}_satisfied"] or 0, row[f"total_{element}_answered"] or 0
                )
            )
            is not None
        ]
        overall = mean_share(shares)
        if overall is not None:
            points[row["campaign_unit__unit_id"]] = scaled_points(overall, maximum)
    return points
