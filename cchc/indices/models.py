"""The city's own reform index (docs/domain/par-index.md, issue #5): frameworks of criteria as data.

A Framework is issued per year and target group: a tree of Criterion nodes (area → criterion →
sub-criterion) with maximum points, split between the appraisal and the sociological survey
(e.g. 70 + 30), and the thresholds of groups A, B and C. A bonus/penalty node is the only place
where points may go below zero. A published framework never changes; the next year starts from
a copy.

One record's way through a year: an AssessmentRound is opened for the framework's units → each
unit's Assessment gets a SelfScore per leaf it scores (evidence documents, an explanation or
cited platform records; computed leaves are pre-filled with their calculation) and is submitted
→ the round's council members each make a Proposal per appraised leaf; the leaf's Appraisal is
decided when more than the round's majority agree → the chair sends the appraisal to the unit,
which may respond once within the window → the chair finalises → publishing the round freezes a
Result per unit (points, index %, rank, group, areas) that the public pages read.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cchc.core.models import StoredFile
from cchc.orgunits.models import own_or_viewed


class TargetGroup(models.TextChoices):
    DEPARTMENTS = "departments", _("Departments and agencies")
    WARDS = "wards", _("Wards and communes")
    PUBLIC_SERVICE = "public_service", _("Public service units")
    CENTRAL = "central", _("Central agencies in the city")


class Framework(models.Model):
    """The criteria of one year's index for one target group."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    year = models.PositiveSmallIntegerField(_("year"))
    group = models.CharField(_("target group"), max_length=16, choices=TargetGroup.choices)
    title = models.CharField(_("title"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("The maxima are not the official ones, which are not public."),
    )
    appraisal_max = models.DecimalField(
        _("appraisal points"), max_digits=6, decimal_places=2, default=Decimal(70)
    )
    survey_max = models.DecimalField(
        _("survey points"), max_digits=6, decimal_places=2, default=Decimal(30)
    )
    group_a_min = models.DecimalField(
        _("group A from, in percent"), max_digits=5, decimal_places=2, default=Decimal(90)
    )
    group_b_min = models.DecimalField(
        _("group B from, in percent"), max_digits=5, decimal_places=2, default=Decimal(80)
    )
    group_c_min = models.DecimalField(
        _("group C from, in percent"), max_digits=5, decimal_places=2, default=Decimal(70)
    )
    step = models.DecimalField(
        _("scoring step"), max_digits=4, decimal_places=2, default=Decimal("0.25")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("index framework")
        verbose_name_plural = _("index frameworks")
        ordering = ["-year", "group"]
        constraints = [
            models.UniqueConstraint(fields=["year", "group"], name="indices_one_framework"),
            models.CheckConstraint(
                condition=Q(group_a_min__gt=models.F("group_b_min"))
                & Q(group_b_min__gt=models.F("group_c_min")),
                name="indices_group_order",
            ),
        ]

    def __str__(self) -> str:
        """The title, with the year unless the title already says it."""
        return self.title if str(self.year) in self.title else f"{self.title} ({self.year})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def group_of(self, percent: Decimal) -> str | None:
        """ "A", "B" or "C" for an index % at or above its threshold; None below group C."""
        for name, minimum in (
            ("A", self.group_a_min),
            ("B", self.group_b_min),
            ("C", self.group_c_min),
        ):
            if percent >= minimum:
                return name
        return None


class Criterion(models.Model):
    """A node of a framework's tree. Leaves are scored; a node's maximum bounds the sum of its
    children's maxima."""

    class Method(models.TextChoices):
        MANUAL = "manual", _("Scored by the unit, appraised by the council")
        COMPUTED = "computed", _("Computed from platform data")
        SURVEY = "survey", _("From the sociological survey")
        # The share of the unit's dossiers handled on time (cchc.services, Decision 766).
        SERVICES = "services", _("Computed from dossier data")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=500)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    min_points = models.DecimalField(
        _("minimum points"), max_digits=6, decimal_places=2, default=Decimal(0)
    )
    method = models.CharField(
        _("scoring method"), max_length=10, choices=Method.choices, default=Method.MANUAL
    )
    is_bonus_penalty = models.BooleanField(_("bonus or penalty"), default=False)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    guidance = models.TextField(_("scoring guidance"), blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="indices_criterion_code"),
            models.CheckConstraint(
                condition=Q(max_points__gte=models.F("min_points")),
                name="indices_criterion_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


NATIONAL = "00"  # the province code of a national figure (an average), never ranked
SERVICE_INDEX = "d766"  # the Decision 766 index as the Portal publishes it (migration 0003)


class ExternalIndex(models.Model):
    """A national or external index the city is judged by (PAR INDEX, SIPAS, PAPI, the Decision
    766 service index). Its components are data: a list of names."""

    class Period(models.TextChoices):
        YEAR = "year", _("Yearly")
        MONTH = "month", _("Monthly")

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    period = models.CharField(
        _("period"), max_length=5, choices=Period.choices, default=Period.YEAR
    )
    unit = models.CharField(_("unit"), max_length=20, default="%")
    components = models.JSONField(_("components"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("external index")
        verbose_name_plural = _("external indices")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ExternalResult(models.Model):
    """A province's result in an external index for a year (or a month of it)."""

    index = models.ForeignKey(ExternalIndex, on_delete=models.CASCADE, related_name="results")
    province_code = models.CharField(_("province code"), max_length=4)
    province_name = models.CharField(_("province"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    out_of = models.PositiveSmallIntegerField(_("out of"), null=True, blank=True)
    components = models.JSONField(_("components"), default=dict, blank=True)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        verbose_name = _("external index result")
        verbose_name_plural = _("external index results")
        ordering = ["index", "-year", "-month", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["index", "province_code", "year", "month"],
                name="indices_external_result",
            ),
            models.UniqueConstraint(
                fields=["index", "province_code", "year"],
                condition=Q(month__isnull=True),
                name="indices_external_result_year",
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="indices_external_month",
            ),
        ]

    def __str__(self) -> str:
        period = f"{self.month:02d}/{self.year}" if self.month else str(self.year)
        return f"{self.index.code} {self.province_name} {period}"


class AssessmentRound(models.Model):
    """A self-assessment round: the units of a framework's target group score themselves
    against it by a deadline; the appraisal council then verifies every criterion."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(_("title"), max_length=300)
    deadline = models.DateField(_("deadline"))
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    majority_percent = models.DecimalField(
        _("majority, in percent of the members"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(50),
        help_text=_(
            "A criterion's score is decided when more than this share of the members agree."
        ),
    )
    response_days = models.PositiveSmallIntegerField(_("days for the unit's response"), default=5)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("self-assessment round")
        verbose_name_plural = _("self-assessment rounds")
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class CouncilMember(models.Model):
    """A member of a round's appraisal council; the chair sends and finalises appraisals."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="council")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_chair = models.BooleanField(_("chair"), default=False)

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["-is_chair", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="indices_one_membership"),
            models.UniqueConstraint(
                fields=["round"], condition=Q(is_chair=True), name="indices_one_chair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.user}"


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def of_units_read_by(self, user: Any) -> "AssessmentQuerySet":
        """The self-assessments of the units in which `user` holds a role, not of their
        sub-units (the own-unit rule, OrgUnitQuerySet.own_units_of: a unit does not see its
        sub-units' drafts), and for a viewer those of the subtree they view (read only). Read
        from the user's cached roles: no extra query."""
        return self.filter(own_or_viewed(user))


class Assessment(models.Model):
    """One unit's self-assessment in a round; submitting it locks it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being scored")
        SUBMITTED = "submitted", _("Submitted, being appraised")
        APPRAISED = "appraised", _("Appraisal sent to the unit")
        FINALISED = "finalised", _("Finalised")

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="assessments")
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set when the city closed a self-assessment the unit did not submit by the deadline.
    closed_reason = models.TextField(_("closed by the city because"), blank=True)
    sent_at = models.DateTimeField(_("appraisal sent"), null=True, blank=True)
    response_deadline = models.DateField(_("respond by"), null=True, blank=True)
    response = models.TextField(_("the unit's response"), blank=True)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finalised_at = models.DateTimeField(_("finalised"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="indices_one_assessment")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("indices:assessment", args=[self.pk])

    @property
    def is_submitted(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def is_finalised(self) -> bool:
        return self.status == self.Status.FINALISED


class SelfScore(models.Model):
    """A unit's own score on one scored criterion, with its explanation and evidence."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("self-score"), max_digits=6, decimal_places=2)
    explanation = models.TextField(_("explanation"), blank=True)
    # How a computed criterion's points were calculated (empty for a manual one).
    calculation = models.CharField(_("calculation"), max_length=300, blank=True)
    cited_tasks = models.ManyToManyField(
        "plans.Task", verbose_name=_("cited tasks"), blank=True, related_name="+"
    )
    cited_reports = models.ManyToManyField(
        "plans.ProgressReport",
        verbose_name=_("cited progress reports"),
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("self-score")
        verbose_name_plural = _("self-scores")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="indices_one_score")
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.points}"


class EvidenceDocument(StoredFile):
    """A document attached to a self-score as evidence (tài liệu kiểm chứng)."""

    score = models.ForeignKey(SelfScore, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="indices/evidence/%Y/")

    class Meta:
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")
        ordering = ["uploaded_at"]


class SurveyPoints(models.Model):
    """A unit's points from the sociological survey for a framework's year (out of its
    survey maximum), imported from the survey team's workbook when the survey was run outside
    the platform; they take precedence over the satisfaction-survey module's
    (indices.results.survey_points)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="survey")
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(_("survey points"), max_digits=6, decimal_places=2)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("survey points")
        verbose_name_plural = _("survey points")
        constraints = [
            models.UniqueConstraint(fields=["framework", "unit"], name="indices_one_survey_score")
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.points}"


class Appraisal(models.Model):
    """The council's verdict on one appraised leaf of an assessment: `points` is set when more
    than the round's majority of members propose the same points, None until then. `version`
    grows with every proposal on the leaf, so a member never overwrites a change they have not
    seen."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="appraisals")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(
        _("appraised points"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="indices_one_appraisal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.points}"


class Proposal(models.Model):
    """A council member's proposed score for a leaf, with the reason when it differs from the
    unit's self-score."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="proposals")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    points = models.DecimalField(_("proposed points"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "member"], name="indices_one_proposal")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.points}"


class Result(models.Model):
    """A unit's published result in a round, frozen when the round is published: the public
    pages, exports and the next year's comparison read these rows. `areas` lists, per area
    (a root criterion), {"code", "title", "points", "max", "rank"}."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    unit_name = models.CharField(_("unit"), max_length=300)
    appraised = models.DecimalField(_("appraised points"), max_digits=7, decimal_places=2)
    survey = models.DecimalField(
        _("survey points"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    total = models.DecimalField(_("total points"), max_digits=7, decimal_places=2)
    percent = models.DecimalField(_("index %"), max_digits=5, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"))
    group = models.CharField(_("group"), max_length=1, blank=True)
    previous_percent = models.DecimalField(
        _("index % last year"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    areas = models.JSONField(_("areas"), default=list)
    # The rank interval under noisy area weights (cchc.indices.results.rank_intervals); None
    # for rounds published before it was computed.
    rank_median = models.FloatField(_("median rank"), null=True, blank=True)
    rank_q05 = models.FloatField(_("best likely rank (5th percentile)"), null=True, blank=True)
    rank_q95 = models.FloatField(_("worst likely rank (95th percentile)"), null=True, blank=True)

    class Meta:
        verbose_name = _("index result")
        verbose_name_plural = _("index results")
        ordering = ["round", "rank", "unit_name"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="indices_one_result")]

    def __str__(self) -> str:
        return f"{self.round} · {self.unit_name}: {self.percent}"
