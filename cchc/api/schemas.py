import datetime
from decimal import Decimal
from typing import Any

from ninja import Schema

from cchc.plans.permissions import can_edit_plan, can_report_task


class UnitOut(Schema):
    id: int
    code: str
    legacy: bool
    kind: str
    name: str
    short_name: str
    parent_id: int | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    is_demo: bool


class UnitDetailOut(UnitOut):
    path: str
    children_count: int
    successor_ids: list[int]
    predecessor_ids: list[int]


class MeOut(Schema):
    username: str
    full_name: str
    is_city_admin: bool
    memberships: list[dict[str, str | int]]


class ErrorOut(Schema):
    detail: str


class PlanOut(Schema):
    id: int
    year: int
    unit_id: int
    unit: str
    parent_id: int | None
    title: str
    document_number: str
    document_date: datetime.date | None
    signer: str
    status: str
    issued_at: datetime.datetime | None

    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return str(obj.unit.name)


class PlanDetailOut(PlanOut):
    task_count: int  # the tasks of this plan the caller sees
    can_edit: bool

    @staticmethod
    def resolve_task_count(obj: Any, context: dict[str, Any]) -> int:
        tasks = obj.tasks.all()
        user = context["request"].auth
        # As on the plan page: a unit that sees the plan only through its own unit plan sees
        # only its own tasks.
        return int((tasks if obj.unit.is_visible_to(user) else tasks.for_user(user)).count())

    @staticmethod
    def resolve_can_edit(obj: Any, context: dict[str, Any]) -> bool:
        return can_edit_plan(context["request"].auth, obj)


class TaskOut(Schema):
    id: int
    plan_id: int
    code: str
    title: str
    area: str  # the content area's code
    lead_unit_id: int
    lead_unit: str
    parent_id: int | None
    deadline: datetime.date
    original_deadline: datetime.date
    status: str  # derived: in_term, overdue, on_time, late, cancelled (Decision 42/2014)
    progress: int
    failed_reviews: int
    priority: str
    weight: float
    completed_on: datetime.date | None

    @staticmethod
    def resolve_area(obj: Any) -> str:
        return str(obj.area.code)

    @staticmethod
    def resolve_lead_unit(obj: Any) -> str:
        return str(obj.lead_unit.name)


class TaskDetailOut(TaskOut):
    description: str
    expected_output: str
    cooperating_unit_ids: list[int]
    responsible: str | None
    source: str
    source_ref: str
    implements_id: int | None
    cancelled_at: datetime.datetime | None
    cancel_reason: str
    can_report: bool

    @staticmethod
    def resolve_cooperating_unit_ids(obj: Any) -> list[int]:
        return sorted(unit.pk for unit in obj.cooperating_units.all())

    @staticmethod
    def resolve_responsible(obj: Any) -> str | None:
        return obj.responsible.get_full_name() if obj.responsible else None

    @staticmethod
    def resolve_can_report(obj: Any, context: dict[str, Any]) -> bool:
        return can_report_task(context["request"].auth, obj)


class ReportOut(Schema):
    id: int
    task_id: int
    author: str
    percent: int
    narrative: str
    is_completion: bool
    output: str
    status: str  # submitted, accepted, returned
    submitted_at: datetime.datetime
    decided_at: datetime.datetime | None
    return_reason: str
    evidence: list[str]  # file names; files are downloaded from the task page

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return str(obj.author.get_full_name() or obj.author.username)

    @staticmethod
    def resolve_evidence(obj: Any) -> list[str]:
        return [item.original_name for item in obj.evidence.all()]


class ReportIn(Schema):
    # No bounds here: submit_report refuses out-of-range values with its own message.
    percent: int
    narrative: str
    is_completion: bool = False
    output: str = ""


class MonthOut(Schema):
    month: str  # YYYY-MM
    closed_at: datetime.datetime

    @staticmethod
    def resolve_month(obj: Any) -> str:
        return f"{obj.month:%Y-%m}"


class TallyRowOut(Schema):
    scope: str  # city, unit, area, person
    label: str
    unit_id: int | None
    area: str | None  # the content area's code
    person_id: int | None
    assigned: int
    due_in_month: int
    on_time: int
    late: int
    in_term: int
    overdue: int
    due: int  # on time + late + overdue: the base of both rates
    completed: int  # on time + late
    # Percent to two decimals, rounded half-up; null when nothing was due (never 100).
    completion_rate: float | None  # completed ÷ due: the headline rate
    on_time_rate: float | None
    reviewed: int
    reviews_passed: int
    quality_rate: float | None
    # Earlier years' tasks still unfinished at the month's end: outside every figure above.
    carried_over: int
    reported_in_month: bool

    @staticmethod
    def resolve_area(obj: Any) -> str | None:
        return obj.area.code if obj.area_id else None


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]


# --- ratings -------------------------------------------------------------------------------
# Points and percentages are JSON numbers with at most two decimals (stored as decimals rounded
# half-up to cents, as the pages show them); task weight sums have at most four.


class UnitRefOut(Schema):
    id: int
    code: str
    name: str


class PersonRefOut(Schema):
    id: int
    username: str
    full_name: str


class RoundOut(Schema):
    month: str  # YYYY-MM
    scope: str  # civil_service (Decree 335) or public_employee
    policy_id: int
    policy: str  # the policy's name
    generated_at: datetime.datetime
    ratings: int  # the ratings of the round the caller sees; the counts below likewise
    bands: dict[str, int]  # excellent, good, complete, not_complete
    approved: int
    capped: int  # moved from excellent to good by the cap


class YearLineOut(Schema):
    kind: str  # unit, head, person
    unit: str  # the unit's code
    person: str | None  # username
    group: str | None  # the group of similar tasks; None: the unit's single group
    points: float
    band: str  # excellent, good, complete, not_complete (a preset's labels map onto them)
    cap_applied: bool  # moved from excellent to good by the cap of point 5(a)
    discipline: str | None  # the number of the decision forcing "not complete"


class YearOut(Schema):
    year: int
    provisional: bool
    ratings: list[YearLineOut]


class RatingFields(Schema):
    """The fields of a rating, without resolvers: ScorecardOut is built from a dict of them."""

    id: int
    month: str  # YYYY-MM
    kind: str  # unit, head, person
    label: str
    unit: UnitRefOut
    person: PersonRefOut | None  # the head or responsible person; null for a unit's rating
    peer_group: str  # departments, wards, public_service, other
    days_held: int | None  # days the head held the position in the month
    tasks: int
    completed: int
    late: int
    not_completed: int
    failed_reviews: int
    extensions: int
    quantity_pct: float
    quality_pct: float
    progress_pct: float
    task_points: float
    general_points: float | None  # null until assessed
    total: float
    score_band: str  # the band of the total alone
    band: str  # after discipline and the cap: excellent, good, complete, not_complete
    cap_applied: bool
    discipline: str | None  # number of the disciplinary decision that forced "not complete"
    status: str  # computed, assessed, approved


class RatingOut(RatingFields):
    @staticmethod
    def resolve_month(obj: Any) -> str:
        return f"{obj.round.month:%Y-%m}"

    @staticmethod
    def resolve_discipline(obj: Any) -> str | None:
        return obj.discipline.number if obj.discipline_id else None


class PolicyOut(Schema):
    id: int
    name: str
    valid_from: datetime.date
    general_max: float
    task_max: float
    weight_quantity: float
    weight_quality: float
    weight_progress: float
    review_deduction: float  # share of a task's quality credit lost per failed review
    delay_deduction: float  # share of a task's progress credit lost per delay
    extension_is_delay: bool
    excellent_min: float
    good_min: float
    complete_min: float
    excellent_cap_pct: float
    response_days: int


class StepOut(Schema):
    numerator: float  # task weights credited
    denominator: float  # task weights assigned
    pct: float


class StepsOut(Schema):
    quantity: StepOut
    quality: StepOut
    progress: StepOut
    task_points: float  # task_max × weighted mean of the three percentages / 100
    general_points: float | None
    total: float


class GeneralScoreOut(Schema):
    code: str
    title: str
    max_points: float
    points: float

    @staticmethod
    def resolve_code(obj: Any) -> str:
        return str(obj.criterion.code)

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.criterion.title)

    @staticmethod
    def resolve_max_points(obj: Any) -> float:
        return float(obj.criterion.max_points)


class TrendPointOut(Schema):
    id: int
    month: str  # YYYY-MM
    total: float
    band: str

    @staticmethod
    def resolve_month(obj: Any) -> str:
        return f"{obj.round.month:%Y-%m}"


class OpenResponsibilityOut(Schema):
    id: int
    task_id: int
    task_code: str
    title: str  # the task's title
    person: PersonRefOut
    role: str  # responsible, head
    days_overdue: int
    handling: str  # "" (not decided), reminder, explanation, self_criticism, discipline

    @staticmethod
    def resolve_task_code(obj: Any) -> str:
        return str(obj.task.code)

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.task.title)


class CommitmentOut(Schema):
    task_id: int
    code: str
    title: str
    deadline: datetime.date
    responsible: str | None

    @staticmethod
    def resolve_task_id(obj: Any) -> int:
        return int(obj.pk)

    @staticmethod
    def resolve_responsible(obj: Any) -> str | None:
        return obj.responsible.get_full_name() if obj.responsible else None


class CountedTaskOut(Schema):
    """A task the rating's calculation counted, as it stood at the month's end."""

    id: int
    code: str
    title: str
    deadline: datetime.date
    outcome: str  # on_time, late, not_completed (the calculation's words)
    days_overdue: int  # at the month's end, when not completed
    completed_later: datetime.date | None  # completed only after the month's end or the close

    @staticmethod
    def resolve_id(obj: Any) -> int:
        return obj.task.pk

    @staticmethod
    def resolve_code(obj: Any) -> str:
        return obj.task.code

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return obj.task.title

    @staticmethod
    def resolve_deadline(obj: Any) -> datetime.date:
        return obj.task.deadline


class ScorecardOut(RatingFields):
    assessor_comment: str
    assessed_at: datetime.datetime | None
    response: str
    responded_at: datetime.datetime | None
    response_deadline: datetime.date | None
    approved_at: datetime.datetime | None
    reopen_reason: str
    policy: PolicyOut
    steps: StepsOut
    general_scores: list[GeneralScoreOut]
    tally: TallyRowOut | None  # the unit's row of the month's tally (the year to date)
    counted_tasks: list[CountedTaskOut]  # what the calculation counted (as tasks, completed…)
    trend: list[TrendPointOut]  # the same subject's ratings over 12 months, oldest first
    responsibilities: list[OpenResponsibilityOut]  # still open
    commitments: list[CommitmentOut]  # the unit's open tasks from monthly briefings


class PeriodLineOut(Schema):
    kind: str
    unit_id: int
    person_id: int | None
    label: str
    peer_group: str
    months: int  # months rated in the period
    approved_months: int
    total: float  # mean of the monthly totals, weighted by the days a head held the position
    score_band: str
    band: str
    cap_applied: bool
    discipline_id: int | None

    @staticmethod
    def resolve_approved_months(obj: Any) -> int:
        return int(obj.approved)


class ResponsibilityOut(Schema):
    id: int
    task_id: int
    task_code: str
    title: str  # the task's title
    person: PersonRefOut
    role: str  # responsible, head
    unit: UnitRefOut
    first_month: str  # YYYY-MM: overdue since the close of this month
    last_month: str  # YYYY-MM: last found overdue at the close of this month
    deadline: datetime.date
    days_overdue: int
    reason: str
    handling: str  # "" (not decided), reminder, explanation, self_criticism, discipline
    handling_note: str
    decided_at: datetime.datetime | None
    closed_at: datetime.datetime | None

    @staticmethod
    def resolve_task_code(obj: Any) -> str:
        return str(obj.task.code)

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.task.title)

    @staticmethod
    def resolve_first_month(obj: Any) -> str:
        return f"{obj.first_month:%Y-%m}"

    @staticmethod
    def resolve_last_month(obj: Any) -> str:
        return f"{obj.last_month:%Y-%m}"


# --- indices -------------------------------------------------------------------------------
# The city's reform index (issue #5). Points and percentages are JSON numbers (stored as
# decimals with two places); a group is "A", "B", "C" or null below group C.


class FrameworkOut(Schema):
    id: int
    year: int
    group: str  # target group: departments, wards, public_service, central
    title: str
    status: str  # draft, published (frozen)
    is_illustrative: bool  # the maxima are not the official ones
    appraisal_max: float
    survey_max: float
    group_a_min: float  # index percent from which a unit is in group A
    group_b_min: float
    group_c_min: float
    step: float  # the unit scores in steps of this many points
    published_at: datetime.datetime | None


class CriterionOut(Schema):
    code: str
    parent_code: str | None  # null for an area (a root)
    title: str
    max_points: float
    min_points: float  # below zero only under a bonus/penalty node
    method: str  # manual, computed, survey
    is_bonus_penalty: bool
    evidence_required: bool
    guidance: str
    order: int

    @staticmethod
    def resolve_parent_code(obj: Any) -> str | None:
        return obj.parent.code if obj.parent_id else None


class FrameworkDetailOut(FrameworkOut):
    notes: str
    copied_from_id: int | None
    criteria: list[CriterionOut]  # the tree as a flat list, parents before their children

    @staticmethod
    def resolve_criteria(obj: Any) -> Any:
        return obj.criteria.select_related("parent").order_by("order")


class IndexRoundRefOut(Schema):
    id: int
    title: str
    framework_id: int
    year: int
    group: str
    deadline: datetime.date

    @staticmethod
    def resolve_year(obj: Any) -> int:
        return int(obj.framework.year)

    @staticmethod
    def resolve_group(obj: Any) -> str:
        return str(obj.framework.group)


class AssessmentOut(Schema):
    id: int
    round: IndexRoundRefOut
    unit: UnitRefOut
    status: str  # draft, submitted, appraised (sent to the unit), finalised
    submitted_at: datetime.datetime | None
    sent_at: datetime.datetime | None  # when the appraisal was sent to the unit
    response_deadline: datetime.date | None
    finalised_at: datetime.datetime | None
    scored: int  # manual criteria the unit has scored so far (computed ones are pre-filled)


class ScoreLineOut(Schema):
    """A criterion that gets points per unit (manual or computed leaf) and the unit's score."""

    code: str
    title: str
    max_points: float
    min_points: float
    method: str  # manual (scored by the unit), computed (pre-filled with its calculation)
    evidence_required: bool
    points: float | None  # the self-score; null until scored
    explanation: str
    calculation: str
    version: int | None  # send it back when changing the score (optimistic locking)
    evidence: list[str]  # file names; files are downloaded from the assessment page
    cited_task_ids: list[int]
    cited_report_ids: list[int]
    appraised: float | None  # null until decided, or while the appraisal is not shown


class AssessmentDetailOut(AssessmentOut):
    response: str  # the unit's response to the appraisal
    responded_at: datetime.datetime | None
    appraisal_shown: bool  # false: the appraised points are withheld from the unit until sent
    criteria: list[ScoreLineOut]


class ScoreIn(Schema):
    criterion: str  # the criterion's code, e.g. "1.1"
    # No bounds here: score_criterion refuses out-of-range values with its own message.
    points: Decimal
    explanation: str = ""
    version: int | None = None  # the version read; a newer one on the server is refused


class ScoreOut(Schema):
    criterion: str
    points: float
    explanation: str
    calculation: str
    version: int
    updated_at: datetime.datetime

    @staticmethod
    def resolve_criterion(obj: Any) -> str:
        return str(obj.criterion.code)


class PublishedRoundOut(Schema):
    id: int
    title: str
    framework_id: int
    framework: str  # the framework's title
    year: int
    group: str
    is_illustrative: bool
    published_at: datetime.datetime
    results: int  # units ranked

    @staticmethod
    def resolve_framework(obj: Any) -> str:
        return str(obj.framework.title)

    @staticmethod
    def resolve_year(obj: Any) -> int:
        return int(obj.framework.year)

    @staticmethod
    def resolve_group(obj: Any) -> str:
        return str(obj.framework.group)

    @staticmethod
    def resolve_is_illustrative(obj: Any) -> bool:
        return bool(obj.framework.is_illustrative)

    @staticmethod
    def resolve_results(obj: Any) -> int:
        return int(obj.result_count)


class ResultOut(Schema):
    rank: int  # ties share a rank (1, 2, 2, 4)
    unit_id: int
    unit_code: str
    unit_name: str  # as it was when the round was published
    appraised: float
    survey: float | None  # null when the framework's year had no survey
    total: float
    percent: float
    group: str | None
    previous_percent: float | None  # the unit's index percent in the previous year
    areas: list[dict[str, Any]]  # per area: code, title, points, max, rank
    # The rank interval under ±25 % noisy area weights (docs/indices.md); null for rounds
    # published before it was computed.
    rank_median: float | None
    rank_q05: float | None
    rank_q95: float | None

    @staticmethod
    def resolve_unit_code(obj: Any) -> str:
        return str(obj.unit.code)

    @staticmethod
    def resolve_group(obj: Any) -> str | None:
        return obj.group or None


class RoundResultsOut(Schema):
    round: PublishedRoundOut
    results: list[ResultOut]


# --- surveys: results ---


class SurveyCampaignOut(Schema):
    id: int
    title: str
    questionnaire_id: int
    questionnaire: str  # the questionnaire's title
    questionnaire_version: int
    period_start: datetime.date
    period_end: datetime.date
    margin: float  # e in n = N / (1 + N·e²)
    status: str  # open, closed
    units: int  # the surveyed units the caller sees


class SurveyElementOut(Schema):
    element: str  # access, procedures, civil_servants, results, feedback
    label: str
    responses: int  # accepted responses that rated the element
    answers: int  # their ratings of the element
    satisfied: int  # the ratings at or above the questionnaire's satisfied point
    percent: float | None  # satisfied / answers × 100, null without answers
    low: float | None  # 95% Wilson interval, percent
    high: float | None
    below_sample: bool  # fewer responses than the unit's required sample


class SurveyUnitResultOut(Schema):
    unit_id: int
    unit_code: str
    unit_name: str
    transactions: int  # N
    required: int  # n = ⌈N / (1 + N·e²)⌉
    accepted: int
    below_sample: bool
    overall: float | None  # mean of the elements' percents
    elements: list[SurveyElementOut]


class SurveyResultsOut(Schema):
    campaign: SurveyCampaignOut
    scale_points: int
    satisfied_from: int
    units: list[SurveyUnitResultOut]


# --- surveys: public submission ---

from ninja import Field as SchemaField  # noqa: E402


class SurveyResponseIn(Schema):
    token: str = SchemaField(
        ..., min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$"
    )  # the unit's link token (the last part of /surveys/f/<token>/)
    answers: dict[str, Any]  # {question code: rating, option value, [option values] or text}
    contact: str | None = SchemaField(None, max_length=200)  # only if the respondent opts in
    # The version of the consent wording the respondent ticked (GET /privacy/consent): required
    # with a contact, which is refused (422) without it (Law 91/2025/QH15 Art. 9).
    consent_version: str | None = SchemaField(None, max_length=20)


class SurveyResponseOut(Schema):
    id: int
    status: str  # received, or flagged (e.g. the same client sent the same answers before)
    # With a contact given: the receipt code to show the respondent; with it and the contact
    # (or a one-time code sent there) they see, correct or erase their data at /privacy/my-data/.
    receipt: str = ""


class RefusalOut(Schema):
    detail: str


# --- inspections ---


class InspectionFields(Schema):
    id: int
    title: str
    kind: str  # planned, surprise, incognito
    status: str  # planned, in_progress, concluded
    unit_id: int  # the inspecting unit
    unit: str
    plan_id: int | None
    decision_number: str
    decision_date: datetime.date
    decision_signer: str
    start_date: datetime.date
    end_date: datetime.date
    target_unit_ids: list[int]
    findings: int  # the findings the caller sees (on the list: all findings)


class InspectionOut(InspectionFields):
    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return str(obj.unit.name)

    @staticmethod
    def resolve_target_unit_ids(obj: Any) -> list[int]:
        return [target.unit_id for target in obj.targets.all()]

    @staticmethod
    def resolve_findings(obj: Any) -> int:
        return int(getattr(obj, "finding_count", 0))


class InspectionTeamMemberOut(Schema):
    name: str
    user_id: int | None
    role: str  # head, deputy, member
    position: str


class InspectionFindingOut(Schema):
    id: int
    unit_id: int
    unit: str
    item: str  # the checklist item's code
    severity: str  # minor, moderate, serious
    description: str
    person_id: int | None
    against_head: bool
    observed_at: datetime.datetime
    files: int


class InspectionConclusionOut(Schema):
    number: str
    date: datetime.date
    signer: str
    text: str
    issued_at: datetime.datetime


class InspectionRecommendationOut(Schema):
    id: int
    reference: str  # KTCV-<inspection>-KN<n>, also the remediation task's code
    inspection_id: int
    conclusion_number: str
    text: str
    unit_id: int
    unit: str
    person_id: int | None
    deadline: datetime.date
    status: str  # open, remedied, partly, not_remedied
    days_overdue: int
    task_id: int | None

    @staticmethod
    def resolve_reference(obj: Any) -> str:
        return str(obj.reference)

    @staticmethod
    def resolve_inspection_id(obj: Any) -> int:
        return int(obj.conclusion.inspection_id)

    @staticmethod
    def resolve_conclusion_number(obj: Any) -> str:
        return str(obj.conclusion.number)

    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return str(obj.unit.name)

    @staticmethod
    def resolve_days_overdue(obj: Any) -> int:
        return int(obj.days_overdue())


class InspectionDetailOut(InspectionFields):
    checklist: list[str]  # checklist item codes
    team: list[InspectionTeamMemberOut]
    findings_list: list[InspectionFindingOut]
    conclusion: InspectionConclusionOut | None
    recommendations: list[InspectionRecommendationOut]


# --- dialogues ---


class DialogueConferenceOut(Schema):
    id: int
    title: str
    level: str  # city, department, ward
    host_unit_id: int
    host_unit_name: str
    starts_at: datetime.datetime
    place: str
    online_link: str
    audiences: list[str]  # citizens, organisations, businesses, sector
    sector: str
    chair: str
    status: str  # announced, held, closed
    accepts_petitions: bool  # the public form is open (announced, public, ahead)
    attendance: int | None

    @staticmethod
    def resolve_host_unit_name(obj: Any) -> str:
        return str(obj.host_unit.name)

    @staticmethod
    def resolve_chair(obj: Any) -> str:
        return str(obj.chair_display)


class DialoguePetitionOut(Schema):
    id: int
    code: str
    title: str
    content: str
    status: str  # received, screened, routed, answered, published, closed
    channel: str  # web, meeting, writing
    submitter_type: str  # citizen, organisation, business
    conference_id: int | None
    unit_id: int  # the receiving unit
    responsible_unit_id: int | None
    responsible_unit_name: str | None
    field: str | None  # the field's code
    issue_group: str | None  # the issue group's code
    deadline: datetime.date | None
    days_overdue: int
    flagged: bool
    merged_into: str | None  # the code of the petition it was merged into
    received_at: datetime.datetime
    published_at: datetime.datetime | None

    @staticmethod
    def resolve_responsible_unit_name(obj: Any) -> str | None:
        return obj.responsible_unit.name if obj.responsible_unit_id else None

    @staticmethod
    def resolve_field(obj: Any) -> str | None:
        return obj.field.code if obj.field_id else None

    @staticmethod
    def resolve_issue_group(obj: Any) -> str | None:
        return obj.issue_group.code if obj.issue_group_id else None

    @staticmethod
    def resolve_flagged(obj: Any) -> bool:
        return bool(obj.flag_reason)

    @staticmethod
    def resolve_merged_into(obj: Any) -> str | None:
        return obj.merged_into.code if obj.merged_into_id else None


class DialogueCommitmentOut(Schema):
    task_code: str
    title: str
    unit: str
    deadline: datetime.date
    status: str  # the task's status: in_term, overdue, on_time, late, cancelled
    completed_on: datetime.date | None


class DialogueAnswerOut(Schema):
    text: str
    given_at: str  # conference, writing
    answered_on: datetime.date
    published_at: datetime.datetime
    commitment: DialogueCommitmentOut | None


class DialoguePetitionLookupOut(Schema):
    code: str
    public_status: str  # received, handling, answered, commitment_in_term, … merged, closed
    public_status_label: str
    received_on: datetime.date
    title: str | None  # shown once an answer is published
    content: str | None  # shown once an answer is published
    responsible_unit: str | None
    deadline: datetime.date | None
    merged_into: str | None
    answers: list[DialogueAnswerOut]  # published answers only
