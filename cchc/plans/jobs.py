"""Background jobs of plans: thin, load by id, idempotent (a retry sends nothing twice)."""

from collections import defaultdict

from django.core.mail import send_mail
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cchc.accounts.models import User
from cchc.plans.models import Notification


@task()
def email_notifications(notification_ids: list[int]) -> int:
    """E-mail the listed notifications that were not e-mailed yet: one message per user, listing
    their notices, and mark them `emailed_at` once the mail server accepted the message (a
    refused or failed message leaves them unmarked and fails the job, which is retried). Skips
    notifications already e-mailed, and users who are inactive or have no e-mail address (theirs
    stay in-app only). Returns the number of messages sent."""
    pending: dict[User, list[Notification]] = defaultdict(list)
    for notification in (
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
        .select_related("user")
        .order_by("pk")
    ):
        pending[notification.user].append(notification)
    sent = 0
    for user, notifications in pending.items():
        if not user.email or not user.is_active:
            continue
        # Claim before sending, so that a concurrent run does not send them again; give the
        # claim back when the mail server refuses, so that the job's retry sends them.
        stamp = timezone.now()
        ids = [n.pk for n in notifications]
        claimed = Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(
            emailed_at=stamp
        )
        if claimed:
            try:
                _send(user, notifications)
            except Exception:
                Notification.objects.filter(pk__in=ids, emailed_at=stamp).update(emailed_at=None)
                raise
            sent += 1
    return sent


def _send(user: User, notifications: list[Notification]) -> None:
    with translation.override("vi"):
        subject = _("CCHC: %(n)s new notices about your tasks") % {"n": len(notifications)}
        lines = "\n".join(f"- {n.message}" for n in notifications)
        body = _("Hello %(name)s,\n\n%(lines)s\n\nSee the details on the CCHC platform.") % {
            "name": user,
            "lines": lines,
        }
    send_mail(subject, body, None, [user.email])
