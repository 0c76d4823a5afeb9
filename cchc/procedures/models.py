"""Administrative procedures (thủ tục hành chính): the catalogue with its versions, review
campaigns (rà soát), simplification plans priced by compliance cost (Circular 02/2017/TT-VPCP,
Article 27) and internal workflows (quy trình nội bộ) per procedure and implementing unit.

One procedure's flow:

1. The catalogue is imported from the national database's XLSX export (`imports.py`). A
   re-import updates a changed procedure, bumps its `version` and keeps a `ProcedureVersion`
   snapshot of every version.
2. A city administrator opens a `ReviewCampaign` over some procedures and reviewer units; each
   reviewer unit records a `Review` per procedure (findings, a proposal, reasons). Approving the
   campaign by decision freezes the reviews and marks the procedures proposed for abolition as
   abolished.
3. A `SimplificationPlan` states a procedure's before/after figures; its compliance cost
   (`scoring.py`) is computed and stored when it is written, with the hourly value of the
   dated `HourlyValue` parameter. Approval is by decision.
4. A `Workflow` lists the ordered `WorkflowStep`s a unit follows to settle the procedure; its
   hours may not exceed the legal time × 8. Draft → approved (decision) → published; publishing
   a newer version supersedes the earlier one.
"""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cchc.core.xlsx import Column
from cchc.orgunits.models import OrgUnit, UnitScopedQuerySet

if TYPE_CHECKING:
    from cchc.accounts.models import User

DEFAULT_HOURLY_VALUE = 40_000  # VND per working hour, 2024 (docs/domain/compliance-cost.md)


class HourlyValueQuerySet(models.QuerySet["HourlyValue"]):
    def value_on(self, day: datetime.date) -> int:
        """The hourly value in force on `day`: the latest row valid from that day or before;
        the 2024 default when the table holds none (a flushed test database)."""
        value = (
            self.filter(valid_from__lte=day).order_by("-valid_from").values_list("value", flat=True)
        ).first()
        return value if value is not None else DEFAULT_HOURLY_VALUE


class HourlyValue(models.Model):
    """The value of one working hour (VND) from a date on: the wage basis of Article 27."""

    valid_from = models.DateField(_("valid from"), unique=True)
    value = models.PositiveIntegerField(_("value of one working hour (VND)"))
    source = models.CharField(_("source"), max_length=300, blank=True)

    objects = HourlyValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("hourly value")
        verbose_name_plural = _("hourly values")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.value} VND/h ({self.valid_from:%d/%m/%Y})"


class ProcedureQuerySet(models.QuerySet["Procedure"]):
    def for_user(self, user: "User | Any") -> "ProcedureQuerySet":
        """City administrators see the whole catalogue; anyone else the procedures implemented
        by a unit they see."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_city_admin:
            return self.all()
        implementing = Procedure.units.through.objects.filter(
            orgunit__in=OrgUnit.objects.visible_to(user)
        ).values("procedure_id")
        return self.filter(pk__in=implementing)

    def active(self) -> "ProcedureQuerySet":
        return self.filter(status=Procedure.Status.ACTIVE)


class Procedure(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        COMMUNE = "commune", _("Commune")

    class Online(models.TextChoices):
        FULL = "full", _("Fully online")
        PARTIAL = "partial", _("Partly online")
        NONE = "none", _("Not online")

    class Status(models.TextChoices):
        ACTIVE = "active", _("In force")
        ABOLISHED = "abolished", _("Abolished")

    code = models.CharField(_("national code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=500)
    search_name = models.CharField(max_length=540, editable=False, db_index=True)  # fold(code name)
    field = models.CharField(_("field"), max_length=200, db_index=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    units = models.ManyToManyField(
        "orgunits.OrgUnit", verbose_name=_("implementing units"), related_name="procedures"
    )
    processing_days = models.DecimalField(
        _("legal processing time (working days)"), max_digits=6, decimal_places=1
    )
    fees = models.PositiveBigIntegerField(_("fees and charges (VND)"), default=0)
    fee_text = models.CharField(_("fees and charges"), max_length=500, blank=True)
    # [{"name": "Tờ khai …", "originals": 1, "copies": 0}]
    documents = models.JSONField(_("required documents"), default=list, blank=True)
    online_level = models.CharField(
        _("online level"), max_length=10, choices=Online.choices, default=Online.NONE
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    # Resolution 66/NQ-CP's scope and base (docs/domain/procedure-targets.md): whether the
    # procedure relates to production and business, and its processing time and yearly
    # compliance cost as of the baseline year (set_procedure_baseline).
    business_related = models.BooleanField(
        _("related to production and business"), default=False, db_index=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_days = models.DecimalField(
        _("processing time in the baseline year (working days)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
    )
    baseline_cost = models.PositiveBigIntegerField(
        _("yearly compliance cost in the baseline year (VND)"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative procedure")
        verbose_name_plural = _("administrative procedures")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(processing_days__gte=0), name="procedures_processing_days"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("procedures:detail", args=[self.pk])

    @property
    def legal_hours(self) -> Decimal:
        return self.processing_days * 8

    @property
    def document_count(self) -> int:
        return len(self.documents or [])

    @property
    def is_abolished(self) -> bool:
        return self.status == self.Status.ABOLISHED


# The targets migration 0006 ships (Resolution 66/NQ-CP of 26/3/2025), also used when the
# table holds none (a flushed test database).
DEFAULT_TARGETS: tuple[dict[str, Any], ...] = (
    {
        "year": 2025,
        "baseline_year": 2024,
        "time_target": Decimal(30),
        "cost_target": Decimal(30),
        "business_only": True,
        "source": "Nghị quyết 66/NQ-CP ngày 26/3/2025",
    },
    {
        "year": 2026,
        "baseline_year": 2024,
        "time_target": Decimal(50),
        "cost_target": Decimal(50),
        "business_only": True,
        "source": "Nghị quyết 66/NQ-CP ngày 26/3/2025",
    },
)


class ProcedureTargetQuerySet(models.QuerySet["ProcedureTarget"]):
    def for_year(self, year: int) -> "ProcedureTarget | None":
        """The target of `year`; the shipped ones when the table holds none. One query."""
        targets: list[ProcedureTarget] = list(self.all())
        if not targets:
            targets = [ProcedureTarget(**data) for data in DEFAULT_TARGETS]
        return next((t for t in targets if t.year == year), None)


class ProcedureTarget(models.Model):
    """The cut a year must reach, against the baseline year, in the processing time and in the
    compliance cost of the procedures in scope (those related to production and business when
    `business_only`)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    time_target = models.DecimalField(
        _("processing time cut target (%)"), max_digits=5, decimal_places=2
    )
    cost_target = models.DecimalField(
        _("compliance cost cut target (%)"), max_digits=5, decimal_places=2
    )
    business_only = models.BooleanField(
        _("only procedures related to production and business"), default=True
    )
    source = models.CharField(_("source"), max_length=200)

    objects = ProcedureTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure target")
        verbose_name_plural = _("procedure targets")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_year__lt=models.F("year"))
                & Q(time_target__gt=0)
                & Q(time_target__lte=100)
                & Q(cost_target__gt=0)
                & Q(cost_target__lte=100),
                name="procedures_target_range",
                violation_error_message=_(
                    "The baseline year comes before the year; targets are above 0% and at "
                    "most 100%."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.time_target}% / {self.cost_target}% ({self.source})"


class ProcedureVersion(models.Model):
    """A snapshot of a procedure as one import left it (the first import is version 1)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("content"))
    changed = models.JSONField(_("changed fields"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedures_version")
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"


class ReviewCampaign(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        APPROVED = "approved", _("Approved")

    title = models.CharField(_("title"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="procedure_campaigns",
    )
    procedures = models.ManyToManyField(
        Procedure, verbose_name=_("procedures"), related_name="campaigns"
    )
    reviewer_units = models.ManyToManyField(
        "orgunits.OrgUnit", verbose_name=_("reviewer units"), related_name="+"
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="open")
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review campaign")
        verbose_name_plural = _("review campaigns")
        ordering = ["-year", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("procedures:campaign", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Review(models.Model):
    class Proposal(models.TextChoices):
        KEEP = "keep", _("Keep")
        SIMPLIFY = "simplify", _("Simplify")
        ABOLISH = "abolish", _("Abolish")
        DELEGATE = "delegate", _("Delegate")
        MERGE = "merge", _("Merge")

    campaign = models.ForeignKey(ReviewCampaign, on_delete=models.CASCADE, related_name="reviews")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="reviews")
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("reviewer unit"),
        on_delete=models.PROTECT,
        related_name="procedure_reviews",
    )
    findings = models.TextField(_("findings"))
    proposal = models.CharField(_("proposal"), max_length=10, choices=Proposal.choices)
    reasons = models.TextField(_("reasons"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["campaign", "procedure__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "procedure"], name="procedures_one_review_per_campaign"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code}: {self.get_proposal_display()}"


class SimplificationPlan(models.Model):
    """Before/after figures of one procedure and their compliance cost. The yearly costs, the
    saving and the cut are stored when the plan is written (from `scoring`), so the overview
    sums them in the database."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="simplification_plans"
    )
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("proposing unit"),
        on_delete=models.PROTECT,
        related_name="simplification_plans",
    )
    review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.SET_NULL, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    hours_before = models.DecimalField(_("working hours before"), max_digits=8, decimal_places=2)
    hours_after = models.DecimalField(_("working hours after"), max_digits=8, decimal_places=2)
    documents_before = models.PositiveIntegerField(_("documents before"), default=0)
    documents_after = models.PositiveIntegerField(_("documents after"), default=0)
    steps_before = models.PositiveIntegerField(_("steps before"), default=0)
    steps_after = models.PositiveIntegerField(_("steps after"), default=0)
    fees_before = models.PositiveBigIntegerField(_("fees and charges before (VND)"), default=0)
    fees_after = models.PositiveBigIntegerField(_("fees and charges after (VND)"), default=0)
    other_before = models.PositiveBigIntegerField(_("other costs before (VND)"), default=0)
    other_after = models.PositiveBigIntegerField(_("other costs after (VND)"), default=0)
    times_per_year = models.PositiveIntegerField(_("times per year"), default=1)
    subjects_per_year = models.PositiveIntegerField(_("subjects per year"))
    hourly_value = models.PositiveIntegerField(_("value of one working hour (VND)"))
    cost_before = models.PositiveBigIntegerField(_("yearly cost before (VND)"), default=0)
    cost_after = models.PositiveBigIntegerField(_("yearly cost after (VND)"), default=0)
    saving = models.BigIntegerField(_("yearly saving (VND)"), default=0)
    # Wide: a plan that makes a procedure dearer has a negative cut of any size.
    cut_pct = models.DecimalField(_("cut (%)"), max_digits=16, decimal_places=2, default=0)
    notes = models.TextField(_("simplification measures"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="draft")
    version = models.PositiveIntegerField(default=1)  # optimistic lock of the draft's edits
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("simplification plan")
        verbose_name_plural = _("simplification plans")
        ordering = ["-year", "procedure__code"]
        indexes = [models.Index(fields=["status", "decision_date"])]

    def __str__(self) -> str:
        return f"{self.procedure.code} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("procedures:plan", args=[self.pk])

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class WorkflowQuerySet(UnitScopedQuerySet["Workflow"]):
    """for_user: the workflows of a unit the user sees (UnitScopedQuerySet)."""

    def in_force(self) -> "WorkflowQuerySet":
        return self.filter(status__in=Workflow.IN_FORCE)


class Workflow(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    IN_FORCE = (Status.APPROVED, Status.PUBLISHED)

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="workflows")
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("implementing unit"),
        on_delete=models.PROTECT,
        related_name="procedure_workflows",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="draft")
    total_hours = models.DecimalField(_("total working hours"), max_digits=8, decimal_places=2)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorkflowQuerySet.as_manager()

    class Meta:
        verbose_name = _("internal workflow")
        verbose_name_plural = _("internal workflows")
        ordering = ["procedure__code", "unit__path", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "unit", "version"], name="procedures_workflow_version"
            )
        ]
        indexes = [models.Index(fields=["status", "decision_date"])]

    def __str__(self) -> str:
        return f"{self.procedure.code} · {self.unit.name} · v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("procedures:workflow", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class WorkflowStep(models.Model):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("step"))
    actor = models.CharField(_("responsible (unit or role)"), max_length=200)
    work = models.TextField(_("work"))
    hours = models.DecimalField(_("time (working hours)"), max_digits=6, decimal_places=2)
    documents = models.CharField(_("documents and forms"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        ordering = ["workflow", "order"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "order"], name="procedures_step_order"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="procedures_step_hours"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.work[:60]}"


# The catalogue's file layout (fixed, Vietnamese, after the national procedure database export):
# the import reads it, the catalogue export and the template write it (docs/procedures.md).
COLUMNS = [
    Column("code", "Mã thủ tục", required=True, width=16),
    Column("name", "Tên thủ tục", required=True, width=50),
    Column("field", "Lĩnh vực", required=True, width=24),
    Column("level", "Cấp thực hiện", "Cấp tỉnh, Cấp xã", required=True, width=14),
    Column("units", "Cơ quan thực hiện", "mã đơn vị, cách nhau bởi ;", required=True, width=24),
    Column("days", "Thời hạn giải quyết", "số ngày làm việc", required=True, width=14),
    Column("fees", "Phí, lệ phí", "đồng; để trống nếu không có", width=16),
    Column("documents", "Thành phần hồ sơ", "mỗi giấy tờ một dòng", width=50),
    Column("online", "Mức độ trực tuyến", "Toàn trình, Một phần, Không", width=14),
    Column("legal_basis", "Căn cứ pháp lý", width=40),
    Column("effective_from", "Ngày hiệu lực", "dd/mm/yyyy", width=14),
    Column("effective_to", "Ngày hết hiệu lực", "dd/mm/yyyy", width=14),
]
