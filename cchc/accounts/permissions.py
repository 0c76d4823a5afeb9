"""Who may do what with accounts and tokens."""

from django.http import Http404

from cchc.accounts.models import ApiToken, Membership, User
from cchc.orgunits.models import OrgUnit


def get_api_token_for_user(user: User, pk: int) -> ApiToken:
    """A user reaches only their own tokens; any other id is 404."""
    try:
        return ApiToken.objects.get(pk=pk, user=user)
    except ApiToken.DoesNotExist:
        raise Http404 from None


def can_manage_members(user: User, unit: OrgUnit) -> bool:
    """City administrators grant and revoke roles, in any current unit."""
    return user.is_city_admin and unit.is_current


def get_membership_for_user(user: User, pk: int) -> Membership:
    """A membership the user may revoke (city administrators only); otherwise 404."""
    if not user.is_city_admin:
        raise Http404
    try:
        return Membership.objects.select_related("unit", "user").get(pk=pk)
    except Membership.DoesNotExist:
        raise Http404 from None
