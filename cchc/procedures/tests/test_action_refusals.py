"""Each refusal of the procedures actions that is about the record (one ValidationError path
per test, nothing written) and each action's audit event: its verb, target, unit and details or
changes. Who may act is tested on the pages (test_view_scoping.py), where the answer does not
depend on whether the check sits in the action or in the permissions."""

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cchc.core.models import AuditEvent
from cchc.procedures.actions import (
    BaselineInput,
    StepInput,
    approve_review_campaign,
    approve_simplification_plan,
    approve_workflow,
    create_simplification_plan,
    edit_simplification_plan,
    edit_workflow,
    open_review_campaign,
    publish_workflow,
    record_review,
    set_procedure_baseline,
)
from cchc.procedures.models import (
    HourlyValue,
    Procedure,
    Review,
    ReviewCampaign,
    SimplificationPlan,
    Workflow,
)
from cchc.procedures.tests.factories import (
    DECISION_DATE,
    FIGURES,
    STEPS,
    campaign_over,
    catalogue,
    plan_for,
    reviewed,
    row,
    workflow_for,
)

pytestmark = pytest.mark.django_db


def refused(call: Any, *args: Any, **kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        call(*args, **kwargs)
    return error.value


def only_event(verb: str) -> AuditEvent:
    return AuditEvent.objects.get(verb=verb)


def no_event(verb: str) -> bool:
    return not AuditEvent.objects.filter(verb=verb).exists()


# --- review campaigns --------------------------------------------------------------------------


def campaign_input(hanoi: Any, city_admin: Any, birth: Procedure, **change: Any) -> dict[str, Any]:
    return {
        "actor": city_admin,
        "title": "Rà soát 2026",
        "year": 2026,
        "unit": hanoi.home_affairs,
        "procedures": [birth],
        "reviewer_units": [hanoi.ward_a],
        "deadline": datetime.date(2026, 9, 30),
    } | change


def test_a_campaign_without_procedures_is_refused(hanoi: Any, city_admin: Any, birth: Procedure):
    error = refused(open_review_campaign, **campaign_input(hanoi, city_admin, birth, procedures=[]))
    assert error.message_dict == {"procedures": ["Choose at least one procedure to review."]}
    assert not ReviewCampaign.objects.exists()


def test_a_campaign_without_reviewers_is_refused(hanoi: Any, city_admin: Any, birth: Procedure):
    error = refused(
        open_review_campaign, **campaign_input(hanoi, city_admin, birth, reviewer_units=[])
    )
    assert error.message_dict == {"reviewer_units": ["Choose at least one reviewer unit."]}
    assert not ReviewCampaign.objects.exists()


def test_a_campaign_over_an_abolished_procedure_is_refused(
    hanoi: Any, city_admin: Any, birth: Procedure
):
    Procedure.objects.filter(pk=birth.pk).update(status=Procedure.Status.ABOLISHED)
    birth.refresh_from_db()
    error = refused(open_review_campaign, **campaign_input(hanoi, city_admin, birth))
    assert error.message_dict == {
        "procedures": ["Abolished procedures cannot be reviewed: 1.000001."]
    }
    assert no_event("procedures.open_campaign")


def test_a_deadline_before_the_campaigns_year_is_refused(
    hanoi: Any, city_admin: Any, birth: Procedure
):
    error = refused(
        open_review_campaign,
        **campaign_input(hanoi, city_admin, birth, deadline=datetime.date(2025, 12, 31)),
    )
    assert error.message_dict == {"deadline": ["The deadline falls before the campaign's year."]}
    assert not ReviewCampaign.objects.exists()


def test_opening_a_campaign_is_audited_with_its_counts(
    hanoi: Any, city_admin: Any, birth: Procedure
):
    campaign = open_review_campaign(
        **campaign_input(hanoi, city_admin, birth, reviewer_units=[hanoi.ward_a, hanoi.ward_b])
    )
    event = only_event("procedures.open_campaign")
    assert (event.actor, event.target_id, event.unit) == (
        city_admin,
        str(campaign.pk),
        hanoi.home_affairs,
    )
    assert event.details == {"procedures": 1, "reviewer_units": 2}


def test_a_review_of_a_procedure_outside_the_campaign_is_refused(
    hanoi: Any, city_admin: Any, officer_a: Any, birth: Procedure
):
    catalogue(city_admin, [row(), row("1.000002", name="Đăng ký kết hôn")])
    other = Procedure.objects.get(code="1.000002")
    campaign = campaign_over(city_admin, [birth], [hanoi.ward_a])
    error = refused(
        record_review,
        campaign,
        actor=officer_a,
        procedure=other,
        unit=hanoi.ward_a,
        findings="x",
        proposal="keep",
    )
    assert error.messages == ["The procedure 1.000002 is not part of this campaign."]
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"findings": "  "}, "findings", "Write down what the review found."),
        ({"proposal": "postpone"}, "proposal", "Choose a proposal."),
    ],
)
def test_a_review_without_findings_or_with_an_unknown_proposal_is_refused(
    hanoi: Any,
    city_admin: Any,
    officer_a: Any,
    birth: Procedure,
    change: Any,
    field: str,
    message: str,
):
    campaign = campaign_over(city_admin, [birth], [hanoi.ward_a])
    values = {"procedure": birth, "unit": hanoi.ward_a, "findings": "Hồ sơ trùng lặp"}
    values |= {"proposal": "keep"} | change
    error = refused(record_review, campaign, actor=officer_a, **values)
    assert error.message_dict == {field: [message]}
    assert not Review.objects.exists()
    assert no_event("procedures.record_review")


def test_a_review_another_unit_recorded_is_not_overwritten(
    hanoi: Any, city_admin: Any, officer_b: Any, birth: Procedure
):
    campaign = campaign_over(city_admin, [birth], [hanoi.ward_a, hanoi.ward_b])
    record_review(
        campaign,
        actor=city_admin,
        procedure=birth,
        unit=hanoi.ward_a,
        findings="Phường A",
        proposal="keep",
    )
    error = refused(
        record_review,
        campaign,
        actor=officer_b,
        procedure=birth,
        unit=hanoi.ward_b,
        findings="Phường B",
        proposal="keep",
    )
    assert error.messages == [
        "Phường Ba Đình has already reviewed this procedure in this campaign."
    ]
    assert Review.objects.get().findings == "Phường A"


def test_correcting_a_review_is_audited_with_the_changes(
    hanoi: Any, city_admin: Any, officer_a: Any, birth: Procedure
):
    campaign = campaign_over(city_admin, [birth], [hanoi.ward_a])
    values = {"procedure": birth, "unit": hanoi.ward_a, "findings": "Hồ sơ trùng lặp"}
    review = record_review(campaign, actor=officer_a, proposal="keep", **values)
    record_review(campaign, actor=officer_a, proposal="simplify", reasons="Bỏ bản sao", **values)
    first, second = AuditEvent.objects.filter(verb="procedures.record_review").order_by("pk")
    assert (second.target_id, second.unit) == (str(review.pk), hanoi.ward_a)
    assert first.changes == {
        "findings": [None, "Hồ sơ trùng lặp"],
        "proposal": [None, "keep"],
        "reasons": [None, ""],
    }
    assert second.changes == {"proposal": ["keep", "simplify"], "reasons": ["", "Bỏ bản sao"]}
    assert Review.objects.get().proposal == Review.Proposal.SIMPLIFY


@pytest.mark.parametrize(
    ("number", "date", "field", "message"),
    [
        ("", DECISION_DATE, "decision_number", "Give the number of the decision."),
        ("12/QĐ-UBND", None, "decision_date", "Give the date of the decision."),
    ],
)
def test_a_campaign_decision_without_number_or_date_is_refused(
    hanoi: Any, city_admin: Any, birth: Procedure, number: str, date: Any, field: str, message: str
):
    campaign = reviewed(city_admin, birth, hanoi.ward_a, "keep", approve=False)
    error = refused(
        approve_review_campaign,
        campaign,
        actor=city_admin,
        decision_number=number,
        decision_date=date,
    )
    assert error.message_dict == {field: [message]}
    campaign.refresh_from_db()
    assert campaign.is_open


def test_a_campaign_is_approved_once(hanoi: Any, city_admin: Any, birth: Procedure):
    campaign = reviewed(city_admin, birth, hanoi.ward_a, "keep")
    error = refused(
        approve_review_campaign,
        campaign,
        actor=city_admin,
        decision_number="13/QĐ-UBND",
        decision_date=DECISION_DATE,
    )
    assert error.messages == ["The campaign has already been approved."]
    campaign.refresh_from_db()
    assert campaign.decision_number == "12/QĐ-UBND"


def test_approving_a_campaign_is_audited_with_the_decision_and_counts(
    hanoi: Any, city_admin: Any, birth: Procedure
):
    campaign = reviewed(city_admin, birth, hanoi.ward_a, Review.Proposal.ABOLISH)
    event = only_event("procedures.approve_campaign")
    assert (event.target_id, event.unit) == (str(campaign.pk), campaign.unit)
    assert event.details == {"decision": "12/QĐ-UBND", "reviews": 1, "abolished": 1}


# --- simplification plans ----------------------------------------------------------------------


def test_a_plan_citing_a_review_of_another_procedure_is_refused(
    hanoi: Any, city_admin: Any, officer_a: Any
):
    catalogue(city_admin, [row(), row("1.000002", name="Đăng ký kết hôn")])
    birth, marriage = Procedure.objects.order_by("code")
    campaign = reviewed(city_admin, marriage, hanoi.ward_a, "simplify")
    review = campaign.reviews.get()
    error = refused(
        create_simplification_plan,
        birth,
        actor=officer_a,
        unit=hanoi.ward_a,
        year=2026,
        figures=FIGURES,
        review=review,
    )
    assert error.messages == ["The review is about another procedure."]
    assert not SimplificationPlan.objects.exists()


def test_creating_a_plan_is_audited_with_the_hourly_value_and_costs(
    hanoi: Any, officer_a: Any, birth: Procedure
):
    plan = plan_for(officer_a, birth, hanoi.ward_a)
    event = only_event("procedures.create_plan")
    assert (event.actor, event.target_id, event.unit) == (officer_a, str(plan.pk), hanoi.ward_a)
    hourly = HourlyValue.objects.value_on(datetime.date.today())
    assert event.details["hourly_value"] == hourly == plan.hourly_value
    assert event.details["saving"] == plan.saving


def test_an_approved_plan_is_not_edited(
    hanoi: Any, city_admin: Any, officer_a: Any, birth: Procedure
):
    plan = plan_for(officer_a, birth, hanoi.ward_a)
    approve_simplification_plan(
        plan, actor=city_admin, decision_number="5/QĐ", decision_date=DECISION_DATE
    )
    error = refused(
        edit_simplification_plan, plan, actor=officer_a, version=1, year=2027, figures=FIGURES
    )
    assert error.messages == ["The plan has already been approved."]
    plan.refresh_from_db()
    assert (plan.year, plan.version) == (2026, 1)
    assert no_event("procedures.edit_plan")


def test_a_stale_plan_edit_is_refused(hanoi: Any, officer_a: Any, birth: Procedure):
    plan = plan_for(officer_a, birth, hanoi.ward_a)
    edit_simplification_plan(plan, actor=officer_a, version=1, year=2026, figures=FIGURES)
    error = refused(
        edit_simplification_plan, plan, actor=officer_a, version=1, year=2027, figures=FIGURES
    )
    assert error.messages == [
        "Someone else saved this plan since you opened it: reload it and make your changes again."
    ]
    plan.refresh_from_db()
    assert (plan.year, plan.version) == (2026, 2)


def test_a_plan_on_a_procedure_abolished_since_is_not_edited(
    hanoi: Any, city_admin: Any, officer_a: Any, birth: Procedure
):
    plan = plan_for(officer_a, birth, hanoi.ward_a)
    Procedure.objects.filter(pk=birth.pk).update(status=Procedure.Status.ABOLISHED)
    error = refused(
        edit_simplification_plan, plan, actor=officer_a, version=1, year=2026, figures=FIGURES
    )
    assert error.messages == [
        "The procedure 1.000001 has been abolished; it takes no plan or workflow."
    ]
    assert no_event("procedures.edit_plan")


def test_a_plan_edit_with_a_negative_figure_is_refused(
    hanoi: Any, officer_a: Any, birth: Procedure
):
    plan = plan_for(officer_a, birth, hanoi.ward_a)
    figures = dataclasses.replace(FIGURES, steps_after=-1)
    error = refused(
        edit_simplification_plan, plan, actor=officer_a, version=1, year=2026, figures=figures
    )
    assert error.message_dict == {"steps_after": ["Steps after cannot be negative (-1)."]}
    plan.refresh_from_db()
    assert plan.steps_after == FIGURES.steps_after


def test_editing_a_plan_is_audited_with_the_costs_that_changed(
    hanoi: Any, officer_a: Any, birth: Procedure
):
    plan = plan_for(officer_a, birth, hanoi.ward_a)
    before = (plan.cost_after, str(plan.cut_pct))
    figures = dataclasses.replace(FIGURES, hours_after=Decimal(40))
    edited = edit_simplification_plan(
        plan, actor=officer_a, version=1, year=2026, figures=figures, notes="Liên thông"
    )
    event = only_event("procedures.edit_plan")
    assert (event.target_id, event.unit) == (str(plan.pk), hanoi.ward_a)
    assert event.changes == {
        "cost_after": [before[0], edited.cost_after],
        "cut_pct": [before[1], str(edited.cut_pct)],
    }
    assert edited.cost_after < before[0]


def test_a_plan_decision_without_a_number_is_refused(
    hanoi: Any, city_admin: Any, officer_a: Any, birth: Procedure
):
    plan = plan_for(officer_a, birth, hanoi.ward_a)
    error = refused(
        approve_simplification_plan,
        plan,
        actor=city_admin,
        decision_number=" ",
        decision_date=DECISION_DATE,
    )
    assert error.message_dict == {"decision_number": ["Give the number of the decision."]}
    plan.refresh_from_db()
    assert plan.status == SimplificationPlan.Status.DRAFT


def test_a_plan_is_approved_once_and_audited_with_its_saving(
    hanoi: Any, city_admin: Any, officer_a: Any, birth: Procedure
):
    plan = plan_for(officer_a, birth, hanoi.ward_a)
    approve_simplification_plan(
        plan, actor=city_admin, decision_number=" 5/QĐ ", decision_date=DECISION_DATE
    )
    error = refused(
        approve_simplification_plan,
        plan,
        actor=city_admin,
        decision_number="6/QĐ",
        decision_date=DECISION_DATE,
    )
    assert error.messages == ["The plan has already been approved."]
    event = only_event("procedures.approve_plan")
    assert (event.target_id, event.unit) == (str(plan.pk), hanoi.ward_a)
    assert event.details == {"decision": "5/QĐ", "saving": plan.saving}


# --- workflows ---------------------------------------------------------------------------------


def test_creating_workflows_numbers_the_versions_and_audits_them(
    hanoi: Any, officer_a: Any, birth: Procedure
):
    first = workflow_for(officer_a, birth, hanoi.ward_a)
    second = workflow_for(officer_a, birth, hanoi.ward_a)
    assert (first.version, second.version) == (1, 2)
    events = AuditEvent.objects.filter(verb="procedures.create_workflow").order_by("pk")
    assert [(e.target_id, e.unit) for e in events] == [
        (str(first.pk), hanoi.ward_a),
        (str(second.pk), hanoi.ward_a),
    ]
    assert events[1].details == {"version": 2, "steps": 4, "hours": "24"}


def test_a_step_without_who_is_responsible_is_refused_on_edit(
    hanoi: Any, officer_a: Any, birth: Procedure
):
    workflow = workflow_for(officer_a, birth, hanoi.ward_a)
    error = refused(
        edit_workflow,
        workflow,
        actor=officer_a,
        steps=[STEPS[0], StepInput(" ", "Thẩm định", Decimal(2))],
    )
    assert error.messages == ["Step 2 needs who is responsible and the work."]
    assert workflow.steps.count() == 4
    assert no_event("procedures.edit_workflow")


def test_editing_a_workflow_is_audited_with_the_totals(
    hanoi: Any, officer_a: Any, birth: Procedure
):
    workflow = workflow_for(officer_a, birth, hanoi.ward_a)
    edit_workflow(workflow, actor=officer_a, steps=STEPS[:2])
    event = only_event("procedures.edit_workflow")
    assert (event.target_id, event.unit) == (str(workflow.pk), hanoi.ward_a)
    # Before: the stored total (two decimals, read back); after: the steps' sum as entered.
    assert event.changes == {"steps": [4, 2], "hours": ["24.00", "16"]}


def test_an_approved_workflow_is_not_approved_again(
    hanoi: Any, city_admin: Any, officer_a: Any, birth: Procedure
):
    workflow = workflow_for(officer_a, birth, hanoi.ward_a)
    approve_workflow(
        workflow, actor=city_admin, decision_number="7/QĐ", decision_date=DECISION_DATE
    )
    error = refused(
        approve_workflow,
        workflow,
        actor=city_admin,
        decision_number="8/QĐ",
        decision_date=DECISION_DATE,
    )
    assert error.messages == ["Only a draft workflow can be approved."]
    workflow.refresh_from_db()
    assert workflow.decision_number == "7/QĐ"


def test_a_workflow_decision_in_the_future_is_refused(
    hanoi: Any, city_admin: Any, officer_a: Any, birth: Procedure
):
    workflow = workflow_for(officer_a, birth, hanoi.ward_a)
    # Two days ahead: still in the future if the test runs across Hà Nội's midnight.
    later = datetime.date.today() + datetime.timedelta(days=2)
    error = refused(
        approve_workflow, workflow, actor=city_admin, decision_number="7/QĐ", decision_date=later
    )
    assert error.message_dict == {"decision_date": ["The decision date cannot be in the future."]}
    workflow.refresh_from_db()
    assert workflow.status == Workflow.Status.DRAFT


def test_approving_and_publishing_are_audited_with_the_versions_superseded(
    hanoi: Any, city_admin: Any, officer_a: Any, birth: Procedure
):
    first = workflow_for(officer_a, birth, hanoi.ward_a)
    approve_workflow(first, actor=city_admin, decision_number="7/QĐ", decision_date=DECISION_DATE)
    publish_workflow(first, actor=city_admin)
    second = workflow_for(officer_a, birth, hanoi.ward_a)
    approve_workflow(second, actor=city_admin, decision_number="9/QĐ", decision_date=DECISION_DATE)
    publish_workflow(second, actor=city_admin)
    approvals = AuditEvent.objects.filter(verb="procedures.approve_workflow").order_by("pk")
    assert [e.details for e in approvals] == [
        {"decision": "7/QĐ", "version": 1},
        {"decision": "9/QĐ", "version": 2},
    ]
    published = AuditEvent.objects.filter(verb="procedures.publish_workflow").order_by("pk")
    assert [(e.target_id, e.unit, e.details) for e in published] == [
        (str(first.pk), hanoi.ward_a, {"superseded": []}),
        (str(second.pk), hanoi.ward_a, {"superseded": [1]}),
    ]
    first.refresh_from_db()
    assert first.status == Workflow.Status.SUPERSEDED


def test_a_published_workflow_is_not_published_again(
    hanoi: Any, city_admin: Any, officer_a: Any, birth: Procedure
):
    workflow = workflow_for(officer_a, birth, hanoi.ward_a)
    approve_workflow(
        workflow, actor=city_admin, decision_number="7/QĐ", decision_date=DECISION_DATE
    )
    publish_workflow(workflow, actor=city_admin)
    error = refused(publish_workflow, workflow, actor=city_admin)
    assert error.messages == ["Only an approved workflow can be published."]
    assert AuditEvent.objects.filter(verb="procedures.publish_workflow").count() == 1


# --- the baseline ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "field", "message"),
    [
        (
            BaselineInput(True, 2024, Decimal(10), None),
            None,
            "Give the baseline year, processing time and compliance cost together.",
        ),
        (
            BaselineInput(True, 1999, Decimal(10), 1000),
            "baseline_year",
            "The baseline year must be from 2000 to this year.",
        ),
        (
            BaselineInput(True, 2024, Decimal("2.25"), 1000),
            "baseline_days",
            "The processing time is a number of days with one decimal.",
        ),
        (
            BaselineInput(True, 2024, Decimal(10), -1),
            "baseline_cost",
            "The compliance cost cannot be negative.",
        ),
    ],
)
def test_a_baseline_that_does_not_hold_is_refused(
    city_admin: Any, birth: Procedure, baseline: BaselineInput, field: str | None, message: str
):
    error = refused(set_procedure_baseline, birth, actor=city_admin, baseline=baseline)
    if field is None:
        assert error.messages == [message]
    else:
        assert error.message_dict == {field: [message]}
    birth.refresh_from_db()
    assert (birth.baseline_year, birth.baseline_days, birth.baseline_cost) == (None, None, None)
    assert no_event("procedures.set_baseline")


def test_a_baseline_year_after_this_year_is_refused(city_admin: Any, birth: Procedure):
    next_year = datetime.date.today().year + 1
    baseline = BaselineInput(True, next_year, Decimal(10), 1000)
    error = refused(set_procedure_baseline, birth, actor=city_admin, baseline=baseline)
    assert list(error.message_dict) == ["baseline_year"]


def test_setting_the_baseline_is_audited_with_the_changes(city_admin: Any, birth: Procedure):
    set_procedure_baseline(
        birth, actor=city_admin, baseline=BaselineInput(True, 2024, Decimal("7.5"), 4_000_000)
    )
    event = only_event("procedures.set_baseline")
    assert (event.actor, event.target_id) == (city_admin, str(birth.pk))
    assert event.changes["baseline_year"] == [None, 2024]
    assert event.changes["baseline_cost"] == [None, 4_000_000]
    assert event.changes["business_related"] == [False, True]
    birth.refresh_from_db()
    assert birth.baseline_days == Decimal("7.5")
