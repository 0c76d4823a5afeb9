"""Abuse control of the public petition form and the lookups by code (on cchc.core.throttle,
shared with the survey form): every attempt counts, refused ones too.

- A petition sent through the form: at most CCHC_PETITION_RATE_PER_MINUTE per client (default
  10) and CCHC_PETITION_CONFERENCE_RATE_PER_MINUTE per conference from everyone (default 300).
- A lookup by code (the lookup form, the journey page, the API's lookup): at most
  CCHC_PETITION_LOOKUP_RATE_PER_MINUTE per client (default 30), so codes cannot be walked
  through by a script.
The client is known only by a keyed hash of its address (core.throttle.client_bucket).
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cchc.core import throttle
from cchc.dialogues.models import Conference

# The text fields (~6 KB of UTF-8 at most, percent-encoded up to 9 bytes a character); the
# files are added by the form's limit.
TEXT_BODY_LIMIT = 64 * 1024


def submission_allowed(request: HttpRequest, conference: Conference) -> throttle.Verdict:
    """Count one petition sent to `conference` by this client (committed at once)."""
    return throttle.hit(
        {
            throttle.client_bucket(request, "petition-client"): (
                settings.CCHC_PETITION_RATE_PER_MINUTE
            ),
            f"petition-conference:{conference.pk}": (
                settings.CCHC_PETITION_CONFERENCE_RATE_PER_MINUTE
            ),
        }
    )


def lookup_allowed(request: HttpRequest) -> throttle.Verdict:
    """Count one lookup of a petition by its code by this client (committed at once)."""
    bucket = throttle.client_bucket(request, "petition-lookup")
    return throttle.hit({bucket: settings.CCHC_PETITION_LOOKUP_RATE_PER_MINUTE})


def throttled_message() -> str:
    return _("You have sent too many requests in a short time. Please wait a minute and try again.")
