from cchc.accounts.models import User
from cchc.core.http import HtmxRequest


class AuthedRequest(HtmxRequest):
    """A request to a view behind LoginRequiredMiddleware: the user is a signed-in User."""

    user: User
