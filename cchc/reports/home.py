"""What waits for each person on the home page, most urgent first (issue #17).

One list of `Waiting` items read from the apps' records through their own scoping:
- everyone: unread notifications;
- a focal point or head: their units' tasks overdue or due within `SOON_DAYS`, progress reports
  returned to them, the reform index's self-assessments due;
- whoever reviews (heads, focal points of an assigning unit, city administrators): reports to
  accept and extension requests to decide;
- a person who answers for an overdue task: the written explanation asked of them, with its
  deadline; a head: the ratings of their units awaiting approval;
- an inspector: the open recommendations of the inspections they manage, overdue or due soon.
The chairman, the city administrators and the viewers also get the latest closed month's
headline figures and the units that need attention (`latest_month`), one click from the
month's briefing (a viewer, who may not open the briefing: from the month's ratings).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cchc.accounts.models import Membership
from cchc.core.models import Notification
from cchc.core.queries import unread_notifications
from cchc.indices.models import Assessment
from cchc.inspections.models import Recommendation
from cchc.orgunits.models import OrgUnit, in_subtrees
from cchc.plans.models import ExtensionRequest, ProgressReport, TallyRow
from cchc.plans.permissions import reviewed_by
from cchc.plans.queries import my_tasks
from cchc.ratings.actions import response_deadline
from cchc.ratings.models import Rating, RatingRound, Responsibility
from cchc.reports import briefing
from cchc.reports.models import PeriodicReport

SOON_DAYS = 14
# The home page reads one small query per kind of item plus the latest month's briefing: a fixed
# budget whatever the number of tasks, reports or notifications (tests/test_home.py).
QUERY_BUDGET = 20
LIST_LIMIT = 5  # the nearest deadlines shown per kind; the link opens the whole list
ATTENTION_UNITS = 5


@dataclass(frozen=True)
class Waiting:
    kind: str  # a stable key for tests and styling
    title: str
    detail: str
    url: str
    due: datetime.date | None = None
    overdue: bool = False
    count: int | None = None


def waiting_for(user: Any, today: datetime.date) -> list[Waiting]:
    """Everything waiting for `user`, overdue first, then by deadline."""
    items = [
        *_notifications(user),
        *_tasks(user, today),
        *_returned_reports(user),
        *_reviews(user),
        *_explanations(user, today),
        *_rating_responses(user, today),
        *_approvals(user),
        *_self_assessments(user, today),
        *_periodic_reports(user),
        *_recommendations(user, today),
    ]
    return sorted(
        items, key=lambda item: (not item.overdue, item.due or datetime.date.max, item.kind)
    )


def _notifications(user: Any) -> list[Waiting]:
    unread = unread_notifications(user)
    if not unread:
        return []
    latest = (
        Notification.objects.filter(user=user, read_at__isnull=True).order_by("-created_at").first()
    )
    return [
        Waiting(
            "notifications",
            _("Unread notifications"),
            latest.message if latest else "",
            reverse("plans:notifications"),
            count=unread,
        )
    ]


def _tasks(user: Any, today: datetime.date) -> list[Waiting]:
    if not (user.is_city_admin or user.unit_roles):
        return []
    soon = today + datetime.timedelta(days=SOON_DAYS)
    tasks = my_tasks(user).open().filter(deadline__lte=soon)
    counts = tasks.aggregate(
        overdue=Count("pk", filter=Q(deadline__lt=today)),
        soon=Count("pk", filter=Q(deadline__gte=today)),
    )
    items = []
    if counts["overdue"]:
        first = (
            tasks.filter(deadline__lt=today)
            .select_related("plan")
            .order_by("deadline", "code")
            .first()
        )
        items.append(
            Waiting(
                "tasks_overdue",
                _("Overdue tasks"),
                _task_line(first, today) if first else "",
                reverse("plans:workspace") + "?status=overdue",
                due=first.deadline if first else None,
                overdue=True,
                count=counts["overdue"],
            )
        )
    if counts["soon"]:
        first = tasks.filter(deadline__gte=today).order_by("deadline", "code").first()
        items.append(
            Waiting(
                "tasks_soon",
                _("Tasks due within %(days)d days") % {"days": SOON_DAYS},
                f"{first.code} {first.title}" if first else "",
                reverse("plans:workspace") + f"?status=in_term&deadline_to={soon:%d/%m/%Y}",
                due=first.deadline if first else None,
                count=counts["soon"],
            )
        )
    return items


def _task_line(task: Any, today: datetime.date) -> str:
    """The task's code and title; a task of an earlier year's plan says first that it was
    carried over (the line is cut at the end on a narrow screen)."""
    line = f"{task.code} {task.title}"
    if task.plan.year < today.year:
        return _("Carried over from the %(year)d plan: %(task)s") % {
            "year": task.plan.year,
            "task": line,
        }
    return line


def _returned_reports(user: Any) -> list[Waiting]:
    """Reports returned for rework on tasks the person's units still carry."""
    returned = (
        ProgressReport.objects.filter(
            status=ProgressReport.Status.RETURNED, author=user, task__completed_on__isnull=True
        )
        .exclude(task__reports__status=ProgressReport.Status.SUBMITTED)
        .select_related("task")
        .order_by("task__deadline")
    )
    return [
        Waiting(
            "report_returned",
            _("Progress report returned"),
            f"{report.task.code} {report.task.title}",
            report.task.get_absolute_url(),
            due=report.task.deadline,
        )
        for report in returned[:LIST_LIMIT]
    ]


def _reviews(user: Any) -> list[Waiting]:
    if not (user.is_city_admin or user.unit_roles):
        return []
    reports = ProgressReport.objects.filter(
        reviewed_by(user), status=ProgressReport.Status.SUBMITTED
    ).count()
    extensions = ExtensionRequest.objects.filter(
        reviewed_by(user), status=ExtensionRequest.Status.PENDING
    ).count()
    workspace = reverse("plans:workspace")
    items = []
    if reports:
        items.append(
            Waiting("reports_to_review", _("Reports to review"), "", workspace, count=reports)
        )
    if extensions:
        items.append(
            Waiting(
                "extensions_to_decide",
                _("Extension requests to decide"),
                "",
                workspace,
                count=extensions,
            )
        )
    return items


def _explanations(user: Any, today: datetime.date) -> list[Waiting]:
    """Written explanations asked of the person, or of the units they head."""
    headed = [path for path, role in user.unit_roles if role == Membership.Role.HEAD]
    mine = Q(person=user) | in_subtrees(headed, "unit__path")
    records = (
        Responsibility.objects.open()
        .filter(mine)
        .select_related("task", "person")
        .order_by("deadline")
    )
    return [
        Waiting(
            "explanation",
            _("Explanation requested"),
            _whose(record, user),
            record.get_absolute_url(),
            due=record.deadline,
            overdue=record.deadline < today,
        )
        for record in records[:LIST_LIMIT]
    ]


def _whose(record: Responsibility, user: Any) -> str:
    """The task, after the person who answers for it when that is not the reader (first: the
    line is cut at the end on a narrow screen)."""
    task = f"{record.task.code} {record.task.title}"
    return task if record.person_id == user.pk else f"{record.person} · {task}"


def _rating_responses(user: Any, today: datetime.date) -> list[Waiting]:
    """Assessed ratings the person may still respond to: their own as head or responsible
    person, and those of the units they head (Decree 335: the rated may explain in writing)."""
    headed = [path for path, role in user.unit_roles if role == Membership.Role.HEAD]
    mine = Q(person=user) & ~Q(kind=Rating.Kind.UNIT)
    if headed:
        mine |= Q(kind=Rating.Kind.UNIT, unit__path__in=headed)
    ratings = (
        Rating.objects.filter(mine, assessed_at__isnull=False, responded_at__isnull=True)
        .select_related("round__policy")
        .order_by("-round__month")
    )
    items = []
    for rating in ratings[:LIST_LIMIT]:
        deadline = response_deadline(rating)
        if deadline is not None and deadline >= today:
            items.append(
                Waiting(
                    "rating_response",
                    _("Rating you may respond to"),
                    f"{rating.label} · {rating.round.month:%m/%Y}",
                    rating.get_absolute_url(),
                    due=deadline,
                )
            )
    return items


def _approvals(user: Any) -> list[Waiting]:
    """Assessed ratings the person approves (`ratings.permissions.is_approver` as a filter):
    heads approve their units' responsible persons; the head of the city also the units and
    heads; never their own."""
    if user.is_superuser:
        approvable = Q()
    else:
        approvable = Q(pk__in=[])
        for path, role in user.unit_roles:
            if role != Membership.Role.HEAD:
                continue
            approvable |= Q(kind=Rating.Kind.PERSON, unit__path__subtree=path)
            if path.count("/") == 2:  # a root unit ("/01/"): the city approves units and heads
                approvable |= Q(unit__path__subtree=path) & ~Q(kind=Rating.Kind.PERSON)
        if not user.unit_roles:
            return []
    rounds = (
        Rating.objects.filter(approvable, status=Rating.Status.ASSESSED)
        .exclude(person=user)
        .values("round__month")
        .annotate(count=Count("pk"))
        .order_by("round__month")
    )
    return [
        Waiting(
            "ratings_to_approve",
            _("Ratings awaiting approval"),
            _("Month %(month)s") % {"month": f"{row['round__month']:%m/%Y}"},
            reverse("ratings:round", args=[row["round__month"].year, row["round__month"].month]),
            count=row["count"],
        )
        for row in rounds[:LIST_LIMIT]
    ]


def _self_assessments(user: Any, today: datetime.date) -> list[Waiting]:
    """Reform-index self-assessments of the person's own units still in draft."""
    own = [
        path
        for path, role in user.unit_roles
        if role in (Membership.Role.FOCAL_POINT, Membership.Role.HEAD)
    ]
    if not own:
        return []
    drafts = (
        Assessment.objects.filter(
            status=Assessment.Status.DRAFT,
            unit__path__in=own,
            round__published_at__isnull=True,
        )
        .select_related("round", "unit")
        .order_by("round__deadline")
    )
    return [
        Waiting(
            "self_assessment",
            _("Self-assessment to submit"),
            f"{draft.round.title} · {draft.unit.name}",
            reverse("indices:assessment", args=[draft.pk]),
            due=draft.round.deadline,
            overdue=draft.round.deadline < today,
        )
        for draft in drafts[:LIST_LIMIT]
    ]


def _periodic_reports(user: Any) -> list[Waiting]:
    """Periodic PAR reports: those submitted, for the Department of Home Affairs (city
    administrators) to accept or return; those returned to the person's own units."""
    items = []
    if user.is_city_admin:
        # The city's own report goes to the Ministry: the Department does not accept it.
        submitted = PeriodicReport.objects.filter(status=PeriodicReport.Status.SUBMITTED).exclude(
            unit__kind=OrgUnit.Kind.PROVINCE
        )
        count = submitted.count()
        if count:
            # One report opens itself; several, the list of reports.
            only = submitted.select_related("unit", "period").get() if count == 1 else None
            items.append(
                Waiting(
                    "periodic_to_decide",
                    _("Periodic reports to accept"),
                    f"{only.period} {only.year} · {only.unit.name}" if only else "",
                    only.get_absolute_url() if only else reverse("reports:periodic_list"),
                    count=count,
                )
            )
    own = [
        path
        for path, role in user.unit_roles
        if role in (Membership.Role.FOCAL_POINT, Membership.Role.HEAD)
    ]
    if own:
        returned = (
            PeriodicReport.objects.filter(status=PeriodicReport.Status.RETURNED, unit__path__in=own)
            .select_related("unit", "period")
            .order_by("year")
        )
        items += [
            Waiting(
                "periodic_returned",
                _("Periodic report returned"),
                f"{report.period} {report.year} · {report.unit.name}",
                report.get_absolute_url(),
            )
            for report in returned[:LIST_LIMIT]
        ]
    return items


def _recommendations(user: Any, today: datetime.date) -> list[Waiting]:
    if not any(role == Membership.Role.INSPECTOR for _path, role in user.unit_roles):
        return []
    soon = today + datetime.timedelta(days=SOON_DAYS)
    due = (
        Recommendation.objects.for_user(user)
        .open()
        .filter(deadline__lte=soon)
        .select_related("unit", "conclusion__inspection")
        .order_by("deadline")
    )
    return [
        Waiting(
            "recommendation",
            _("Recommendation due"),
            f"{recommendation.unit.name}: {recommendation.text[:120]}",
            recommendation.conclusion.inspection.get_absolute_url(),
            due=recommendation.deadline,
            overdue=recommendation.deadline < today,
        )
        for recommendation in due[:LIST_LIMIT]
    ]


@dataclass(frozen=True)
class LatestMonth:
    month: datetime.date
    totals: briefing.Counts
    attention: list[briefing.UnitLine]  # the lowest ranked units; none for a viewer
    url: str | None  # the briefing; for a viewer, who may not open it, the month's ratings
    link: str = ""  # the link's words


def latest_month(user: Any) -> LatestMonth | None:
    """The latest closed month as the user may see it: the briefing's totals and the units that
    need attention (lowest ranked first) for heads, focal points and city administrators; the
    city's totals for a viewer of the whole city; None otherwise or before any close."""
    close = briefing.closed_months_for_user(user).first()
    if close is not None:
        data = briefing.get_briefing_for_user(user, close.month.year, close.month.month)
        ranked = [line for line in data.units if line.rank is not None]
        return LatestMonth(
            month=close.month,
            totals=data.totals,
            attention=ranked[-ATTENTION_UNITS:][::-1],
            url=reverse("reports:briefing", args=[close.month.year, close.month.month]),
            link=_("Open the briefing"),
        )
    viewed = [path for path, role in user.unit_roles if role == Membership.Role.VIEWER]
    views_city = OrgUnit.objects.filter(path__in=viewed, kind=OrgUnit.Kind.PROVINCE).exists()
    row = (
        TallyRow.objects.filter(scope=TallyRow.Scope.CITY, close__is_open=False)
        .select_related("close")
        .order_by("-close__month")
        .first()
        if views_city
        else None
    )
    if row is None:
        return None
    month = row.close.month
    rated = RatingRound.objects.filter(month=month).exists()
    return LatestMonth(
        month=month,
        totals=briefing.Counts.of(row),
        attention=[],
        url=reverse("ratings:round", args=[month.year, month.month]) if rated else None,
        link=_("Ratings of the month"),
    )
