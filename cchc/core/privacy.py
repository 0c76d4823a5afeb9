"""Personal data (Law 91/2025/QH15): the wording of the consent the public forms ask for, its
version, and the masking of a citizen's contact for the roles that do not answer them.

The consent's wording is versioned: a petition or a survey response that stores a contact
stores `CONSENT_VERSION` and the time it was given, so that what the citizen agreed to can
be shown later, word for word, even after the wording changes (Law 91/2025/QH15 Art. 9: consent
is valid only when informed of the data, the purpose, the controller and the rights). Change
the wording → add a new version to `CONSENT_WORDINGS` and point `CONSENT_VERSION` at it.
See docs/domain/personal-data.md.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cchc.core import audit
from cchc.core.text import fold, has_control_characters

CONSENT_VERSION = "2026-01"

# version → the text the citizen ticked (kept for every version ever shown).
CONSENT_WORDINGS = {
    "2026-01": _(
        "I agree that the unit stores the contact I give here (phone number or e-mail) to get "
        "back to me about this submission, as the notice above says."
    ),
}

# What a contact recorded by staff from a paper form or a meeting records as its consent:
# the staff member attests that the citizen agreed to the same wording.
PAPER_PREFIX = "paper:"

MASK = "•••"


def consent_wording(version: str) -> str:
    """The wording the citizen agreed to under `version` ("" when unknown)."""
    return str(CONSENT_WORDINGS.get(version.removeprefix(PAPER_PREFIX), ""))


def mask(value: str) -> str:
    """A citizen's name or contact as shown to a role that does not answer them: the first
    character and the mask ("0•••", "" stays "")."""
    value = value.strip()
    if not value:
        return ""
    return f"{value[0]}{MASK}"


# The purposes shown in the short notice of each public form, per kind of record.
PURPOSES = {
    "petition": _(
        "to receive, route and answer your petition, a duty of the state that needs no consent; "
        "your contact, only if you agree, to get back to you about it"
    ),
    "survey_response": _(
        "to measure satisfaction with public services (your answers are counted without your "
        "name); your contact, only if you agree, to get back to you about your answers"
    ),
}


def notice(kind: str, *, controller: str, retention_days: int) -> dict[str, object]:
    """What the short notice above a public form says for `kind` ("petition",
    "survey_response"): the law, the controller (the installation's committee, from
    orgunits.queries.committee), the purpose, the retention and the consent's version."""
    return {
        "kind": kind,
        "law": "91/2025/QH15",
        "controller": controller,
        "purpose": PURPOSES[kind],
        "retention_days": retention_days,
        "retention_months": max(1, round(retention_days / 30.4)),
        "version": CONSENT_VERSION,
    }


def record_export(
    actor: object, what: str, *, rows: int, personal_rows: int, unit: object = None
) -> None:
    """Record in the audit trail an export that may carry personal data: who (`actor`), what
    (`what`, e.g. "dialogues.petitions.xlsx"), how many rows, and how many of them carry a
    citizen's name or contact unmasked. Reads are otherwise not audited; exports of personal
    data are (docs/domain/personal-data.md)."""
    audit.record(
        actor,
        "privacy.export",
        unit=unit,
        details={"what": what, "rows": rows, "personal_rows": personal_rows},
    )


def corrected_contact(contact: str, *, limit: int) -> str:
    """The corrected contact a citizen typed (Law 91/2025/QH15 Art. 4, the right to correct),
    stripped. Refuses an empty one, one over `limit` characters or with control characters."""
    contact = contact.strip()
    if not contact:
        raise ValidationError({"contact": _("Write the corrected contact.")})
    if len(contact) > limit or has_control_characters(contact):
        raise ValidationError(
            {"contact": _("The contact is at most %(n)s characters.") % {"n": limit}}
        )
    return contact


def same_contact(stored: str, given: str) -> bool:
    """True when `given` is the contact `stored` (case, accents, spaces, dots, dashes and
    brackets aside): how a citizen proves control of a petition or survey response. An empty
    contact on either side proves nothing."""

    def normalise(contact: str) -> str:
        return "".join(ch for ch in fold(contact) if ch not in " .-()")

    return bool(normalise(given)) and normalise(given) == normalise(stored)


def batch_end(ids: "QuerySet[Any]", size: int | None) -> int | None:
    """The last id of the next batch of the retention job: `ids` are the ids still to erase
    past the previous batch (a values_list("pk", flat=True)); the batch is the id range of
    width `size` starting at the first of them (so at most `size` records, found by one
    index range scan, with no sorting of the rest), or every one of them with `size` None.
    None when none is left."""
    if size is None:
        return ids.order_by("-pk").first()
    first = ids.order_by("pk").first()
    return None if first is None else first + size - 1
