"""Abuse control of the public survey form and API (on cchc.core.throttle): a rate limit per
client and per unit, and the size limit of a submission (BODY_LIMIT, answered 413).

A client (the campaign's salted hash of its address, Campaign.hash_client) may submit at most
CCHC_SURVEY_RATE_PER_MINUTE times a minute (default 10), and a surveyed unit receives at most
CCHC_SURVEY_UNIT_RATE_PER_MINUTE submissions a minute from everyone together (default 300: a
ceiling against a flood from many addresses, far above what a service point's queue produces).
Every attempt counts, refused ones too. The excess is answered 429 with a message in the page's
language (Vietnamese first) and a Retry-After header; nothing of it is stored. How the counters
are shared by the gunicorn workers is in cchc/core/throttle.py.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cchc.core import throttle
from cchc.surveys.models import CampaignUnit

# A whole response is ~20 short fields and a few texts of at most 1,000 characters (up to
# 9 bytes each once UTF-8 and percent-encoded): 64 KiB leaves room and refuses anything bigger.
BODY_LIMIT = 64 * 1024


def per_client_limit() -> int:
    return int(settings.CCHC_SURVEY_RATE_PER_MINUTE)


def per_unit_limit() -> int:
    return int(settings.CCHC_SURVEY_UNIT_RATE_PER_MINUTE)


def body_too_large(request: HttpRequest) -> bool:
    """Whether the submission is over BODY_LIMIT (declared or actual length)."""
    return throttle.body_too_large(request, BODY_LIMIT)


def hit(
    campaign_unit: CampaignUnit, client_hash: str, *, now: float | None = None
) -> throttle.Verdict:
    """Count one submission of `client_hash` to `campaign_unit` in the current minute, and say
    whether it is within both limits (committed at once: a refused submission still counts)."""
    limits = {
        f"survey-client:{client_hash}": per_client_limit(),
        f"survey-unit:{campaign_unit.pk}": per_unit_limit(),
    }
    return throttle.hit(limits, now=now)


def throttled_message() -> str:
    return _(
        "You have sent too many responses in a short time. Please wait a minute and try again."
    )
