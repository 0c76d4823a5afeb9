"""Conferences: announce, mark held, close."""

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import audit
from cchc.core.uploads import check_upload
from cchc.dialogues.models import (
    Audience,
    Conference,
    Petition,
)
from cchc.orgunits.models import OrgUnit

if TYPE_CHECKING:
    from cchc.accounts.models import User


@transaction.atomic
def announce_conference(
    *,
    actor: "User",
    title: str,
    level: str,
    host_unit: OrgUnit,
    starts_at: datetime.datetime,
    audiences: Sequence[str],
    chair: "User | None" = None,
    chair_name: str = "",
    place: str = "",
    online_link: str = "",
    sector: str = "",
    description: str = "",
    is_public: bool = True,
    plan_document: UploadedFile | None = None,
) -> Conference:
    """Announce a dialogue conference of `host_unit` (status ANNOUNCED; on the public page when
    `is_public`). Writes "dialogues.announce_conference".

    Refuses an empty title, a level that is not one of Conference.Level, a host unit that has
    ended, a date in the past, no chair (account or name), neither place nor online link, no
    audience or an unknown one, the "sector" audience without naming the sector, and an invalid
    plan document.
    """
    if not title.strip():
        raise ValidationError({"title": _("Give the conference a title.")})
    if level not in Conference.Level.values:
        raise ValidationError({"level": _("Choose the level of the conference.")})
    if not host_unit.is_current:
        raise ValidationError({"host_unit": _("The host unit has ended.")})
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("A conference is announced ahead of its date.")})
    if chair is None and not chair_name.strip():
        raise ValidationError({"chair_name": _("Name the chair of the conference.")})
    if not place.strip() and not online_link.strip():
        raise ValidationError({"place": _("Give the place or the online link.")})
    _check_audiences(audiences, sector)
    conference = Conference(
        title=title.strip(),
        level=level,
        host_unit=host_unit,
        starts_at=starts_at,
        chair=chair,
        chair_name=chair_name.strip(),
        place=place.strip(),
        online_link=online_link.strip(),
        audiences=list(dict.fromkeys(audiences)),
        sector=sector.strip(),
        description=description.strip(),
        is_public=is_public,
        created_by=actor,
    )
    if plan_document is not None:
        checked = check_upload(plan_document)
        conference.plan_document.save(checked.storage_name(), plan_document, save=False)
    conference.save()
    audit.record(
        actor,
        "dialogues.announce_conference",
        conference,
        unit=host_unit,
        details={"starts_at": conference.starts_at.isoformat(), "public": is_public},
    )
    return conference


def _check_audiences(audiences: Sequence[str], sector: str) -> None:
    if not audiences:
        raise ValidationError({"audiences": _("Choose at least one audience.")})
    unknown = [a for a in audiences if a not in Audience.values]
    if unknown:
        raise ValidationError(
            {"audiences": _("Unknown audience: %(names)s.") % {"names": ", ".join(unknown)}}
        )
    if Audience.SECTOR in audiences and not sector.strip():
        raise ValidationError({"sector": _("Name the sector the conference is for.")})


@transaction.atomic
def hold_conference(
    conference: Conference,
    *,
    actor: "User",
    attendance: int,
    minutes_text: str = "",
    minutes_file: UploadedFile | None = None,
) -> Conference:
    """Record that the conference took place: attendance and minutes (text, file or both).
    ANNOUNCED → HELD. Writes "dialogues.hold_conference".

    Refuses a conference not announced, one whose date has not come, a negative attendance,
    missing minutes, and an invalid minutes file.
    """
    if conference.status != Conference.Status.ANNOUNCED:
        raise ValidationError(_("Only an announced conference can be marked held."))
    if timezone.localdate(conference.starts_at) > timezone.localdate():
        raise ValidationError(
            _("The conference is on %(day)s: it cannot be marked held before then.")
            % {"day": f"{timezone.localtime(conference.starts_at):%d/%m/%Y}"}
        )
    if attendance < 0:
        raise ValidationError({"attendance": _("The attendance cannot be negative.")})
    if not minutes_text.strip() and minutes_file is None:
        raise ValidationError({"minutes_text": _("Write the minutes or attach them.")})
    if minutes_file is not None:
        checked = check_upload(minutes_file)
        conference.minutes_file.save(checked.storage_name(), minutes_file, save=False)
    conference.attendance = attendance
    conference.minutes_text = minutes_text.strip()
    conference.status = Conference.Status.HELD
    conference.held_at = timezone.now()
    conference.save()
    audit.record(
        actor,
        "dialogues.hold_conference",
        conference,
        unit=conference.host_unit,
        details={"attendance": attendance},
    )
    return conference


@transaction.atomic
def close_conference(conference: Conference, *, actor: "User") -> Conference:
    """Close a held conference once every petition of it has been routed (or merged/closed).
    HELD → CLOSED. Writes "dialogues.close_conference".

    Refuses a conference not held, and one with petitions still waiting to be screened or
    routed (naming them).
    """
    if conference.status != Conference.Status.HELD:
        raise ValidationError(_("Only a conference that was held can be closed."))
    waiting = list(
        conference.petitions.filter(
            status__in=[Petition.Status.RECEIVED, Petition.Status.SCREENED]
        ).values_list("code", flat=True)[:10]
    )
    if waiting:
        raise ValidationError(
            _("These petitions are not routed yet: %(codes)s.") % {"codes": ", ".join(waiting)}
        )
    conference.status = Conference.Status.CLOSED
    conference.closed_at = timezone.now()
    conference.save(update_fields=["status", "closed_at"])
    audit.record(actor, "dialogues.close_conference", conference, unit=conference.host_unit)
    return conference
