"""Framework trees and the rounds, results and units the indices tests build."""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.utils import timezone

from cchc.accounts.models import User
from cchc.indices.actions import Node, create_framework, open_round, publish_framework
from cchc.indices.models import (
    Appraisal,
    Assessment,
    AssessmentRound,
    Criterion,
    Framework,
    Result,
    SurveyPoints,
)
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory

if TYPE_CHECKING:
    from conftest import Hanoi

D = Decimal
ZERO = Decimal(0)
SURVEY = Criterion.Method.SURVEY


def tree() -> list[Node]:
    """A small 70 + 30 framework: two areas, a survey area and a bonus/penalty node."""
    return [
        Node("1", "Công tác chỉ đạo, điều hành", D(30)),
        Node("1.1", "Kế hoạch CCHC", D(15), "1", evidence_required=True),
        Node("1.2", "Kiểm tra CCHC", D(15), "1"),
        Node("2", "Cải cách thủ tục hành chính", D(40)),
        Node("2.1", "Tỷ lệ hồ sơ đúng hạn", D(40), "2", method=Criterion.Method.COMPUTED),
        Node("3", "Sự hài lòng của người dân", D(30), method=SURVEY),
        Node("3.1", "Tiếp cận dịch vụ", D(15), "3", method=SURVEY),
        Node("3.2", "Kết quả dịch vụ", D(15), "3", method=SURVEY),
        Node("4", "Điểm thưởng, điểm trừ", D(5), min_points=D(-5), is_bonus_penalty=True),
    ]


def make_framework(actor: User, year: int = 2026, group: str = "wards") -> Framework:
    framework = create_framework(
        actor=actor, year=year, group=group, title=f"Bộ chỉ số {year}", nodes=tree()
    )
    return publish_framework(framework, actor=actor)


def make_round(framework: Framework, actor: User, units: list[OrgUnit]) -> AssessmentRound:
    return open_round(
        framework,
        actor=actor,
        title=f"Tự đánh giá {framework.year}",
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        units=units,
    )


def wards(hanoi: "Hanoi", count: int) -> list[OrgUnit]:
    """`count` more wards of the city, named in order (Phường Thêm 01, 02…)."""
    return [
        OrgUnitFactory(code=f"W{n:04d}", name=f"Phường Thêm {n:02d}", parent=hanoi.city)
        for n in range(1, count + 1)
    ]


def finalise_with(
    rating_round: AssessmentRound,
    unit: OrgUnit,
    points: dict[str, Decimal | None],
    *,
    survey: Decimal | None = None,
    status: str = Assessment.Status.FINALISED,
) -> Assessment:
    """Decided points per criterion code (None: undecided), the survey points, the status."""
    assessment = rating_round.assessments.get(unit=unit)
    criteria = dict(rating_round.framework.criteria.values_list("code", "pk"))
    Appraisal.objects.bulk_create(
        Appraisal(assessment=assessment, criterion_id=criteria[code], points=value)
        for code, value in points.items()
    )
    if survey is not None:
        SurveyPoints.objects.create(framework=rating_round.framework, unit=unit, points=survey)
    assessment.status = status
    assessment.save(update_fields=["status"])
    return assessment


def leaves(total_21: Decimal, bonus: Decimal = ZERO) -> dict[str, Decimal | None]:
    """Full marks on 1.1 and 1.2 (30), `total_21` on the computed 2.1, `bonus` on 4."""
    return {"1.1": D(15), "1.2": D(15), "2.1": total_21, "4": bonus}


def areas(one: str, two: str, survey: str = "20", bonus: str = "0") -> list[dict[str, Any]]:
    """Areas as publication freezes them; numbers as strings, like DecimalField JSON."""
    return [
        {
            "code": "1",
            "title": "Công tác chỉ đạo, điều hành",
            "points": one,
            "max": "30",
            "rank": 1,
        },
        {
            "code": "2",
            "title": "Cải cách thủ tục hành chính",
            "points": two,
            "max": "40",
            "rank": 1,
        },
        {"code": "3", "title": "Sự hài lòng của người dân", "points": survey, "max": 30, "rank": 1},
        {"code": "4", "title": "Điểm thưởng, điểm trừ", "points": bonus, "max": 5, "rank": 1},
    ]


def published_round(
    admin: User, units: list[OrgUnit], *, year: int = 2026, published: bool = True
) -> AssessmentRound:
    framework = Framework.objects.filter(year=year, group="wards").first()
    if framework is None:
        framework = create_framework(
            actor=admin, year=year, group="wards", title=f"Bộ chỉ số {year}", nodes=tree()
        )
        framework.is_illustrative = True
        framework.save(update_fields=["is_illustrative"])
        framework = publish_framework(framework, actor=admin)
    rating_round = open_round(
        framework,
        actor=admin,
        title=f"Chỉ số CCHC năm {year}",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        units=units,
    )
    if published:
        rating_round.published_at = timezone.now()
        rating_round.save(update_fields=["published_at"])
    return rating_round


def result(
    rating_round: AssessmentRound,
    unit: OrgUnit,
    *,
    percent: str,
    rank: int,
    group: str,
    unit_areas: list[dict[str, Any]],
    previous: str | None = None,
    interval: tuple[float, float, float] | None = None,
) -> Result:
    median, q05, q95 = interval or (None, None, None)
    return Result.objects.create(
        rank_median=median,
        rank_q05=q05,
        rank_q95=q95,
        round=rating_round,
        unit=unit,
        unit_name=unit.name,
        appraised=D(percent) * D("0.7"),
        survey=D(percent) * D("0.3"),
        total=D(percent),
        percent=D(percent),
        rank=rank,
        group=group,
        previous_percent=None if previous is None else D(previous),
        areas=unit_areas,
    )


def ward(hanoi: "Hanoi", name: str) -> OrgUnit:
    return cast(OrgUnit, OrgUnitFactory(kind=OrgUnit.Kind.WARD, name=name, parent=hanoi.city))
