"""Who sees and does what with plans and tasks: assigners, the lead unit's focal point, the
cooperating unit (sees, changes nothing) and other units (see nothing)."""

import datetime

import pytest
from django.http import Http404

from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from cchc.plans.actions import cancel_task, create_plan, request_extension, submit_report
from cchc.plans.models import Plan, Task
from cchc.plans.permissions import (
    can_create_plan,
    can_edit_plan,
    can_report_task,
    can_review_task,
    get_extension_for_reviewer,
    get_plan_for_user,
    get_report_for_reviewer,
    get_task_for_user,
    sees_task,
)
from cchc.plans.tests.factories import issued_city_plan, task_in
from conftest import Hanoi

pytestmark = pytest.mark.django_db
DEADLINE = datetime.date(2026, 12, 31)


@pytest.fixture
def plan(hanoi: Hanoi, city_admin: User) -> Plan:
    return issued_city_plan(hanoi.city, city_admin)


@pytest.fixture
def task(plan: Plan, hanoi: Hanoi, city_admin: User) -> Task:
    return task_in(
        plan, hanoi.ward_a, city_admin, deadline=DEADLINE, cooperating_units=[hanoi.ward_b]
    )


def test_city_admin_edits_and_reviews_but_does_not_report(task: Task, city_admin: User) -> None:
    assert can_edit_plan(city_admin, task.plan)
    assert can_review_task(city_admin, task)
    assert not can_report_task(city_admin, task)


def test_lead_focal_point_reports_but_does_not_review(task: Task, officer_a: User) -> None:
    assert can_report_task(officer_a, task)
    assert not can_review_task(officer_a, task)
    assert get_task_for_user(officer_a, task.pk, report=True) == task
    with pytest.raises(Http404):
        get_task_for_user(officer_a, task.pk, review=True)


def test_cooperating_unit_sees_the_task_and_nothing_more(task: Task, officer_b: User) -> None:
    assert get_task_for_user(officer_b, task.pk) == task
    assert not can_report_task(officer_b, task)
    assert not can_review_task(officer_b, task)
    for flags in ({"report": True}, {"review": True}):
        with pytest.raises(Http404):
            get_task_for_user(officer_b, task.pk, **flags)


def test_other_unit_sees_neither_plan_nor_task(task: Task, inspector: User) -> None:
    with pytest.raises(Http404):
        get_task_for_user(inspector, task.pk)
    with pytest.raises(Http404):
        get_plan_for_user(inspector, task.plan_id)


def test_a_missing_task_is_the_same_404(officer_a: User) -> None:
    with pytest.raises(Http404):
        get_task_for_user(officer_a, 999_999)


def test_nobody_reports_on_a_cancelled_task(task: Task, city_admin: User, officer_a: User) -> None:
    cancel_task(task, actor=city_admin, reason="Trùng")
    assert not can_report_task(officer_a, task)


def test_a_viewer_of_the_lead_unit_sees_but_does_not_report(task: Task, hanoi: Hanoi) -> None:
    viewer = UserFactory()
    MembershipFactory(user=viewer, unit=hanoi.ward_a, role=Membership.Role.VIEWER)
    assert get_task_for_user(viewer, task.pk) == task
    assert not can_report_task(viewer, task)


def test_ward_plan_is_edited_by_its_head_and_focal_point_only(
    hanoi: Hanoi, officer_a: User, officer_b: User
) -> None:
    head = UserFactory()
    MembershipFactory(user=head, unit=hanoi.ward_a, role=Membership.Role.HEAD)
    ward_plan = create_plan(actor=head, unit=hanoi.ward_a, year=2026, title="KH Ba Đình")

    assert can_create_plan(head, hanoi.ward_a)
    assert can_edit_plan(head, ward_plan)
    assert can_edit_plan(officer_a, ward_plan)
    assert not can_create_plan(officer_b, hanoi.ward_a)
    with pytest.raises(Http404):
        get_plan_for_user(officer_b, ward_plan.pk)
    assert get_plan_for_user(officer_a, ward_plan.pk, write=True) == ward_plan


def test_reports_and_extensions_are_decided_by_the_assigner_only(
    task: Task, city_admin: User, officer_a: User, officer_b: User
) -> None:
    report = submit_report(task, actor=officer_a, percent=10, narrative="Bắt đầu")
    extension = request_extension(
        task, actor=officer_a, reason="Chờ", new_deadline=DEADLINE + datetime.timedelta(days=9)
    )

    assert get_report_for_reviewer(city_admin, report.pk) == report
    assert get_extension_for_reviewer(city_admin, extension.pk) == extension
    for user in (officer_a, officer_b):
        with pytest.raises(Http404):
            get_report_for_reviewer(user, report.pk)
        with pytest.raises(Http404):
            get_extension_for_reviewer(user, extension.pk)


def test_a_task_and_its_plan_seen_through_several_units_are_listed_once(
    plan: Plan, hanoi: Hanoi, city_admin: User
) -> None:
    task = task_in(
        plan,
        hanoi.ward_a,
        city_admin,
        deadline=DEADLINE,
        cooperating_units=[hanoi.ward_b, hanoi.inspectorate],
    )
    other = task_in(plan, hanoi.home_affairs, city_admin, code="T2", deadline=DEADLINE)
    user = UserFactory()
    for unit in (hanoi.ward_a, hanoi.ward_b, hanoi.inspectorate):
        MembershipFactory(user=user, unit=unit, role=Membership.Role.FOCAL_POINT)
    # Lead unit and two cooperating units, all seen: one row each (EXISTS, no join to dedupe).
    assert list(Task.objects.for_user(user)) == [task]
    assert list(Plan.objects.for_user(user)) == [plan]
    assert other not in Task.objects.for_user(user)
    assert Task.objects.for_user(user).count() == 1


def test_sees_task_is_the_rule_of_for_user(
    plan: Plan,
    task: Task,
    hanoi: Hanoi,
    city_admin: User,
    officer_a: User,
    officer_b: User,
    inspector: User,
    city_viewer: User,
) -> None:
    """The task page checks visibility on the task it loaded (sees_task); lists filter with
    Task.objects.for_user: the same answer for every person and task."""
    ward_plan = create_plan(actor=officer_b, unit=hanoi.ward_b, year=2026, title="KH Hoàn Kiếm")
    team = OrgUnitFactory(code="00070-VP", kind=OrgUnit.Kind.PUBLIC_SERVICE, parent=hanoi.ward_b)
    tasks = [
        task,  # ward A leads a city task, ward B cooperates
        task_in(plan, hanoi.home_affairs, city_admin, code="T2", deadline=DEADLINE),
        task_in(ward_plan, team, officer_b, code="T3", deadline=DEADLINE),  # below ward B
        task_in(ward_plan, hanoi.ward_b, officer_b, code="T4", cooperating_units=[hanoi.ward_a]),
    ]
    team_member = UserFactory(username="team")
    MembershipFactory(user=team_member, unit=team, role=Membership.Role.FOCAL_POINT)
    inactive = UserFactory(username="gone", is_active=False)
    MembershipFactory(user=inactive, unit=hanoi.ward_a, role=Membership.Role.FOCAL_POINT)
    people = [city_admin, officer_a, officer_b, inspector, city_viewer, team_member, inactive]

    seen = {
        (person.username, t.code): sees_task(User.objects.get(pk=person.pk), loaded(t))
        for person in people
        for t in tasks
    }

    assert seen == {
        (person.username, t.code): Task.objects.for_user(person).filter(pk=t.pk).exists()
        for person in people
        for t in tasks
    }
    assert seen[("team", "T4")] is False
    assert seen[(officer_a.username, "T4")] is True
    assert seen[("gone", task.code)] is False


def loaded(task: Task) -> Task:
    return Task.objects.select_related("lead_unit", "plan__unit").get(pk=task.pk)
