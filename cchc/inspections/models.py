"""Public-duty inspections (kiểm tra công vụ), their findings, conclusions, recommendations and
re-inspection verdicts (docs/domain/inspections-and-dialogues.md).

One record's flow:

1. An inspector creates an `Inspection` (optionally under the year's `InspectionPlan`): its kind
   (planned, surprise, incognito), the decision that set it up, the team (`TeamMember`: a user or
   an outside name, head / deputy / member), the target units (`Target`), the scope checklist
   (`ChecklistItem`s) and the dates. Status: planned.
2. The team starts it (status: in progress). A planned inspection is visible to its targets from
   the start; a surprise one only once started; an incognito one only once concluded.
3. Team members record `Finding`s on the spot (target unit, checklist item, severity, person
   concerned, photos/files as `FindingFile`s); the minutes (biên bản) are generated from them.
4. The `Conclusion` (results notice) is issued with its `Recommendation`s, each with a
   responsible unit (and optionally a person) and a deadline. Issuing it creates one remediation
   task per recommendation in `plans` (Task.Source.INSPECTION, source_ref = the recommendation's
   reference) in the same transaction. Status: concluded.
5. A later inspection of the same targets records a `Verdict` per earlier recommendation:
   remedied closes it; partly or not remedied keeps it open, and an open recommendation past its
   deadline escalates to the heads of its unit.
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

if TYPE_CHECKING:
    from cchc.accounts.models import User


class ChecklistItem(models.Model):
    """One item of an inspection's scope (configurable reference data, seeded by 0002)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class InspectionPlan(models.Model):
    """The yearly inspection plan of a unit (usually the city's inspectorate)."""

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("issuing unit"),
        on_delete=models.PROTECT,
        related_name="inspection_plans",
    )
    title = models.CharField(_("title"), max_length=300)
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    document = models.FileField(_("signed document"), upload_to="inspections/plans/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="inspections_one_plan_per_year")
        ]

    def __str__(self) -> str:
        return self.title


class InspectionQuerySet(models.QuerySet["Inspection"]):
    def for_user(self, user: "User | Any") -> "InspectionQuerySet":
        """City administrators see every inspection. Anyone else sees those of a unit they see
        (the inspecting unit), those whose team they are on, and those targeting a unit they
        see once the target may know: planned ones always, surprise ones once started,
        incognito ones once concluded."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_city_admin:
            return self.all()
        visible = OrgUnit.objects.visible_to(user)
        target_may_know = (
            Q(kind=Inspection.Kind.PLANNED)
            | Q(kind=Inspection.Kind.SURPRISE, status__in=Inspection.STARTED)
            | Q(kind=Inspection.Kind.INCOGNITO, status=Inspection.Status.CONCLUDED)
        )
        targeted = Target.objects.filter(unit__in=visible).values("inspection_id")
        on_team = TeamMember.objects.filter(user=user).values("inspection_id")
        return self.filter(
            Q(unit__in=visible) | Q(pk__in=on_team) | (Q(pk__in=targeted) & target_may_know)
        )


class Inspection(models.Model):
    class Kind(models.TextChoices):
        PLANNED = "planned", _("Planned")
        SURPRISE = "surprise", _("Surprise")
        INCOGNITO = "incognito", _("Incognito")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        CONCLUDED = "concluded", _("Concluded")

    STARTED = (Status.IN_PROGRESS, Status.CONCLUDED)

    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("inspection plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("inspecting unit"),
        on_delete=models.PROTECT,
        related_name="inspections_led",
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PLANNED)
    decision_number = models.CharField(_("decision number"), max_length=50)
    decision_date = models.DateField(_("decision date"))
    decision_signer = models.CharField(_("signed by"), max_length=150)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    checklist = models.ManyToManyField(
        ChecklistItem, verbose_name=_("scope"), related_name="inspections"
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="inspections_dates"
            )
        ]
        indexes = [
            models.Index(fields=["status", "start_date"]),
            models.Index(fields=["-start_date", "-id"], name="inspections_latest_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("inspections:detail", args=[self.pk])

    @property
    def code(self) -> str:
        """A short reference used in recommendations' and tasks' codes: KTCV-12."""
        return f"KTCV-{self.pk}"

    @property
    def is_started(self) -> bool:
        return self.status in self.STARTED

    @property
    def is_concluded(self) -> bool:
        return self.status == self.Status.CONCLUDED


class TeamMember(models.Model):
    class Role(models.TextChoices):
        HEAD = "head", _("Team head")
        DEPUTY = "deputy", _("Deputy head")
        MEMBER = "member", _("Member")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_teams",
    )
    name = models.CharField(_("outside member's name"), max_length=150, blank=True)
    position = models.CharField(_("position and agency"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)

    ROLE_ORDER = {Role.HEAD: 0, Role.DEPUTY: 1, Role.MEMBER: 2}

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["inspection", "role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""), name="inspections_member_named"
            ),
            models.UniqueConstraint(
                fields=["inspection", "user"],
                condition=Q(user__isnull=False),
                name="inspections_member_once",
            ),
            models.UniqueConstraint(
                fields=["inspection"],
                condition=Q(role="head"),
                name="inspections_one_head",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user_id and self.user is not None:
            return self.user.get_full_name()
        return self.name


class Target(models.Model):
    """A unit under inspection, and optionally persons of it."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="inspection_targets",
    )
    persons = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("persons"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("inspected unit")
        verbose_name_plural = _("inspected units")
        ordering = ["inspection", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "unit"], name="inspections_target_once")
        ]

    def __str__(self) -> str:
        return str(self.unit)


class FindingQuerySet(models.QuerySet["Finding"]):
    def for_user(self, user: "User | Any") -> "FindingQuerySet":
        """The findings of the inspections the user sees (Inspection.objects.for_user): all of
        them on the inspecting side (a unit they see inspects, or they are on the team), else
        those about a unit they see. Every one for city administrators."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_city_admin:
            return self.all()
        visible = OrgUnit.objects.visible_to(user)
        on_team = TeamMember.objects.filter(user=user).values("inspection_id")
        return self.filter(inspection__in=Inspection.objects.for_user(user)).filter(
            Q(inspection__unit__in=visible) | Q(inspection_id__in=on_team) | Q(unit__in=visible)
        )


class Finding(models.Model):
    class Severity(models.TextChoices):
        MINOR = "minor", _("Minor")
        MODERATE = "moderate", _("Moderate")
        SERIOUS = "serious", _("Serious")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("inspected unit"),
        on_delete=models.PROTECT,
        related_name="inspection_findings",
    )
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("checklist item"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MINOR
    )
    description = models.TextField(_("description"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_findings",
    )
    # Whether the person concerned headed the unit: the ratings module reads it as discipline.
    against_head = models.BooleanField(_("concerns the head of the unit"), default=False)
    observed_at = models.DateTimeField(_("observed"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection", "unit__path", "observed_at", "pk"]
        indexes = [models.Index(fields=["person", "observed_at"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.item}"


class FindingFile(StoredFile):
    """A photo or document taken on the spot. Stored under a random name, served as download."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="inspections/%Y/%m/")

    class Meta:
        verbose_name = _("finding file")
        verbose_name_plural = _("finding files")


class Conclusion(models.Model):
    """The results notice (thông báo kết luận) of an inspection."""

    inspection = models.OneToOneField(
        Inspection, on_delete=models.CASCADE, related_name="conclusion"
    )
    number = models.CharField(_("number"), max_length=50)
    date = models.DateField(_("date"))
    signer = models.CharField(_("signed by"), max_length=150)
    text = models.TextField(_("conclusion"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("conclusion")
        verbose_name_plural = _("conclusions")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.number


class RecommendationQuerySet(models.QuerySet["Recommendation"]):
    def open(self) -> "RecommendationQuerySet":
        return self.filter(status__in=Recommendation.OPEN_STATUSES)

    def overdue(self, today: datetime.date | None = None) -> "RecommendationQuerySet":
        return self.open().filter(deadline__lt=today or timezone.localdate())

    def for_user(self, user: "User | Any") -> "RecommendationQuerySet":
        """The recommendations addressed to a unit the user sees, and all the recommendations
        of inspections they manage (the inspecting unit's members, the team); every one for
        city administrators.

        A recommendation exists only once its inspection is concluded, and a concluded
        inspection is visible to its targets whatever its kind: no kind rule is needed here."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_city_admin:
            return self.all()
        visible = OrgUnit.objects.visible_to(user)
        on_team = TeamMember.objects.filter(user=user).values("inspection_id")
        return self.filter(
            Q(unit__in=visible)
            | Q(conclusion__inspection__unit__in=visible)
            | Q(conclusion__inspection_id__in=on_team)
        )


class Recommendation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        REMEDIED = "remedied", _("Remedied")
        PARTLY = "partly", _("Partly remedied")
        NOT_REMEDIED = "not_remedied", _("Not remedied")

    # Partly and not remedied recommendations stay open until a later verdict remedies them.
    OPEN_STATUSES = (Status.OPEN, Status.PARTLY, Status.NOT_REMEDIED)

    conclusion = models.ForeignKey(
        Conclusion, on_delete=models.CASCADE, related_name="recommendations"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("recommendation"))
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="inspection_recommendations",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_recommendations",
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    task = models.OneToOneField(
        "plans.Task",
        verbose_name=_("remediation task"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendation",
    )
    closed_on = models.DateField(_("remedied on"), null=True, blank=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["conclusion", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["conclusion", "number"], name="inspections_recommendation_number"
            )
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="inspections_rec_open_idx")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """KTCV-12-KN3: the inspection and the recommendation's number (the task's code)."""
        return f"KTCV-{self.conclusion.inspection_id}-KN{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def days_overdue(self, today: datetime.date | None = None) -> int:
        if not self.is_open:
            return 0
        return max(0, ((today or timezone.localdate()) - self.deadline).days)


class Verdict(models.Model):
    """A re-inspection's verdict on an earlier recommendation, with its evidence."""

    class Value(models.TextChoices):
        REMEDIED = "remedied", _("Remedied")
        PARTLY = "partly", _("Partly remedied")
        NOT_REMEDIED = "not_remedied", _("Not remedied")

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("re-inspection"),
        on_delete=models.CASCADE,
        related_name="verdicts",
    )
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="verdicts"
    )
    verdict = models.CharField(_("verdict"), max_length=12, choices=Value.choices)
    evidence = models.TextField(_("evidence"))
    file = models.FileField(_("evidence file"), upload_to="inspections/verdicts/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("re-inspection verdict")
        verbose_name_plural = _("re-inspection verdicts")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "recommendation"], name="inspections_verdict_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recommendation} · {self.verdict}"
