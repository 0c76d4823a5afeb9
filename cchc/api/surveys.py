"""The satisfaction survey's endpoints: results (authenticated, scoped) and the public submission
(throttled), mounted by cchc.api.api."""

import datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field as SchemaField
from ninja import Router, Schema, Status

from cchc.api.common import RefusalOut, ValidationErrorOut
from cchc.api.params import PathId
from cchc.core.privacy import CONSENT_VERSION, CONSENT_WORDINGS
from cchc.core.throttle import client_address
from cchc.orgunits.queries import committee, home_province
from cchc.surveys import models as surveys_models
from cchc.surveys import throttle as surveys_throttle
from cchc.surveys.actions import record_response
from cchc.surveys.models import Campaign, CampaignUnit
from cchc.surveys.permissions import (
    campaign_units_for,
    get_campaign_for_user,
    visible_campaigns,
    visible_unit_ids,
)
from cchc.surveys.queries import UnitResult, unit_results

# --- schemas (their class names are the OpenAPI component names) ---


# --- surveys: results ---


class SurveyCampaignOut(Schema):
    id: int
    title: str
    questionnaire_id: int
    questionnaire: str  # the questionnaire's title
    questionnaire_version: int
    period_start: datetime.date
    period_end: datetime.date
    margin: float  # e in n = N / (1 + N·e²)
    status: str  # open, closed
    units: int  # the surveyed units the caller sees


class SurveyElementOut(Schema):
    element: str  # access, procedures, civil_servants, results, feedback
    label: str
    responses: int  # accepted responses that rated the element
    answers: int  # their ratings of the element
    satisfied: int  # the ratings at or above the questionnaire's satisfied point
    percent: float | None  # satisfied / answers × 100, null without answers
    low: float | None  # 95% Wilson interval, percent
    high: float | None
    below_sample: bool  # fewer responses than the unit's required sample


class SurveyUnitResultOut(Schema):
    unit_id: int
    unit_code: str
    unit_name: str
    transactions: int  # N
    required: int  # n = ⌈N / (1 + N·e²)⌉
    accepted: int
    below_sample: bool
    overall: float | None  # mean of the elements' percents
    elements: list[SurveyElementOut]


class SurveyResultsOut(Schema):
    campaign: SurveyCampaignOut
    scale_points: int
    satisfied_from: int
    units: list[SurveyUnitResultOut]


# --- surveys: public submission ---


class SurveyResponseIn(Schema):
    token: str = SchemaField(
        ..., min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$"
    )  # the unit's link token (the last part of /surveys/f/<token>/)
    answers: dict[str, Any]  # {question code: rating, option value, [option values] or text}
    contact: str | None = SchemaField(None, max_length=200)  # only if the respondent opts in
    # The version of the consent wording the respondent ticked (GET /privacy/consent): required
    # with a contact, which is refused (422) without it (Law 91/2025/QH15 Art. 9).
    consent_version: str | None = SchemaField(None, max_length=20)


class SurveyResponseOut(Schema):
    id: int
    status: str  # received, or flagged (e.g. the same client sent the same answers before)
    # With a contact given: the receipt code to show the respondent; with it and the contact
    # (or a one-time code sent there) they see, correct or erase their data at /privacy/my-data/.
    receipt: str = ""


router = Router()
UNESCAPED = {"ensure_ascii": False}  # Vietnamese as such, like the rest of the API


# --- surveys: results ---
# The same permissions as the survey pages (cchc.surveys.permissions): city administrators see
# every campaign and unit; a unit's members the campaigns surveying their unit, and only it.


def _survey_campaign(campaign: Campaign, units: int) -> dict[str, Any]:
    return {
        "id": campaign.pk,
        "title": campaign.title,
        "questionnaire_id": campaign.questionnaire_id,
        "questionnaire": campaign.questionnaire.title,
        "questionnaire_version": campaign.questionnaire.version,
        "period_start": campaign.period_start,
        "period_end": campaign.period_end,
        "margin": float(campaign.margin),
        "status": campaign.status,
        "units": units,
    }


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _survey_unit(result: UnitResult) -> dict[str, Any]:
    unit = result.campaign_unit
    return {
        "unit_id": unit.unit_id,
        "unit_code": unit.unit.code,
        "unit_name": unit.unit.name,
        "transactions": unit.transactions,
        "required": unit.required,
        "accepted": result.accepted,
        "below_sample": result.below_sample,
        "overall": _optional_float(result.overall),
        "elements": [
            {
                "element": e.element,
                "label": e.label,
                "responses": e.responses,
                "answers": e.answers,
                "satisfied": e.satisfied,
                "percent": _optional_float(e.percent),
                "low": _optional_float(e.low),
                "high": _optional_float(e.high),
                "below_sample": e.below_sample,
            }
            for e in result.elements
        ],
    }


@router.get(
    "/surveys/campaigns",
    response=list[SurveyCampaignOut],
    tags=["surveys"],
    summary="List satisfaction survey campaigns",
)
def list_survey_campaigns(request: HttpRequest) -> list[dict[str, Any]]:
    """The survey campaigns the caller sees, newest period first: a city administrator all, a
    unit's member those surveying their unit. `units` counts the surveyed units the caller
    sees (all for city administrators, else their own)."""
    user = request.auth  # type: ignore[attr-defined]
    seen = CampaignUnit.objects.filter(campaign_units_for(user))
    campaigns = (
        visible_campaigns(user)
        .select_related("questionnaire")
        .annotate(seen_units=Count("units", filter=Q(units__in=seen), distinct=True))
        .order_by("-period_start", "title", "pk")
    )
    return [_survey_campaign(c, c.seen_units) for c in campaigns]


@router.get(
    "/surveys/campaigns/{campaign_id}/results",
    response=SurveyResultsOut,
    tags=["surveys"],
    summary="Read a campaign's satisfaction results",
)
def read_survey_results(request: HttpRequest, campaign_id: PathId) -> dict[str, Any]:
    """Per surveyed unit the caller sees (in tree order): N, the required sample n, the accepted
    responses and whether they fall short of n, then per element the responses that rated it,
    their ratings, the satisfied ones, the satisfied percent with its 95% Wilson interval,
    and the overall percent (mean of the elements). Only accepted responses count. 404 when
    the caller does not see the campaign."""
    user = request.auth  # type: ignore[attr-defined]
    campaign = get_campaign_for_user(user, campaign_id)
    found = unit_results(campaign, visible_unit_ids(user, campaign))
    questionnaire = campaign.questionnaire
    return {
        "campaign": _survey_campaign(campaign, len(found)),
        "scale_points": questionnaire.scale_points,
        "satisfied_from": questionnaire.satisfied_from,
        "units": [_survey_unit(result) for result in found],
    }


# --- surveys: public submission ---
# The one write that needs no token (see the module docstring): anyone may answer a survey, as
# on the public form /surveys/f/<token>/, with the same size limit, throttle and action.


def _answer_errors(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """422 with one item per problem, located at the question's code in `answers` (or at
    `contact`)."""
    if hasattr(error, "error_dict"):
        items = [
            (_answer_location(code), msg)
            for code, messages in error.message_dict.items()
            for msg in messages
        ]
    else:
        items = [(["body"], message) for message in error.messages]
    detail = [{"type": "refused", "loc": loc, "msg": _utf8(msg)} for loc, msg in items]
    return JsonResponse({"detail": detail}, status=422, json_dumps_params=UNESCAPED)


def _utf8(text: str) -> str:
    """`text` as UTF-8 can carry it: a question code or an option value echoed from the
    client's JSON may hold a lone surrogate ("\\ud800" is valid JSON), which would make the
    refusal itself fail to encode (a 500 instead of the 422)."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _answer_location(code: str) -> list[str]:
    if code == NON_FIELD_ERRORS:
        return ["body", "answers"]
    if code == "contact":
        return ["body", "contact"]
    return ["body", "answers", _utf8(code)]


def refusal(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """A refusal {"detail": message} with `status` (also used by the dialogues' lookup)."""
    return JsonResponse({"detail": message}, status=status, json_dumps_params=UNESCAPED)


@router.post(
    "/surveys/responses",
    response={
        201: SurveyResponseOut,
        404: RefusalOut,
        410: RefusalOut,
        413: RefusalOut,
        422: ValidationErrorOut,
        429: RefusalOut,
    },
    auth=None,
    tags=["surveys"],
    summary="Submit a survey response (public)",
)
def submit_survey_response(request: HttpRequest, payload: SurveyResponseIn) -> Any:
    """Answer a survey for one unit: `token` is the unit's link token (the last part of its
    public link /surveys/f/<token>/), `answers` maps question codes to a rating (1 … the
    scale's points), an option value, a list of option values (multiple choice) or a text
    (at most 1,000 characters); `contact` (at most 200 characters) only if the respondent
    chooses to give it, with `consent_version`, the version of the consent wording they ticked
    (the current one is in /api/v1/privacy/consent; a contact without it is refused, 422).
    The response is stored as "received", or "flagged" when the same client
    sent the same answers before; a reviewer then accepts or rejects it.

    Public: no authentication and no CSRF token. This is the documented exception to "writes
    accept only a token": a survey is answered by anyone, as on the public form. Abuse is held
    off as on the form: a body over 64 KiB is refused (413), a client (known only by the
    campaign's salted hash of its address, never stored itself) or a unit over its rate limit
    gets 429 with a message in Vietnamese (or the language cookie's) and Retry-After.

    201 with the response's `id`, `status` and, when a contact was given, its `receipt` code
    (show it to the respondent: it names the response on the public "my data" page). 404 when
    no unit has this token, 410 when its campaign is closed or its period is over. 422 lists
    every problem per question code (loc ["body", "answers", code]): unknown question, required
    question unanswered, rating off the scale, option not of the question, several options for
    a single choice, text too long or with control characters) or at ["body", "contact"];
    nothing is stored."""
    if surveys_throttle.body_too_large(request):
        return refusal(request, 413, _("The response is too long to be sent."))
    campaign_unit = (
        surveys_models.CampaignUnit.objects.select_related("campaign__questionnaire", "unit")
        .filter(token=payload.token)
        .first()
    )
    if campaign_unit is None:
        return refusal(request, 404, _("This survey link does not exist."))
    campaign = campaign_unit.campaign
    if closed := campaign.online_refusal():
        return refusal(request, 410, closed)
    client_hash = campaign.hash_client(client_address(request))
    verdict = surveys_throttle.hit(campaign_unit, client_hash)
    if not verdict.allowed:
        response = refusal(request, 429, surveys_throttle.throttled_message())
        response["Retry-After"] = str(verdict.retry_after)
        return response
    try:
        stored = record_response(
            campaign_unit,
            payload.answers,
            channel=surveys_models.Response.Channel.WEB,
            client_hash=client_hash,
            contact=payload.contact or "",
            consent_version=payload.consent_version or "",
        )
    except ValidationError as error:
        return _answer_errors(request, error)
    return Status(201, {"id": stored.pk, "status": stored.status, "receipt": stored.receipt})


@router.get("/privacy/consent", auth=None, tags=["privacy"], summary="The consent wording (public)")
def read_consent(request: HttpRequest) -> dict[str, Any]:
    """The consent a public client must show before it sends a contact (Law 91/2025/QH15
    Art. 9): `version` (send it back as `consent_version` with the contact), `wording`, the
    `controller` (the installation's committee) and the full notice's address (`notice_url`)."""
    return {
        "version": CONSENT_VERSION,
        "wording": str(CONSENT_WORDINGS[CONSENT_VERSION]),
        "controller": committee(home_province()),
        "notice_url": request.build_absolute_uri(reverse("privacy:notice")),
    }
