"""The public survey form (no login): /surveys/f/<token>/ for one unit of a campaign, and its
thank-you page.

Built for a cheap phone on a slow connection: a standalone page (surveys/public_base.html) with
Bootstrap's CSS and no JavaScript at all, a plain POST form that the server validates and
re-renders with the errors next to each question and a summary at the top linking to them.
Vietnamese first; ?lang=en (or ?lang=vi) switches the language and remembers it in the
site's language cookie, so the submission and the thank-you page follow.

A submission: size limit (413), rate limit per client and per unit (throttle.py: 429), the form,
then record_response on the web channel with the client's salted address hash. A filled-in
honeypot stores the response flagged, not dropped. The address itself is never stored. A
response flagged because the same client sent the same answers before (a shared connection, a
second try) is said so on the thank-you page: a reviewer checks it before it counts.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cchc.core.access import public
from cchc.core.privacy import notice as privacy_notice
from cchc.core.throttle import client_address
from cchc.orgunits.queries import committee, home_province
from cchc.surveys import throttle
from cchc.surveys.actions import record_response
from cchc.surveys.forms import PublicResponseForm
from cchc.surveys.models import CampaignUnit, Response


def find_campaign_unit(token: str) -> CampaignUnit | None:
    return (
        CampaignUnit.objects.select_related("campaign__questionnaire", "unit")
        .filter(token=token)
        .first()
    )


def honeypot_reason() -> str:
    """Stored on the response for the reviewers: in the site's language, whatever the
    respondent's."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("The hidden field that only robots fill in was filled in.")


def _language(request: HttpRequest) -> tuple[str, bool]:
    """The page's language and whether ?lang chose it (then it is remembered in the cookie)."""
    chosen = request.GET.get("lang", "")
    if chosen in dict(settings.LANGUAGES):
        translation.activate(chosen)
        request.LANGUAGE_CODE = chosen
        return chosen, True
    return translation.get_language() or settings.LANGUAGE_CODE, False


def _remember(response: HttpResponse, language: str, chosen: bool) -> HttpResponse:
    if chosen:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            samesite="Lax",
        )
    return response


def _message(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    context = {"title": title, "text": text, "status": status}
    return render(request, "surveys/public_message.html", context, status=status)


def _unavailable(request: HttpRequest, campaign_unit: CampaignUnit | None) -> HttpResponse:
    if campaign_unit is None:
        return _message(
            request,
            404,
            _("Survey not found"),
            _("This survey link does not exist. Check the address or scan the QR code again."),
        )
    return _message(
        request,
        410,
        _("This survey is closed"),
        campaign_unit.campaign.online_refusal() + " " + _("Thank you for your interest."),
    )


def _too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = _message(request, 429, _("Please wait a moment"), throttle.throttled_message())
    response["Retry-After"] = str(retry_after)
    return response


def _render_form(
    request: HttpRequest, campaign_unit: CampaignUnit, form: PublicResponseForm, status: int
) -> HttpResponse:
    context = {
        "campaign_unit": campaign_unit,
        "form": form,
        "errors": error_summary(form),
        "privacy": privacy_notice(
            "survey_response",
            controller=committee(home_province()),
            retention_days=settings.CCHC_RETENTION_DAYS["survey_response"],
        ),
    }
    return render(request, "surveys/public_form.html", context, status=status)


def error_summary(form: PublicResponseForm) -> list[dict[str, str]]:
    """The form's errors for the summary at the top: per question (in order) its code, anchor,
    question and first message, then the errors of the contact and of the whole form."""
    if not form.is_bound or not form.errors:
        return []
    items = []
    names = [question.code for question in form.questions] + ["share_contact", "contact"]
    for name in names:
        if name in form.errors:
            label = str(form.fields[name].label)
            message = str(form.errors[name][0])
            items.append({"anchor": f"q-{name}", "label": label, "message": message})
    for error in form.non_field_errors():
        items.append({"anchor": "form-errors", "label": "", "message": str(error)})
    return items


@public
@require_http_methods(["GET", "POST"])
def public_form(request: HttpRequest, token: str) -> HttpResponse:
    language, chosen = _language(request)
    campaign_unit = find_campaign_unit(token)
    if campaign_unit is None or campaign_unit.campaign.online_refusal():
        return _remember(_unavailable(request, campaign_unit), language, chosen)
    questionnaire = campaign_unit.campaign.questionnaire
    if request.method == "GET":
        form = PublicResponseForm(questionnaire, language)
        return _remember(_render_form(request, campaign_unit, form, 200), language, chosen)
    if throttle.body_too_large(request):
        return _message(request, 413, _("Too long"), _("The response is too long to be sent."))
    client_hash = campaign_unit.campaign.hash_client(client_address(request))
    verdict = throttle.hit(campaign_unit, client_hash)
    if not verdict.allowed:
        return _too_many(request, verdict.retry_after)
    form = PublicResponseForm(questionnaire, language, data=request.POST)
    if form.is_valid():
        try:
            stored = record_response(
                campaign_unit,
                form.answers(),
                channel=Response.Channel.WEB,
                client_hash=client_hash,
                flag_reason=honeypot_reason() if form.is_robot() else "",
                contact=form.contact_to_store(),
                consent_version=form.consent_version(),
            )
        except ValidationError as error:
            form.add_record_error(error)
        else:
            query = {}
            if stored.receipt:  # a contact was kept: the receipt proves control later
                query["receipt"] = stored.receipt
            if stored.status == Response.Status.FLAGGED and not form.is_robot():
                query["held"] = "1"  # a repeat from the same client: say it will be checked
            thanks = reverse("surveys:public_thanks", args=[token])
            if query:
                thanks += "?" + urlencode(query)
            return _remember(redirect(thanks), language, chosen)
    return _render_form(request, campaign_unit, form, 422)


@public
@require_GET
def public_thanks(request: HttpRequest, token: str) -> HttpResponse:
    language, chosen = _language(request)
    campaign_unit = find_campaign_unit(token)
    if campaign_unit is None:
        return _remember(_unavailable(request, None), language, chosen)
    # The receipt is shown only when it is one of this unit's responses' (a string in the
    # address alone shows nothing).
    receipt = request.GET.get("receipt", "").strip().upper()[:16]
    if receipt and not campaign_unit.responses.filter(receipt=receipt).exists():
        receipt = ""
    held = request.GET.get("held") == "1"
    context = {"campaign_unit": campaign_unit, "receipt": receipt, "held": held}
    response = render(request, "surveys/public_thanks.html", context)
    return _remember(response, language, chosen)
