"""The Vietnamese catalogue is complete, not fuzzy, and the committed .mo matches the .po."""

import ast
import gettext
import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def parse_po(text: str) -> tuple[dict[tuple[str, str], str], list[str]]:
    """(msgctxt, msgid) → msgstr (msgstr[0] for plurals), and the msgids flagged fuzzy."""
    entries: dict[tuple[str, str], str] = {}
    fuzzy: list[str] = []
    for block in text.split("\n\n"):
        parts: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            match = re.match(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[0\])?) (\".*\")$", line)
            if match:
                key = match.group(1).replace("[0]", "")
                parts[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                parts[key] += ast.literal_eval(line)
        if parts.get("msgid"):
            entries[(parts.get("msgctxt", ""), parts["msgid"])] = parts.get("msgstr", "")
            if "#, fuzzy" in block or re.search(r"^#,.*fuzzy", block, re.M):
                fuzzy.append(parts["msgid"])
    return entries, fuzzy


def test_vietnamese_catalogue_is_complete_and_compiled() -> None:
    entries, fuzzy = parse_po(PO.read_text(encoding="utf-8"))
    assert len(entries) > 100
    assert fuzzy == []
    assert [msgid for msgid, msgstr in entries.items() if not msgstr] == []
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for (context, msgid), msgstr in entries.items():
        if context:
            assert compiled.pgettext(context, msgid) == msgstr
        else:
            assert msgstr in (compiled.gettext(msgid), compiled.ngettext(msgid, msgid, 1))


def test_pages_render_in_vietnamese_by_default(client) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html


def test_browser_language_does_not_override_vietnamese(client) -> None:
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html


def test_language_switch_sets_english_and_back(client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html
    client.post("/i18n/setlang/", {"language": "vi", "next": "/accounts/login/"})
    assert '<html lang="vi">' in client.get("/accounts/login/").content.decode()
