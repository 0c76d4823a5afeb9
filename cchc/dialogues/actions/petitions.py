"""Petitions: received through the public form or recorded by staff, screened (classified,
merged), routed to a responsible unit."""

import datetime
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cchc.core import audit
from cchc.core.privacy import CONSENT_VERSION, CONSENT_WORDINGS, PAPER_PREFIX
from cchc.core.text import has_control_characters
from cchc.core.uploads import CheckedFile, check_upload
from cchc.dialogues.models import (
    CONTACT_LIMIT,
    CONTENT_LIMIT,
    Attachment,
    Conference,
    Field,
    IssueGroup,
    Petition,
)
from cchc.orgunits.models import OrgUnit

if TYPE_CHECKING:
    from cchc.accounts.models import User

MAX_FILES = 3
MAX_FILE_BYTES = 5 * 1024 * 1024
TITLE_LIMIT = 300
CODE_ATTEMPTS = 5


# Petition codes are random: the public journey page shows a petition's status to whoever has
# its code, so a code must not be guessable from another one (KN-2026-000006, …007 were).
# No look-alike characters (0/O, 1/I/L): a citizen reads it from paper or a phone and types it.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_GROUPS = 2
CODE_GROUP_LENGTH = 4


def new_code(year: int) -> str:
    """A fresh random petition code of `year`, "KN-2026-7KQ4-M9XD": 8 characters of a 31-letter
    alphabet (about 40 bits), in two groups of four for reading aloud."""
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(CODE_GROUPS)
    )
    return f"KN-{year}-" + "-".join(groups)


def _check_petition(
    *, title: str, content: str, submitter_type: str, contact: str, files: list[UploadedFile]
) -> list[CheckedFile]:
    if not title.strip():
        raise ValidationError({"title": _("Give the petition a short subject.")})
    if len(title.strip()) > TITLE_LIMIT:
        raise ValidationError(
            {"title": _("The subject is at most %(n)s characters.") % {"n": TITLE_LIMIT}}
        )
    if not content.strip():
        raise ValidationError({"content": _("Write the content of the petition.")})
    if len(content.strip()) > CONTENT_LIMIT:
        raise ValidationError(
            {
                "content": _("The content is %(size)s characters; at most %(n)s are accepted.")
                % {"size": len(content.strip()), "n": CONTENT_LIMIT}
            }
        )
    if submitter_type not in Petition.SubmitterType.values:
        raise ValidationError({"submitter_type": _("Say who is sending the petition.")})
    for key, text in (("title", title), ("content", content), ("contact", contact)):
        if has_control_characters(text):
            raise ValidationError({key: _("Remove the control characters from the text.")})
    if len(contact.strip()) > CONTACT_LIMIT:
        raise ValidationError(
            {"contact": _("The contact is at most %(n)s characters.") % {"n": CONTACT_LIMIT}}
        )
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("At most %(n)s files per petition.") % {"n": MAX_FILES}})
    try:
        return [check_upload(upload, max_bytes=MAX_FILE_BYTES) for upload in files]
    except ValidationError as error:
        raise ValidationError({"files": error.messages}) from error


def _create_petition(checked: list[CheckedFile], **values: Any) -> Petition:
    """Insert the petition under a new random code; a code already taken (the unique index
    refuses it) is retried with another."""
    year = timezone.localdate().year
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                petition = Petition.objects.create(code=new_code(year), **values)
                break
        except IntegrityError:
            continue
    else:
        raise ValidationError(_("The petition could not be numbered; please send it again."))
    for item in checked:
        Attachment.store(item, petition=petition)
    return petition


def _repeat_reason(conference: Conference, content: str) -> str:
    """Why a public petition is flagged as a repeat (in the site's language, for the screeners),
    or "" when no petition before `conference` has the same content."""
    earlier = (
        conference.petitions.filter(content=content)
        .order_by("pk")
        .values_list("code", flat=True)
        .first()
    )
    if earlier is None:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        return _("The same content as petition %(code)s, sent before.") % {"code": earlier}


def _check_consent(contact: str, consent_version: str) -> dict[str, Any]:
    """The consent fields to store with `contact`: none without a contact; a contact needs
    the citizen's consent under a known wording."""
    if not contact.strip():
        return {"contact_consent_version": "", "contact_consent_at": None}
    if consent_version not in CONSENT_WORDINGS:
        raise ValidationError(
            {
                "contact": _(
                    "A contact is stored only with your consent: tick the box to agree, or "
                    "clear the contact."
                )
            }
        )
    return {"contact_consent_version": consent_version, "contact_consent_at": timezone.now()}


@transaction.atomic
def submit_petition(
    conference: Conference,
    *,
    title: str,
    content: str,
    submitter_type: str,
    submitter_name: str = "",
    contact: str = "",
    field: Field | None = None,
    files: list[UploadedFile] | None = None,
    flag_reason: str = "",
    consent_version: str = "",
) -> Petition:
    """A petition sent through the public form before `conference` (no account: the actor is
    None). Status RECEIVED, channel WEB; the contact is stored only when the submitter opted in
    (the form passes it empty otherwise) and `consent_version` names the consent wording the
    submitter ticked (cchc/core/privacy.py), stored with the time. A filled-in honeypot comes
    as `flag_reason`: the petition is stored flagged for the screeners, not dropped; so is a
    petition whose content repeats one already sent before the same conference (the screeners
    merge it). Writes "dialogues.submit_petition".

    Refuses a conference that no longer takes petitions (held, closed, not public or past), a
    contact without consent or under an unknown consent version (Law 91/2025/QH15 Art. 9), an
    empty or too long subject or content, an unknown submitter type, more than MAX_FILES files
    and any invalid file (nothing is saved then).
    """
    if not conference.accepts_petitions:
        raise ValidationError(_("This conference no longer takes petitions through the form."))
    consent = _check_consent(contact, consent_version)
    files = files or []
    checked = _check_petition(
        title=title, content=content, submitter_type=submitter_type, contact=contact, files=files
    )
    flag_reason = flag_reason or _repeat_reason(conference, content.strip())
    petition = _create_petition(
        checked,
        conference=conference,
        unit=conference.host_unit,
        channel=Petition.Channel.WEB,
        submitter_type=submitter_type,
        submitter_name=submitter_name.strip()[:200],
        contact=contact.strip(),
        **consent,
        field=field,
        title=title.strip(),
        content=content.strip(),
        flag_reason=flag_reason[:300],
    )
    audit.record(
        None,
        "dialogues.submit_petition",
        petition,
        unit=conference.host_unit,
        details={"code": petition.code, "files": len(checked), "flagged": bool(flag_reason)},
    )
    return petition


@transaction.atomic
def record_petition(
    *,
    actor: "User",
    unit: OrgUnit,
    channel: str,
    title: str,
    content: str,
    submitter_type: str,
    conference: Conference | None = None,
    submitter_name: str = "",
    contact: str = "",
    field: Field | None = None,
    files: list[UploadedFile] | None = None,
    received_on: datetime.date | None = None,
) -> Petition:
    """Staff record a petition raised at a conference (channel MEETING) or received in writing
    (WRITING) by `unit`. Status RECEIVED. Writes "dialogues.record_petition".

    A petition raised at or sent for a conference belongs to the conference's host unit
    (`unit` is then ignored). Refuses the WEB channel (the public form's), a petition at a
    meeting without its conference, a closed conference, a receiving date in the future, and
    the checks of submit_petition.
    """
    if channel not in (Petition.Channel.MEETING, Petition.Channel.WRITING):
        raise ValidationError(
            {"channel": _("Staff record petitions raised at a meeting or in writing.")}
        )
    if channel == Petition.Channel.MEETING and conference is None:
        raise ValidationError(
            {"conference": _("Choose the conference the petition was raised at.")}
        )
    if conference is not None:
        if conference.status == Conference.Status.CLOSED:
            raise ValidationError({"conference": _("This conference is closed.")})
        unit = conference.host_unit
    if received_on is not None and received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date received cannot be in the future.")})
    files = files or []
    checked = _check_petition(
        title=title, content=content, submitter_type=submitter_type, contact=contact, files=files
    )
    received_at = timezone.now()
    if received_on is not None and received_on != timezone.localdate():
        received_at = timezone.make_aware(datetime.datetime.combine(received_on, datetime.time(9)))
    petition = _create_petition(
        checked,
        conference=conference,
        unit=unit,
        channel=channel,
        submitter_type=submitter_type,
        submitter_name=submitter_name.strip()[:200],
        contact=contact.strip(),
        # The form's label: "only with the submitter's consent"; the staff member attests it.
        contact_consent_version=f"{PAPER_PREFIX}{CONSENT_VERSION}" if contact.strip() else "",
        contact_consent_at=timezone.now() if contact.strip() else None,
        field=field,
        title=title.strip(),
        content=content.strip(),
        received_at=received_at,
        recorded_by=actor,
    )
    audit.record(
        actor,
        "dialogues.record_petition",
        petition,
        unit=unit,
        details={"code": petition.code, "channel": channel, "files": len(checked)},
    )
    return petition


@transaction.atomic
def screen_petition(
    petition: Petition, *, actor: "User", field: Field, issue_group: IssueGroup
) -> Petition:
    """Classify a petition by field and issue group (RECEIVED → SCREENED; a screened or routed
    petition may be classified again). Clears a honeypot flag: a person has read it. Writes
    "dialogues.screen_petition" with the before/after.

    Refuses a petition already answered or closed, and an issue group of another field.
    """
    if petition.status not in (
        Petition.Status.RECEIVED,
        Petition.Status.SCREENED,
        Petition.Status.ROUTED,
    ):
        raise ValidationError(
            _("Petition %(code)s is already answered or closed.") % {"code": petition.code}
        )
    if issue_group.field_id != field.pk:
        raise ValidationError(
            {
                "issue_group": _("The issue group “%(group)s” is not in the field “%(field)s”.")
                % {"group": issue_group, "field": field}
            }
        )
    fields = ["field", "issue_group", "flag_reason"]
    before = audit.snapshot(petition, fields)
    petition.field = field
    petition.issue_group = issue_group
    petition.flag_reason = ""
    if petition.status == Petition.Status.RECEIVED:
        petition.status = Petition.Status.SCREENED
        petition.screened_at = timezone.now()
    petition.save()
    audit.record(
        actor,
        "dialogues.screen_petition",
        petition,
        unit=petition.unit,
        changes=audit.diff(before, audit.snapshot(petition, fields)),
    )
    return petition


@transaction.atomic
def merge_petition(petition: Petition, *, actor: "User", into: Petition) -> Petition:
    """Merge a duplicate into the petition on the same matter: the duplicate is closed with
    `merged_into` and follows the other one publicly. Writes "dialogues.merge_petition".

    Refuses merging a petition into itself, a duplicate already routed, answered or closed, and
    a target that is itself merged or closed.
    """
    if into.pk == petition.pk:
        raise ValidationError({"into": _("A petition cannot be merged into itself.")})
    if petition.status not in (Petition.Status.RECEIVED, Petition.Status.SCREENED):
        raise ValidationError(
            _("Petition %(code)s is already routed: it can no longer be merged.")
            % {"code": petition.code}
        )
    if into.merged_into_id or into.status == Petition.Status.CLOSED:
        raise ValidationError(
            {"into": _("Petition %(code)s is closed or merged itself.") % {"code": into.code}}
        )
    petition.merged_into = into
    petition.status = Petition.Status.CLOSED
    petition.closed_at = timezone.now()
    petition.close_reason = _("Merged into %(code)s.") % {"code": into.code}
    petition.save()
    audit.record(
        actor,
        "dialogues.merge_petition",
        petition,
        unit=petition.unit,
        details={"into": into.code},
    )
    return petition


@transaction.atomic
def route_petition(
    petition: Petition, *, actor: "User", unit: OrgUnit, deadline: datetime.date
) -> Petition:
    """Route a screened petition to the unit responsible for answering, with a deadline
    (SCREENED → ROUTED; a routed petition may be routed again). Writes
    "dialogues.route_petition" with the before/after.

    Refuses a petition not screened yet, one already answered or closed, a unit that has ended,
    and a deadline in the past.
    """
    if petition.status == Petition.Status.RECEIVED:
        raise ValidationError(
            _("Screen petition %(code)s (field and issue group) before routing it.")
            % {"code": petition.code}
        )
    if petition.status not in (Petition.Status.SCREENED, Petition.Status.ROUTED):
        raise ValidationError(
            _("Petition %(code)s is already answered or closed.") % {"code": petition.code}
        )
    if not unit.is_current:
        raise ValidationError({"unit": _("The responsible unit has ended.")})
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    fields = ["responsible_unit", "deadline"]
    before = audit.snapshot(petition, fields)
    petition.responsible_unit = unit
    petition.deadline = deadline
    petition.status = Petition.Status.ROUTED
    petition.routed_at = timezone.now()
    petition.save()
    audit.record(
        actor,
        "dialogues.route_petition",
        petition,
        unit=unit,
        changes=audit.diff(before, audit.snapshot(petition, fields)),
    )
    return petition
