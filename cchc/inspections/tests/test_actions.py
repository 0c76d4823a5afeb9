import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cchc.accounts.models import HeadTerm, Membership
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.core.models import AuditEvent, Notification
from cchc.inspections.actions import (
    add_team_member,
    create_inspection,
    escalate_overdue_recommendations,
    issue_conclusion,
    record_verdict,
    start_inspection,
)
from cchc.inspections.models import (
    Conclusion,
    Finding,
    FindingFile,
    Inspection,
    Recommendation,
    TeamMember,
    Verdict,
)
from cchc.inspections.queries import discipline_facts
from cchc.inspections.tests.factories import (
    START,
    concluded,
    finding,
    inspection_of,
    item,
    photo,
    started,
)
from cchc.plans.models import Task

pytestmark = pytest.mark.django_db


def test_create_inspection_is_planned_with_head_targets_and_scope(hanoi, inspector):
    inspection = inspection_of(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    assert inspection.status == Inspection.Status.PLANNED
    assert inspection.team.get().role == TeamMember.Role.HEAD
    assert [t.unit for t in inspection.targets.all()] == [hanoi.ward_a]
    assert inspection.checklist.count() == 5
    assert AuditEvent.objects.filter(verb="inspections.create", target_id=inspection.pk).exists()


def test_create_inspection_refuses_bad_input_and_writes_nothing(hanoi, inspector):
    base: dict[str, Any] = {
        "actor": inspector,
        "unit": hanoi.inspectorate,
        "title": "Kiểm tra",
        "kind": Inspection.Kind.SURPRISE,
        "decision_number": "1/QĐ",
        "decision_date": START,
        "decision_signer": "Chánh Thanh tra",
        "start_date": START,
        "end_date": START,
        "targets": [hanoi.ward_a],
        "checklist": [item()],
    }
    cases = [
        ({"end_date": START - datetime.timedelta(days=1)}, "end date is before"),
        ({"decision_date": START + datetime.timedelta(days=1)}, "dated after"),
        ({"targets": []}, "at least one unit"),
        ({"checklist": []}, "at least one checklist item"),
        ({"decision_number": " "}, "decision number"),
    ]
    for change, message in cases:
        with pytest.raises(ValidationError, match=message):
            create_inspection(**(base | change))
    assert not Inspection.objects.exists()


def test_team_rejects_second_head_and_duplicate_user(hanoi, inspector):
    inspection = inspection_of(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    with pytest.raises(ValidationError, match="already has a head"):
        add_team_member(inspection, actor=inspector, role="head", name="Nguyễn Văn Ngoài")
    with pytest.raises(ValidationError, match="already on the team"):
        add_team_member(inspection, actor=inspector, role="member", user=inspector)
    with pytest.raises(ValidationError, match="not both"):
        add_team_member(inspection, actor=inspector, role="member")
    outside = add_team_member(
        inspection, actor=inspector, role="deputy", name="Trần Thị Ngoài", position="Sở Nội vụ"
    )
    assert outside.display_name == "Trần Thị Ngoài"


def test_start_requires_a_head_and_happens_once(hanoi, inspector, city_admin):
    inspection = inspection_of(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    inspection.team.all().delete()
    with pytest.raises(ValidationError, match="team head"):
        start_inspection(inspection, actor=city_admin)
    add_team_member(inspection, actor=city_admin, role="head", user=inspector)
    start_inspection(inspection, actor=city_admin)
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.IN_PROGRESS
    assert inspection.started_at is not None
    with pytest.raises(ValidationError, match="already started"):
        start_inspection(inspection, actor=city_admin)


def test_surprise_inspection_visible_to_target_only_once_started(hanoi, inspector, officer_a):
    inspection = inspection_of(
        hanoi.inspectorate, inspector, targets=[hanoi.ward_a], kind=Inspection.Kind.SURPRISE
    )
    assert not Inspection.objects.for_user(officer_a).exists()
    assert Inspection.objects.for_user(inspector).get() == inspection
    start_inspection(inspection, actor=inspector)
    assert Inspection.objects.for_user(officer_a).get() == inspection


def test_planned_inspection_visible_to_target_before_start(hanoi, inspector, officer_a, officer_b):
    inspection_of(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    assert Inspection.objects.for_user(officer_a).count() == 1
    assert Inspection.objects.for_user(officer_b).count() == 0


def test_incognito_inspection_visible_to_target_only_once_concluded(
    hanoi, inspector, officer_a, city_plan
):
    inspection = started(
        hanoi.inspectorate, inspector, targets=[hanoi.ward_a], kind=Inspection.Kind.INCOGNITO
    )
    assert not Inspection.objects.for_user(officer_a).exists()
    concluded(inspection, inspector, [hanoi.ward_a])
    assert Inspection.objects.for_user(officer_a).count() == 1


def test_record_finding_with_photo(hanoi, inspector):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    saved = finding(inspection, inspector, hanoi.ward_a, files=[photo()])
    stored = FindingFile.objects.get(finding=saved)
    assert stored.original_name == "anh-hien-truong.png"
    assert stored.content_type == "image/png"
    assert AuditEvent.objects.filter(verb="inspections.finding", unit=hanoi.ward_a).exists()


def test_record_finding_refusals(hanoi, inspector, city_admin, officer_a):
    planned = inspection_of(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    with pytest.raises(ValidationError, match="in progress"):
        finding(planned, inspector, hanoi.ward_a)
    inspection = start_inspection(planned, actor=inspector)
    with pytest.raises(ValidationError, match="Only members of the inspection team"):
        finding(inspection, city_admin, hanoi.ward_a)
    with pytest.raises(ValidationError, match="Only members of the inspection team"):
        finding(inspection, officer_a, hanoi.ward_a)
    with pytest.raises(ValidationError, match="not inspected by this inspection"):
        finding(inspection, inspector, hanoi.ward_b)
    with pytest.raises(ValidationError, match="Describe"):
        finding(inspection, inspector, hanoi.ward_a, description="  ")
    bad = SimpleUploadedFile("anh.jpg", b"<html>not a photo</html>", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="does not contain what its name says"):
        finding(inspection, inspector, hanoi.ward_a, files=[photo(), bad])
    assert not Finding.objects.exists()
    assert not FindingFile.objects.exists()


def test_issue_conclusion_creates_one_task_per_recommendation(hanoi, inspector, city_plan):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a, hanoi.ward_b])
    conclusion = concluded(inspection, inspector, [hanoi.ward_a, hanoi.ward_b])
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.CONCLUDED
    recs = list(conclusion.recommendations.select_related("task", "conclusion"))
    assert len(recs) == 2
    for rec in recs:
        task = rec.task
        assert task is not None
        assert task.plan == city_plan
        assert task.source == Task.Source.INSPECTION
        assert task.source_ref == rec.reference == f"KTCV-{inspection.pk}-KN{rec.number}"
        assert task.lead_unit == rec.unit
        assert task.deadline == rec.deadline
        assert task.area.code == "CV"
    assert AuditEvent.objects.filter(verb="plans.create_task").count() == 2
    assert AuditEvent.objects.filter(verb="inspections.conclude").count() == 1


def test_issue_conclusion_prefers_the_units_own_plan(hanoi, inspector, city_admin, city_plan):
    from cchc.plans.actions import create_plan, issue_plan

    own = create_plan(
        actor=city_admin, unit=hanoi.ward_a, year=2026, title="KH phường", parent=city_plan
    )
    issue_plan(
        own,
        actor=city_admin,
        document_number="2/KH",
        document_date=datetime.date(2026, 1, 10),
        signer="Chủ tịch",
    )
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    conclusion = concluded(inspection, inspector, [hanoi.ward_a])
    assert conclusion.recommendations.get().task.plan == own


def test_failing_task_leaves_neither_conclusion_nor_tasks(hanoi, inspector, city_plan):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a, hanoi.ward_b])
    # Ward B is merged away after the inspection: plans refuses a task for an ended unit.
    hanoi.ward_b.valid_to = datetime.date(2026, 3, 5)
    hanoi.ward_b.save()
    with pytest.raises(ValidationError, match=r"Recommendation 2: .*lead unit has ended"):
        concluded(inspection, inspector, [hanoi.ward_a, hanoi.ward_b])
    assert not Conclusion.objects.exists()
    assert not Recommendation.objects.exists()
    assert not Task.objects.filter(source=Task.Source.INSPECTION).exists()
    assert not AuditEvent.objects.filter(verb__in=["plans.create_task", "inspections.conclude"])
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.IN_PROGRESS


def test_issue_conclusion_without_a_plan_is_refused(hanoi, inspector):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    with pytest.raises(ValidationError, match="issued reform plan for 2026"):
        concluded(inspection, inspector, [hanoi.ward_a])
    assert not Conclusion.objects.exists()


def test_issue_conclusion_refusals(hanoi, inspector, city_plan):
    planned = inspection_of(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    with pytest.raises(ValidationError, match="in progress"):
        concluded(planned, inspector, [hanoi.ward_a])
    inspection = start_inspection(planned, actor=inspector)
    with pytest.raises(ValidationError, match="Recommendation 1 is due"):
        concluded(inspection, inspector, [hanoi.ward_a], deadline=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="required"):
        issue_conclusion(
            inspection,
            actor=inspector,
            number="",
            date=START,
            signer="x",
            text="y",
            recommendations=[],
        )
    concluded(inspection, inspector, [hanoi.ward_a])
    with pytest.raises(ValidationError, match="in progress"):
        concluded(inspection, inspector, [hanoi.ward_a])
    assert Conclusion.objects.count() == 1


def _reinspection(hanoi, inspector, city_plan, *, deadline=datetime.date(2026, 5, 31)):
    first = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    rec = concluded(first, inspector, [hanoi.ward_a], deadline=deadline).recommendations.get()
    later = started(
        hanoi.inspectorate,
        inspector,
        targets=[hanoi.ward_a],
        start=datetime.date(2026, 6, 15),
        title="Phúc tra",
    )
    return later, rec


def test_verdict_not_remedied_keeps_it_open(hanoi, inspector, city_plan):
    later, rec = _reinspection(hanoi, inspector, city_plan)
    record_verdict(later, rec, actor=inspector, verdict="not_remedied", evidence="Vẫn đi muộn")
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.NOT_REMEDIED
    assert rec.is_open
    assert Recommendation.objects.open().get() == rec
    assert Verdict.objects.get().evidence == "Vẫn đi muộn"
    assert rec.task.is_open  # the remediation task goes on


def test_verdict_partly_keeps_it_open_and_remedied_closes_it(hanoi, inspector, city_plan):
    later, rec = _reinspection(hanoi, inspector, city_plan)
    record_verdict(later, rec, actor=inspector, verdict="partly", evidence="Một phần")
    rec.refresh_from_db()
    assert rec.is_open
    assert rec.task.is_open
    with pytest.raises(ValidationError, match="already judged"):
        record_verdict(later, rec, actor=inspector, verdict="remedied", evidence="x")
    third = started(
        hanoi.inspectorate, inspector, targets=[hanoi.ward_a], start=datetime.date(2026, 9, 1)
    )
    record_verdict(third, rec, actor=inspector, verdict="remedied", evidence="Đã chấn chỉnh")
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.REMEDIED
    assert rec.closed_on == timezone.localdate()
    # Verified on the spot: the remediation task is completed today, with its reason audited.
    rec.task.refresh_from_db()
    assert (rec.task.completed_on, rec.task.progress) == (timezone.localdate(), 100)
    event = AuditEvent.objects.get(verb="plans.complete_task")
    assert event.details["reason"] == f"Remedied according to the re-inspection {third.title}."
    fourth = started(
        hanoi.inspectorate, inspector, targets=[hanoi.ward_a], start=datetime.date(2026, 10, 1)
    )
    with pytest.raises(ValidationError, match="already remedied"):
        record_verdict(fourth, rec, actor=inspector, verdict="remedied", evidence="x")


def test_verdict_refusals(hanoi, inspector, officer_a, city_plan):
    later, rec = _reinspection(hanoi, inspector, city_plan)
    with pytest.raises(ValidationError, match="Only members"):
        record_verdict(later, rec, actor=officer_a, verdict="remedied", evidence="x")
    with pytest.raises(ValidationError, match="Describe the evidence"):
        record_verdict(later, rec, actor=inspector, verdict="remedied", evidence=" ")
    other = started(
        hanoi.inspectorate, inspector, targets=[hanoi.ward_b], start=datetime.date(2026, 7, 1)
    )
    with pytest.raises(ValidationError, match="not an earlier recommendation"):
        record_verdict(other, rec, actor=inspector, verdict="remedied", evidence="x")
    assert not Verdict.objects.exists()


def test_overdue_not_remedied_escalates_to_heads_once(hanoi, inspector, city_plan):
    head = UserFactory(username="chu_tich_a")
    MembershipFactory(user=head, unit=hanoi.ward_a, role=Membership.Role.HEAD)
    later, rec = _reinspection(hanoi, inspector, city_plan, deadline=datetime.date(2026, 4, 30))
    record_verdict(later, rec, actor=inspector, verdict="not_remedied", evidence="Chưa sửa")
    notice = Notification.objects.get(user=head)
    assert notice.kind == Notification.Kind.ESCALATION
    assert notice.key == f"inspections.overdue.{rec.pk}"
    assert notice.task == rec.task
    assert rec.reference in notice.message
    assert escalate_overdue_recommendations() == 0  # idempotent
    assert Notification.objects.filter(user=head).count() == 1


def test_escalate_overdue_recommendations_command_path(
    hanoi, inspector, city_plan, city_admin, django_capture_on_commit_callbacks
):
    head = UserFactory(username="chu_tich_b", email="chu.tich@example.invalid")
    MembershipFactory(user=head, unit=hanoi.ward_a, role=Membership.Role.HEAD)
    city_head = UserFactory(username="chu_tich_tp")
    MembershipFactory(user=city_head, unit=hanoi.city, role=Membership.Role.HEAD)
    ward_b_head = UserFactory(username="chu_tich_phuong_b")
    MembershipFactory(user=ward_b_head, unit=hanoi.ward_b, role=Membership.Role.HEAD)
    first = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    concluded(first, inspector, [hanoi.ward_a], deadline=datetime.date(2026, 4, 30))
    assert escalate_overdue_recommendations(today=datetime.date(2026, 4, 30)) == 0
    with django_capture_on_commit_callbacks() as callbacks:
        # The unit's head, the heads above it and the city administrators; not another ward's.
        assert escalate_overdue_recommendations(today=datetime.date(2026, 5, 1)) == 3
    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert notified == {"chu_tich_b", "chu_tich_tp", city_admin.username}
    assert len(callbacks) == 1  # the e-mail job, enqueued once the escalation is committed
    assert escalate_overdue_recommendations(today=datetime.date(2026, 5, 2)) == 0
    assert AuditEvent.objects.filter(verb="inspections.escalate").count() == 1


def test_discipline_facts_for_person_and_head(hanoi, inspector, city_plan):
    clerk = UserFactory(username="can_bo")
    head = UserFactory(username="truong_phong")
    HeadTerm.objects.create(user=head, unit=hanoi.ward_a, started_on=datetime.date(2025, 1, 1))
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    finding(inspection, inspector, hanoi.ward_a, person=clerk)
    finding(inspection, inspector, hanoi.ward_a, against_head=True, severity="serious")
    finding(inspection, inspector, hanoi.ward_a)  # against nobody
    today = timezone.localdate()
    # Working notes until the conclusion is issued.
    assert discipline_facts([clerk.pk, head.pk], today, today) == {clerk.pk: [], head.pk: []}
    concluded(
        inspection, inspector, [hanoi.ward_a], date=today, deadline=today + datetime.timedelta(30)
    )
    facts = discipline_facts([clerk.pk, head.pk], today, today)
    assert [f.as_head for f in facts[clerk.pk]] == [False]
    assert [(f.as_head, f.severity) for f in facts[head.pk]] == [(True, "serious")]
    later = today + datetime.timedelta(days=1)
    assert discipline_facts([clerk.pk], later, later) == {clerk.pk: []}
