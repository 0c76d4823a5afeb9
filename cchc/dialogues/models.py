"""Dialogue conferences with citizens, organisations and businesses, their petitions, the
answers and the commitments that become tasks in `plans` (docs/domain/inspections-and-dialogues.md).

One record's flow:

1. A unit announces a Conference (status ANNOUNCED, shown on the public page when `is_public`).
2. Before it, a citizen sends a Petition through the public form (channel WEB, status RECEIVED,
   code "KN-2026-7KQ4-M9XD" to look it up); at the meeting staff record others (channel MEETING),
   and letters are typed in (channel WRITING). A filled-in honeypot stores it flagged.
3. Staff screen it: classify by Field and IssueGroup (status SCREENED), or merge it into an
   earlier petition on the same matter (`merged_into`, status CLOSED).
4. They route it to a responsible unit with a deadline (ROUTED).
5. The unit records an Answer, given at the conference or in writing (ANSWERED); an answer that
   commits to action creates a plans.Task (source DIALOGUE, source_ref = the petition's code)
   in the same transaction, linked by a Commitment.
6. Answers are published in bulk (PUBLISHED): only then does the public see them, and the
   petition's public status follows its commitment's task until the task is done.
7. The petition is closed (CLOSED) once its commitments are done; the conference is marked held
   (attendance, minutes) and closed.
"""

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.core.models import StoredFile
from cchc.orgunits.models import OrgUnit
from cchc.plans.models import Task, TaskStatus

if TYPE_CHECKING:
    from cchc.accounts.models import User

CONTENT_LIMIT = 5000
CONTACT_LIMIT = 200


class Audience(models.TextChoices):
    CITIZENS = "citizens", _("Citizens")
    ORGANISATIONS = "organisations", _("Organisations")
    BUSINESSES = "businesses", _("Businesses")
    SECTOR = "sector", _("A sector")


class Field(models.Model):
    """A field of petitions (land, investment, taxes…): configurable reference data."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("petition field")
        verbose_name_plural = _("petition fields")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class IssueGroup(models.Model):
    """A group of issues within a field (e.g. land-use certificates): configurable."""

    field = models.ForeignKey(
        Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="groups"
    )
    code = models.CharField(_("code"), max_length=24, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("issue group")
        verbose_name_plural = _("issue groups")
        ordering = ["field__order", "order", "code"]

    def __str__(self) -> str:
        return self.name


class ConferenceQuerySet(models.QuerySet["Conference"]):
    def for_user(self, user: "User | Any") -> "ConferenceQuerySet":
        """Conferences hosted by a unit the user sees, and those with a petition routed to
        one of the user's units."""
        if getattr(user, "is_city_admin", False):
            return self.all()
        visible = OrgUnit.objects.visible_to(user)
        return self.filter(
            Q(host_unit__in=visible)
            | Q(pk__in=Petition.objects.filter(responsible_unit__in=visible).values("conference"))
        )

    def public(self) -> "ConferenceQuerySet":
        return self.filter(is_public=True)


class Conference(models.Model):
    class Level(models.TextChoices):
        CITY = "city", _("City")
        DEPARTMENT = "department", _("Department")
        WARD = "ward", _("Ward or commune")

    class Status(models.TextChoices):
        ANNOUNCED = "announced", _("Announced")
        HELD = "held", _("Held")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=300)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    host_unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("host unit"),
        on_delete=models.PROTECT,
        related_name="dialogue_conferences",
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chair_name = models.CharField(
        _("chair (name)"),
        max_length=200,
        blank=True,
        help_text=_("When the chair has no account: name and position."),
    )
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    audiences = models.JSONField(_("audience"), default=list)
    sector = models.CharField(_("sector"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    plan_document = models.FileField(
        _("plan document"), upload_to="dialogues/plans/%Y/", blank=True
    )
    attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    minutes_file = models.FileField(
        _("minutes (file)"), upload_to="dialogues/minutes/%Y/", blank=True
    )
    minutes_text = models.TextField(_("minutes"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ANNOUNCED
    )
    is_public = models.BooleanField(_("shown on the public page"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    held_at = models.DateTimeField(_("marked held"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ConferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("dialogue conference")
        verbose_name_plural = _("dialogue conferences")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["is_public", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("dialogues:conference", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("dialogues:public_conference", args=[self.pk])

    @property
    def chair_display(self) -> str:
        if self.chair_id and self.chair is not None:
            return self.chair.get_full_name()
        return self.chair_name

    @property
    def audience_labels(self) -> list[str]:
        labels = [str(Audience(a).label) for a in self.audiences if a in Audience.values]
        if self.sector:
            labels.append(self.sector)
        return labels

    @property
    def accepts_petitions(self) -> bool:
        """The public form is open while the conference is announced, public and ahead."""
        return (
            self.status == self.Status.ANNOUNCED
            and self.is_public
            and self.starts_at > timezone.now()
        )


class PetitionQuerySet(models.QuerySet["Petition"]):
    def for_user(self, user: "User | Any") -> "PetitionQuerySet":
        """Petitions received by a unit the user sees (its conferences' among them) and those
        routed to one of the user's units."""
        if getattr(user, "is_city_admin", False):  # every unit: skip the subqueries
            return self.all()
        visible = OrgUnit.objects.visible_to(user)
        return self.filter(Q(unit__in=visible) | Q(responsible_unit__in=visible))

    def listed(self) -> "PetitionQuerySet":
        """In the order of the lists: the oldest answer deadline first, those without one (not
        routed yet) after, each by date received; with what a row shows, not the long texts."""
        return (
            self.select_related("conference", "unit", "responsible_unit", "field", "issue_group")
            .defer("content", "contact", "close_reason", "conference__description")
            .order_by(models.F("deadline").asc(nulls_last=True), "received_at", "pk")
        )

    def open(self) -> "PetitionQuerySet":
        return self.exclude(status=Petition.Status.CLOSED)


class Petition(models.Model):
    class Channel(models.TextChoices):
        WEB = "web", _("Public form before the conference")
        MEETING = "meeting", _("At the conference")
        WRITING = "writing", _("In writing")

    class SubmitterType(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        ORGANISATION = "organisation", _("Organisation")
        BUSINESS = "business", _("Business")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        SCREENED = "screened", _("Screened")
        ROUTED = "routed", _("Routed")
        ANSWERED = "answered", _("Answered")
        PUBLISHED = "published", _("Answer published")
        CLOSED = "closed", _("Closed")

    code = models.CharField(_("code"), max_length=20, unique=True)
    conference = models.ForeignKey(
        Conference,
        verbose_name=_("conference"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("receiving unit"),
        on_delete=models.PROTECT,
        related_name="received_petitions",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    submitter_type = models.CharField(_("submitter"), max_length=14, choices=SubmitterType.choices)
    submitter_name = models.CharField(_("name or organisation"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=CONTACT_LIMIT, blank=True)
    # The consent under which the contact is stored (cchc/core/privacy.py): its wording's
    # version and when it was given; both empty when no contact was given.
    contact_consent_version = models.CharField(
        _("consent wording version"), max_length=20, blank=True
    )
    contact_consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    # When the personal data (name, contact, attachments) was erased: by the retention job
    # or at the citizen's request. The petition and its public journey stay.
    anonymised_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    field = models.ForeignKey(
        Field,
        verbose_name=_("field"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    issue_group = models.ForeignKey(
        IssueGroup,
        verbose_name=_("issue group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    title = models.CharField(_("subject"), max_length=300)
    content = models.TextField(_("content"), max_length=CONTENT_LIMIT)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    flag_reason = models.CharField(_("flagged for screening"), max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    responsible_unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="routed_petitions",
    )
    deadline = models.DateField(_("deadline for the answer"), null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    screened_at = models.DateTimeField(_("screened"), null=True, blank=True)
    routed_at = models.DateTimeField(_("routed"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="dialogues_petition_open_idx"),
            models.Index(fields=["responsible_unit", "status"]),
            models.Index(
                fields=["anonymised_at", "closed_at"], name="dialogues_petition_retention"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="dialogues_not_merged_into_self"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("dialogues:petition", args=[self.pk])

    def get_journey_url(self) -> str:
        return reverse("dialogues:journey", args=[self.code])

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in (self.Status.SCREENED, self.Status.ROUTED)
            and self.deadline is not None
            and self.deadline < timezone.localdate()
        )

    @property
    def days_overdue(self) -> int:
        if not self.is_overdue or self.deadline is None:
            return 0
        return (timezone.localdate() - self.deadline).days


class Attachment(StoredFile):
    """A file sent with a petition. Stored under a random name, served only to staff."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="dialogues/petitions/%Y/%m/")

    class Meta:
        verbose_name = _("petition attachment")
        verbose_name_plural = _("petition attachments")


class Answer(models.Model):
    class GivenAt(models.TextChoices):
        CONFERENCE = "conference", _("At the conference")
        WRITING = "writing", _("In writing")

    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), on_delete=models.CASCADE, related_name="answers"
    )
    text = models.TextField(_("answer"))
    given_at = models.CharField(_("given"), max_length=10, choices=GivenAt.choices)
    answered_on = models.DateField(_("date of the answer"))
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("answering unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["answered_on", "pk"]

    def __str__(self) -> str:
        return f"{self.petition.code} · {self.answered_on:%d/%m/%Y}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class CommitmentQuerySet(models.QuerySet["Commitment"]):
    def open_on(self, day: datetime.date) -> "CommitmentQuerySet":
        """Commitments made by `day` whose task was neither completed nor cancelled by then."""
        end = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
        return self.filter(created_at__lte=end).filter(
            Q(task__completed_on__isnull=True) | Q(task__completed_on__gt=day),
            Q(task__cancelled_at__isnull=True) | Q(task__cancelled_at__gt=end),
        )


class Commitment(models.Model):
    """An answer's promise of action, followed as a task in `plans` until it is done."""

    answer = models.OneToOneField(
        Answer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="commitment"
    )
    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), on_delete=models.CASCADE, related_name="commitments"
    )
    task = models.OneToOneField(
        "plans.Task",
        verbose_name=_("task"),
        on_delete=models.PROTECT,
        related_name="dialogue_commitment",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["task__deadline", "pk"]

    def __str__(self) -> str:
        return f"{self.petition.code} → {self.task.code}"


class PublicStatus(models.TextChoices):
    """What the public sees of a petition: a coarser status that follows the commitment."""

    RECEIVED = "received", _("Received, being screened")
    HANDLING = "handling", _("Being handled by the responsible unit")
    ANSWERED = "answered", _("Answered")
    COMMITMENT_IN_TERM = "commitment_in_term", _("Answered; the commitment is being carried out")
    COMMITMENT_OVERDUE = "commitment_overdue", _("Answered; the commitment is overdue")
    COMMITMENT_DONE = "commitment_done", _("Answered; the commitment is done")
    MERGED = "merged", _("Merged with another petition on the same matter")
    CLOSED = "closed", _("Closed")


def public_status(petition: Petition, tasks: list[Task]) -> str:
    """The public status of `petition` given its commitments' tasks: before publication only
    the stage (received, being handled); after it, the tasks' worst state decides."""
    if petition.merged_into_id:
        return PublicStatus.MERGED
    if petition.status in (Petition.Status.RECEIVED, Petition.Status.SCREENED):
        return PublicStatus.RECEIVED
    if petition.status in (Petition.Status.ROUTED, Petition.Status.ANSWERED):
        return PublicStatus.HANDLING
    if petition.published_at is None:  # closed without an answer to publish
        return PublicStatus.CLOSED
    active = [task for task in tasks if task.cancelled_at is None]
    if not active:
        return PublicStatus.ANSWERED
    states = {task.status for task in active}
    if TaskStatus.OVERDUE in states:
        return PublicStatus.COMMITMENT_OVERDUE
    if TaskStatus.IN_TERM in states:
        return PublicStatus.COMMITMENT_IN_TERM
    return PublicStatus.COMMITMENT_DONE
