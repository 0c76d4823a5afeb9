"""Composite indices of the city: indicator data and metadata (COINr's iData / iMeta), the
pipeline that computes them (a versioned JSON document, cchc.composite.pipeline) and its runs.

City-wide records managed by city administrators: the units of a composite index are rows of
its data (wards, departments or countries), not records of the unit tree, so there is no
per-unit scoping; `for_user` returns everything to a city administrator and nothing to others.
"""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from cchc.accounts.models import User


class CompositeIndexQuerySet(models.QuerySet["CompositeIndex"]):
    def for_user(self, user: "User") -> "CompositeIndexQuerySet":
        return self if getattr(user, "is_city_admin", False) else self.none()


class CompositeIndex(models.Model):
    name = models.CharField(_("name"), max_length=200)
    meta = models.JSONField(_("indicator metadata"), default=list)  # iMeta rows
    data = models.JSONField(_("indicator data"), default=list)  # iData rows
    pipeline = models.JSONField(_("pipeline"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CompositeIndexQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("composite index")
        verbose_name_plural = _("composite indices")

    def __str__(self) -> str:
        return self.name


class RunQuerySet(models.QuerySet["CompositeRun"]):
    def for_user(self, user: "User") -> "RunQuerySet":
        return self if getattr(user, "is_city_admin", False) else self.none()


class CompositeRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    index = models.ForeignKey(CompositeIndex, on_delete=models.CASCADE, related_name="runs")
    pipeline = models.JSONField(_("pipeline"))  # the document as run
    replications = models.PositiveIntegerField(_("replications"), default=0)
    seed = models.PositiveIntegerField(_("seed"), default=1)
    assumptions = models.JSONField(_("assumptions"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("composite index run")
        verbose_name_plural = _("composite index runs")

    def __str__(self) -> str:
        return f"{self.index} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def result_units(self) -> list[dict[str, Any]]:
        return list((self.result or {}).get("units", []))
