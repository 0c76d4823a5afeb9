"""Building blocks for the survey tests: the default questionnaire, a campaign and answers."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cchc.accounts.models import User
from cchc.orgunits.models import OrgUnit
from cchc.surveys.actions import create_campaign, record_response, review_response
from cchc.surveys.models import Campaign, CampaignUnit, Questionnaire, Response

SERVICE_CODES = [f"C{n}" for n in range(1, 19)]
# The element of each service question of the default questionnaire.
ELEMENT_CODES = {
    "access": ["C1", "C2", "C3"],
    "procedures": ["C4", "C5", "C6", "C7"],
    "civil_servants": ["C8", "C9", "C10", "C11"],
    "results": ["C12", "C13", "C14"],
    "feedback": ["C15", "C16", "C17", "C18"],
}


def default_questionnaire() -> Questionnaire:
    return Questionnaire.objects.get(code="sipas-default", version=1)


def answers(rating: int = 5, **overrides: Any) -> dict[str, Any]:
    """A complete answer to the default questionnaire: every service question rated `rating`
    unless overridden by code (C4=2); None in an override drops the answer."""
    values: dict[str, Any] = {"A1": ["1"], "A2": "1", "A3": "1", "A4": "1"}
    values |= dict.fromkeys(SERVICE_CODES, rating)
    values |= overrides
    return {code: value for code, value in values.items() if value is not None}


def campaign_of(
    actor: User,
    units: list[tuple[OrgUnit, int]],
    *,
    year: int = 2026,
    margin: str = "0.05",
    questionnaire: Questionnaire | None = None,
    collecting: bool = False,
) -> Campaign:
    """A campaign of the first half of `year`; `collecting`: its period runs a month past
    today, so that the public form and API take answers (they refuse them after the period)."""
    end = datetime.date(year, 6, 30)
    if collecting:
        end = timezone.localdate() + datetime.timedelta(days=30)
    return create_campaign(
        actor=actor,
        questionnaire=questionnaire or default_questionnaire(),
        title=f"SIPAS {year}",
        start=datetime.date(year, 1, 1),
        end=end,
        margin=Decimal(margin),
        units_with_population=units,
    )


def accepted(campaign_unit: CampaignUnit, actor: User, **values: Any) -> Response:
    """A response recorded by an interviewer and accepted by `actor`."""
    rating = values.pop("rating", 5)
    response = record_response(
        campaign_unit, answers(rating, **values), channel="interviewer", actor=actor
    )
    return review_response(response, actor=actor, decision="accepted")
