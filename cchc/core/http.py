from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse
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


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def attachment(content: bytes, filename: str) -> HttpResponse:
    """A generated export (`filename` ends in .xlsx, .docx or .pdf) offered as a download."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[filename.rsplit(".", 1)[-1]])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
