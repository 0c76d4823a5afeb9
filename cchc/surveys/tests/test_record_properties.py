"""record_response under generated input: a response is stored whole or not at all."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.accounts.models import User
from cchc.surveys.actions import record_response
from cchc.surveys.models import ELEMENTS, Answer, AnswerOption, CampaignUnit, Response
from cchc.surveys.tests.factories import ELEMENT_CODES, answers, campaign_of
from conftest import Hanoi

pytestmark = pytest.mark.django_db

codes = st.sampled_from(["A1", "A2", "A3", "A4", "B1", "C1", "C7", "C12", "D1", "D2", "Z1"])
values = st.one_of(
    st.none(),
    st.integers(min_value=-3, max_value=8),
    st.text(max_size=5),
    st.text(min_size=990, max_size=1010, alphabet="ab"),
    st.lists(st.sampled_from(["1", "2", "3", "7", "9", ""]), max_size=4),
    st.booleans(),
    st.floats(allow_nan=True),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@pytest.fixture
def unit(hanoi: Hanoi, city_admin: User) -> CampaignUnit:
    return campaign_of(city_admin, [(hanoi.ward_a, 100)]).units.get()


def counts() -> tuple[int, int, int]:
    return (Response.objects.count(), Answer.objects.count(), AnswerOption.objects.count())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(codes, values, max_size=6), st.integers(min_value=1, max_value=5))
def test_record_response_stores_all_or_nothing(
    unit: CampaignUnit, overrides: dict[str, Any], rating: int
) -> None:
    before = counts()
    refusal: ValidationError | None = None
    try:
        response = record_response(unit, answers(rating, **overrides), channel="web")
    except ValidationError as error:
        refusal = error
    if refusal is not None:
        assert refusal.message_dict  # every refusal names the question codes
        assert counts() == before
        return
    stored = Answer.objects.filter(response=response)
    assert stored.filter(question__required=True).count() == 22
    for element in ELEMENTS:
        answered, satisfied = response.tally(element)
        ratings = stored.filter(question__code__in=ELEMENT_CODES[element])
        assert answered == ratings.count()
        assert satisfied == ratings.filter(rating__gte=4).count()
