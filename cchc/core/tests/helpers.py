"""Small helpers shared by the test modules of every app (not a test module itself)."""

import io
import re
import shutil
import subprocess
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver
from django.utils import translation
from django.utils.html import escape
from docx import Document
from docx.document import Document as DocumentObject

# The absolute ceiling for any list page or endpoint, on top of "constant in the row count".
MAX_LIST_QUERIES = 10


def translated(message: Any) -> str:
    """`message` as a page renders it for a visitor without a language preference."""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message) if isinstance(message, str) else str(message)


def html(response: HttpResponse) -> str:
    """The page's text. Forms render through Jinja2 (cchc.core.forms.FormRenderer), whose
    escape writes an apostrophe as &#39; where Django's writes &#x27;: one spelling here, so
    that `escape(message)` finds a form error as it finds any other message."""
    return response.content.decode().replace("&#39;", "&#x27;")


def assert_shows(response: HttpResponse, message: Any) -> None:
    """The (translated, HTML-escaped) message is in the page."""
    text = escape(translated(message))
    assert text in html(response), f"{text!r} not in the page"


def count_queries(request: Callable[[], HttpResponse]) -> tuple[int, HttpResponse]:
    """Run one request; return how many SQL queries it made and its response."""
    with CaptureQueriesContext(connection) as context:
        response = request()
    return len(context.captured_queries), response


def assert_constant_queries(
    request: Callable[[], HttpResponse],
    add_rows: Callable[[int], object],
    budget: int = MAX_LIST_QUERIES,
) -> tuple[HttpResponse, HttpResponse]:
    """N+1 guard: the same number of queries with 1 row and with 3 rows, and at most `budget`
    (MAX_LIST_QUERIES for a list). `add_rows(n)` adds n more rows to the list under test.

    A first request warms process-wide caches (content types, token last-use stamp) so that
    only the row count differs between the two measured requests.
    """
    add_rows(1)
    assert request().status_code == 200
    with_one, first = count_queries(request)
    add_rows(2)
    with_three, second = count_queries(request)
    assert first.status_code == second.status_code == 200
    assert with_one == with_three, f"{with_one} queries with 1 row, {with_three} with 3"
    assert with_three <= budget, f"{with_three} queries > {budget}"
    return first, second


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF (pdftotext -layout); skips the test where poppler-utils is missing."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(  # noqa: S603 (a fixed binary found on PATH, our own PDF as input)
        [pdftotext, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def walk(patterns: list, prefix: str = "") -> list[tuple[str, object]]:
    """Every (route, view) under `patterns`, the included URL confs' routes prefixed."""
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append((prefix + str(pattern.pattern), pattern.callback))
    return found


# Decree 30/2020's layout, as every exported document's test checks it (docs/domain/documents.md).
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
A4_POINTS = (595, 842)


def pdf_page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """Each page's size in whole points, from the /MediaBox entries typst writes."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    return [(round(float(width)), round(float(height))) for width, height in boxes]


def assert_official_pdf(pdf: bytes, *, landscape: bool = False, signed: bool = True) -> str:
    """Every page A4 (portrait, or landscape when stated), the national name and motto, and for
    an official document the number line "Số:" and "Nơi nhận"; returns the PDF's text."""
    size = A4_POINTS[::-1] if landscape else A4_POINTS
    sizes = pdf_page_sizes(pdf)
    assert sizes, "no page"
    assert set(sizes) == {size}, sizes
    text = pdf_text(pdf)
    assert NATION in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    if signed:
        assert "Số:" in text
        assert "Nơi nhận:" in text
    return text


def assert_official_docx(content: bytes, *, landscape: bool = False) -> DocumentObject:
    """A4 (21.0 × 29.7 cm, or turned for landscape), the header's two columns (the issuing body
    and "Số: …"; the national name and motto), and the signature table last ("Nơi nhận:" on
    the left, the signer on the right; minutes: the signers in the table before); returns the
    document."""
    document = Document(io.BytesIO(content))
    section = document.sections[0]
    size = (round(section.page_width.cm, 1), round(section.page_height.cm, 1))
    assert size == ((29.7, 21.0) if landscape else (21.0, 29.7)), size
    issuer, nation = document.tables[0].rows[0].cells
    assert "Số:" in issuer.text
    assert NATION in nation.text
    assert "Độc lập - Tự do - Hạnh phúc" in nation.text
    last = document.tables[-1].rows[0].cells
    assert last[0].text.startswith("Nơi nhận:"), last[0].text
    signers = last if last[1].text.strip() else document.tables[-2].rows[0].cells
    assert signers[1].text.strip(), "no signer"
    return document
