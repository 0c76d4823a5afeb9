"""Placeholder names for the URLconf until the pages are written (helper owns this file)."""

from django.http import Http404, HttpRequest, HttpResponse

from cchc.core.access import member


@member
def index(request: HttpRequest) -> HttpResponse:
    raise Http404


round_detail = round_approve = period = rating_detail = rating_pdf = index
rating_assess = rating_respond = rating_approve = rating_reopen = index
