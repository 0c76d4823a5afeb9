"""Monthly rating of units, their heads and responsible persons (Decree 335/2025/NĐ-CP model).

A RatingPolicy is the rule set in force from a date (docs/ratings.md has the formula and worked
examples). Closing a month in `plans` generates that month's RatingRound: one Rating per unit
with tasks in the month, per head who held the unit's head position during it (HeadTerm) and
per responsible person, each with the task figures frozen at generation. The assessor adds the
general-criteria points (GeneralScore), the rated person may respond once, the head of the
assessing level approves, and an approved rating no longer changes until it is reopened.
Responsibility records follow every task overdue at a close; Discipline records are the
disciplinary decisions that force "not complete".

A package because the module passed 600 lines: records.py (responsibilities, follow-ups,
disciplinary decisions) and yearly.py (the yearly classification's records) are imported at the
end, so `from cchc.ratings.models import …` names every model.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cchc.orgunits.models import OrgUnit, UnitScopedQuerySet

if TYPE_CHECKING:
    from cchc.accounts.models import User

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """`value` rounded half-up to two decimals: every figure shown is the figure used next."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class Band(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    COMPLETE = "complete", _("Complete")
    NOT_COMPLETE = "not_complete", _("Not complete")


class PeerGroup(models.TextChoices):
    DEPARTMENTS = "departments", _("Departments and agencies")
    WARDS = "wards", _("Wards and communes")
    PUBLIC_SERVICE = "public_service", _("Public service units")
    OTHER = "other", _("Other units")


def peer_group_of(kind: str) -> str:
    """The peer group of a unit of `kind` (OrgUnit.Kind)."""
    if kind == OrgUnit.Kind.DEPARTMENT:
        return PeerGroup.DEPARTMENTS
    if kind in OrgUnit.LOWER_KINDS:
        return PeerGroup.WARDS
    if kind == OrgUnit.Kind.PUBLIC_SERVICE:
        return PeerGroup.PUBLIC_SERVICE
    return PeerGroup.OTHER


class Scope(models.TextChoices):
    """Who a policy rates. Decree 335/2025/NĐ-CP covers state administrative agencies and civil
    servants (Art. 1, 2); public service units and their public employees (viên chức) are rated
    under the Law on Public Employees, by the unit's own rules (docs/ratings.md, "Scope")."""

    CIVIL_SERVICE = "civil_service", _("Administrative agencies and civil servants")
    PUBLIC_EMPLOYEE = "public_employee", _("Public service units and public employees")


class CapBase(models.TextChoices):
    GOOD = "good", _("of the number rated good")
    RATED = "rated", _("of the number rated")


class RatingPolicyQuerySet(models.QuerySet["RatingPolicy"]):
    def in_force(
        self, day: datetime.date, scope: str = Scope.CIVIL_SERVICE
    ) -> "RatingPolicy | None":
        """The default version for `scope` in force on `day`: the latest one valid from that
        day or before. Presets (is_default False) are only used by a round that chooses them."""
        return (
            self.filter(valid_from__lte=day, scope=scope, is_default=True)
            .order_by("-valid_from")
            .first()
        )


class RatingPolicy(models.Model):
    """One version of the rating rules. Published versions never change: a new rule is a new
    version with a later `valid_from`, and every round keeps the version it was rated under."""

    valid_from = models.DateField(_("in force from"))
    name = models.CharField(_("name"), max_length=300)
    scope = models.CharField(
        _("rates"), max_length=16, choices=Scope.choices, default=Scope.CIVIL_SERVICE
    )
    is_default = models.BooleanField(
        _("in force by date"),
        default=True,
        help_text=_("Off for a preset that a month's round may choose instead of the default."),
    )
    notes = models.TextField(_("notes"), blank=True)
    general_max = models.DecimalField(
        _("general criteria points"), max_digits=5, decimal_places=2, default=Decimal(30)
    )
    task_max = models.DecimalField(
        _("task result points"), max_digits=5, decimal_places=2, default=Decimal(70)
    )
    weight_quantity = models.DecimalField(
        _("weight of quantity"), max_digits=5, decimal_places=2, default=Decimal(1)
    )
    weight_quality = models.DecimalField(
        _("weight of quality"), max_digits=5, decimal_places=2, default=Decimal(1)
    )
    weight_progress = models.DecimalField(
        _("weight of progress"), max_digits=5, decimal_places=2, default=Decimal(1)
    )
    review_deduction = models.DecimalField(
        _("deduction per failed review"), max_digits=4, decimal_places=3, default=Decimal("0.25")
    )
    delay_deduction = models.DecimalField(
        _("deduction per delay"), max_digits=4, decimal_places=3, default=Decimal("0.25")
    )
    extension_is_delay = models.BooleanField(
        _("an approved extension counts as a delay"), default=True
    )
    excellent_min = models.DecimalField(
        _("excellent from"), max_digits=5, decimal_places=2, default=Decimal(90)
    )
    good_min = models.DecimalField(
        _("good from"), max_digits=5, decimal_places=2, default=Decimal(70)
    )
    complete_min = models.DecimalField(
        _("complete from"), max_digits=5, decimal_places=2, default=Decimal(50)
    )
    excellent_cap_pct = models.DecimalField(
        _("excellent at most, in percent of the number rated good"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(20),
    )
    cap_base = models.CharField(
        _("the cap counts"), max_length=8, choices=CapBase.choices, default=CapBase.GOOD
    )
    # Labels of a preset's own levels (e.g. {"excellent": "A"}); the bands stay the four.
    band_labels = models.JSONField(_("labels of the levels"), default=dict, blank=True)
    # A leader's task result (Decree 335, leaders): own work + the results of the civil servants
    # they manage + organising capacity. The weights are not published: illustrative data.
    leader_own_weight = models.DecimalField(
        _("leader: weight of own work"), max_digits=5, decimal_places=2, default=Decimal(50)
    )
    leader_unit_weight = models.DecimalField(
        _("leader: weight of the results of the staff managed"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(30),
    )
    leader_organising_weight = models.DecimalField(
        _("leader: weight of organising capacity"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(20),
    )
    leader_unit_partial_pct = models.DecimalField(
        _("leader: staff results when one is rated not complete, in percent"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(50),
    )
    # The agencies' yearly levels: the decree names four levels; the thresholds are data.
    agency_excellent_min = models.DecimalField(
        _("agency excellent from"), max_digits=5, decimal_places=2, default=Decimal(90)
    )
    agency_good_min = models.DecimalField(
        _("agency good from"), max_digits=5, decimal_places=2, default=Decimal(70)
    )
    agency_complete_min = models.DecimalField(
        _("agency complete from"), max_digits=5, decimal_places=2, default=Decimal(50)
    )
    response_days = models.PositiveSmallIntegerField(_("days to respond"), default=5)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RatingPolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating policy")
        verbose_name_plural = _("rating policies")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(excellent_min__gt=models.F("good_min"))
                & Q(good_min__gt=models.F("complete_min")),
                name="ratings_policy_band_order",
            ),
            models.UniqueConstraint(
                fields=["scope", "valid_from"],
                condition=Q(is_default=True),
                name="ratings_one_default_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("ratings:policy", args=[self.pk])

    def band_of(self, score: Decimal) -> str:
        """The band of `score` by the thresholds alone (no cap, no discipline)."""
        if score >= self.excellent_min:
            return Band.EXCELLENT
        if score >= self.good_min:
            return Band.GOOD
        if score >= self.complete_min:
            return Band.COMPLETE
        return Band.NOT_COMPLETE

    def band_label(self, band: str) -> str:
        """The policy's own label of `band` (A–D for a preset), else the band's name."""
        own = (self.band_labels or {}).get(band)
        return str(own) if own else str(Band(band).label)

    def agency_band_of(self, score: Decimal) -> str:
        """The yearly level of an agency by the agency thresholds (never capped)."""
        if score >= self.agency_excellent_min:
            return Band.EXCELLENT
        if score >= self.agency_good_min:
            return Band.GOOD
        if score >= self.agency_complete_min:
            return Band.COMPLETE
        return Band.NOT_COMPLETE

    def excellent_allowed(self, good: int, candidates: int, approved: int = 0) -> int:
        """How many of `candidates` (scores in the excellent band) may stay excellent in a group
        where `good` others are rated good and `approved` are already approved excellent: the
        largest E with approved + E ≤ cap% × (good + candidates − E), since the candidates
        moved by the cap are rated good too."""
        share = self.excellent_cap_pct / 100
        most = (share * (good + candidates) - approved) / (1 + share)
        return max(0, min(candidates, int(most)))


class GeneralCriterion(models.Model):
    """A sub-criterion of the general criteria of a policy; their maxima add up to general_max."""

    policy = models.ForeignKey(RatingPolicy, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    max_points = models.DecimalField(_("maximum points"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("general criterion")
        verbose_name_plural = _("general criteria")
        ordering = ["policy", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "code"], name="ratings_criterion_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class AgencyCriterion(models.Model):
    """A general criterion of an agency's yearly rating (Decree 335: compliance with Party and
    State policy, administrative discipline, the head's responsibility, working environment and
    public-service culture); their maxima add up to the policy's general points."""

    policy = models.ForeignKey(
        RatingPolicy, on_delete=models.CASCADE, related_name="agency_criteria"
    )
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    max_points = models.DecimalField(_("maximum points"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("agency criterion")
        verbose_name_plural = _("agency criteria")
        ordering = ["policy", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "code"], name="ratings_agency_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class RatingRound(models.Model):
    """The ratings of one month for one scope, generated when the month is closed, under the
    scope's default policy or the preset the round chose."""

    month = models.DateField(_("month"), help_text=_("First day of the month."))
    scope = models.CharField(
        _("rates"), max_length=16, choices=Scope.choices, default=Scope.CIVIL_SERVICE
    )
    close = models.ForeignKey("plans.MonthClose", on_delete=models.PROTECT, related_name="+")
    policy = models.ForeignKey(RatingPolicy, on_delete=models.PROTECT, related_name="rounds")
    generated_at = models.DateTimeField(_("generated"))

    class Meta:
        verbose_name = _("rating round")
        verbose_name_plural = _("rating rounds")
        ordering = ["-month", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["month", "scope"], name="ratings_one_round_per_scope")
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y}"

    def get_absolute_url(self) -> str:
        url = reverse("ratings:round", args=[self.month.year, self.month.month])
        return url if self.scope == Scope.CIVIL_SERVICE else f"{url}?scope={self.scope}"


class UnitOrSelfQuerySet[M: models.Model](UnitScopedQuerySet[M]):
    """for_user of the records about a unit and, for a person, about them (ratings, discipline,
    responsibility): those of the units the user sees (UnitScopedQuerySet, on visible_to) and
    those about the user themselves; all for city administrators."""

    def for_user(self, user: "User | Any") -> Self:
        scoped = super().for_user(user)
        if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_city_admin:
            return scoped
        return scoped | self.filter(person=user)


class RatingQuerySet(UnitOrSelfQuerySet["Rating"]):
    """for_user: the ratings of the units the user sees and their own (UnitOrSelfQuerySet)."""


class Rating(models.Model):
    """The rating of one unit, head or responsible person for one month.

    The task figures (weights summed over the month's tasks, percentages, points) are frozen
    when the round is generated; `general_points` comes from the assessor's GeneralScores;
    `band` is `score_band` after the discipline override and the cap on excellent ratings.
    """

    class Kind(models.TextChoices):
        UNIT = "unit", _("Unit")
        HEAD = "head", _("Head of unit")
        PERSON = "person", _("Responsible person")

    class Status(models.TextChoices):
        COMPUTED = "computed", _("Awaiting assessment")
        ASSESSED = "assessed", _("Assessed")
        APPROVED = "approved", pgettext_lazy("rating", "Approved")

    round = models.ForeignKey(RatingRound, on_delete=models.CASCADE, related_name="ratings")
    kind = models.CharField(_("rated"), max_length=8, choices=Kind.choices)
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings",
    )
    peer_group = models.CharField(_("peer group"), max_length=16, choices=PeerGroup.choices)
    # Units and heads are capped within their peer group, persons within their unit.
    cap_group = models.CharField(max_length=40, db_index=True)
    label = models.CharField(max_length=300)
    days_held = models.PositiveSmallIntegerField(_("days as head"), null=True, blank=True)
    month_days = models.PositiveSmallIntegerField(default=30)
    # Task figures, frozen at generation.
    tasks = models.PositiveIntegerField(_("tasks"), default=0)
    completed = models.PositiveIntegerField(_("completed"), default=0)
    late = models.PositiveIntegerField(_("completed late"), default=0)
    not_completed = models.PositiveIntegerField(_("not completed"), default=0)
    failed_reviews = models.PositiveIntegerField(_("failed reviews"), default=0)
    extensions = models.PositiveIntegerField(_("approved extensions"), default=0)
    weight_assigned = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    weight_completed = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    weight_quality = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    weight_progress = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    quantity_pct = models.DecimalField(_("quantity %"), max_digits=5, decimal_places=2)
    quality_pct = models.DecimalField(_("quality %"), max_digits=5, decimal_places=2)
    progress_pct = models.DecimalField(_("progress %"), max_digits=5, decimal_places=2)
    task_points = models.DecimalField(_("task points"), max_digits=5, decimal_places=2)
    # A head's three parts (percent), Decree 335 for leaders; None for units and persons.
    own_pct = models.DecimalField(
        _("own work %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    staff_pct = models.DecimalField(
        _("results of the staff managed %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    organising_pct = models.DecimalField(
        _("organising capacity %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    general_points = models.DecimalField(
        _("general points"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    total = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    score_band = models.CharField(max_length=12, choices=Band.choices)
    band = models.CharField(_("rating"), max_length=12, choices=Band.choices)
    cap_applied = models.BooleanField(_("moved to good by the cap"), default=False)
    discipline = models.ForeignKey(
        "Discipline", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.COMPUTED
    )
    assessor_comment = models.TextField(_("assessor's comment"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)
    response = models.TextField(_("response of the rated"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["round", "kind", "-total", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit"],
                condition=Q(kind="unit"),
                name="ratings_one_unit_rating",
            ),
            models.UniqueConstraint(
                fields=["round", "kind", "unit", "person"],
                condition=Q(person__isnull=False),
                name="ratings_one_person_rating",
            ),
        ]
        indexes = [models.Index(fields=["round", "kind", "peer_group"])]

    def __str__(self) -> str:
        return f"{self.round} · {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("ratings:detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_forced(self) -> bool:
        """Rated "not complete" by a disciplinary decision in the month."""
        return self.discipline_id is not None


class GeneralScore(models.Model):
    """The assessor's points on one general sub-criterion of a rating."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="general_scores")
    criterion = models.ForeignKey(GeneralCriterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["criterion__order", "criterion__code"]
        constraints = [
            models.UniqueConstraint(fields=["rating", "criterion"], name="ratings_one_score")
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.points}"


# The package's other modules import the names above, so they come last.
from cchc.ratings.models.records import (  # noqa: E402
    Discipline,
    DisciplineQuerySet,
    FollowUp,
    Responsibility,
    ResponsibilityQuerySet,
)
from cchc.ratings.models.yearly import (  # noqa: E402
    AgencyScore,
    CapException,
    CapExceptionQuerySet,
    StaffGroup,
)

__all__ = [
    "CENT",
    "AgencyCriterion",
    "AgencyScore",
    "Band",
    "CapBase",
    "CapException",
    "CapExceptionQuerySet",
    "Discipline",
    "DisciplineQuerySet",
    "FollowUp",
    "GeneralCriterion",
    "GeneralScore",
    "PeerGroup",
    "Rating",
    "RatingPolicy",
    "RatingPolicyQuerySet",
    "RatingQuerySet",
    "RatingRound",
    "Responsibility",
    "ResponsibilityQuerySet",
    "Scope",
    "StaffGroup",
    "cents",
    "peer_group_of",
    "scoped",
]
