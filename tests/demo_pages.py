"""The demo as the page-wide tests read it: seeded with its survey collecting, what a person
reads on a page, and the English words that must not be there under `vi`.

Shared by tests/test_no_english.py (the server's HTML for every persona) and
tests/browser/test_accessibility.py. A plain module, not a test module."""

import datetime
import re
from html.parser import HTMLParser

from django.core.management import call_command
from django.utils import timezone

from cchc.demo.demo import seed_demo
from cchc.surveys.models import Campaign


def seed_collecting_demo() -> None:
    """The whole demo on the real units, its survey collecting whatever today is (the demo's
    campaign runs to 31/12/2026, and its public form answers 410 after that)."""
    call_command("load_admin_units", verbosity=0)
    seed_demo()
    Campaign.objects.update(period_end=timezone.localdate() + datetime.timedelta(days=30))


# Common English words of a web interface (Django's and the browser's defaults among them),
# matched whole and case-sensitively: "Select" is a leak, "select" in a code is not read.
ENGLISH_WORDS = [
    "Select",
    "Submit",
    "Save",
    "Cancel",
    "Delete",
    "Search",
    "Next",
    "Previous",
    "Page",
    "of",
    "None",
    "True",
    "False",
    "Required",
    "This field",
    "Enter",
    "Yes",
    "No",
    "Date",
    "Name",
    "Status",
    "Unit",
    "Total",
    "Download",
    "Upload",
    "Login",
    "Log out",
    "Back",
    "Edit",
    "Add",
    "Remove",
    "the",
    "and",
    "is",
    "an option",
]
ENGLISH = re.compile(r"(?<![\w/.-])(" + "|".join(map(re.escape, ENGLISH_WORDS)) + r")(?![\w/-])")

# Elements whose text is not prose: code and scripts, what is English on purpose (the language
# switch says "English" in English, with lang="en") and what is marked translate="no".
SKIPPED = {"script", "style", "template", "code", "pre", "kbd", "samp", "svg", "noscript"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.parts: list[str] = []

    @property
    def skipping(self) -> bool:
        return any(skipped for _tag, skipped in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skipped = (
            tag in SKIPPED
            or (values.get("lang") or "").startswith("en")
            or values.get("translate") == "no"  # raw data, such as an audit event's details
        )
        if not (self.skipping or skipped):
            self.parts += [value for name in READ_ATTRIBUTES if (value := values.get(name))]
            if (
                tag == "input"
                and values.get("type") in {"submit", "button"}
                and values.get("value")
            ):
                self.parts.append(values["value"] or "")
        if tag not in VOID:
            self.stack.append((tag, skipped))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    """The text of `html` a person reads: text and the labels of controls (placeholder, title,
    aria-label, alt, a button's value), without scripts, styles, code and English on purpose."""
    reader = _Reader()
    reader.feed(html)
    return "\n".join(reader.parts)


def english_words(text: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The lines of `text` that hold one of ENGLISH_WORDS, with the word in brackets; a line
    listed in `allowed` (a proper name that happens to contain one) is not reported."""
    found = []
    for line in text.splitlines():
        if line in allowed:
            continue
        match = ENGLISH.search(line)
        if match:
            found.append(f"[{match.group(1)}] {line[:160]}")
    return found
