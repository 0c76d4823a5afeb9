from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxRequest(HttpRequest):
    """A request as our middleware stack leaves it: with `request.htmx` (django-htmx)."""

    htmx: HtmxDetails
