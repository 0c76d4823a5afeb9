"""Rated months for the ratings tests, built through the plans actions and a real month close.

`worked_example` is the example of docs/ratings.md: ten tasks of ward A due in September 2026,
eight completed (two late, one after a failed review), two overdue at the close.
"""

import datetime

from django.utils import timezone

from cchc.accounts.actions import grant_membership
from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import UserFactory
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from cchc.plans.actions import (
    accept_report,
    close_month,
    create_plan,
    decide_extension,
    issue_plan,
    request_extension,
    return_report,
    submit_report,
)
from cchc.plans.models import ExtensionRequest, Plan, Task
from cchc.plans.tests.factories import task_in
from cchc.ratings.models import RatingRound

SEPTEMBER = datetime.date(2026, 9, 1)


def complete(task: Task, actor: User, on: datetime.date, *, failed: int = 0) -> Task:
    """Report `task` complete on paper on `on`; `failed` reports returned before the one
    accepted (each a failed quality review)."""
    for _ in range(failed):
        report = submit_report(
            task,
            actor=actor,
            percent=100,
            narrative="Báo cáo hoàn thành",
            is_completion=True,
            output="Sản phẩm",
            received_on=on,
        )
        return_report(report, actor=actor, reason="Chưa đạt yêu cầu")
    report = submit_report(
        task,
        actor=actor,
        percent=100,
        narrative="Báo cáo hoàn thành",
        is_completion=True,
        output="Sản phẩm",
        received_on=on,
    )
    accept_report(report, actor=actor)
    task.refresh_from_db()
    return task


def extend(task: Task, actor: User, *, to: datetime.date, requested_on: datetime.date) -> Task:
    """An extension of `task` to `to`, requested on `requested_on` and approved."""
    extension = request_extension(task, actor=actor, reason="Chờ ý kiến", new_deadline=to)
    decide_extension(extension, actor=actor, approve=True)
    day = timezone.make_aware(datetime.datetime.combine(requested_on, datetime.time(9)))
    ExtensionRequest.objects.filter(pk=extension.pk).update(created_at=day)
    task.refresh_from_db()
    return task


def appoint_head(unit: OrgUnit, actor: User, *, username: str, full_name: str = "") -> User:
    """A new user made head of `unit` from 01/01/2026 (a HeadTerm, through the action)."""
    head = UserFactory(username=username, full_name=full_name or username)
    grant_membership(
        actor=actor,
        user=head,
        unit=unit,
        role=Membership.Role.HEAD,
        started_on=datetime.date(2026, 1, 1),
    )
    return User.objects.get(pk=head.pk)  # fresh: unit_roles is cached per instance


def rate(month: datetime.date, actor: User | None = None) -> RatingRound:
    """Close `month` (which rates it) and return its round."""
    close_month(month, actor=actor)
    return RatingRound.objects.get(month=month)


def draft_city_plan(city: OrgUnit, actor: User) -> Plan:
    """The 2026 city plan, not issued yet: tasks added now count from its date once issued."""
    return create_plan(actor=actor, unit=city, year=2026, title="Kế hoạch CCHC năm 2026")


def issue(plan: Plan, actor: User) -> Plan:
    """Issue `plan`, dated 05/01/2026: its tasks count as assigned from that day."""
    return issue_plan(
        plan,
        actor=actor,
        document_number="01/KH-UBND",
        document_date=datetime.date(2026, 1, 5),
        signer="Chủ tịch UBND Thành phố",
    )


def worked_example(
    plan: Plan, unit: OrgUnit, actor: User, *, responsible: User | None = None
) -> list[Task]:
    """docs/ratings.md, example 1, in a draft `plan` that this issues: ten tasks of `unit`
    (weight 1) due on 15/09/2026; five completed on time, one on time after a failed review,
    two late (20/09), two not done. Rated for September: quantity 80.00, quality 77.50,
    progress 75.00, task points 54.25."""
    due = datetime.date(2026, 9, 15)
    tasks = [
        task_in(plan, unit, actor, code=f"V{n:02}", deadline=due, responsible=responsible)
        for n in range(1, 11)
    ]
    issue(plan, actor)
    for task in tasks[:5]:
        complete(task, actor, datetime.date(2026, 9, 10))
    complete(tasks[5], actor, datetime.date(2026, 9, 12), failed=1)
    for task in tasks[6:8]:
        complete(task, actor, datetime.date(2026, 9, 20))
    return tasks


def public_service_september(
    city: OrgUnit, ward: OrgUnit, actor: User, *, name: str = "Trung tâm"
) -> OrgUnit:
    """A public service unit "01-TT" under `city` and `ward`, each with one task of the city's
    plan due 15/09/2026 and done on 01/09 (public service units leave the Decree 335 round)."""
    unit = OrgUnitFactory(code="01-TT", kind=OrgUnit.Kind.PUBLIC_SERVICE, name=name, parent=city)
    plan = draft_city_plan(city, actor)
    due = datetime.date(2026, 9, 15)
    ward_task = task_in(plan, ward, actor, code="W1", deadline=due)
    unit_task = task_in(plan, unit, actor, code="S1", deadline=due)
    issue(plan, actor)
    complete(ward_task, actor, datetime.date(2026, 9, 1))
    complete(unit_task, actor, datetime.date(2026, 9, 1))
    return unit
