"""The Decision 766 service index (docs/domain/service-index.md): dossiers and feedback as the
provincial one-stop system exports them, their counts per unit × procedure × month (maintained at
import), the framework of points (data, versioned), the monthly scores per unit, the month freeze
and the apology letters for late dossiers."""

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cchc.orgunits.models import OrgUnit


class Framework(models.Model):
    """A version of the index's points: groups and indicators as data (`document`, see
    `scoring.parse_framework`). The default one, Decision 766/QĐ-TTg (2022), ships in a data
    migration. Exactly one framework is the default used for new months."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    source = models.TextField(_("legal source"), blank=True)
    document = models.JSONField(_("groups and indicators"))
    is_default = models.BooleanField(_("default"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("service index framework")
        verbose_name_plural = _("service index frameworks")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="services_framework_version"),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="services_one_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class Channel(models.TextChoices):
    ONLINE = "truc_tuyen", _("Online")
    IN_PERSON = "truc_tiep", _("In person")
    POST = "buu_chinh", _("By post")


class DossierRating(models.TextChoices):
    VERY_SATISFIED = "rat_hai_long", _("Very satisfied")
    SATISFIED = "hai_long", _("Satisfied")
    NEUTRAL = "binh_thuong", _("Neutral")
    DISSATISFIED = "khong_hai_long", _("Dissatisfied")


class DossierQuerySet(models.QuerySet["Dossier"]):
    def for_user(self, user: Any) -> "DossierQuerySet":
        """The dossiers of the units `user` sees (OrgUnit.objects.visible_to)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_city_admin:
            return self.all()
        return self.filter(unit__in=OrgUnit.objects.visible_to(user))

    def handled_in(self, first: datetime.date) -> "DossierQuerySet":
        """Handled in the month starting `first`: received in it, or received before it and
        still in progress at its start (returned in it or later, or not yet)."""
        start, end = month_bounds(first)
        # Three branches, each an index range, so that a month reads its own dossiers and the
        # ones still open, not the whole history received before it.
        return self.filter(
            Q(received_at__gte=start, received_at__lt=end)
            | Q(received_at__lt=start, returned_at__gte=start)
            | Q(received_at__lt=start, returned_at__isnull=True)
        )

    def overdue_at(self, first: datetime.date) -> "DossierQuerySet":
        """Handled in the month and overdue as at its end: completed after the due time, or
        still in progress past it."""
        _start, end = month_bounds(first)
        late_done = Q(returned_at__lt=end, returned_at__gt=models.F("due_at"))
        late_open = (Q(returned_at__isnull=True) | Q(returned_at__gte=end)) & Q(due_at__lt=end)
        return self.handled_in(first).filter(late_done | late_open)


def month_bounds(first: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month's first moment and the next month's first moment, in local time (aware)."""
    from django.utils import timezone

    nxt = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    tz = timezone.get_default_timezone()
    return (
        datetime.datetime.combine(first, datetime.time(), tzinfo=tz),
        datetime.datetime.combine(nxt, datetime.time(), tzinfo=tz),
    )


class Dossier(models.Model):
    """One administrative-procedure dossier (hồ sơ TTHC), keyed by its code; a re-import updates
    its progress."""

    code = models.CharField(_("dossier code"), max_length=60, unique=True)
    procedure_code = models.CharField(_("procedure code"), max_length=40, db_index=True)
    procedure = models.ForeignKey(
        "procedures.Procedure", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    received_at = models.DateTimeField(_("received"))
    due_at = models.DateTimeField(_("due"))
    returned_at = models.DateTimeField(_("result returned"), null=True, blank=True)
    full_online = models.BooleanField(_("full-process online"), default=False)
    paid_online = models.BooleanField(_("paid online"), default=False)
    e_result = models.BooleanField(_("electronic result"), default=False)
    digitised = models.BooleanField(_("digitised"), default=False)
    rating = models.CharField(
        _("citizen's rating"), max_length=16, choices=DossierRating.choices, blank=True
    )
    has_feedback = models.BooleanField(_("has feedback"), default=False)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            models.Index(fields=["unit", "received_at"], name="services_dossier_unit_recv"),
            models.Index(fields=["received_at"], name="services_dossier_received"),
            # "handled in a month" as three index ranges (DossierQuerySet.handled_in). Those of
            # the dossiers returned in or after the month carry received_at (and the unit) so
            # that "received before it" is tested in the index: the range runs to the newest
            # dossier, and the table is read only for the few that match (decision 0028).
            models.Index(
                fields=["returned_at", "received_at", "unit"], name="services_dossier_ret_recv"
            ),
            models.Index(
                fields=["unit", "returned_at", "received_at"], name="services_dossier_unit_ret_rcv"
            ),
            models.Index(
                fields=["unit"], condition=Q(returned_at__isnull=True), name="services_dossier_open"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class FeedbackRating(models.TextChoices):
    SATISFIED = "hai_long", _("Satisfied")
    DISSATISFIED = "khong_hai_long", _("Dissatisfied")


class Feedback(models.Model):
    """One piece of feedback (phản ánh, kiến nghị), optionally about a dossier."""

    code = models.CharField(_("feedback code"), max_length=60, unique=True)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    dossier_code = models.CharField(_("dossier code"), max_length=60, blank=True, db_index=True)
    received_at = models.DateTimeField(_("received"))
    due_at = models.DateTimeField(_("due"))
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    rating = models.CharField(
        _("rating"), max_length=16, choices=FeedbackRating.choices, blank=True
    )

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [models.Index(fields=["received_at"], name="services_feedback_received")]

    def __str__(self) -> str:
        return self.code


class DossierCount(models.Model):
    """The counts of one unit × procedure × month, as at the month's end (scoring.COUNT_FIELDS).
    Maintained at import for open months; the monthly computation sums them."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    procedure_code = models.CharField(max_length=40)
    handled = models.IntegerField(default=0)
    received = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    online = models.IntegerField(default=0)
    full_online = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    e_result = models.IntegerField(default=0)
    digitised = models.IntegerField(default=0)
    published = models.IntegerField(default=0)
    unsatisfied = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "unit", "procedure_code"], name="services_one_count"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} · {self.unit_id} · {self.procedure_code}"


class FeedbackCount(models.Model):
    """Feedback received by one unit in one month: on time and unsatisfied as at its end."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    received = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    unsatisfied = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "unit"], name="services_one_feedback_count")
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} · {self.unit_id}"


class MonthScore(models.Model):
    """The index of one unit for one month: counts, rates (%, two decimals), group points and
    total. Recomputed while the month is open; frozen with it."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    handled = models.IntegerField(_("dossiers handled"))
    counts = models.JSONField(default=dict)
    rates = models.JSONField(default=dict)
    groups = models.JSONField(default=dict)
    total_points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, null=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("monthly service score")
        verbose_name_plural = _("monthly service scores")
        ordering = ["-month", "-total_points"]
        constraints = [models.UniqueConstraint(fields=["month", "unit"], name="services_one_score")]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} · {self.unit_id}"


class MonthFreeze(models.Model):
    """A month the city closed: its counts and scores no longer change, whatever arrives."""

    month = models.DateField(_("month"), unique=True)
    frozen_at = models.DateTimeField(_("closed"))
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("closed service month")
        verbose_name_plural = _("closed service months")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y}"


class ApologyLetter(models.Model):
    """The written apology to the citizen for a late dossier (Hà Nội requires one per late
    dossier): issued once, with its number and date."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="apology")
    number = models.CharField(_("number"), max_length=40)
    issued_on = models.DateField(_("issued on"))
    new_due_on = models.DateField(_("new date for the result"), null=True, blank=True)
    reason = models.TextField(_("reason for the delay"))
    signer = models.CharField(_("signed by"), max_length=200)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("apology letter")
        verbose_name_plural = _("apology letters")

    def __str__(self) -> str:
        return f"{self.number} · {self.dossier.code}"

    def get_absolute_url(self) -> str:
        return reverse("services:apology_docx", args=[self.pk])


class ImportRun(models.Model):
    """One imported file (or API push): counts and, when refused, its row errors."""

    class Kind(models.TextChoices):
        DOSSIERS = "dossiers", _("Dossiers")
        FEEDBACK = "feedback", _("Feedback")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(_("file"), max_length=255)
    rows = models.IntegerField(default=0)
    created = models.IntegerField(default=0)
    updated = models.IntegerField(default=0)
    error_count = models.IntegerField(default=0)
    errors = models.JSONField(default=list, help_text="[[row, column, message], …] (first 10,000)")
    accepted = models.BooleanField(default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name
