"""Answers, their commitments (tasks in plans, created in the same transaction), bulk
publication and closing."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import audit
from cchc.dialogues.models import (
    Answer,
    Commitment,
    Petition,
)
from cchc.orgunits.models import OrgUnit
from cchc.plans.actions import create_task
from cchc.plans.models import ContentArea, Plan, Task
from cchc.plans.queries import receiving_plan

if TYPE_CHECKING:
    from cchc.accounts.models import User


@dataclass(frozen=True)
class CommitmentSpec:
    """What an answer commits to: it becomes a task of the responsible unit."""

    title: str
    deadline: datetime.date
    area: ContentArea
    responsible: "User | None" = None
    expected_output: str = ""


def _task_code(plan: Plan, petition: Petition) -> str:
    taken = set(plan.tasks.filter(code__startswith=petition.code).values_list("code", flat=True))
    if petition.code not in taken:
        return petition.code
    number = 2
    while f"{petition.code}-{number}" in taken:
        number += 1
    return f"{petition.code}-{number}"


@transaction.atomic
def answer_petition(
    petition: Petition,
    *,
    actor: "User",
    text: str,
    given_at: str,
    answered_on: datetime.date,
    document_number: str = "",
    commitment: CommitmentSpec | None = None,
) -> Answer:
    """Record the answer to a routed petition, given at the conference or in writing
    (ROUTED → ANSWERED; an answered petition may get a further answer). With `commitment`, a
    task of the responsible unit is created through plans.create_task (source DIALOGUE,
    source_ref = the petition's code) in the same transaction: if the task is refused, the
    answer is not recorded either. Writes "dialogues.answer_petition".

    Refuses a petition not routed or already published/closed, an empty text, an unknown
    `given_at`, an answer at the conference for a petition without one, a date in the future,
    and for a commitment: an empty title, no plan for the unit's year and create_task's checks
    (deadline before the plan's date…).
    """
    if petition.status not in (Petition.Status.ROUTED, Petition.Status.ANSWERED):
        raise ValidationError(
            _("Petition %(code)s is not routed to a unit, or is already published or closed.")
            % {"code": petition.code}
        )
    if not text.strip():
        raise ValidationError({"text": _("Write the answer.")})
    if given_at not in Answer.GivenAt.values:
        raise ValidationError(
            {"given_at": _("Say whether the answer was given at the conference or in writing.")}
        )
    if given_at == Answer.GivenAt.CONFERENCE and petition.conference_id is None:
        raise ValidationError(
            {"given_at": _("This petition was not raised for a conference: answer in writing.")}
        )
    if answered_on > timezone.localdate():
        raise ValidationError({"answered_on": _("The date of the answer cannot be in the future.")})
    unit = petition.responsible_unit
    if unit is None:  # a routed petition has one; guards against a hand-edited row
        raise ValidationError(
            _("Petition %(code)s has no responsible unit.") % {"code": petition.code}
        )
    answer = Answer.objects.create(
        petition=petition,
        text=text.strip(),
        given_at=given_at,
        answered_on=answered_on,
        document_number=document_number.strip(),
        answered_by=actor,
        unit=unit,
    )
    task_code = None
    if commitment is not None:
        task_code = _commit(petition, answer, unit, commitment, actor=actor).code
    petition.status = Petition.Status.ANSWERED
    petition.answered_at = timezone.now()
    petition.save(update_fields=["status", "answered_at"])
    audit.record(
        actor,
        "dialogues.answer_petition",
        petition,
        unit=unit,
        details={"answer": answer.pk, "given_at": given_at, "task": task_code},
    )
    return answer


def _commit(
    petition: Petition, answer: Answer, unit: OrgUnit, spec: CommitmentSpec, *, actor: "User"
) -> Task:
    if not spec.title.strip():
        raise ValidationError({"commitment_title": _("Say what the unit commits to do.")})
    plan = receiving_plan(unit, answer.answered_on)
    year = answer.answered_on.year
    if plan is None:
        raise ValidationError(
            _(
                "There is no issued reform plan of %(year)s for %(unit)s or a unit above it: a "
                "commitment is followed as a task of a plan."
            )
            % {"year": year, "unit": unit}
        )
    task = create_task(
        plan,
        actor=actor,
        code=_task_code(plan, petition),
        title=spec.title,
        description=_("Commitment in answer to petition %(code)s: %(title)s")
        % {"code": petition.code, "title": petition.title},
        area=spec.area,
        lead_unit=unit,
        deadline=spec.deadline,
        responsible=spec.responsible,
        expected_output=spec.expected_output,
        source=Task.Source.DIALOGUE,
        source_ref=petition.code,
    )
    Commitment.objects.create(answer=answer, petition=petition, task=task)
    return task


@transaction.atomic
def publish_answers(petitions: Sequence[Petition], *, actor: "User") -> int:
    """Publish the answers of answered petitions at once (ANSWERED → PUBLISHED): from now on
    the public lookup and journey pages show them. All or nothing. Writes one
    "dialogues.publish_answer" per petition. Returns how many were published.

    Refuses an empty selection and any petition not answered (naming them).
    """
    if not petitions:
        raise ValidationError(_("Choose the petitions whose answers to publish."))
    wrong = [p.code for p in petitions if p.status != Petition.Status.ANSWERED]
    if wrong:
        raise ValidationError(
            _("These petitions have no answer waiting to be published: %(codes)s.")
            % {"codes": ", ".join(wrong[:10])}
        )
    now = timezone.now()
    ids = [p.pk for p in petitions]
    Answer.objects.filter(petition__in=ids, published_at__isnull=True).update(published_at=now)
    Petition.objects.filter(pk__in=ids).update(status=Petition.Status.PUBLISHED, published_at=now)
    for petition in petitions:
        petition.status = Petition.Status.PUBLISHED
        petition.published_at = now
        audit.record(
            actor,
            "dialogues.publish_answer",
            petition,
            unit=petition.responsible_unit,
        )
    return len(ids)


@transaction.atomic
def close_petition(petition: Petition, *, actor: "User", reason: str = "") -> Petition:
    """Close a petition: a published one once its commitments are done (or cancelled); one not
    yet routed with a reason (outside the conference's matters, withdrawn…). Writes
    "dialogues.close_petition".

    Refuses a petition already closed, one routed or answered but not published, a published
    one with a commitment still open (naming its task), and an early closing without reason.
    """
    if petition.status == Petition.Status.CLOSED:
        raise ValidationError(_("Petition %(code)s is already closed.") % {"code": petition.code})
    if petition.status in (Petition.Status.ROUTED, Petition.Status.ANSWERED):
        raise ValidationError(
            _("Petition %(code)s is being answered: publish its answer before closing it.")
            % {"code": petition.code}
        )
    if petition.status != Petition.Status.PUBLISHED and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for closing an unanswered petition.")})
    still_open = [
        c.task.code for c in petition.commitments.select_related("task") if c.task.is_open
    ]
    if still_open:
        raise ValidationError(
            _("The commitment %(tasks)s is still being carried out.")
            % {"tasks": ", ".join(still_open)}
        )
    petition.status = Petition.Status.CLOSED
    petition.closed_at = timezone.now()
    petition.close_reason = reason.strip()
    petition.save(update_fields=["status", "closed_at", "close_reason"])
    audit.record(
        actor,
        "dialogues.close_petition",
        petition,
        unit=petition.responsible_unit or petition.unit,
        details={"reason": reason.strip()},
    )
    return petition
