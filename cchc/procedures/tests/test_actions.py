"""Review campaigns, simplification plans and workflows: outcomes, audit events, refusals."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cchc.core.models import AuditEvent
from cchc.procedures.actions import (
    StepInput,
    approve_review_campaign,
    approve_simplification_plan,
    approve_workflow,
    create_workflow,
    edit_workflow,
    publish_workflow,
    record_review,
)
from cchc.procedures.models import (
    HourlyValue,
    Procedure,
    Review,
    ReviewCampaign,
    SimplificationPlan,
    Workflow,
)
from cchc.procedures.permissions import acts_for, can_edit_workflow
from cchc.procedures.tests.factories import (
    DECISION_DATE,
    FIGURES,
    STEPS,
    campaign_over,
    plan_for,
    procedure_of,
    reviewed,
    workflow_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def birth(hanoi, city_admin) -> Procedure:
    return procedure_of(city_admin, hanoi.ward_a)


# --- reviews -------------------------------------------------------------------------------------


def test_unit_records_review_and_admin_approves_campaign(hanoi, city_admin, officer_a, birth):
    campaign = campaign_over(city_admin, [birth], [hanoi.ward_a])
    review = record_review(
        campaign,
        actor=officer_a,
        procedure=birth,
        unit=hanoi.ward_a,
        findings="Trùng giấy tờ",
        proposal=Review.Proposal.SIMPLIFY,
        reasons="Đã có dữ liệu dân cư",
    )
    assert review.recorded_by == officer_a
    event = AuditEvent.objects.get(verb="procedures.record_review")
    assert event.changes["proposal"] == [None, "simplify"]
    assert event.unit == hanoi.ward_a
    approve_review_campaign(
        campaign, actor=city_admin, decision_number="12/QĐ-UBND", decision_date=DECISION_DATE
    )
    campaign.refresh_from_db()
    assert campaign.status == ReviewCampaign.Status.APPROVED
    assert campaign.decision_number == "12/QĐ-UBND"
    assert campaign.decision_date == DECISION_DATE
    birth.refresh_from_db()
    assert birth.status == Procedure.Status.ACTIVE
    assert AuditEvent.objects.get(verb="procedures.approve_campaign").details["abolished"] == 0


def test_approving_an_abolish_proposal_abolishes_the_procedure(hanoi, city_admin, birth):
    reviewed(city_admin, birth, hanoi.ward_a, Review.Proposal.ABOLISH)
    birth.refresh_from_db()
    assert birth.status == Procedure.Status.ABOLISHED


def test_review_refusals(hanoi, city_admin, officer_a, officer_b, birth):
    campaign = campaign_over(city_admin, [birth], [hanoi.ward_a])
    base = {"procedure": birth, "unit": hanoi.ward_a, "findings": "x", "proposal": "simplify"}
    # The role is the view's check (permissions.acts_for), not the action's.
    assert not acts_for(officer_b, hanoi.ward_a)
    with pytest.raises(ValidationError, match="Give the reasons"):
        record_review(campaign, actor=officer_a, **base)
    with pytest.raises(ValidationError, match="Phường Hoàn Kiếm is not a reviewer"):
        record_review(campaign, actor=officer_a, **{**base, "unit": hanoi.ward_b, "reasons": "r"})
    with pytest.raises(ValidationError, match="nothing to approve"):
        approve_review_campaign(
            campaign, actor=city_admin, decision_number="1", decision_date=DECISION_DATE
        )
    assert not Review.objects.exists()


def test_campaign_approval_needs_a_past_decision_and_is_final(hanoi, city_admin, officer_a, birth):
    campaign = reviewed(city_admin, birth, hanoi.ward_a, "keep", approve=False)
    future = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        approve_review_campaign(
            campaign, actor=city_admin, decision_number="1", decision_date=future
        )
    approve_review_campaign(
        campaign, actor=city_admin, decision_number="1", decision_date=DECISION_DATE
    )
    with pytest.raises(ValidationError, match="reviews are final"):
        record_review(
            campaign,
            actor=city_admin,
            procedure=birth,
            unit=hanoi.ward_a,
            findings="x",
            proposal="keep",
        )


# --- simplification plans -----------------------------------------------------------------------


def test_plan_is_priced_with_todays_hourly_value_and_approved(hanoi, city_admin, officer_a, birth):
    plan = plan_for(officer_a, birth, hanoi.ward_a)
    assert plan.status == SimplificationPlan.Status.DRAFT
    assert plan.hourly_value == 40_000
    assert (plan.cost_before, plan.cost_after) == (5_880_000_000, 3_900_000_000)
    assert plan.saving == 1_980_000_000
    assert plan.cut_pct == Decimal("33.67")
    created = AuditEvent.objects.get(verb="procedures.create_plan")
    assert created.details["saving"] == 1_980_000_000
    assert created.details["cut_pct"] == "33.67"
    approve_simplification_plan(
        plan, actor=city_admin, decision_number="5/QĐ", decision_date=DECISION_DATE
    )
    plan.refresh_from_db()
    assert plan.is_approved
    assert plan.decision_number == "5/QĐ"
    assert AuditEvent.objects.get(verb="procedures.approve_plan").details["saving"] == 1_980_000_000
    with pytest.raises(ValidationError, match="already been approved"):
        approve_simplification_plan(
            plan, actor=city_admin, decision_number="5/QĐ", decision_date=DECISION_DATE
        )


def test_a_newer_hourly_value_prices_new_plans(hanoi, city_admin, birth):
    HourlyValue.objects.create(valid_from=datetime.date(2025, 1, 1), value=45_000)
    assert plan_for(city_admin, birth, hanoi.ward_a).hourly_value == 45_000


def test_plan_on_an_abolished_procedure_is_refused(hanoi, city_admin, birth):
    reviewed(city_admin, birth, hanoi.ward_a, Review.Proposal.ABOLISH)
    birth.refresh_from_db()
    with pytest.raises(ValidationError, match=r"1\.000001 has been abolished"):
        plan_for(city_admin, birth, hanoi.ward_a)
    assert not SimplificationPlan.objects.exists()


def test_draft_plan_cannot_be_approved_once_procedure_abolished(hanoi, city_admin, birth):
    plan = plan_for(city_admin, birth, hanoi.ward_a)
    reviewed(city_admin, birth, hanoi.ward_a, Review.Proposal.ABOLISH)
    with pytest.raises(ValidationError, match="has been abolished"):
        approve_simplification_plan(
            plan, actor=city_admin, decision_number="5", decision_date=DECISION_DATE
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hours_after": Decimal(-8)}, "Working hours after cannot be negative (-8)."),
        ({"fees_before": -100}, "Fees and charges before cannot be negative (-100)."),
        ({"other_after": -1}, "Other costs after cannot be negative (-1)."),
        ({"documents_after": -1}, "Documents after cannot be negative (-1)."),
        ({"subjects_per_year": 0}, "Subjects per year must be at least 1."),
        ({"times_per_year": 0}, "Times per year must be at least 1."),
        (
            {"subjects_per_year": 10**13},
            "Subjects per year is at most 10.000.000 (10.000.000.000.000).",
        ),
        (
            {"fees_before": 10**19},
            "Fees and charges before is at most 100.000.000.000 (10.000.000.000.000.000.000).",
        ),
        (
            {"hours_before": Decimal(10**8)},
            "Working hours before is at most 100.000 (100.000.000).",
        ),
        (
            {"fees_before": 10**11, "times_per_year": 10_000, "subjects_per_year": 10**7},
            "The yearly cost comes to more than 1.000.000.000.000.000.000 dong: check the times "
            "per year and the subjects.",
        ),
    ],
)
def test_negative_plan_figures_are_refused(hanoi, city_admin, birth, change, message):
    with pytest.raises(ValidationError) as refused:
        plan_for(city_admin, birth, hanoi.ward_a, dataclasses.replace(FIGURES, **change))
    assert refused.value.messages == [message]
    assert not SimplificationPlan.objects.exists()
    assert not AuditEvent.objects.filter(verb="procedures.create_plan").exists()


def test_plan_by_another_unit_is_refused(hanoi, city_admin, officer_b, birth):
    with pytest.raises(ValidationError, match="Phường Hoàn Kiếm does not implement"):
        plan_for(city_admin, birth, hanoi.ward_b)
    assert not acts_for(officer_b, hanoi.ward_a)  # the view's check (permissions)


# --- workflows -----------------------------------------------------------------------------------


def test_workflow_draft_approve_publish_and_supersede(hanoi, city_admin, officer_a, birth):
    first = workflow_for(officer_a, birth, hanoi.ward_a)
    assert first.version == 1
    assert first.total_hours == 24
    assert [s.order for s in first.steps.all()] == [1, 2, 3, 4]
    approve_workflow(first, actor=city_admin, decision_number="7/QĐ", decision_date=DECISION_DATE)
    publish_workflow(first, actor=city_admin)
    second = workflow_for(officer_a, birth, hanoi.ward_a)
    assert second.version == 2
    approve_workflow(second, actor=city_admin, decision_number="8/QĐ", decision_date=DECISION_DATE)
    publish_workflow(second, actor=city_admin)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Workflow.Status.SUPERSEDED
    assert second.status == Workflow.Status.PUBLISHED
    assert second.published_at is not None
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="procedures.").values_list("verb", flat=True)
    )
    assert verbs.count("procedures.publish_workflow") == 2
    assert AuditEvent.objects.filter(verb="procedures.publish_workflow").first().details == {
        "superseded": [1]
    }


def test_an_older_version_cannot_be_published_over_a_later_one(hanoi, city_admin, officer_a, birth):
    first = workflow_for(officer_a, birth, hanoi.ward_a)
    second = workflow_for(officer_a, birth, hanoi.ward_a)
    approve_workflow(second, actor=city_admin, decision_number="8/QĐ", decision_date=DECISION_DATE)
    publish_workflow(second, actor=city_admin)
    approve_workflow(first, actor=city_admin, decision_number="7/QĐ", decision_date=DECISION_DATE)
    with pytest.raises(ValidationError, match="Version 2 of this workflow is already approved"):
        publish_workflow(first, actor=city_admin)
    first.refresh_from_db()
    assert first.status == Workflow.Status.APPROVED
    assert Workflow.objects.filter(status=Workflow.Status.PUBLISHED).get() == second


def test_workflow_longer_than_the_legal_time_is_refused_with_both_figures(hanoi, city_admin, birth):
    steps = [*STEPS, StepInput("Bộ phận Một cửa", "Lưu hồ sơ", Decimal("0.5"))]
    with pytest.raises(ValidationError) as refused:
        create_workflow(birth, actor=city_admin, unit=hanoi.ward_a, steps=steps)
    assert refused.value.messages == [
        "The steps take 24,5 working hours, more than the legal processing time of 3 working "
        "days (24 working hours)."
    ]
    assert not Workflow.objects.exists()


def test_edit_replaces_steps_only_on_a_draft(hanoi, city_admin, officer_a, officer_b, birth):
    workflow = workflow_for(officer_a, birth, hanoi.ward_a)
    edit_workflow(workflow, actor=officer_a, steps=STEPS[:2])
    workflow.refresh_from_db()
    assert workflow.total_hours == 16
    assert workflow.steps.count() == 2
    event = AuditEvent.objects.get(verb="procedures.edit_workflow")
    assert event.changes == {"steps": [4, 2], "hours": ["24.00", "16"]}
    assert not can_edit_workflow(officer_b, workflow)  # the view's check (permissions)
    with pytest.raises(ValidationError, match="more than the legal processing time"):
        edit_workflow(workflow, actor=officer_a, steps=[*STEPS, *STEPS])
    assert workflow.steps.count() == 2
    approve_workflow(workflow, actor=city_admin, decision_number="7", decision_date=DECISION_DATE)
    with pytest.raises(ValidationError, match="Only a draft workflow can be edited"):
        edit_workflow(workflow, actor=officer_a, steps=STEPS[:1])


def test_workflow_step_refusals(hanoi, city_admin, birth):
    for steps, message in [
        ([], "at least one step"),
        ([StepInput("A", "", Decimal(1))], "Step 1 needs"),
        ([StepInput("A", "B", Decimal(0))], "Step 1: the time must be more than 0"),
        ([StepInput("A", "B", Decimal(-2))], "Step 1: the time must be more than 0"),
    ]:
        with pytest.raises(ValidationError, match=message):
            create_workflow(birth, actor=city_admin, unit=hanoi.ward_a, steps=steps)


def test_workflow_on_abolished_procedure_and_publish_before_approval(hanoi, city_admin, birth):
    workflow = workflow_for(city_admin, birth, hanoi.ward_a)
    with pytest.raises(ValidationError, match="Only an approved workflow"):
        publish_workflow(workflow, actor=city_admin)
    reviewed(city_admin, birth, hanoi.ward_a, Review.Proposal.ABOLISH)
    birth.refresh_from_db()
    with pytest.raises(ValidationError, match="has been abolished"):
        workflow_for(city_admin, birth, hanoi.ward_a)
    with pytest.raises(ValidationError, match="has been abolished"):
        approve_workflow(
            workflow, actor=city_admin, decision_number="1", decision_date=DECISION_DATE
        )


def test_reimported_shorter_legal_time_blocks_approval(hanoi, city_admin, birth):
    workflow = workflow_for(city_admin, birth, hanoi.ward_a)
    procedure_of(city_admin, hanoi.ward_a, days="2")
    with pytest.raises(ValidationError, match="of 2 working days \\(16 working hours\\)"):
        approve_workflow(
            workflow, actor=city_admin, decision_number="1", decision_date=DECISION_DATE
        )
