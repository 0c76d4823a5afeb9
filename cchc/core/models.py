"""Pieces every app builds on: the append-only audit trail and the stored upload."""

from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from cchc.core.uploads import CheckedFile


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_target(self, obj: models.Model) -> "AuditEventQuerySet":
        return self.filter(
            target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk)
        )

    def update(self, **kwargs: Any) -> int:
        raise TypeError("Audit events are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One change made by an action: who, what, on which record and unit, before and after.

    Rows are only ever inserted (see cchc.core.audit.record); updating or deleting one raises.
    """

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verb = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(_("record"), max_length=255, blank=True)
    target_search = models.CharField(max_length=255, blank=True, editable=False)  # fold(repr)
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.verb} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events are append-only.")


class StoredFile(models.Model):
    """An uploaded file that passed core.uploads.check_upload, stored under a random name and
    served only as a download (core.http.download): evidence of a progress report or a
    self-score, photos of a finding, attachments of a petition. A subclass declares `file`
    (with its own upload_to) and the record it belongs to."""

    file: models.FileField
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def store(cls, checked: "CheckedFile", **owner: Any) -> "Self":
        """Save `checked` under its random storage name, with its owner record(s) `owner`."""
        stored = cls(
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            **owner,
        )
        stored.file.save(checked.storage_name(), checked.upload, save=False)
        stored.save()
        return stored
