"""Personal data (Law 91/2025/QH15; docs/domain/personal-data.md): the data-subject requests
that arrive on paper (or by letter, in person) and the staff queue that answers them within the
law's time limit. Requests made on the web by a citizen who proves control of a petition are
carried out at once (cchc/dialogues/actions/personal_data.py) and need no row here."""

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.orgunits.models import OrgUnit

if TYPE_CHECKING:
    from cchc.accounts.models import User


class DataRequestQuerySet(models.QuerySet["DataRequest"]):
    def for_user(self, user: "User | Any") -> "DataRequestQuerySet":
        """Requests addressed to a unit the user sees (OrgUnit.objects.visible_to)."""
        if getattr(user, "is_city_admin", False):
            return self.all()
        return self.filter(unit__in=OrgUnit.objects.visible_to(user))

    def open(self) -> "DataRequestQuerySet":
        return self.filter(status=DataRequest.Status.OPEN)


class DataRequest(models.Model):
    """A data subject's request received outside the web (a letter, a visit), followed until
    it is answered: its deadline is `received_on` + CCHC_PRIVACY_REQUEST_DAYS."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("See my data")
        CORRECT = "correct", _("Correct my data")
        WITHDRAW = "withdraw", _("Withdraw my consent")
        ERASE = "erase", _("Erase my data")

    class Record(models.TextChoices):
        PETITION = "petition", _("Petition")
        SURVEY_RESPONSE = "survey_response", _("Survey response")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Carried out")
        REFUSED = "refused", _("Refused with reasons")

    kind = models.CharField(_("request"), max_length=10, choices=Kind.choices)
    record = models.CharField(_("record concerned"), max_length=16, choices=Record.choices)
    reference = models.CharField(
        _("reference"), max_length=40, blank=True, help_text=_("The petition code, if any.")
    )
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    requester_name = models.CharField(_("requester"), max_length=200)
    requester_contact = models.CharField(_("requester's address or contact"), max_length=200)
    details = models.TextField(_("what is asked"), blank=True)
    received_on = models.DateField(_("received"))
    due_on = models.DateField(_("answer due"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    outcome = models.TextField(_("answer given"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(_("answered"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = DataRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["status", "due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="privacy_request_due")]

    def __str__(self) -> str:
        return f"#{self.pk} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("privacy:request", args=[self.pk])

    def is_overdue_on(self, day: datetime.date) -> bool:
        return self.status == self.Status.OPEN and self.due_on < day


class OneTimeCode(models.Model):
    """A one-time code sent to the contact on record of a petition or a survey response, so that
    the citizen proves control of it without retyping the contact (docs/domain/personal-data.md,
    decision 0031). Only a keyed hash of the code is stored (settings.CCHC_HASH_KEY); it is
    valid CCHC_PRIVACY_CODE_MINUTES, used once, and burnt after CCHC_PRIVACY_CODE_ATTEMPTS wrong
    tries. A newer code for the same record replaces the older ones."""

    class Record(models.TextChoices):
        PETITION = "petition", _("Petition")
        SURVEY_RESPONSE = "survey_response", _("Survey response")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("Text message")

    record = models.CharField(max_length=16, choices=Record.choices)
    record_id = models.PositiveBigIntegerField()
    code_hash = models.CharField(max_length=64)
    channel = models.CharField(max_length=5, choices=Channel.choices)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [models.Index(fields=["record", "record_id"], name="privacy_code_record")]

    def __str__(self) -> str:
        return f"{self.record} #{self.record_id} · {self.created_at:%d/%m/%Y %H:%M}"
