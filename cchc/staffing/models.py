"""Headcount quotas (biên chế) per unit and year, and the reduction policy (DOMAIN.md §1 item 7).

`Headcount` holds, for one unit and one year, the posts assigned to it (biên chế giao) and the
staff it actually has (thực có), for civil-servant posts (công chức) and public-employee posts
(số người làm việc, viên chức). Records may belong to units that have since ended: the 2015
figures of the pre-2025 wards stay on those wards and are carried to their successors by the
roll-up (cchc.staffing.queries, docs/staffing.md).

`StaffingPolicy` is a single row (created by migration 0002): the baseline year the reduction is
measured against and the target reduction in percent.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import Membership, User
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.permissions import roles_over

MIN_YEAR = 2000
DEFAULT_BASELINE_YEAR = 2015
DEFAULT_TARGET_PERCENT = Decimal("10.00")
# The four figures, in the order of the forms, the import and the exports.
FIGURES = ("civil_assigned", "civil_actual", "public_assigned", "public_actual")
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


class HeadcountQuerySet(models.QuerySet["Headcount"]):
    def for_user(self, user: User | Any) -> "HeadcountQuerySet":
        """The records of the units `user` sees (OrgUnit.objects.visible_to)."""
        return self.filter(unit__in=OrgUnit.objects.visible_to(user))


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
                condition=Q(year__gte=MIN_YEAR),
                name="staffing_headcount_year",
                violation_error_message=_("The year is too early."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.year}"


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
