"""Placeholder names for the URLconf until the pages are written (helper owns this file)."""

from django.http import Http404, HttpRequest, HttpResponse

from cchc.core.access import member


@member
def responsibility_list(request: HttpRequest) -> HttpResponse:
    raise Http404


responsibility_detail = responsibility_explain = responsibility_handling = responsibility_list
responsibility_follow_up = discipline_list = policy_list = policy_create = responsibility_list
policy_detail = responsibility_list
