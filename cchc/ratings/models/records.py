"""Responsibility records for overdue tasks (with their follow-ups) and disciplinary decisions,
which force "not complete" (docs/ratings.md). Part of cchc.ratings.models: import them from
there."""

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cchc.ratings.models import (
    UnitOrSelfQuerySet,
)

if TYPE_CHECKING:
    pass


# The django-stubs plugin reads as_manager() of a QuerySet subclassed from another module of
# this package as an incompatible override; the runtime manager is the subclass's own.
class DisciplineQuerySet(UnitOrSelfQuerySet["Discipline"]):  # type: ignore[override]
    def in_period(self, first: datetime.date, last: datetime.date) -> "DisciplineQuerySet":
        return self.filter(decided_on__gte=first, decided_on__lte=last)


class Discipline(models.Model):
    """A decision that forces "not complete" (Decree 335, the four cases of "không hoàn thành"
    besides points under 50): a disciplinary decision from reprimand up, a conclusion of
    ideological or ethical decline (against a person), or a finding of corruption or waste in a
    unit (no person: its heads, who manage it directly). The month's ratings and the year's
    classification are forced."""

    class Ground(models.TextChoices):
        DISCIPLINE = "discipline", _("Disciplined (reprimand or above)")
        DECLINE = "decline", _("Concluded ideological or ethical decline")
        CORRUPTION = "corruption", _("Corruption or waste in a unit managed directly")

    class Form(models.TextChoices):
        REPRIMAND = "reprimand", _("Reprimand")
        WARNING = "warning", _("Warning")
        DEMOTION = "demotion", _("Demotion")
        REMOVAL = "removal", _("Removal from post")
        DISMISSAL = "dismissal", _("Dismissal")

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.CharField(_("decision number"), max_length=50)
    decided_on = models.DateField(_("decision date"))
    ground = models.CharField(
        _("ground"), max_length=12, choices=Ground.choices, default=Ground.DISCIPLINE
    )
    form = models.CharField(
        _("form of discipline"), max_length=12, choices=Form.choices, blank=True
    )
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = DisciplineQuerySet.as_manager()

    class Meta:
        verbose_name = _("disciplinary decision")
        verbose_name_plural = _("disciplinary decisions")
        ordering = ["-decided_on"]

    def __str__(self) -> str:
        return f"{self.number} ({self.decided_on:%d/%m/%Y})"


# The django-stubs plugin reads as_manager() of a QuerySet subclassed from another module of
# this package as an incompatible override; the runtime manager is the subclass's own.
class ResponsibilityQuerySet(UnitOrSelfQuerySet["Responsibility"]):  # type: ignore[override]
    def open(self) -> "ResponsibilityQuerySet":
        return self.filter(closed_at__isnull=True)


class Responsibility(models.Model):
    """Who answers for an overdue task: its responsible person and the head of its lead unit.
    Created at the first close that finds the task overdue and updated at every later one."""

    class Role(models.TextChoices):
        RESPONSIBLE = "responsible", _("Responsible person")
        HEAD = "head", _("Head of unit")

    class Handling(models.TextChoices):
        UNDECIDED = "", _("Not decided yet")
        REMINDER = "reminder", _("Reminder")
        EXPLANATION = "explanation", _("Written explanation requested")
        SELF_CRITICISM = "self_criticism", _("Self-criticism")
        DISCIPLINE = "discipline", _("Disciplinary proposal")

    task = models.ForeignKey(
        "plans.Task", verbose_name=_("task"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="responsibilities",
    )
    role = models.CharField(_("answers as"), max_length=12, choices=Role.choices)
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    first_month = models.DateField(_("overdue since the close of"))
    last_month = models.DateField(_("last found overdue at the close of"))
    deadline = models.DateField(_("deadline"))
    days_overdue = models.PositiveIntegerField(_("days overdue"))
    reason = models.TextField(_("reason given"), blank=True)
    handling = models.CharField(
        _("handling"), max_length=16, choices=Handling.choices, blank=True, default=""
    )
    handling_note = models.TextField(_("handling note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ResponsibilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        ordering = ["-days_overdue", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "person", "role"], name="ratings_one_responsibility"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.task}"

    def get_absolute_url(self) -> str:
        return reverse("ratings:responsibility", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class FollowUp(models.Model):
    """A note on the follow-up of a responsibility (what was done, what is next)."""

    responsibility = models.ForeignKey(
        Responsibility, on_delete=models.CASCADE, related_name="follow_ups"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("follow-up"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]
