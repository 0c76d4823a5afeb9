"""The user's in-app notifications (reminders, escalations, reports to review)."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cchc.accounts.http import AuthedRequest
from cchc.core.access import member
from cchc.core.models import Notification
from cchc.plans.actions import mark_notifications_read

PAGE_SIZE = 50


@member
def notification_list(request: AuthedRequest) -> HttpResponse:
    notices = Notification.objects.filter(user=request.user).select_related("task")
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return render(request, "plans/notifications.html", {"page": page, "unread": unread})


@member
@require_POST
def notification_read(request: AuthedRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    mark_notifications_read(request.user, ids)
    return redirect("plans:notifications")
