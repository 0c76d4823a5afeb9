"""A petitioner's personal data (Law 91/2025/QH15; docs/domain/personal-data.md): the citizen
proves control of a petition with its code and the contact they gave, then sees, corrects or
erases it, or withdraws the consent under which the contact is kept. Staff carry out the same
erasure for a request received on paper (cchc/privacy). The retention job erases in bulk
(cchc/dialogues/jobs.py).

Erasing keeps the petition, its status, answers and commitments, so the public journey and
every count stay the same: only the name, the contact, the consent record and the attachments
go, and `anonymised_at` says when."""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import audit
from cchc.core.privacy import CONSENT_WORDINGS, corrected_contact, same_contact
from cchc.dialogues.models import CONTACT_LIMIT, Attachment, Petition

if TYPE_CHECKING:
    from cchc.accounts.models import User


def proves_control(petition: Petition, contact: str) -> bool:
    """True when `contact` is the contact stored on `petition` (spaces, dots, dashes and case
    aside). A petition without a contact cannot be proven this way (staff handle a request on
    paper instead)."""
    return same_contact(petition.contact, contact)


def petitioner_data(petition: Petition) -> dict[str, Any]:
    """What the platform holds about the petitioner of `petition` (shown to them once they
    proved control): name, contact, the consent's wording, version and time, the attachments'
    names. Changes nothing."""
    return {
        "code": petition.code,
        "submitter_type": petition.get_submitter_type_display(),
        "submitter_name": petition.submitter_name,
        "contact": petition.contact,
        "consent_version": petition.contact_consent_version,
        "consent_wording": str(
            CONSENT_WORDINGS.get(petition.contact_consent_version.removeprefix("paper:"), "")
        ),
        "consent_at": petition.contact_consent_at,
        "attachments": list(petition.attachments.values_list("original_name", flat=True)),
        "title": petition.title,
        "content": petition.content,
    }


def delete_attachments(attachments: Any) -> int:
    """Delete the files of `attachments` (a queryset) from storage and their rows; returns
    how many. A file already missing from storage is not an error."""
    deleted = 0
    for attachment in attachments.iterator(chunk_size=500):
        attachment.file.delete(save=False)
        deleted += 1
    attachments.delete()
    return deleted


@transaction.atomic
def correct_petition_contact(
    petition: Petition, *, contact: str, actor: "User | None" = None
) -> Petition:
    """Replace the contact of `petition` with the corrected `contact` (the citizen's right to
    correct, Law 91/2025/QH15 Art. 4). The consent stays as given. Writes
    "dialogues.correct_contact" without the values (the trail holds no personal data).

    Refuses an empty, too long or control-character contact, and a petition whose data was
    erased or that has no contact (nothing to correct)."""
    if not petition.contact or petition.anonymised_at is not None:
        raise ValidationError(_("This petition holds no contact to correct."))
    petition.contact = corrected_contact(contact, limit=CONTACT_LIMIT)
    petition.save(update_fields=["contact"])
    audit.record(
        actor, "dialogues.correct_contact", petition, unit=petition.unit, details={"by": _by(actor)}
    )
    return petition


@transaction.atomic
def withdraw_contact_consent(petition: Petition, *, actor: "User | None" = None) -> Petition:
    """The citizen withdraws the consent under which the contact is kept: the contact and the
    consent record are erased at once (Law 91/2025/QH15 Art. 4, 9); the petition is still
    answered, publicly. Writes "dialogues.withdraw_consent". Refuses a petition with no
    contact."""
    if not petition.contact:
        raise ValidationError(_("This petition holds no contact: there is no consent to withdraw."))
    petition.contact = ""
    petition.contact_consent_version = ""
    petition.contact_consent_at = None
    petition.save(update_fields=["contact", "contact_consent_version", "contact_consent_at"])
    audit.record(
        actor,
        "dialogues.withdraw_consent",
        petition,
        unit=petition.unit,
        details={"by": _by(actor)},
    )
    return petition


@transaction.atomic
def erase_petitioner_data(
    petition: Petition, *, actor: "User | None" = None, reason: str = "request"
) -> Petition:
    """Erase the petitioner's personal data from `petition`: name, contact, the consent record
    and the attachments (files and rows); `anonymised_at` is set. The petition, its content,
    answers, commitments and public journey stay. `reason` is "request" (the citizen's, on the
    web or on paper) or "retention". Writes "dialogues.erase_personal_data" with the number of
    files deleted. Idempotent: erasing again changes nothing and writes nothing."""
    attachments = Attachment.objects.filter(petition=petition)
    if petition.anonymised_at is not None and not attachments.exists():
        return petition
    files = delete_attachments(attachments)
    petition.submitter_name = ""
    petition.contact = ""
    petition.contact_consent_version = ""
    petition.contact_consent_at = None
    petition.anonymised_at = timezone.now()
    petition.save(
        update_fields=[
            "submitter_name",
            "contact",
            "contact_consent_version",
            "contact_consent_at",
            "anonymised_at",
        ]
    )
    audit.record(
        actor,
        "dialogues.erase_personal_data",
        petition,
        unit=petition.unit,
        details={"by": _by(actor), "reason": reason, "files": files},
    )
    return petition


def _by(actor: "User | None") -> str:
    return "staff" if actor is not None else "citizen"
