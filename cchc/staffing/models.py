"""Headcount quotas (biên chế) per unit and year, and the reduction policy
(docs/domain/staffing-targets.md).

`Headcount` holds, for one unit and one year, the posts assigned to it (biên chế giao) and the
staff it actually has (thực có), for civil-servant posts (công chức) and public-employee posts
(số người làm việc, viên chức). Records may belong to units that have since ended: the 2015
figures of the pre-2025 wards stay on those wards and are carried to their successors by the
roll-up (cchc.staffing.queries, docs/staffing.md).

`StaffingPeriod` is the rule of a policy period (Resolution 39-NQ/TW for 2015–2021, Conclusion
40-KL/TW for 2022–2026, shipped by migration 0004): baseline year, a target per kind, whether
the public-employee target counts only posts paid from the state budget, whether earlier
excess carries. A year no period contains falls back to `StaffingPolicy`, a single row (created
by migration 0002): one baseline year and one target for both kinds.

`SuccessorShare` says which share of an ended unit's figures goes to each of its successors
(docs/staffing.md, "Successor shares").
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import Membership, User
from cchc.orgunits.models import OrgUnit, UnitScopedQuerySet
from cchc.orgunits.permissions import roles_over

MIN_YEAR = 2000
DEFAULT_BASELINE_YEAR = 2015
DEFAULT_TARGET_PERCENT = Decimal("10.00")
# The four figures, in the order of the forms, the import and the exports.
FIGURES = (
    "civil_assigned",
    "civil_actual",
    "public_assigned",
    "public_budget_assigned",
    "public_actual",
)
ASSIGNED = ("civil_assigned", "public_assigned")
# Besides city administrators, the unit's focal points record its figures.
RECORD_ROLES = {Membership.Role.FOCAL_POINT}


def can_record_headcount(user: User | Any, unit: OrgUnit) -> bool:
    """City administrators for any unit (also an ended one: the pre-2025 history); focal
    points of the unit or an ancestor for a current unit. Here rather than in permissions so
    that the actions check it too (permissions re-exports it)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_city_admin:
        return True
    return unit.is_current and bool(roles_over(user, unit) & RECORD_ROLES)


# More posts than any unit has: a larger figure is a typing error.
MAX_FIGURE = 10_000_000


class HeadcountQuerySet(UnitScopedQuerySet["Headcount"]):
    """for_user: the records of the units `user` sees (UnitScopedQuerySet, on visible_to)."""


class Headcount(models.Model):
    """The posts assigned to one unit for one year, and its actual staff."""

    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="headcounts",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    civil_assigned = models.IntegerField(_("civil-servant posts assigned"), default=0)
    civil_actual = models.IntegerField(_("civil servants in post"), null=True, blank=True)
    public_assigned = models.IntegerField(_("public-employee posts assigned"), default=0)
    # Of the public-employee posts, those paid from the state budget (the rest: self-financed
    # units). Conclusion 40-KL/TW measures its 10% on these; None: the split was not given.
    public_budget_assigned = models.IntegerField(
        _("of which paid from the state budget"), null=True, blank=True
    )
    public_actual = models.IntegerField(_("public employees in post"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HeadcountQuerySet.as_manager()

    class Meta:
        verbose_name = _("headcount")
        verbose_name_plural = _("headcounts")
        ordering = ["unit__path", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                name="staffing_one_headcount_per_unit_year",
                violation_error_message=_("This unit already has figures for this year."),
            ),
            models.CheckConstraint(
                condition=Q(civil_assigned__gte=0)
                & Q(public_assigned__gte=0)
                & (Q(civil_actual__isnull=True) | Q(civil_actual__gte=0))
                & (Q(public_actual__isnull=True) | Q(public_actual__gte=0)),
                name="staffing_headcount_not_negative",
                violation_error_message=_("Posts and staff cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(public_budget_assigned__isnull=True)
                | (
                    Q(public_budget_assigned__gte=0)
                    & Q(public_budget_assigned__lte=models.F("public_assigned"))
                ),
                name="staffing_headcount_budget_within_public",
                violation_error_message=_(
                    "The budget-paid posts cannot exceed the public-employee posts."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR),
                name="staffing_headcount_year",
                violation_error_message=_("The year is too early."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.year}"

    @property
    def public_self_financed(self) -> int | None:
        """Public-employee posts of self-financed units (None: the split was not given)."""
        if self.public_budget_assigned is None:
            return None
        return self.public_assigned - self.public_budget_assigned


class StaffingPolicy(models.Model):
    """The single policy row: baseline year and target reduction (percent of the baseline)."""

    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), default=DEFAULT_BASELINE_YEAR
    )
    target_percent = models.DecimalField(
        _("reduction target (%)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_TARGET_PERCENT,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("staffing policy")
        verbose_name_plural = _("staffing policy")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_percent__gt=0) & Q(target_percent__lte=100),
                name="staffing_policy_target_range",
                violation_error_message=_("The target must be above 0% and at most 100%."),
            ),
            models.CheckConstraint(
                condition=Q(baseline_year__gte=MIN_YEAR),
                name="staffing_policy_baseline_year",
                violation_error_message=_("The baseline year is too early."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Staffing policy"))

    @classmethod
    def current(cls) -> "StaffingPolicy":
        """The policy row (migration 0002 creates it; recreated with the defaults if deleted)."""
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


# The periods migration 0004 ships (docs/domain/staffing-targets.md), also used when the table
# holds none (a flushed test database), as HourlyValue does with its default.
DEFAULT_PERIODS: tuple[dict[str, Any], ...] = (
    {
        "first_year": 2015,
        "last_year": 2021,
        "baseline_year": 2015,
        "civil_target": Decimal("10.00"),
        "public_target": Decimal("10.00"),
        "public_budget_only": False,
        "carries_excess": False,
        "source": "Nghị quyết 39-NQ/TW ngày 17/4/2015",
    },
    {
        "first_year": 2022,
        "last_year": 2026,
        "baseline_year": 2021,
        "civil_target": Decimal("5.00"),
        "public_target": Decimal("10.00"),
        "public_budget_only": True,
        "carries_excess": False,
        "source": "Kết luận 40-KL/TW ngày 18/7/2022",
    },
)


class StaffingPeriodQuerySet(models.QuerySet["StaffingPeriod"]):
    def containing(self, year: int) -> "StaffingPeriod | None":
        """The period whose years include `year` (the latest-starting if several do); the
        shipped periods when the table holds none. One query."""
        periods: list[StaffingPeriod] = list(self.order_by("-first_year"))
        if not periods:
            periods = [StaffingPeriod(**data) for data in reversed(DEFAULT_PERIODS)]
        return next((p for p in periods if p.first_year <= year <= p.last_year), None)


class StaffingPeriod(models.Model):
    """The reduction rule of a policy period: years `first_year`–`last_year` are compared with
    `baseline_year`, civil-servant posts against `civil_target`, public-employee posts against
    `public_target` (only those paid from the state budget when `public_budget_only`)."""

    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    civil_target = models.DecimalField(
        _("civil-servant target (%)"), max_digits=5, decimal_places=2
    )
    public_target = models.DecimalField(
        _("public-employee target (%)"), max_digits=5, decimal_places=2
    )
    public_budget_only = models.BooleanField(
        _("public-employee target counts budget-paid posts only"), default=False
    )
    # Whether a cut beyond the previous period's target counts toward this one (docs/domain/
    # staffing-targets.md: the texts found measure 2022–2026 on the 2021 figure, so no).
    carries_excess = models.BooleanField(_("earlier excess counts"), default=False)
    source = models.CharField(_("source"), max_length=200)

    objects = StaffingPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("staffing period")
        verbose_name_plural = _("staffing periods")
        ordering = ["first_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_year__lte=models.F("last_year"))
                & Q(baseline_year__lte=models.F("first_year"))
                & Q(baseline_year__gte=MIN_YEAR),
                name="staffing_period_years",
                violation_error_message=_(
                    "The baseline year comes before the period, which ends after it starts."
                ),
            ),
            models.CheckConstraint(
                condition=Q(civil_target__gt=0)
                & Q(civil_target__lte=100)
                & Q(public_target__gt=0)
                & Q(public_target__lte=100),
                name="staffing_period_target_range",
                violation_error_message=_("The target must be above 0% and at most 100%."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_year}–{self.last_year} ({self.source})"


class SuccessorShare(models.Model):
    """The share (percent) of an ended unit's figures carried to one of its successors. The
    shares of one predecessor are set together and add up to 100 (set_successor_shares). A
    predecessor without rows uses the default: 100% to a single successor, equal shares (to be
    confirmed) among several."""

    predecessor = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("predecessor"),
        on_delete=models.CASCADE,
        related_name="successor_shares",
    )
    successor = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("successor"),
        on_delete=models.CASCADE,
        related_name="predecessor_shares",
    )
    share = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("successor share")
        verbose_name_plural = _("successor shares")
        ordering = ["predecessor__path", "successor__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="staffing_one_share_per_link"
            ),
            models.CheckConstraint(
                condition=Q(share__gte=0) & Q(share__lte=100),
                name="staffing_share_range",
                violation_error_message=_("A share is between 0% and 100%."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}: {self.share}%"
