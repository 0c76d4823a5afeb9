from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose English with the language switch (cookie).

    Django's own middleware would follow the browser's Accept-Language, and many officials'
    browsers say English: the platform must still open in Vietnamese for them.
    """

    def process_request(self, request: HttpRequest) -> None:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ErrorPagesMiddleware:
    """The site's own 404 page also with DEBUG on (`make run`): Django's debug 404 page lists
    every URL pattern. A URL that matched no pattern (the request has no `resolver_match`)
    and an Http404 raised by a view both get `cchc.core.errors.page_not_found`. Other errors
    keep Django's handling (handler400/403/500 in config/urls.py; debug pages for 400 and 500
    under DEBUG). Placed outside CommonMiddleware, so APPEND_SLASH redirects still happen."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            from cchc.core.errors import page_not_found

            return page_not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404) and settings.DEBUG:
            from cchc.core.errors import page_not_found

            return page_not_found(request, exception)
        return None
