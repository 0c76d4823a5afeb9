"""Publishing a round: frozen Result rows, the round's published_at/by and audit event in one
transaction; refusals with nothing written; a published round refuses council changes."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.indices.actions import publish_round, set_council
from cchc.indices.models import Appraisal, Assessment, AssessmentRound, Framework, Result
from cchc.indices.tests.factories import finalise_with, leaves, make_framework, make_round
from conftest import Hanoi

D = Decimal


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def framework(city_admin: User) -> Framework:
    return make_framework(city_admin)


@pytest.fixture
def rating_round(framework: Framework, city_admin: User, hanoi: Hanoi) -> AssessmentRound:
    return make_round(framework, city_admin, [hanoi.ward_a, hanoi.ward_b])


def nothing_written(rating_round: AssessmentRound) -> None:
    rating_round.refresh_from_db()
    assert not Result.objects.exists()
    assert (rating_round.published_at, rating_round.published_by) == (None, None)
    assert not AuditEvent.objects.filter(verb="indices.publish_round").exists()


def test_publish_round_freezes_one_result_per_unit(
    rating_round: AssessmentRound, hanoi: Hanoi, city_admin: User
) -> None:
    finalise_with(
        rating_round,
        hanoi.ward_a,
        {"1.1": D(14), "1.2": D("12.5"), "2.1": D(36), "4": D(1)},
        survey=D("26.75"),
    )
    finalise_with(rating_round, hanoi.ward_b, leaves(D(5)))

    rows = publish_round(rating_round, actor=city_admin)

    assert len(rows) == 2
    a, b = Result.objects.order_by("rank")
    assert (a.unit, a.unit_name, a.appraised, a.survey, a.total) == (
        hanoi.ward_a,
        "Phường Ba Đình",
        D("63.5"),
        D("26.75"),
        D("90.25"),
    )
    assert (a.percent, a.rank, a.group, a.previous_percent) == (D("90.25"), 1, "A", None)
    assert [area["code"] for area in a.areas] == ["1", "2", "4", "3"]
    assert (b.unit, b.survey, b.percent, b.rank, b.group) == (
        hanoi.ward_b,
        None,
        D("50"),
        2,
        "",
    )
    rating_round.refresh_from_db()
    assert rating_round.is_published
    assert rating_round.published_by == city_admin
    event = AuditEvent.objects.get(verb="indices.publish_round")
    assert (event.actor, event.target_id) == (city_admin, str(rating_round.pk))
    assert event.details == {
        "units": 2,
        "groups": {"A": 1, "B": 0, "C": 0},
        "ungrouped": 1,
        "year": 2026,
    }


def test_publish_round_refuses_a_round_already_published(
    rating_round: AssessmentRound, hanoi: Hanoi, city_admin: User
) -> None:
    for unit in (hanoi.ward_a, hanoi.ward_b):
        finalise_with(rating_round, unit, leaves(D(30)))
    publish_round(rating_round, actor=city_admin)
    published_at = AssessmentRound.objects.get(pk=rating_round.pk).published_at

    with pytest.raises(ValidationError) as refused:
        publish_round(rating_round, actor=city_admin)

    assert refused.value.messages == [
        "This round has already been published: its results are frozen."
    ]
    assert Result.objects.count() == 2
    assert AuditEvent.objects.filter(verb="indices.publish_round").count() == 1
    assert AssessmentRound.objects.get(pk=rating_round.pk).published_at == published_at


def test_publish_round_refuses_while_some_assessment_is_not_finalised(
    rating_round: AssessmentRound, hanoi: Hanoi, city_admin: User
) -> None:
    finalise_with(rating_round, hanoi.ward_a, leaves(D(30)))
    finalise_with(rating_round, hanoi.ward_b, leaves(D(30)), status=Assessment.Status.APPRAISED)

    with pytest.raises(ValidationError) as refused:
        publish_round(rating_round, actor=city_admin)

    assert refused.value.messages == ["The appraisal is not finalised yet for: Phường Hoàn Kiếm."]
    nothing_written(rating_round)


def test_publish_round_refuses_a_round_with_nothing_finalised(
    rating_round: AssessmentRound, city_admin: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        publish_round(rating_round, actor=city_admin)

    assert refused.value.messages == ["No assessment of this round has been finalised yet."]
    nothing_written(rating_round)


def test_a_published_round_is_frozen(
    rating_round: AssessmentRound, hanoi: Hanoi, city_admin: User, officer_a: User
) -> None:
    for unit in (hanoi.ward_a, hanoi.ward_b):
        finalise_with(rating_round, unit, leaves(D(30)))
    publish_round(rating_round, actor=city_admin)
    rating_round.refresh_from_db()

    with pytest.raises(ValidationError, match="results are published"):
        set_council(rating_round, actor=city_admin, members=[officer_a], chair=officer_a)

    assert not rating_round.council.exists()
    Appraisal.objects.update(points=D(0))  # even a change behind the actions' back
    assert list(Result.objects.values_list("percent", flat=True)) == [D("85.71")] * 2
