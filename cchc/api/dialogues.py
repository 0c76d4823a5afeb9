"""The dialogues' endpoints: conferences and petitions (scoped) and the public lookup of a
petition by its code (throttled), mounted by cchc.api.api."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from cchc.api.common import RefusalOut
from cchc.api.params import BoundedPagination, Id
from cchc.api.surveys import refusal
from cchc.dialogues import throttle as dialogues_throttle
from cchc.dialogues.models import Conference as DialogueConference
from cchc.dialogues.models import Petition as DialoguePetition
from cchc.dialogues.models import PublicStatus as DialoguePublicStatus
from cchc.dialogues.queries import journey as dialogue_journey

# --- schemas (their class names are the OpenAPI component names) ---


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


router = Router()


# --- dialogues ---
# Conferences announced publicly and the lookup of a petition by its code are public (as the
# public pages: only published answers); the petitions list is for staff, with the pages' scope
# (Petition.objects.for_user: the receiving unit's and the responsible unit's members).


class DialogueConferenceFilter(Schema):
    upcoming: bool = False  # only those still ahead and announced


@router.get(
    "/dialogues/conferences",
    response=list[DialogueConferenceOut],
    auth=None,
    tags=["dialogues"],
    summary="List public dialogue conferences",
)
@paginate(BoundedPagination, page_size=50, max_page_size=500)
def list_dialogue_conferences(
    request: HttpRequest, filters: Query[DialogueConferenceFilter]
) -> QuerySet[DialogueConference]:
    """The dialogue conferences announced on the public page, latest date first (the soonest
    first with `upcoming`). Public: no authentication needed."""
    conferences = DialogueConference.objects.public().select_related("host_unit", "chair")
    if filters.upcoming:
        return conferences.filter(
            status=DialogueConference.Status.ANNOUNCED, starts_at__gte=timezone.now()
        ).order_by("starts_at", "pk")
    return conferences.order_by("-starts_at", "-pk")


class DialoguePetitionFilter(Schema):
    status: DialoguePetition.Status | None = None
    open: bool = False  # only petitions not closed
    overdue: bool = False  # only those routed and past their answer deadline
    conference: Id | None = None


@router.get(
    "/dialogues/petitions",
    response=list[DialoguePetitionOut],
    tags=["dialogues"],
    summary="List petitions",
)
@paginate(BoundedPagination, page_size=50, max_page_size=500)
def list_dialogue_petitions(
    request: HttpRequest, filters: Query[DialoguePetitionFilter]
) -> QuerySet[DialoguePetition]:
    """Petitions received by a unit the caller sees or routed to one of them, oldest answer
    deadline first. Filters: `status`, `open`, `overdue`, `conference` (id). The submitter's
    contact is never returned here."""
    petitions = DialoguePetition.objects.for_user(request.auth)  # type: ignore[attr-defined]
    if filters.status:
        petitions = petitions.filter(status=filters.status)
    if filters.open:
        petitions = petitions.open()
    if filters.overdue:
        petitions = petitions.filter(
            status__in=[DialoguePetition.Status.SCREENED, DialoguePetition.Status.ROUTED],
            deadline__lt=timezone.localdate(),
        )
    if filters.conference is not None:
        petitions = petitions.filter(conference_id=filters.conference)
    return petitions.select_related(
        "responsible_unit", "field", "issue_group", "merged_into"
    ).order_by("deadline", "received_at", "pk")


@router.get(
    "/dialogues/petitions/lookup/{code}",
    response={200: DialoguePetitionLookupOut, 429: RefusalOut},
    auth=None,
    tags=["dialogues"],
    summary="Look up a petition by its code (public)",
)
def lookup_dialogue_petition(request: HttpRequest, code: str) -> Any:
    """What the public journey page shows of one petition: its public status (which follows the
    task of its commitment once the answer is published), when it was received, the responsible
    unit and deadline once routed, and only the PUBLISHED answers with their commitments. The
    subject and content appear only once an answer is published; the contact and attachments
    never. Public: no authentication needed. 404 when no petition has this code; 429 (with
    Retry-After) past the lookups a client may make in a minute, as on the lookup page."""
    verdict = dialogues_throttle.lookup_allowed(request)
    if not verdict.allowed:
        response = refusal(request, 429, dialogues_throttle.throttled_message())
        response["Retry-After"] = str(verdict.retry_after)
        return response
    petition = (
        DialoguePetition.objects.select_related("responsible_unit", "merged_into")
        .filter(code=code.strip().upper())
        .first()
    )
    if petition is None:
        raise Http404
    found = dialogue_journey(petition, public=True)
    shown = petition.published_at is not None
    return {
        "code": petition.code,
        "public_status": found.status,
        "public_status_label": str(DialoguePublicStatus(found.status).label),
        "received_on": timezone.localdate(petition.received_at),
        "title": petition.title if shown else None,
        "content": petition.content if shown else None,
        "responsible_unit": petition.responsible_unit.name if petition.responsible_unit else None,
        "deadline": petition.deadline,
        "merged_into": petition.merged_into.code if petition.merged_into else None,
        "answers": [_dialogue_answer(answer) for answer in found.answers],
    }


def _dialogue_answer(answer: Any) -> dict[str, Any]:
    commitment = getattr(answer, "commitment", None)  # None when the answer commits to nothing
    task = commitment.task if commitment is not None else None
    return {
        "text": answer.text,
        "given_at": answer.given_at,
        "answered_on": answer.answered_on,
        "published_at": answer.published_at,
        "commitment": None
        if task is None
        else {
            "task_code": task.code,
            "title": task.title,
            "unit": task.lead_unit.name,
            "deadline": task.deadline,
            "status": task.status,
            "completed_on": task.completed_on,
        },
    }
