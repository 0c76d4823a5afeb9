from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxRequest(HttpRequest):
    """A request as our middleware stack leaves it: with `request.htmx` (django-htmx)."""

    htmx: HtmxDetails


def download(file: FieldFile, filename: str) -> FileResponse:
    """A stored upload, always as a download under `filename`: sent as application/octet-stream
    with nosniff, so that a browser never renders it inline (an uploaded HTML or SVG file
    cannot run in the site's origin)."""
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
