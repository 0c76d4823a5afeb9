"""No English under the Vietnamese locale (issue #17): every page a persona of the demo reaches
from the home page, the public pages, and the errors of forms sent empty.

The demo is seeded once (about a minute); then, per persona, the pages are visited breadth
first from "/" through the links they show, one page per URL shape ("/plans/tasks/N/"), and
the text a person reads (tests/demo_pages.py) must hold none of the common English words of
an interface. Slow, like tests/test_demo.py, and for the same reason: it is the only test that
reads every page with real volumes."""

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import ngettext

from cchc.accounts.models import User
from cchc.dialogues.models import Conference
from cchc.surveys.models import CampaignUnit
from tests.demo_pages import english_words, seed_collecting_demo, visible_text

PERSONAS = ["admin", "chutich", "badinh.canbo", "badinh.chutich", "thanhtra", "xem"]
PAGES_PER_PERSONA = 120
# Not pages: files, the API, the admin site (Django's own, partly English), the switches.
SKIPPED = re.compile(
    r"^/(api|admin|static|i18n|accounts/logout)/|\.(xlsx|pdf|docx|csv|svg|png)$|/(pdf|docx|xlsx)/$"
    r"|/(evidence|files|attachments)/\d+/$"
)
LINK = re.compile(r'<a\b[^>]*\bhref="([^"#]+)"')
FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')
FORM_ERRORS = re.compile(r'class="[^"]*(invalid-feedback|errorlist|alert-danger)[^"]*"')


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(client: Client, start: list[str]) -> tuple[dict[str, list[str]], int]:
    """The English found per page, visiting from `start` through the links of each page, and
    the number of pages read."""
    seen_shapes: set[str] = set()
    queue = deque(start)
    leaks: dict[str, list[str]] = {}
    visited = read = 0
    while queue and visited < PAGES_PER_PERSONA:
        path = queue.popleft()
        if shape(path) in seen_shapes or SKIPPED.search(urlsplit(path).path):
            continue
        seen_shapes.add(shape(path))
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="vi")
        visited += 1
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        read += 1
        html = response.content.decode()
        if found := english_words(visible_text(html)):
            leaks[path] = found
        for href in LINK.findall(html):
            target = urlsplit(href.replace("&amp;", "&"))
            if target.netloc or not target.path.startswith("/") or "lang=" in target.query:
                continue
            queue.append(target.path)  # the page, not its filters or pages
    return leaks, read


def report(leaks: dict[str, list[str]]) -> str:
    return "\n".join(f"{page}\n    " + "\n    ".join(lines) for page, lines in leaks.items())


@pytest.fixture
def demo(db: None) -> None:
    seed_collecting_demo()


def test_no_page_of_the_demo_shows_english_under_vietnamese(demo: None) -> None:
    leaks: dict[str, list[str]] = {}
    for username in PERSONAS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        found, read = crawl(client, ["/"])
        assert read >= 20, f"{username}: only {read} pages read"  # the crawl reaches the modules
        for page, lines in found.items():
            leaks[f"{username} {page}"] = lines
    token = CampaignUnit.objects.filter(campaign__status="open").values_list("token", flat=True)[0]
    conference = Conference.objects.order_by("pk").first()
    assert conference is not None
    public = [
        f"/surveys/f/{token}/",
        "/dialogues/",
        "/dialogues/lookup/",
        f"/dialogues/c/{conference.pk}/",
        "/indices/public/",
        "/privacy/",
        "/accounts/login/",
    ]
    found, read = crawl(Client(), public)
    assert read >= len(public)
    for page, lines in found.items():
        leaks[f"anonymous {page}"] = lines
    assert not leaks, "English under vi:\n" + report(leaks)


def test_forms_sent_empty_answer_in_vietnamese(demo: None) -> None:
    """Django's own messages ("This field is required.") come from its Vietnamese catalogue,
    and the choices' empty option is "— Chọn —", on the staff forms and the public ones."""
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    campaign_unit = CampaignUnit.objects.filter(campaign__status="open").first()
    conference = Conference.objects.filter(status=Conference.Status.ANNOUNCED).first()
    assert campaign_unit is not None
    assert conference is not None
    forms = [
        (admin, "/plans/new/"),
        (admin, "/inspections/new/"),
        (admin, "/dialogues/petitions/new/"),
        (admin, "/dialogues/conferences/new/"),
        (admin, "/surveys/new/"),
        (admin, "/ratings/policies/new/"),
        (Client(), f"/surveys/f/{campaign_unit.token}/"),
        (Client(), f"/dialogues/c/{conference.pk}/petition/"),
    ]
    leaks: dict[str, list[str]] = {}
    for client, path in forms:
        shown = client.get(path, HTTP_ACCEPT_LANGUAGE="vi")
        assert shown.status_code == 200, path
        assert "Select an option" not in shown.content.decode(), path
        # What a browser sends for the form left empty: every field, blank.
        empty = dict.fromkeys(
            set(FIELD.findall(shown.content.decode())) - {"csrfmiddlewaretoken"}, ""
        )
        sent = client.post(path, empty, HTTP_ACCEPT_LANGUAGE="vi")
        html = sent.content.decode()
        assert sent.status_code in (200, 422), (path, sent.status_code)
        assert FORM_ERRORS.search(html), f"{path}: the empty form was not refused"
        if found := english_words(visible_text(html)):
            leaks[path] = found
    assert not leaks, "English under vi:\n" + report(leaks)


def test_plurals_are_vietnamese_for_every_count() -> None:
    """The catalogue's header names one plural form; without it, gettext used the English rule
    and showed the English msgid_plural for every count but 1."""
    singular = "Please correct %(counter)s answer:"
    plural = "Please correct %(counter)s answers:"
    with translation.override("vi"):
        assert {ngettext(singular, plural, n) % {"counter": n} for n in (1, 3)} == {
            "Vui lòng sửa 1 câu trả lời:",
            "Vui lòng sửa 3 câu trả lời:",
        }
