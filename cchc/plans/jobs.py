"""Background jobs of plans. The e-mail of notifications is core's job now
(cchc.core.jobs.email_notifications); the name stays importable here because jobs queued before
the move are stored under this path, and for cchc/privacy (owned by another change), which the
lead points at cchc.core at merge time."""

from cchc.core.jobs import email_notifications

__all__ = ["email_notifications"]
