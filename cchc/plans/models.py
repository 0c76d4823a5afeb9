"""Reform plans, their tasks, progress reports, reviews, extensions and the frozen monthly tally.

A task's status is never typed: it follows from its deadline, its accepted completion and its
cancellation (Decision 42/2014/QĐ-TTg categories), see `Task.status_on`.
"""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.core.models import StoredFile
from cchc.core.rounding import percent
from cchc.orgunits.models import OrgUnit

if TYPE_CHECKING:
    from cchc.accounts.models import User


class ContentArea(models.Model):
    """The content areas of administrative reform (reference data,
    docs/domain/reform-programme.md)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("content area")
        verbose_name_plural = _("content areas")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class PlanQuerySet(models.QuerySet["Plan"]):
    def for_user(self, user: "User | Any") -> "PlanQuerySet":
        """Plans of the units the user sees, the city plans their own plans concretise, and the
        plans in which one of their units leads or cooperates on a task."""
        visible = OrgUnit.objects.visible_to(user)
        tasks = Task.objects.filter(plan=models.OuterRef("pk"))
        # EXISTS rather than joins with DISTINCT: each plan once, without sorting the rows.
        return self.filter(
            Q(unit__in=visible)
            | models.Exists(Plan.objects.filter(parent=models.OuterRef("pk"), unit__in=visible))
            | models.Exists(tasks.filter(lead_unit__in=visible))
            | models.Exists(tasks.filter(cooperating_units__in=visible))
        )


def assignment_day(plan: "Plan") -> datetime.date | None:
    """When a task added to `plan` now starts to count: None in a draft (issuing sets it)."""
    if not plan.is_issued or plan.document_date is None:
        return None
    return max(plan.document_date, timezone.localdate())


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("issuing unit"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("city plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("The city plan that this unit plan concretises."),
    )
    title = models.CharField(_("title"), max_length=300)
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    signer = models.CharField(_("signer"), max_length=150, blank=True)
    attachment = models.FileField(_("signed document"), upload_to="plans/%Y/", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("reform plan")
        verbose_name_plural = _("reform plans")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="plans_one_plan_per_unit_year")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:plan_detail", args=[self.pk])

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED


class TaskStatus(models.TextChoices):
    """Decision 42/2014 categories, derived from dates (never stored by hand)."""

    IN_TERM = "in_term", _("In term")
    OVERDUE = "overdue", _("Overdue")
    ON_TIME = "on_time", _("Completed on time")
    LATE = "late", _("Completed late")
    CANCELLED = "cancelled", _("Cancelled")


def status_filter(status: str, day: datetime.date) -> Q:
    """The filter of the tasks whose `status_on(day)` is `status`: the same rule as
    Task.status_on, in SQL (lists, exports, the API and the month's tally use it)."""
    active = Q(cancelled_at__isnull=True)
    done = active & Q(completed_on__isnull=False, completed_on__lte=day)
    not_done = active & (Q(completed_on__isnull=True) | Q(completed_on__gt=day))
    return {
        TaskStatus.CANCELLED: Q(cancelled_at__isnull=False),
        TaskStatus.ON_TIME: done & Q(completed_on__lte=models.F("deadline")),
        TaskStatus.LATE: done & Q(completed_on__gt=models.F("deadline")),
        TaskStatus.OVERDUE: not_done & Q(deadline__lt=day),
        TaskStatus.IN_TERM: not_done & Q(deadline__gte=day),
    }[TaskStatus(status)]


class TaskQuerySet(models.QuerySet["Task"]):
    def for_user(self, user: "User | Any") -> "TaskQuerySet":
        """Tasks led by, or cooperated on by, a unit the user sees."""
        visible = OrgUnit.objects.visible_to(user)
        # EXISTS rather than a join with DISTINCT: each task once, without sorting every
        # column of the rows (the tasks XLSX and the task page, issue #16).
        cooperating = Task.cooperating_units.through.objects.filter(
            task=models.OuterRef("pk"), orgunit__in=visible
        )
        return self.filter(
            Q(lead_unit__in=visible) | Q(plan__unit__in=visible) | models.Exists(cooperating)
        )

    def active(self) -> "TaskQuerySet":
        return self.filter(cancelled_at__isnull=True)

    def leaves(self) -> "TaskQuerySet":
        """Tasks that are counted: those without children (a parent only rolls them up).

        NOT EXISTS rather than a LEFT JOIN … IS NULL: PostgreSQL estimates the join's result at
        one row and then nests loops over 100,000 tasks (3.7 s for the briefing's overdue list);
        with an anti-join it reads them once."""
        return self.filter(~models.Exists(Task.objects.filter(parent=models.OuterRef("pk"))))

    def open(self) -> "TaskQuerySet":
        return self.active().filter(completed_on__isnull=True)

    def overdue(self, today: datetime.date | None = None) -> "TaskQuerySet":
        return self.open().filter(deadline__lt=today or timezone.localdate())


class Task(models.Model):
    class Priority(models.TextChoices):
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Source(models.TextChoices):
        PLAN = "plan", _("Reform plan")
        INSPECTION = "inspection", _("Inspection recommendation")
        DIALOGUE = "dialogue", _("Dialogue commitment")
        INDEX = "index", _("Index criterion")
        BRIEFING = "briefing", _("Monthly briefing conclusion")
        FREE = "free", _("Other")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="tasks"
    )
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    area = models.ForeignKey(
        ContentArea,
        verbose_name=_("content area"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    lead_unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    cooperating_units = models.ManyToManyField(
        "orgunits.OrgUnit",
        verbose_name=_("cooperating units"),
        blank=True,
        related_name="cooperating_tasks",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_tasks",
    )
    expected_output = models.CharField(_("expected output"), max_length=500, blank=True)
    deadline = models.DateField(_("deadline"))
    original_deadline = models.DateField(_("original deadline"))
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent task"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    implements = models.ForeignKey(
        "self",
        verbose_name=_("implements city task"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implementations",
    )
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.PLAN
    )
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress %"), default=0, validators=[MaxValueValidator(100)]
    )
    # The day the task counts from in tallies: the plan's date for tasks in the plan when it was
    # issued, the day of creation for tasks added later; empty while the plan is a draft.
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True, db_index=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    failed_reviews = models.PositiveSmallIntegerField(_("failed quality reviews"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["deadline", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="plans_task_code_unique"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="plans_progress_max"),
        ]
        indexes = [
            models.Index(fields=["lead_unit", "deadline"]),
            models.Index(fields=["completed_on"]),
            # The briefing's overdue list: open at the month's end and past the deadline.
            models.Index(fields=["deadline", "completed_on"], name="plans_task_overdue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plans:task_detail", args=[self.pk])

    def status_on(self, day: datetime.date) -> str:
        """The Decision 42 category of the task as seen at the end of `day`.

        Completed (accepted) on or before the deadline: on time; after it: late. Not completed
        by `day`: overdue once `day` is past the deadline, in term until then (a task due today
        is still in term today). Cancelled tasks are outside every total.
        """
        if self.cancelled_at is not None:
            return TaskStatus.CANCELLED
        if self.completed_on is not None and self.completed_on <= day:
            return TaskStatus.ON_TIME if self.completed_on <= self.deadline else TaskStatus.LATE
        return TaskStatus.OVERDUE if day > self.deadline else TaskStatus.IN_TERM

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    def get_status_display(self) -> str:
        return str(TaskStatus(self.status).label)

    @property
    def is_open(self) -> bool:
        return self.cancelled_at is None and self.completed_on is None

    @property
    def is_extended(self) -> bool:
        return self.deadline != self.original_deadline


class ProgressReport(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="reports"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    percent = models.PositiveSmallIntegerField(_("progress %"), validators=[MaxValueValidator(100)])
    narrative = models.TextField(_("progress made"))
    is_completion = models.BooleanField(_("reports completion"), default=False)
    output = models.CharField(_("output delivered"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="plans_report_percent_max")
        ]

    def __str__(self) -> str:
        return f"{self.task.code} · {self.percent}%"


class Evidence(StoredFile):
    """A file attached to a progress report. Stored under a random name, served as a download."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")


class QualityReview(models.Model):
    """The assigner's verdict on a completion report: every return is a failed review."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reviews")
    report = models.OneToOneField(ProgressReport, on_delete=models.CASCADE, related_name="review")
    passed = models.BooleanField(_("meets the requirements"))
    comment = models.TextField(_("comment"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quality review")
        verbose_name_plural = _("quality reviews")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.task.code} · {'pass' if self.passed else 'fail'}"


class ExtensionRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    new_deadline = models.DateField(_("new deadline"))
    previous_deadline = models.DateField(_("deadline before"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.task.code} → {self.new_deadline:%d/%m/%Y}"


class MonthClose(models.Model):
    """A closed month: the tally below is frozen until the month is reopened (with a reason)."""

    month = models.DateField(_("month"), unique=True, help_text=_("First day of the month."))
    closed_at = models.DateTimeField(_("closed"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    is_open = models.BooleanField(_("reopened"), default=False)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    class Meta:
        verbose_name = _("closed month")
        verbose_name_plural = _("closed months")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("reports:briefing", args=[self.month.year, self.month.month])


class TallyRates:
    """The rates of a tally line (docs/domain/tally.md): on the frozen TallyRow and on the
    briefing's sums of rows alike."""

    on_time: int
    late: int
    overdue: int
    reviewed: int
    reviews_passed: int

    @property
    def due(self) -> int:
        """Tasks whose deadline had come (on time + late + overdue): the base of both rates."""
        return self.on_time + self.late + self.overdue

    @property
    def completed(self) -> int:
        return self.on_time + self.late

    @property
    def completion_rate(self) -> Decimal | None:
        """Completed ÷ due, in percent to two decimals (half-up): the headline rate."""
        return percent(self.completed, self.due)

    @property
    def on_time_rate(self) -> Decimal | None:
        return percent(self.on_time, self.due)

    @property
    def quality_rate(self) -> Decimal | None:
        return percent(self.reviews_passed, self.reviewed)


class TallyRow(TallyRates, models.Model):
    """One line of a month's frozen tally: the city, a unit, a content area or a person."""

    class Scope(models.TextChoices):
        CITY = "city", _("City")
        UNIT = "unit", _("Unit")
        AREA = "area", _("Content area")
        PERSON = "person", _("Responsible person")

    close = models.ForeignKey(MonthClose, on_delete=models.CASCADE, related_name="rows")
    scope = models.CharField(max_length=8, choices=Scope.choices)
    unit = models.ForeignKey(
        "orgunits.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        ContentArea, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    label = models.CharField(max_length=300)
    assigned = models.PositiveIntegerField(default=0)
    due_in_month = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    in_term = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    reviewed = models.PositiveIntegerField(default=0)
    reviews_passed = models.PositiveIntegerField(default=0)
    # Tasks of earlier years' plans not completed by the month's end: their own line, outside
    # every figure and rate above (those count the plan year only).
    carried_over = models.PositiveIntegerField(default=0)
    reported_in_month = models.BooleanField(default=True)

    class Meta:
        ordering = ["scope", "label"]
        indexes = [models.Index(fields=["close", "scope"])]

    def __str__(self) -> str:
        return f"{self.close} · {self.label}"
