"""Reads across petitions, answers, commitments and tasks: the open commitments for the monthly
briefing, the open petitions list (page, CLI, API) and one petition's journey."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from cchc.dialogues.models import (
    Answer,
    Commitment,
    Petition,
    PetitionQuerySet,
    public_status,
)
from cchc.plans.models import Task


def open_commitments(as_of: datetime.date) -> QuerySet[Commitment]:
    """The commitments made in answer to petitions that were still open at the end of `as_of`
    (their task neither completed nor cancelled by then), soonest deadline first, with the
    petition, its conference, the task and its lead unit loaded: the list the monthly briefing
    shows until each one is closed. A commitment's task status on that day is
    `commitment.task.status_on(as_of)`. Changes nothing."""
    return (
        Commitment.objects.open_on(as_of)
        .select_related(
            "petition__conference", "petition__responsible_unit", "task__lead_unit", "answer"
        )
        .order_by("task__deadline", "pk")
    )


def open_petitions(petitions: PetitionQuerySet) -> PetitionQuerySet:
    """The petitions of `petitions` not closed, the oldest deadline first (those without a
    deadline — not routed yet — after), with what a list shows loaded. Changes nothing."""
    return petitions.open().listed()


ROW_FIELDS = (
    "code",
    "title",
    "status",
    "conference__title",
    "unit__name",
    "responsible_unit__name",
    "deadline",
)


def open_petition_rows(petitions: PetitionQuerySet) -> list[dict[str, Any]]:
    """Plain rows of the open petitions (CLI --json, the same order as the page): code, title,
    status, conference, receiving and responsible unit, deadline, days overdue (an answer past
    its deadline). One query, no model instances. Changes nothing."""
    today = timezone.localdate()
    waiting = {Petition.Status.SCREENED, Petition.Status.ROUTED}
    rows = []
    values = (
        petitions.open()
        .order_by(F("deadline").asc(nulls_last=True), "received_at", "pk")
        .values_list(*ROW_FIELDS)
    )
    for code, title, status, conference, unit, responsible, deadline in values.iterator(
        chunk_size=5000
    ):
        late = deadline is not None and deadline < today and status in waiting
        rows.append(
            {
                "code": code,
                "title": title,
                "status": status,
                "conference": conference,
                "unit": unit,
                "responsible_unit": responsible,
                "deadline": deadline.isoformat() if deadline else None,
                "days_overdue": (today - deadline).days if late and deadline else 0,
            }
        )
    return rows


@dataclass
class Step:
    """One step of a petition's journey: what happened, when, and the detail to show."""

    kind: str
    day: datetime.date | None
    done: bool
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Journey:
    petition: Petition
    answers: list[Answer]
    commitments: list[Commitment]
    status: str
    steps: list[Step]


def journey(petition: Petition, *, public: bool) -> Journey:
    """The journey of one petition: received → routed → answered → commitment → task → status,
    with dates. With `public`, only published answers (and their commitments) are shown.
    Three queries. Changes nothing."""
    answers = list(
        petition.answers.order_by("answered_on", "pk").prefetch_related(
            Prefetch(
                "commitment",
                queryset=Commitment.objects.select_related("task__lead_unit"),
            )
        )
    )
    if public:
        answers = [a for a in answers if a.published_at is not None]
    commitments = [a.commitment for a in answers if hasattr(a, "commitment")]
    tasks: list[Task] = [c.task for c in commitments]
    steps = [
        Step("received", timezone.localdate(petition.received_at), True),
        Step(
            "routed",
            timezone.localdate(petition.routed_at) if petition.routed_at else None,
            petition.routed_at is not None,
            {"unit": petition.responsible_unit, "deadline": petition.deadline},
        ),
        Step(
            "answered",
            answers[0].answered_on if answers else None,
            bool(answers),
        ),
    ]
    for commitment in commitments:
        task = commitment.task
        steps.append(
            Step(
                "commitment",
                timezone.localdate(commitment.created_at),
                True,
                {"task": task, "status": task.get_status_display()},
            )
        )
        steps.append(
            Step("task_done", task.completed_on, task.completed_on is not None, {"task": task})
        )
    return Journey(petition, answers, commitments, public_status(petition, tasks), steps)
