"""Data-subject requests: those received on paper (recorded, answered — carrying out an
erasure or a withdrawal of consent on the petition concerned —, reminded before their
deadline), and the citizen's own on the public "my data" page (a one-time code sent to the
contact on record, then see, correct, withdraw consent, erase, for a petition or a survey
response). Each action runs in one transaction and writes its audit event in it."""

import datetime
import hashlib
import hmac
import secrets
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cchc.accounts.models import Membership, User
from cchc.core import audit
from cchc.core.actions import notices_to, notify
from cchc.core.models import Notification
from cchc.core.privacy import corrected_contact
from cchc.dialogues.actions import (
    correct_petition_contact,
    erase_petitioner_data,
    withdraw_contact_consent,
)
from cchc.dialogues.models import CONTACT_LIMIT, Petition
from cchc.orgunits.models import OrgUnit
from cchc.privacy.jobs import send_code
from cchc.privacy.models import DataRequest, OneTimeCode
from cchc.privacy.queries import Held, record_kind
from cchc.surveys.models import Answer


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
        Petition.objects.filter(code=code).filter(unit__path__subtree=unit.path).first()
        or Petition.objects.filter(code=code, responsible_unit__path__subtree=unit.path).first()
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
        notices += notices_to(
            handlers, kind=kind, message=message, key=key, link=request.get_absolute_url()
        )
    return len(notify(notices))


# --- the citizen's own requests on the public "my data" page ---------------------------------


def _unit(record: Held) -> OrgUnit:
    return record.unit if isinstance(record, Petition) else record.campaign_unit.unit


def code_digest(kind: str, record_id: int, code: str) -> str:
    """The keyed hash a one-time code is stored as (settings.CCHC_HASH_KEY): bound to its
    record, so the same digits for another record never match."""
    key = settings.CCHC_HASH_KEY.encode()
    return hmac.new(key, f"{kind}:{record_id}:{code}".encode(), hashlib.sha256).hexdigest()


def masked_destination(contact: str) -> str:
    """Where a code was sent, shown without revealing it: "an•••@example.vn", "09•••78"."""
    contact = contact.strip()
    if "@" in contact:
        name, _at, domain = contact.partition("@")
        return f"{name[:2]}•••@{domain}"
    return f"{contact[:2]}•••{contact[-2:]}" if len(contact) > 4 else "•••"


@transaction.atomic
def send_one_time_code(record: Held, *, now: datetime.datetime | None = None) -> OneTimeCode:
    """Make a new one-time code for `record` and send it to the contact on record (an e-mail
    through Django's mail, a phone number through settings.CCHC_SMS_SENDER), by the job
    `privacy.jobs.send_code` once this transaction commits. Only the code's keyed hash is
    stored; earlier codes of the record stop working. Writes "privacy.send_code" (the kind of
    record and the channel, not the contact).

    Refuses a record that holds no contact (there is nowhere to send a code)."""
    now = now or timezone.now()
    if not record.contact:
        raise ValidationError(
            _("This record holds no contact to send a code to: write to the unit instead.")
        )
    kind = record_kind(record)
    channel = OneTimeCode.Channel.EMAIL if "@" in record.contact else OneTimeCode.Channel.SMS
    code = f"{secrets.randbelow(10**6):06d}"
    OneTimeCode.objects.filter(record=kind, record_id=record.pk, used_at__isnull=True).update(
        expires_at=now
    )
    found = OneTimeCode.objects.create(
        record=kind,
        record_id=record.pk,
        code_hash=code_digest(kind, record.pk, code),
        channel=channel,
        created_at=now,
        expires_at=now + datetime.timedelta(minutes=settings.CCHC_PRIVACY_CODE_MINUTES),
    )
    audit.record(
        None, "privacy.send_code", record, unit=_unit(record), details={"channel": channel}
    )
    transaction.on_commit(partial(send_code.enqueue, found.pk, code))
    return found


class CodeRefused(ValidationError):
    """A one-time code that proves nothing; `reason` says why (wrong, expired, used, burnt,
    none)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, code=reason)
        self.reason = reason


def prove_with_code(
    record: Held, code: str, *, now: datetime.datetime | None = None
) -> OneTimeCode:
    """Check the one-time `code` given for `record` and use it up: returns the code's row
    (`used_at` set), and writes "privacy.prove_with_code". Raises CodeRefused — and writes
    "privacy.refuse_code" with the reason — for a code never sent, a wrong code (counted: after
    CCHC_PRIVACY_CODE_ATTEMPTS wrong tries the live code is burnt), an expired one, one
    replaced by a newer code, or one already used. The counting and the refusal's audit event
    are committed even though the proof fails."""
    now = now or timezone.now()
    kind = record_kind(record)
    codes = list(OneTimeCode.objects.filter(record=kind, record_id=record.pk).order_by("-pk")[:20])
    digest = code_digest(kind, record.pk, "".join(code.split()))
    match = next((c for c in codes if hmac.compare_digest(c.code_hash, digest)), None)
    latest = codes[0] if codes else None
    limit = settings.CCHC_PRIVACY_CODE_ATTEMPTS
    refusal: tuple[str, str] | None = None
    if latest is None:
        refusal = ("none", _("No one-time code was sent for this record: ask for one."))
    elif match is not None and match.used_at is not None:
        refusal = ("used", _("This one-time code was already used: ask for a new one."))
    elif match is not None and match.pk != latest.pk:
        refusal = ("replaced", _("A newer code was sent since: use the latest one."))
    elif match is not None and match.attempts >= limit:
        refusal = ("burnt", _("Too many wrong codes were tried: ask for a new one."))
    elif match is not None and match.expires_at <= now:
        refusal = ("expired", _("This one-time code has expired: ask for a new one."))
    elif match is None:
        OneTimeCode.objects.filter(pk=latest.pk).update(attempts=F("attempts") + 1)
        refusal = ("wrong", _("This is not the code we sent. Check it and try again."))
    if match is None or refusal is not None:  # a refusal is always set when nothing matched
        reason, message = refusal or ("wrong", "")
        audit.record(
            None, "privacy.refuse_code", record, unit=_unit(record), details={"reason": reason}
        )
        raise CodeRefused(message, reason)
    with transaction.atomic():
        used = OneTimeCode.objects.filter(pk=match.pk, used_at__isnull=True).update(used_at=now)
        if not used:  # used by a concurrent request in the meantime
            raise CodeRefused(_("This one-time code was already used: ask for a new one."), "used")
        match.used_at = now
        audit.record(None, "privacy.prove_with_code", record, unit=_unit(record))
    return match


@transaction.atomic
def correct_contact(record: Held, *, contact: str) -> Held:
    """The citizen corrects the contact of their petition (dialogues.correct_petition_contact)
    or survey response (Law 91/2025/QH15 Art. 4). Writes "dialogues.correct_contact" or
    "privacy.correct_contact" without the values. Refuses a record without a contact, an empty,
    too long or control-character contact."""
    if isinstance(record, Petition):
        return correct_petition_contact(record, contact=contact)
    if not record.contact or record.anonymised_at is not None:
        raise ValidationError(_("This record holds no contact to correct."))
    record.contact = corrected_contact(contact, limit=CONTACT_LIMIT)
    record.save(update_fields=["contact"])
    audit.record(None, "privacy.correct_contact", record, unit=_unit(record))
    return record


@transaction.atomic
def withdraw_consent(record: Held) -> Held:
    """The citizen withdraws the consent under which the contact is kept: the contact and the
    consent record go at once (Law 91/2025/QH15 Art. 4, 9). Petitions:
    dialogues.withdraw_contact_consent; responses write "privacy.withdraw_consent". Refuses a
    record with no contact."""
    if isinstance(record, Petition):
        return withdraw_contact_consent(record)
    if not record.contact:
        raise ValidationError(_("This record holds no contact: there is no consent to withdraw."))
    record.contact = record.contact_consent_version = ""
    record.contact_consent_at = None
    record.save(update_fields=["contact", "contact_consent_version", "contact_consent_at"])
    audit.record(None, "privacy.withdraw_consent", record, unit=_unit(record))
    return record


@transaction.atomic
def erase_data(record: Held) -> Held:
    """Erase the citizen's personal data from `record`. A petition: name, contact, consent and
    attachments (dialogues.erase_petitioner_data). A survey response: the contact, the consent
    record and the written answers; its ratings, chosen options, status and the stored counts
    stay, so the survey's results and rankings do not move. Writes "privacy.erase_response"
    (how many written answers went). Idempotent."""
    if isinstance(record, Petition):
        return erase_petitioner_data(record, reason="request")
    if record.anonymised_at is not None:
        return record
    texts = Answer.objects.filter(response=record).exclude(text="").update(text="")
    record.contact = record.contact_consent_version = ""
    record.contact_consent_at = None
    record.anonymised_at = timezone.now()
    record.save(
        update_fields=["contact", "contact_consent_version", "contact_consent_at", "anonymised_at"]
    )
    audit.record(
        None, "privacy.erase_response", record, unit=_unit(record), details={"texts": texts}
    )
    return record
