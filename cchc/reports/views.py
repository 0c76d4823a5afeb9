from django.http import HttpResponse
from django.shortcuts import render

from cchc.accounts.http import AuthedRequest
from cchc.core.access import member
from cchc.orgunits.models import OrgUnit


@member
def home(request: AuthedRequest) -> HttpResponse:
    units = OrgUnit.objects.visible_to(request.user).current()
    memberships = request.user.memberships.select_related("unit")
    return render(
        request,
        "reports/home.html",
        {
            "memberships": memberships,
            "kind_counts": OrgUnit.kind_counts(units),
        },
    )
