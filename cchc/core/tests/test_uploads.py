"""Upload checks: a text file is checked for markup whole, in any encoding (issue 16, item 9)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from cchc.core.uploads import check_upload

SCRIPT = "<script>alert(document.cookie)</script>"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _refused(content: bytes) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile("bao-cao.txt", content))
    return refused.value.messages


@pytest.mark.parametrize(
    "content",
    [
        SCRIPT.encode(),
        ("Báo cáo tiến độ\n" + SCRIPT).encode("utf-16"),  # with a BOM
        ("Báo cáo tiến độ\n" + SCRIPT).encode("utf-16-le"),  # without
        ("Báo cáo tiến độ\n" + SCRIPT).encode("utf-16-be"),
        b"x" + ("Báo cáo\n" + SCRIPT).encode("utf-16-le"),  # at an odd offset
        ("Báo cáo tiến độ. " * 200).encode() + b"<SVG onload=alert(1)>",  # after 2,048 bytes
        ("Nội dung " * 400).encode("utf-16") + "<html>".encode("utf-16-le"),
    ],
    ids=["utf8", "utf16-bom", "utf16le", "utf16be", "odd-offset", "late-utf8", "late-utf16"],
)
def test_a_text_file_with_markup_anywhere_in_any_encoding_is_refused(content: bytes) -> None:
    assert _refused(content) == ["bao-cao.txt contains markup and is refused."]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_a_plain_vietnamese_text_file_is_accepted(encoding: str) -> None:
    text = "Đã hoàn thành 40% khối lượng; chờ ý kiến của Sở Nội vụ (a < b > c).\n" * 100
    checked = check_upload(SimpleUploadedFile("bao-cao.txt", text.encode(encoding)))
    assert checked.extension == "txt"
    assert checked.content_type == "text/plain"
