"""Validation of uploaded files, shared by every module that accepts evidence or documents.

A file is accepted only when its size is within the limit, its extension is allowed and its
content (the first bytes) matches that extension: a renamed executable or HTML page is refused.
Files are stored under a random name and always served as downloads.
"""

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# extension → (content type, signatures of the first bytes; empty = text, checked separately)
ALLOWED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    "xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    "txt": ("text/plain", ()),
}
TEXT_FORBIDDEN = ("<html", "<script", "<!doctype", "<svg", "<?php")
# The encodings a browser could read a text file in: the ASCII-compatible ones (UTF-8 and the
# legacy code pages read alike for markup) and UTF-16 either way round, at either byte offset.
TEXT_READINGS = (
    ("utf-8", 0),
    ("utf-16-le", 0),
    ("utf-16-le", 1),
    ("utf-16-be", 0),
    ("utf-16-be", 1),
)


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    original_name: str
    extension: str
    content_type: str
    size: int
    sha256: str

    def storage_name(self) -> str:
        """A random file name that keeps only the checked extension."""
        return f"{secrets.token_hex(16)}.{self.extension}"


def check_upload(upload: UploadedFile, *, max_bytes: int | None = None) -> CheckedFile:
    """Size, extension and content of `upload`, and its SHA-256. Raises ValidationError naming
    the file and what is wrong with it."""
    name = PurePath(upload.name or "").name
    limit = max_bytes or settings.CCHC_UPLOAD_MAX_BYTES
    size = upload.size or 0
    if size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s MB; the limit is %(limit)s MB.")
            % {"name": name, "size": _mb(size), "limit": _mb(limit)}
        )
    if size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in ALLOWED:
        raise ValidationError(
            _("%(name)s: this type of file is not accepted (allowed: %(allowed)s).")
            % {"name": name, "allowed": ", ".join(sorted(ALLOWED))}
        )
    content_type, signatures = ALLOWED[extension]
    upload.seek(0)
    head = upload.read(2048)
    if signatures and not head.startswith(signatures):
        raise ValidationError(
            _("%(name)s does not contain what its name says (.%(ext)s).")
            % {"name": name, "ext": extension}
        )
    if not signatures and has_markup(upload):
        raise ValidationError(_("%(name)s contains markup and is refused.") % {"name": name})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(upload, name, extension, content_type, size, digest.hexdigest())


def has_markup(upload: UploadedFile) -> bool:
    """Whether a text file contains markup anywhere, in any encoding a browser might read it
    in (the whole text is decoded, not only its first bytes)."""
    upload.seek(0)
    data = upload.read()
    for encoding, offset in TEXT_READINGS:
        text = data[offset:].decode(encoding, errors="ignore").lower()
        if any(marker in text for marker in TEXT_FORBIDDEN):
            return True
    return False


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")
