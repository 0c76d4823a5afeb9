"""Every change to users, memberships and API tokens."""

import datetime
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts import jobs
from cchc.accounts.models import ApiToken, HeadTerm, Membership, User
from cchc.core import audit
from cchc.orgunits.models import OrgUnit


@transaction.atomic
def create_user(
    *, actor: User | None, username: str, password: str, full_name: str = "", email: str = ""
) -> User:
    """Create an active user. Writes "accounts.create_user".

    Refuses a username or e-mail already taken, and a password the validators reject.
    """
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("The username %(name)s is taken.") % {"name": username})
    if email and User.objects.filter(email__iexact=email).exists():
        raise ValidationError(_("The e-mail address %(email)s is taken.") % {"email": email})
    user = User(username=username, full_name=full_name, email=email)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    audit.record(actor, "accounts.create_user", user, details={"username": username})
    return user


@transaction.atomic
def grant_membership(
    *,
    actor: User | None,
    user: User,
    unit: OrgUnit,
    role: str,
    started_on: datetime.date | None = None,
) -> Membership:
    """Give `user` the `role` in `unit` (and so its subtree). Writes "accounts.grant_membership"
    and, after commit, queues an e-mail to the user (jobs.notify_role_granted). The head role
    also opens a HeadTerm from `started_on` (default today).

    Refuses a role the user already holds there, and a head term starting in the future.
    """
    if Membership.objects.filter(user=user, unit=unit, role=role).exists():
        raise ValidationError(_("This user already holds that role in that unit."))
    started_on = started_on or timezone.localdate()
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": _("The start date cannot be in the future.")})
    membership = Membership.objects.create(user=user, unit=unit, role=role)
    details = {"user": user.username, "role": role}
    if role == Membership.Role.HEAD:
        HeadTerm.objects.create(user=user, unit=unit, started_on=started_on)
        details["started_on"] = started_on.isoformat()
    audit.record(
        actor, "accounts.grant_membership", membership, unit=membership.unit, details=details
    )
    transaction.on_commit(lambda: jobs.notify_role_granted.enqueue(membership.pk))
    return membership


@transaction.atomic
def revoke_membership(
    membership: Membership, *, actor: User, ended_on: datetime.date | None = None
) -> None:
    """Remove a membership. Writes "accounts.revoke_membership" on the unit. Revoking the head
    role closes the open HeadTerm on `ended_on` (default today), the last day held."""
    if membership.role == Membership.Role.HEAD:
        ended_on = ended_on or timezone.localdate()
        for term in HeadTerm.objects.filter(
            user=membership.user, unit=membership.unit, ended_on__isnull=True
        ):
            term.ended_on = max(ended_on, term.started_on)
            term.save(update_fields=["ended_on"])
    audit.record(
        actor,
        "accounts.revoke_membership",
        membership,
        unit=membership.unit,
        details={"user": membership.user.username, "role": membership.role},
    )
    membership.delete()


@transaction.atomic
def change_password(user: User, *, actor: User, new_password: str) -> User:
    """Set a new password (already validated by the form). Writes "accounts.change_password"."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit.record(actor, "accounts.change_password", user)
    return user


@transaction.atomic
def create_api_token(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token for `actor`. Returns the token and its key, shown only once.

    Writes "accounts.create_api_token". Refuses an empty name.
    """
    if not name.strip():
        raise ValidationError(_("Give the token a name."))
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name.strip(),
        prefix=key[: ApiToken.PREFIX_LENGTH],
        digest=ApiToken.digest_of(key),
    )
    audit.record(actor, "accounts.create_api_token", token, details={"name": token.name})
    return token, key


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor: User) -> ApiToken:
    """Revoke a token; requests with it fail from now on. Writes "accounts.revoke_api_token".

    Refuses a token already revoked.
    """
    if token.revoked_at is not None:
        raise ValidationError(_("This token was already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor, "accounts.revoke_api_token", token, details={"name": token.name})
    return token
