"""Background jobs of accounts: thin, load by id, idempotent enough to be retried."""

from django.core.mail import send_mail
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from cchc.accounts.models import Membership


@task()
def notify_role_granted(membership_id: int) -> bool:
    """E-mail the user that they were given a role. Does nothing if the role was removed since
    or the user has no e-mail address; returns whether a message was sent."""
    membership = Membership.objects.select_related("user", "unit").filter(pk=membership_id).first()
    if membership is None or not membership.user.email:
        return False
    with translation.override("vi"):
        subject = _("CCHC: you were given a role")
        body = _("Hello %(name)s,\n\nYou are now %(role)s of %(unit)s on the CCHC platform.") % {
            "name": membership.user,
            "role": membership.get_role_display(),
            "unit": membership.unit,
        }
    send_mail(subject, body, None, [membership.user.email])
    return True
