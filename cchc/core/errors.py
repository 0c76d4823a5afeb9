"""The site's own error pages: 400, 403, 404, 500 and the CSRF failure, in Vietnamese first,
with the layout, the menu (when signed in) and a way home. Under /api/ the same errors are
JSON, like the API's own. `ErrorPagesMiddleware` (cchc/core/middleware.py) makes an unknown
URL show this 404 page also with DEBUG on, never Django's debug page listing every URL."""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)
TEMPLATE = "errors/error.html"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": message}, status=status)
    context = {"status": status, "title": title, "message": message}
    try:
        return render(request, TEMPLATE, context, status=status)
    except Exception:  # the layout needs the database (menu, user); the page must not fail too
        logger.exception("Error page %s rendered without the layout", status)
        content = render_to_string("errors/plain.html", context)
        return HttpResponse(content, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: an oversized body or too many fields get their own message."""
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        message = _(
            "What you sent is too large (more than %(limit)s MB of form data). Shorten the text "
            "or send the files separately."
        ) % {"limit": limit}
    elif isinstance(exception, TooManyFieldsSent):
        message = _("The form sent has too many fields. Reload the page and send it again.")
    else:
        message = _("The request could not be understood. Reload the page and try again.")
    return _page(request, 400, _("Bad request"), message)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403."""
    message = _("You do not have permission to open this page or do this action.")
    return _page(request, 403, _("Access denied"), message)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404 (and, with DEBUG on, the page for an unknown URL)."""
    message = _("The page does not exist, or you may not see it. Check the address.")
    return _page(request, 404, _("Page not found"), message)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the error was logged by Django; say so and offer a way back."""
    message = _("Something went wrong on our side. The error was logged; please try again later.")
    return _page(request, 500, _("Server error"), message)


def csrf_failure(request: HttpRequest, reason: str = "", **kwargs: Any) -> HttpResponse:
    """CSRF_FAILURE_VIEW: usually a form left open past the session, or cookies disabled."""
    message = _(
        "The form has expired or your browser did not send its security cookie. Go back, "
        "reload the page and send the form again. If this keeps happening, allow cookies for "
        "this site."
    )
    return _page(request, 403, _("The form could not be sent"), message)
