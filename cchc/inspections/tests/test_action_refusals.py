"""Each refusal of the inspection actions (one ValidationError path per test, nothing written)
and each action's audit event: its verb, target, unit and details or changes."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.core.models import AuditEvent
from cchc.inspections.actions import (
    MAX_FILES,
    RecommendationInput,
    add_team_member,
    create_inspection,
    create_inspection_plan,
    issue_conclusion,
    record_verdict,
    start_inspection,
)
from cchc.inspections.models import (
    ChecklistItem,
    Conclusion,
    Finding,
    Inspection,
    InspectionPlan,
    Recommendation,
    TeamMember,
    Verdict,
)
from cchc.inspections.tests.factories import (
    PNG,
    START,
    concluded,
    finding,
    inspection_of,
    item,
    photo,
    reinspection,
    started,
)
from cchc.orgunits.models import OrgUnit
from cchc.plans.models import Task

pytestmark = pytest.mark.django_db


def only_event(verb: str) -> AuditEvent:
    return AuditEvent.objects.get(verb=verb)


def refused(call: Any, **kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    return error.value


# --- create_inspection_plan --------------------------------------------------------------------


def test_a_plan_without_a_title_is_refused(hanoi: Any, inspector: Any):
    error = refused(
        create_inspection_plan, actor=inspector, unit=hanoi.inspectorate, year=2026, title=" "
    )
    assert error.message_dict == {"title": ["The plan needs a title."]}
    assert not InspectionPlan.objects.exists()


def test_a_second_plan_of_the_unit_for_the_year_is_refused(hanoi: Any, inspector: Any):
    create_inspection_plan(actor=inspector, unit=hanoi.inspectorate, year=2026, title="Kế hoạch")
    error = refused(
        create_inspection_plan,
        actor=inspector,
        unit=hanoi.inspectorate,
        year=2026,
        title="Kế hoạch khác",
    )
    assert error.messages == ["Thanh tra Thành phố already has an inspection plan for 2026."]
    assert InspectionPlan.objects.count() == 1
    assert AuditEvent.objects.filter(verb="inspections.create_plan").count() == 1


def test_a_plan_document_dated_two_years_before_is_refused(hanoi: Any, inspector: Any):
    error = refused(
        create_inspection_plan,
        actor=inspector,
        unit=hanoi.inspectorate,
        year=2026,
        title="Kế hoạch",
        document_date=datetime.date(2024, 12, 31),
    )
    assert error.message_dict == {
        "document_date": ["The document date must fall in the plan's year or the year before."]
    }
    assert not InspectionPlan.objects.exists()


def test_a_plan_signed_the_year_before_is_created_and_audited(hanoi: Any, inspector: Any):
    plan = create_inspection_plan(
        actor=inspector,
        unit=hanoi.inspectorate,
        year=2026,
        title="  Kế hoạch kiểm tra công vụ năm 2026 ",
        document_number=" 120/KH-TTTP ",
        document_date=datetime.date(2025, 12, 20),
    )
    assert (plan.title, plan.document_number) == (
        "Kế hoạch kiểm tra công vụ năm 2026",
        "120/KH-TTTP",
    )
    event = only_event("inspections.create_plan")
    assert (event.actor, event.target_id, event.unit) == (
        inspector,
        str(plan.pk),
        hanoi.inspectorate,
    )
    assert event.details == {"year": 2026}


# --- create_inspection -------------------------------------------------------------------------


def inspection_input(hanoi: Any, inspector: Any, **change: Any) -> dict[str, Any]:
    return {
        "actor": inspector,
        "unit": hanoi.inspectorate,
        "title": "Kiểm tra công vụ",
        "kind": Inspection.Kind.PLANNED,
        "decision_number": "15/QĐ-TTTP",
        "decision_date": START,
        "decision_signer": "Chánh Thanh tra",
        "start_date": START,
        "end_date": START,
        "targets": [hanoi.ward_a],
        "checklist": [item()],
    } | change


def test_an_inspection_without_a_title_is_refused(hanoi: Any, inspector: Any):
    error = refused(create_inspection, **inspection_input(hanoi, inspector, title=""))
    assert error.message_dict == {"title": ["The inspection needs a title."]}
    assert not Inspection.objects.exists()


def test_an_inspection_without_a_signer_is_refused(hanoi: Any, inspector: Any):
    error = refused(create_inspection, **inspection_input(hanoi, inspector, decision_signer=" "))
    assert error.messages == ["The decision number and its signer are required."]
    assert not Inspection.objects.exists()


def test_a_plan_of_another_year_is_refused(hanoi: Any, inspector: Any):
    plan = create_inspection_plan(
        actor=inspector, unit=hanoi.inspectorate, year=2025, title="Kế hoạch 2025"
    )
    error = refused(create_inspection, **inspection_input(hanoi, inspector, plan=plan))
    assert error.message_dict == {"plan": ["The inspection plan is for 2025."]}
    assert not Inspection.objects.exists()


def test_an_ended_target_is_refused(hanoi: Any, inspector: Any):
    OrgUnit.objects.filter(pk=hanoi.ward_b.pk).update(valid_to=datetime.date(2025, 7, 1))
    ended = OrgUnit.objects.get(pk=hanoi.ward_b.pk)
    error = refused(
        create_inspection, **inspection_input(hanoi, inspector, targets=[hanoi.ward_a, ended])
    )
    assert error.message_dict == {
        "targets": ["Phường Hoàn Kiếm has ended and cannot be inspected."]
    }
    assert not Inspection.objects.exists()


def test_creating_an_inspection_is_audited_with_its_decision_and_targets(
    hanoi: Any, inspector: Any, officer_b: Any
):
    inspection = create_inspection(
        **inspection_input(
            hanoi,
            inspector,
            kind=Inspection.Kind.SURPRISE,
            targets=[hanoi.ward_a, hanoi.ward_b, hanoi.ward_a],
            target_persons={hanoi.ward_b.pk: [officer_b]},
        )
    )
    assert sorted(t.unit.code for t in inspection.targets.all()) == ["00004", "00070"]
    assert list(inspection.targets.get(unit=hanoi.ward_b).persons.all()) == [officer_b]
    assert not inspection.team.exists()  # no head named
    event = only_event("inspections.create")
    assert (event.target_id, event.unit) == (str(inspection.pk), hanoi.inspectorate)
    assert event.details == {
        "kind": "surprise",
        "decision": "15/QĐ-TTTP",
        "targets": [hanoi.ward_a.pk, hanoi.ward_b.pk, hanoi.ward_a.pk],
    }


# --- the team and the start --------------------------------------------------------------------


def test_the_team_of_a_concluded_inspection_does_not_change(
    hanoi: Any, inspector: Any, city_plan: Any
):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    concluded(inspection, inspector, [hanoi.ward_a])
    inspection.refresh_from_db()
    error = refused(
        add_team_member, inspection=inspection, actor=inspector, role="member", name="Lê Văn C"
    )
    assert error.messages == ["The inspection is concluded; its team no longer changes."]
    assert inspection.team.count() == 1
    assert not AuditEvent.objects.filter(verb="inspections.add_member").exists()


def test_a_member_who_is_both_a_user_and_an_outside_name_is_refused(
    hanoi: Any, inspector: Any, officer_b: Any
):
    inspection = inspection_of(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    error = refused(
        add_team_member,
        inspection=inspection,
        actor=inspector,
        role="member",
        user=officer_b,
        name="Lê Văn C",
    )
    assert error.messages == ["Choose a user or write an outside member's name, not both."]
    assert inspection.team.count() == 1


def test_adding_a_member_is_audited_with_the_name_and_role(hanoi: Any, inspector: Any):
    inspection = inspection_of(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    member = add_team_member(
        inspection, actor=inspector, role="member", name=" Lê Văn C ", position=" Sở Nội vụ "
    )
    assert (member.name, member.position, member.user) == ("Lê Văn C", "Sở Nội vụ", None)
    event = only_event("inspections.add_member")
    assert (event.target_id, event.unit) == (str(inspection.pk), hanoi.inspectorate)
    assert event.details == {"member": "Lê Văn C", "role": "member"}


def test_a_team_without_a_head_cannot_start(hanoi: Any, inspector: Any):
    inspection = inspection_of(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    TeamMember.objects.filter(inspection=inspection).update(role=TeamMember.Role.MEMBER)
    error = refused(start_inspection, inspection=inspection, actor=inspector)
    assert error.messages == ["Name the team head before starting the inspection."]
    inspection.refresh_from_db()
    assert (inspection.status, inspection.started_at) == (Inspection.Status.PLANNED, None)


def test_starting_is_audited_and_stamps_the_time(hanoi: Any, inspector: Any):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    assert inspection.status == Inspection.Status.IN_PROGRESS
    assert inspection.started_at is not None
    event = only_event("inspections.start")
    assert (event.actor, event.target_id, event.unit) == (
        inspector,
        str(inspection.pk),
        hanoi.inspectorate,
    )


# --- findings ----------------------------------------------------------------------------------


def test_a_finding_outside_the_scope_is_refused(hanoi: Any, inspector: Any):
    planned = create_inspection(
        **inspection_input(hanoi, inspector, checklist=[item("GIO")]), head=inspector
    )
    inspection = start_inspection(planned, actor=inspector)
    other = ChecklistItem.objects.exclude(code="GIO").first()
    assert other is not None
    with pytest.raises(ValidationError) as error:
        finding(inspection, inspector, hanoi.ward_a, item=other)
    assert error.value.message_dict == {"item": [f"“{other}” is outside this inspection's scope."]}
    assert not Finding.objects.exists()


def test_more_than_the_maximum_of_files_is_refused(hanoi: Any, inspector: Any):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    files = [photo(f"anh-{n}.png") for n in range(MAX_FILES + 1)]
    with pytest.raises(ValidationError) as error:
        finding(inspection, inspector, hanoi.ward_a, files=files)
    assert error.value.message_dict == {"files": [f"Attach at most {MAX_FILES} files."]}
    assert not Finding.objects.exists()


def test_a_finding_is_audited_on_the_inspected_unit(hanoi: Any, inspector: Any):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    saved = finding(
        inspection,
        inspector,
        hanoi.ward_a,
        severity=Finding.Severity.SERIOUS,
        files=[photo("a.png"), photo("b.png")],
    )
    assert saved.files.count() == 2
    event = only_event("inspections.finding")
    assert (event.target_id, event.unit) == (str(saved.pk), hanoi.ward_a)
    assert event.details == {"inspection": inspection.pk, "severity": "serious", "files": 2}


# --- the conclusion ----------------------------------------------------------------------------


def conclusion_input(inspection: Inspection, actor: Any, **change: Any) -> dict[str, Any]:
    return {
        "inspection": inspection,
        "actor": actor,
        "number": "20/TB-TTTP",
        "date": inspection.end_date,
        "signer": "Chánh Thanh tra Thành phố",
        "text": "Kết luận",
        "recommendations": [],
    } | change


def test_a_conclusion_dated_before_the_inspection_is_refused(
    hanoi: Any, inspector: Any, city_plan: Any
):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    day_before = START - datetime.timedelta(days=1)
    error = refused(issue_conclusion, **conclusion_input(inspection, inspector, date=day_before))
    assert error.message_dict == {"date": ["The conclusion is dated before the inspection."]}
    assert not Conclusion.objects.exists()


def test_a_recommendation_without_text_is_refused(hanoi: Any, inspector: Any, city_plan: Any):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    recs = [
        RecommendationInput("Chấn chỉnh", hanoi.ward_a, datetime.date(2026, 5, 31)),
        RecommendationInput("  ", hanoi.ward_a, datetime.date(2026, 5, 31)),
    ]
    error = refused(
        issue_conclusion, **conclusion_input(inspection, inspector, recommendations=recs)
    )
    assert error.messages == ["Recommendation 2 has no text."]
    assert not Conclusion.objects.exists()
    assert not Task.objects.filter(source=Task.Source.INSPECTION).exists()


def test_a_refused_remediation_task_names_its_recommendation(
    hanoi: Any, inspector: Any, city_plan: Any
):
    """A recommendation to a unit that has ended since: plans refuses the task, and neither the
    conclusion nor the recommendations nor any task is kept."""
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    OrgUnit.objects.filter(pk=hanoi.ward_b.pk).update(valid_to=datetime.date(2026, 1, 1))
    ended = OrgUnit.objects.get(pk=hanoi.ward_b.pk)
    recs = [
        RecommendationInput("Chấn chỉnh", hanoi.ward_a, datetime.date(2026, 5, 31)),
        RecommendationInput("Niêm yết", ended, datetime.date(2026, 5, 31)),
    ]
    error = refused(
        issue_conclusion, **conclusion_input(inspection, inspector, recommendations=recs)
    )
    assert error.messages[0].startswith("Recommendation 2: the remediation task was refused: ")
    assert not Conclusion.objects.exists()
    assert not Recommendation.objects.exists()
    assert not Task.objects.filter(source=Task.Source.INSPECTION).exists()
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.IN_PROGRESS


def test_a_conclusion_without_recommendations_concludes_and_is_audited(hanoi: Any, inspector: Any):
    """No recommendation, no remediation task: no reform plan is needed."""
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    conclusion = issue_conclusion(**conclusion_input(inspection, inspector))
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.CONCLUDED
    assert not Task.objects.exists()
    event = only_event("inspections.conclude")
    assert (event.target_id, event.unit) == (str(conclusion.pk), hanoi.inspectorate)
    assert event.details == {"inspection": inspection.pk, "recommendations": 0}


def test_each_remediation_task_is_audited_by_plans_beside_the_conclusion(
    hanoi: Any, inspector: Any, city_plan: Any
):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a, hanoi.ward_b])
    conclusion = concluded(inspection, inspector, [hanoi.ward_a, hanoi.ward_b])
    tasks = AuditEvent.objects.filter(verb="plans.create_task").order_by("pk")
    assert [e.unit for e in tasks] == [hanoi.ward_a, hanoi.ward_b]
    assert only_event("inspections.conclude").details == {
        "inspection": inspection.pk,
        "recommendations": 2,
    }
    refs = [r.reference for r in conclusion.recommendations.order_by("number")]
    assert list(
        Task.objects.filter(source=Task.Source.INSPECTION)
        .order_by("code")
        .values_list("source_ref", flat=True)
    ) == sorted(refs)


# --- verdicts ----------------------------------------------------------------------------------


def test_a_verdict_outside_the_re_inspection_is_refused(hanoi: Any, inspector: Any, city_plan: Any):
    first = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    rec = concluded(first, inspector, [hanoi.ward_a]).recommendations.get()
    planned = inspection_of(
        hanoi.inspectorate, inspector, targets=[hanoi.ward_a], start=datetime.date(2026, 5, 4)
    )
    with pytest.raises(ValidationError) as error:
        record_verdict(planned, rec, actor=inspector, verdict="remedied", evidence="Đã sửa")
    assert error.value.messages == ["Verdicts are recorded while the re-inspection is in progress."]
    assert not Verdict.objects.exists()


def test_a_verdict_with_a_file_that_is_not_what_it_says_is_refused(
    hanoi: Any, inspector: Any, city_plan: Any
):
    later, rec = reinspection(
        hanoi.inspectorate, inspector, hanoi.ward_a, start=datetime.date(2026, 5, 4)
    )
    bad = SimpleUploadedFile("bien-ban.pdf", b"<html>no</html>", content_type="application/pdf")
    with pytest.raises(ValidationError, match="does not contain what its name says"):
        record_verdict(later, rec, actor=inspector, verdict="remedied", evidence="x", file=bad)
    assert not Verdict.objects.exists()
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.OPEN
    assert not AuditEvent.objects.filter(verb="inspections.verdict").exists()


def test_a_verdict_is_audited_with_the_status_change_and_keeps_its_file(
    hanoi: Any, inspector: Any, city_plan: Any
):
    later, rec = reinspection(
        hanoi.inspectorate, inspector, hanoi.ward_a, start=datetime.date(2026, 5, 4)
    )
    picture = SimpleUploadedFile("anh-phuc-tra.png", PNG, content_type="image/png")
    saved = record_verdict(
        later, rec, actor=inspector, verdict="partly", evidence=" Một phần ", file=picture
    )
    assert (saved.evidence, saved.file_name) == ("Một phần", "anh-phuc-tra.png")
    event = only_event("inspections.verdict")
    assert (event.target_id, event.unit) == (str(rec.pk), hanoi.ward_a)
    assert event.changes == {"status": ["open", "partly"]}
    assert event.details == {"inspection": later.pk}
    # Due 31/05/2026, long past: the open verdict escalates at once (the city administrator).
    escalation = only_event("inspections.escalate")
    assert (escalation.target_id, escalation.details) == (str(rec.pk), {"notified": 1})
