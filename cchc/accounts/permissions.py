"""Who may do what with accounts and tokens."""

from django.http import Http404

from cchc.accounts.models import ApiToken, User


def get_api_token_for_user(user: User, pk: int) -> ApiToken:
    """A user reaches only their own tokens; any other id is 404."""
    try:
        return ApiToken.objects.get(pk=pk, user=user)
    except ApiToken.DoesNotExist:
        raise Http404 from None
