"""The yearly classification's records (Decree 335/2025/NĐ-CP, docs/ratings.md): groups of staff
with similar tasks, exceptions to the cap, agencies' yearly scores. Part of cchc.ratings.models:
import them from there."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cchc.orgunits.models import UnitScopedQuerySet
from cchc.ratings.models import AgencyCriterion

if TYPE_CHECKING:
    pass


class StaffGroup(models.Model):
    """The group of civil servants with similar tasks a person belongs to in a unit (Decree 335,
    point 5(a)): set by the city; without one, the person is in the unit's single group."""

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("group of similar tasks"), max_length=100)

    class Meta:
        verbose_name = _("staff group")
        verbose_name_plural = _("staff groups")
        constraints = [
            models.UniqueConstraint(fields=["unit", "person"], name="ratings_one_staff_group")
        ]

    def __str__(self) -> str:
        return self.name


class CapExceptionQuerySet(UnitScopedQuerySet["CapException"]):
    """for_user: the exceptions of the units the user sees (UnitScopedQuerySet)."""


class CapException(models.Model):
    """Decree 335 point 5(b): an organisation with outstanding achievements may rate more of its
    civil servants excellent than point 5(a) allows, by a decision with its reason. Applies to
    one unit's year, in one group (blank: every group of the unit); `excellent_pct` is the new
    share (blank: no cap)."""

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    group = models.CharField(_("group of similar tasks"), max_length=100, blank=True)
    excellent_pct = models.DecimalField(
        _("excellent at most, in percent"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"))

    objects = CapExceptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("exception to the cap")
        verbose_name_plural = _("exceptions to the cap")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit", "group"], name="ratings_one_cap_exception"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.unit_id} · {self.group or '*'}"


class AgencyScore(models.Model):
    """The points of one agency criterion given to a unit for a year (its yearly rating)."""

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    criterion = models.ForeignKey(AgencyCriterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(_("assessed"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit", "criterion"], name="ratings_one_agency_score"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.criterion.code}: {self.points}"
