"""Data-subject requests received on paper: recorded, answered (carrying out an erasure or a
withdrawal of consent on the petition concerned), reminded before their deadline. Each action
runs in one transaction and writes its audit event in it."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cchc.accounts.models import Membership, User
from cchc.core import audit
from cchc.dialogues.actions import erase_petitioner_data, withdraw_contact_consent
from cchc.dialogues.models import Petition
from cchc.orgunits.models import OrgUnit
from cchc.plans.jobs import email_notifications
from cchc.plans.models import Notification
from cchc.privacy.models import DataRequest


def _prefixes(path: str) -> list[str]:
    """The paths of a unit and its ancestors: "/01/00004/" → ["/01/", "/01/00004/"]."""
    parts = [part for part in path.split("/") if part]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def due_date(received_on: datetime.date) -> datetime.date:
    """The day a request received on `received_on` must be answered by."""
    return received_on + datetime.timedelta(days=settings.CCHC_PRIVACY_REQUEST_DAYS)


@transaction.atomic
def record_request(
    *,
    actor: User,
    unit: OrgUnit,
    kind: str,
    record: str,
    requester_name: str,
    requester_contact: str,
    received_on: datetime.date,
    reference: str = "",
    details: str = "",
) -> DataRequest:
    """Record a request received on paper by `unit`, due CCHC_PRIVACY_REQUEST_DAYS after it was
    received. Writes "privacy.record_request" (kind and deadline, no personal data).

    Refuses an unknown kind or record, a receiving date in the future, a missing requester, and
    a petition code that names no petition of `unit` or its subtree."""
    if kind not in DataRequest.Kind.values:
        raise ValidationError({"kind": _("Choose what is asked.")})
    if record not in DataRequest.Record.values:
        raise ValidationError({"record": _("Choose the record concerned.")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date received cannot be in the future.")})
    if not requester_name.strip() or not requester_contact.strip():
        raise ValidationError(
            {"requester_name": _("Write the requester's name and how to answer them.")}
        )
    reference = reference.strip().upper()
    if record == DataRequest.Record.PETITION and _petition(unit, reference) is None:
        raise ValidationError(
            {
                "reference": _("No petition of this unit has the code %(code)s.")
                % {"code": reference}
            }
        )
    found = DataRequest.objects.create(
        kind=kind,
        record=record,
        reference=reference,
        unit=unit,
        requester_name=requester_name.strip()[:200],
        requester_contact=requester_contact.strip()[:200],
        details=details.strip(),
        received_on=received_on,
        due_on=due_date(received_on),
        recorded_by=actor,
    )
    audit.record(
        actor,
        "privacy.record_request",
        found,
        unit=unit,
        details={"kind": kind, "record": record, "due_on": found.due_on.isoformat()},
    )
    return found


def _petition(unit: OrgUnit, code: str) -> Petition | None:
    if not code:
        return None
    return (
        Petition.objects.filter(code=code).filter(unit__path__startswith=unit.path).first()
        or Petition.objects.filter(code=code, responsible_unit__path__startswith=unit.path).first()
    )


@transaction.atomic
def answer_request(
    request: DataRequest, *, actor: User, outcome: str, refuse: bool = False
) -> DataRequest:
    """Answer `request`: carried out (DONE) or refused with reasons (REFUSED). Carrying out
    an erasure or a withdrawal of consent on a petition erases its data in the same
    transaction (dialogues.erase_petitioner_data, withdraw_contact_consent); seeing or
    correcting data is done by the staff member, the outcome says what was sent or changed.
    Writes "privacy.answer_request" with the status and whether it was late.

    Refuses a request already answered and an empty outcome."""
    if request.status != DataRequest.Status.OPEN:
        raise ValidationError(_("This request was already answered."))
    if not outcome.strip():
        raise ValidationError({"outcome": _("Write the answer given to the requester.")})
    if not refuse and request.record == DataRequest.Record.PETITION:
        petition = _petition(request.unit, request.reference)
        if petition is not None and request.kind == DataRequest.Kind.ERASE:
            erase_petitioner_data(petition, actor=actor, reason="request")
        elif (
            petition is not None and request.kind == DataRequest.Kind.WITHDRAW and petition.contact
        ):
            withdraw_contact_consent(petition, actor=actor)
    today = timezone.localdate()
    request.status = DataRequest.Status.REFUSED if refuse else DataRequest.Status.DONE
    request.outcome = outcome.strip()
    request.handled_by = actor
    request.handled_at = timezone.now()
    request.save(update_fields=["status", "outcome", "handled_by", "handled_at"])
    audit.record(
        actor,
        "privacy.answer_request",
        request,
        unit=request.unit,
        details={"status": request.status, "late": request.due_on < today},
    )
    return request


@transaction.atomic
def remind_requests(today: datetime.date) -> int:
    """Notify the focal points and heads of each unit with an open request due within
    CCHC_PRIVACY_REMIND_DAYS, due today or overdue (once per request and state, by its key).
    Returns the number of notifications created."""
    horizon = today + datetime.timedelta(days=settings.CCHC_PRIVACY_REMIND_DAYS)
    notices = []
    for request in DataRequest.objects.open().filter(due_on__lte=horizon).select_related("unit"):
        if request.due_on < today:
            kind, state = Notification.Kind.OVERDUE, "overdue"
        elif request.due_on == today:
            kind, state = Notification.Kind.DUE_TODAY, "today"
        else:
            kind, state = Notification.Kind.BEFORE_DEADLINE, "before"
        with translation.override("vi"):
            message = _(
                "Personal data request #%(pk)s (%(kind)s) to %(unit)s must be answered by %(day)s."
            ) % {
                "pk": request.pk,
                "kind": request.get_kind_display(),
                "unit": request.unit.name,
                "day": f"{request.due_on:%d/%m/%Y}",
            }
        key = f"privacy:{request.pk}:{state}"
        handlers = (
            Membership.objects.filter(
                role__in=[Membership.Role.FOCAL_POINT, Membership.Role.HEAD],
                unit__path__in=_prefixes(request.unit.path),
                user__is_active=True,
            )
            .exclude(user__notifications__key=key)
            .values_list("user_id", flat=True)
            .distinct()
        )
        notices += [
            Notification(
                user_id=user_id,
                kind=kind,
                link=request.get_absolute_url(),
                message=message[:500],
                key=key,
            )
            for user_id in handlers
        ]
    created = Notification.objects.bulk_create(notices)
    ids = [n.pk for n in created]
    transaction.on_commit(lambda: email_notifications.enqueue(ids) if ids else None)
    return len(created)
