"""Pieces every app builds on: the append-only audit trail, the stored upload and the in-app
notification."""

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


class WorkerHeartbeat(models.Model):
    """The last sign of life of one background worker (`manage.py db_worker`), written every
    CCHC_WORKER_HEARTBEAT_SECONDS by the worker itself; `/healthz/full` and `jobs_status` call
    the worker stale when the newest one is older than CCHC_WORKER_STALE_SECONDS."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)
    tasks_run = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid} {self.seen_at:%Y-%m-%d %H:%M:%S}"


class JobAttempt(models.Model):
    """One attempt of a background job that is a retry or a re-queue of an earlier, failed one
    (the first attempt of a job has no row). `result_id` and `previous_id` are ids of
    django_tasks_db's DBTaskResult. A failed result that no row names as `previous_id` and that
    has used up its attempts is a dead letter (cchc.core.jobs)."""

    class Reason(models.TextChoices):
        RETRY = "retry", _("automatic retry")
        REQUEUE = "requeue", _("re-queued by an administrator")

    result_id = models.UUIDField(unique=True)
    previous_id = models.UUIDField(unique=True)
    attempt = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("job attempt")
        verbose_name_plural = _("job attempts")

    def __str__(self) -> str:
        return f"{self.result_id} (attempt {self.attempt}, after {self.previous_id})"


class Notification(models.Model):
    """An in-app notice to one user, also e-mailed (cchc.core.actions.notify writes them and
    cchc.core.jobs.email_notifications sends them). `key` names the occasion and makes the
    notices idempotent: a user gets one notification per key. Until issue #15 the model lived
    in plans (table plans_notification, renamed by core's migration 0004)."""

    class Kind(models.TextChoices):
        BEFORE_DEADLINE = "before", _("Deadline approaching")
        DUE_TODAY = "due_today", _("Due today")
        OVERDUE = "overdue", _("Overdue")
        ESCALATION = "escalation", _("Overdue task in your unit")
        REVIEW = "review", _("Report to review")
        DECISION = "decision", _("Decision on your report")
        NOT_REPORTED = "not_reported", _("Not reported this month")
        RATING = "rating", _("Rating assessed")
        INDEX = "index", _("Reform index assessment")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # The task the notice is about, if any (a string label: core imports no domain app).
    task = models.ForeignKey("plans.Task", null=True, blank=True, on_delete=models.CASCADE)
    # Where the notice leads when it is not about a task (a rating, for instance).
    link = models.CharField(max_length=200, blank=True)
    message = models.CharField(max_length=500)
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_notification_once")
        ]

    def __str__(self) -> str:
        return self.message
