"""The home page says what waits for each person, most urgent first, one click from the item."""

import datetime

from django.utils import timezone

from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.core.tests.helpers import assert_constant_queries, html
from cchc.plans.actions import close_month, return_report, send_reminders, submit_report
from cchc.plans.models import TallyRow
from cchc.plans.tests.factories import issued_city_plan, task_in
from cchc.ratings.actions import assess_rating
from cchc.ratings.models import Rating
from cchc.ratings.tests.factories import (
    SEPTEMBER,
    appoint_head,
    draft_city_plan,
    rate,
    worked_example,
)
from cchc.reports import actions as periodic
from cchc.reports.briefing import Counts
from cchc.reports.home import QUERY_BUDGET, SOON_DAYS
from cchc.reports.tests.factories import period, write
from conftest import Hanoi, client_for

TODAY = timezone.localdate()


def _kinds(response) -> list[str]:
    return [item.kind for item in response.context["waiting"]]


def test_a_focal_point_sees_overdue_first_then_by_deadline(
    hanoi: Hanoi, officer_a: User, city_admin: User
) -> None:
    plan = issued_city_plan(hanoi.city, city_admin, year=TODAY.year)
    late = task_in(
        plan, hanoi.ward_a, city_admin, code="A1", deadline=TODAY - datetime.timedelta(days=3)
    )
    soon = task_in(
        plan, hanoi.ward_a, city_admin, code="A2", deadline=TODAY + datetime.timedelta(days=2)
    )
    task_in(
        plan,
        hanoi.ward_a,
        city_admin,
        code="A3",
        deadline=TODAY + datetime.timedelta(days=SOON_DAYS + 5),
    )
    task_in(plan, hanoi.ward_b, city_admin, code="B1", deadline=TODAY - datetime.timedelta(days=3))
    report = submit_report(soon, actor=officer_a, percent=50, narrative="Đã triển khai")
    return_report(report, actor=city_admin, reason="Thiếu tài liệu kiểm chứng")

    response = client_for(officer_a).get("/")

    waiting = response.context["waiting"]
    assert _kinds(response) == ["tasks_overdue", "report_returned", "tasks_soon"]
    overdue, returned, due_soon = waiting
    assert (overdue.count, overdue.due, overdue.detail) == (1, late.deadline, "A1 Nhiệm vụ A1")
    assert returned.url == soon.get_absolute_url()
    assert due_soon.count == 1  # A3 is further than SOON_DAYS; ward B's task is not theirs
    page = html(response)
    assert 'href="/plans/workspace/?status=overdue"' in page
    # One click: the overdue link lists exactly the overdue task.
    listed = client_for(officer_a).get(overdue.url)
    assert [task.code for task in listed.context["page"]] == ["A1"]


def test_a_reviewer_sees_reports_to_accept_and_unread_notifications(
    hanoi: Hanoi, officer_a: User, city_admin: User
) -> None:
    plan = issued_city_plan(hanoi.city, city_admin, year=TODAY.year)
    task = task_in(
        plan, hanoi.ward_a, city_admin, code="A1", deadline=TODAY - datetime.timedelta(days=1)
    )
    submit_report(task, actor=officer_a, percent=40, narrative="Đang làm")
    send_reminders(TODAY)  # the overdue task escalates to the city administrators

    response = client_for(city_admin).get("/")

    items = {item.kind: item for item in response.context["waiting"]}
    assert items["reports_to_review"].count == 1
    assert items["reports_to_review"].url == "/plans/workspace/"
    assert items["notifications"].count >= 1
    assert items["notifications"].url == "/plans/notifications/"


def test_a_city_viewer_sees_the_latest_closed_month(hanoi: Hanoi, city_admin: User) -> None:
    viewer = UserFactory()
    MembershipFactory(user=viewer, unit=hanoi.city, role=Membership.Role.VIEWER)
    plan = issued_city_plan(hanoi.city, city_admin, year=TODAY.year)
    task_in(plan, hanoi.ward_a, city_admin, code="A1", deadline=datetime.date(TODAY.year, 1, 10))
    january = datetime.date(TODAY.year, 1, 1)
    close_month(january, actor=city_admin, today=datetime.date(TODAY.year, 2, 2))

    response = client_for(viewer).get("/")

    latest = response.context["latest"]
    assert latest.month == january
    city_row = TallyRow.objects.get(close__month=january, scope=TallyRow.Scope.CITY)
    assert latest.totals == Counts.of(city_row)
    # A viewer does not open the briefing: the card leads to the month's ratings.
    assert latest.url == f"/ratings/{TODAY.year}/1/"
    assert client_for(viewer).get(latest.url).status_code == 200
    assert "01/" in html(response)
    admin_latest = client_for(city_admin).get("/").context["latest"]
    assert admin_latest.url == f"/briefing/{TODAY.year}/1/"


def test_the_home_page_queries_do_not_grow_with_tasks(
    hanoi: Hanoi, officer_a: User, city_admin: User
) -> None:
    plan = issued_city_plan(hanoi.city, city_admin, year=TODAY.year)
    counter = iter(range(1, 100))

    def add(n: int) -> None:
        for _ in range(n):
            number = next(counter)
            task = task_in(
                plan,
                hanoi.ward_a,
                city_admin,
                code=f"T{number}",
                deadline=TODAY - datetime.timedelta(days=1),
            )
            report = submit_report(task, actor=officer_a, percent=10, narrative="x")
            return_report(report, actor=city_admin, reason="y")

    client = client_for(officer_a)
    first, _second = assert_constant_queries(lambda: client.get("/"), add, budget=QUERY_BUDGET)
    assert len(first.context["waiting"]) >= 2


def test_a_head_sees_the_ratings_to_respond_to_and_a_chairman_those_to_approve(
    hanoi: Hanoi, city_admin: User, officer_a: User
) -> None:
    head = appoint_head(hanoi.ward_a, city_admin, username="head_a", full_name="Vũ Đức Bình")
    chairman = appoint_head(hanoi.city, city_admin, username="chairman")
    plan = draft_city_plan(hanoi.city, city_admin)
    worked_example(plan, hanoi.ward_a, city_admin, responsible=officer_a)
    ratings = {rating.kind: rating for rating in rate(SEPTEMBER, city_admin).ratings.all()}
    for rating in ratings.values():
        criteria = rating.round.policy.criteria.order_by("order")
        assess_rating(rating, actor=city_admin, points={c.pk: c.max_points for c in criteria})

    head_items = [
        i for i in client_for(head).get("/").context["waiting"] if i.kind == "rating_response"
    ]
    assert sorted(item.url for item in head_items) == sorted(
        ratings[kind].get_absolute_url() for kind in (Rating.Kind.UNIT, Rating.Kind.HEAD)
    )
    assert all(item.due and item.due >= TODAY for item in head_items)

    approvals = [
        i
        for i in client_for(chairman).get("/").context["waiting"]
        if i.kind == "ratings_to_approve"
    ]
    assert [(item.count, item.url) for item in approvals] == [(3, "/ratings/2026/9/")]
    # The ward's head approves the ward's responsible person only (not their own rating).
    ward = [
        i for i in client_for(head).get("/").context["waiting"] if i.kind == "ratings_to_approve"
    ]
    assert [item.count for item in ward] == [1]


def test_overdue_work_of_last_years_plan_says_it_was_carried_over(
    hanoi: Hanoi, officer_a: User, city_admin: User
) -> None:
    last_year = TODAY.year - 1
    plan = issued_city_plan(hanoi.city, city_admin, year=last_year)
    task_in(plan, hanoi.ward_a, city_admin, code="03", deadline=datetime.date(last_year, 11, 30))

    [overdue] = client_for(officer_a).get("/").context["waiting"]

    assert overdue.kind == "tasks_overdue"
    assert overdue.due == datetime.date(last_year, 11, 30)
    assert overdue.detail == f"Chuyển sang từ kế hoạch năm {last_year}: 03 Nhiệm vụ 03"


def test_one_periodic_report_to_accept_opens_itself_several_the_list(
    hanoi: Hanoi, officer_a: User, officer_b: User, city_admin: User
) -> None:
    def submitted(unit, officer):
        report = periodic.start_report(unit, actor=officer, year=2026, period=period("q3"))
        write(report, officer)
        return periodic.submit_report(report, actor=officer, version=report.version)

    first = submitted(hanoi.ward_a, officer_a)
    submitted(hanoi.city, city_admin)  # the city's own report goes to the Ministry

    def to_accept() -> list:
        items = client_for(city_admin).get("/").context["waiting"]
        return [(i.count, i.url) for i in items if i.kind == "periodic_to_decide"]

    assert to_accept() == [(1, first.get_absolute_url())]
    submitted(hanoi.ward_b, officer_b)
    assert to_accept() == [(2, "/periodic/")]
