"""The public pages (no login): the conferences announced, the petition form before a
conference, the lookup by petition code and one petition's journey.

Built like the public survey form for a cheap phone on a slow connection: a standalone page
(dialogues/public_base.html) with Bootstrap's CSS and no JavaScript, plain forms validated by the
server. The public sees only what was published: a petition's answers once they are published,
its content too only then, never its contact or attachments.

A submission is handled by ONE function, `_submit`: the size limit (413), the shared rate limit
(cchc/core/throttle.py: per client and per conference, 429 with Retry-After), then the form and
submit_petition. Looking a petition up by its code (the lookup form and the journey page) is
limited per client too, so codes cannot be walked through by a script.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cchc.core.access import public
from cchc.core.forms import add_action_error
from cchc.core.privacy import notice as privacy_notice
from cchc.core.throttle import Verdict, body_too_large
from cchc.dialogues.actions import (
    MAX_FILE_BYTES,
    MAX_FILES,
    submit_petition,
)
from cchc.dialogues.forms import LookupForm, PublicPetitionForm
from cchc.dialogues.models import Conference, Petition, PublicStatus
from cchc.dialogues.queries import journey
from cchc.dialogues.throttle import (
    TEXT_BODY_LIMIT,
    lookup_allowed,
    submission_allowed,
    throttled_message,
)
from cchc.orgunits.queries import committee, home_province

# The text fields and the files: anything bigger is refused before it is parsed.
BODY_LIMIT = TEXT_BODY_LIMIT + MAX_FILES * MAX_FILE_BYTES
PAST_SHOWN = 20


def honeypot_reason() -> str:
    """Stored on the petition for the screeners, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("The hidden field that only robots fill in was filled in.")


def _message(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    context = {"title": title, "text": text, "status": status}
    return render(request, "dialogues/public_message.html", context, status=status)


def _public_conference(pk: int) -> Conference | None:
    return Conference.objects.public().select_related("host_unit").filter(pk=pk).first()


@public
@require_GET
def conferences(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    shown = Conference.objects.public().select_related("host_unit")
    context = {
        "upcoming": shown.filter(starts_at__gte=now, status=Conference.Status.ANNOUNCED).order_by(
            "starts_at"
        ),
        "past": shown.exclude(starts_at__gte=now, status=Conference.Status.ANNOUNCED).order_by(
            "-starts_at"
        )[:PAST_SHOWN],
        "lookup": LookupForm(),
    }
    return render(request, "dialogues/public_conferences.html", context)


@public
@require_GET
def conference(request: HttpRequest, pk: int) -> HttpResponse:
    found = _public_conference(pk)
    if found is None:
        return _not_found(request)
    published = (
        found.petitions.filter(published_at__isnull=False, merged_into__isnull=True)
        .select_related("responsible_unit")
        .order_by("received_at", "pk")
    )
    context = {"conference": found, "published": published}
    return render(request, "dialogues/public_conference.html", context)


def _not_found(request: HttpRequest) -> HttpResponse:
    return _message(
        request,
        404,
        _("Conference not found"),
        _("This conference does not exist or is not announced publicly."),
    )


@public
@require_http_methods(["GET", "POST"])
def petition_form(request: HttpRequest, pk: int) -> HttpResponse:
    found = _public_conference(pk)
    if found is None:
        return _not_found(request)
    if not found.accepts_petitions:
        return _message(
            request,
            410,
            _("Petitions are closed"),
            _("This conference no longer takes petitions through the form."),
        )
    if request.method == "POST":
        return _submit(request, found)
    return _render_form(request, found, PublicPetitionForm(), 200)


def _render_form(
    request: HttpRequest, found: Conference, form: PublicPetitionForm, status: int
) -> HttpResponse:
    context = {"conference": found, "form": form, "privacy": petition_notice()}
    return render(request, "dialogues/public_petition_form.html", context, status=status)


def petition_notice() -> dict[str, object]:
    """The short personal-data notice of the petition form and the lookup (Law 91/2025/QH15)."""
    return privacy_notice(
        "petition",
        controller=committee(home_province()),
        retention_days=settings.CCHC_RETENTION_DAYS["petition"],
    )


def _too_many(request: HttpRequest, verdict: Verdict) -> HttpResponse:
    response = _message(request, 429, _("Please wait a moment"), throttled_message())
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _submit(request: HttpRequest, found: Conference) -> HttpResponse:
    """Receive one petition from the public form: the size limit, the rate limit (every
    submission counts, refused ones too), the form, the action."""
    if body_too_large(request, BODY_LIMIT, read=False):
        return _message(request, 413, _("Too long"), _("The petition is too long to be sent."))
    verdict = submission_allowed(request, found)
    if not verdict.allowed:
        return _too_many(request, verdict)
    form = PublicPetitionForm(data=request.POST, files=request.FILES)
    if form.is_valid():
        try:
            petition = submit_petition(
                found,
                **form.action_values(),
                flag_reason=honeypot_reason() if form.is_robot() else "",
            )
        except ValidationError as error:
            add_action_error(form, error, aliases={"files": "attachments"})
        else:
            return redirect("dialogues:public_thanks", petition.code)
    return _render_form(request, found, form, 422)


@public
@require_GET
def thanks(request: HttpRequest, code: str) -> HttpResponse:
    if not (verdict := lookup_allowed(request)).allowed:  # a code's existence is a lookup too
        return _too_many(request, verdict)
    petition = Petition.objects.filter(code=code).select_related("conference").first()
    if petition is None:
        return _message(request, 404, _("Petition not found"), _("No petition has this code."))
    return render(request, "dialogues/public_thanks.html", {"petition": petition})


@public
@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET or None)
    if form.is_bound and not (verdict := lookup_allowed(request)).allowed:
        return _too_many(request, verdict)
    if form.is_valid():
        code = form.cleaned_data["code"]
        if Petition.objects.filter(code=code).exists():
            return redirect("dialogues:journey", code)
        form.add_error("code", _("No petition has the code %(code)s.") % {"code": code})
    status = 404 if form.is_bound else 200
    context = {"form": form, "privacy": petition_notice()}
    return render(request, "dialogues/public_lookup.html", context, status=status)


@public
@require_GET
def petition_journey(request: HttpRequest, code: str) -> HttpResponse:
    if not (verdict := lookup_allowed(request)).allowed:
        return _too_many(request, verdict)
    petition = (
        Petition.objects.select_related("conference", "responsible_unit", "merged_into")
        .filter(code=code.strip().upper())
        .first()
    )
    if petition is None:
        return _message(request, 404, _("Petition not found"), _("No petition has this code."))
    found = journey(petition, public=True)
    context = {
        "journey": found,
        "petition": petition,
        "public_status_label": PublicStatus(found.status).label,
    }
    return render(request, "dialogues/public_journey.html", context)


@public
@require_GET
def my_data(request: HttpRequest, code: str) -> HttpResponse:
    """The petitioner's own data moved to the "my data" page of cchc/privacy, which serves
    petitions and survey responses alike (proof by contact or one-time code): sent there."""
    return redirect(f"{reverse('privacy:subject')}?{urlencode({'code': code.strip().upper()})}")
