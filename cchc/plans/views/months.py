"""Closing and reopening months (city administrators)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cchc.accounts.http import AuthedRequest
from cchc.core.access import city_admin
from cchc.core.forms import add_action_error
from cchc.plans.actions import close_month, reopen_month
from cchc.plans.forms import CloseMonthForm, ReopenForm
from cchc.plans.models import MonthClose, TallyRow


@city_admin
@require_http_methods(["GET", "POST"])
def month_list(request: AuthedRequest) -> HttpResponse:
    form = CloseMonthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closed = close_month(form.cleaned_data["month"], actor=request.user)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Month %(month)s is closed.") % {"month": closed})
            return redirect("plans:months")
    city_rows = TallyRow.objects.filter(scope=TallyRow.Scope.CITY)
    closes = (
        MonthClose.objects.select_related("closed_by")
        .prefetch_related(Prefetch("rows", queryset=city_rows, to_attr="city_rows"))
        .order_by("-month")
    )
    previous = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    return render(
        request,
        "plans/months.html",
        {
            "form": form,
            "closes": closes,
            "reopen_form": ReopenForm(),
            "suggested": f"{previous:%m/%Y}",
        },
    )


@city_admin
@require_POST
def month_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    close = MonthClose.objects.filter(pk=pk).first()
    if close is None:
        raise Http404
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for reopening."))
        return redirect("plans:months")
    try:
        reopen_month(close, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Month %(month)s is open again.") % {"month": close})
    return redirect("plans:months")
