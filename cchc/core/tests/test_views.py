import csv
import datetime
import io
import itertools
import zoneinfo
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser as User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cchc.core import audit
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_constant_queries, assert_shows, html, translated
from conftest import Hanoi, client_for

HANOI_TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
CSV_HEADER = ["Time", "Actor", "Action", "Record", "Unit", "Changes"]


def _local(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=HANOI_TZ)


@pytest.fixture
def record_at(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AuditEvent]:
    """Record an audit event as if at `when` (the clock is an external boundary)."""

    def record(when: datetime.datetime, *args: Any, **kwargs: Any) -> AuditEvent:
        with monkeypatch.context() as patch:
            patch.setattr(timezone, "now", lambda: when)
            return audit.record(*args, **kwargs)

    return record


@pytest.fixture
def events(
    hanoi: Hanoi, officer_a: User, city_admin: User, record_at: Callable[..., AuditEvent]
) -> list[AuditEvent]:
    return [
        record_at(
            _local(2026, 1, 10, 23, 30),
            officer_a,
            "orgunits.update",
            hanoi.ward_a,
            unit=hanoi.ward_a,
            changes={"name": ["Phường Ba Đình", "Phường Ba Đình Mới"]},
        ),
        record_at(
            _local(2026, 1, 11, 0, 30),
            city_admin,
            "accounts.grant_membership",
            hanoi.ward_b,
            unit=hanoi.ward_b,
            details={"user": "officer_b", "role": "focal_point"},
        ),
        record_at(_local(2026, 2, 1, 9, 0), None, "orgunits.load_admin_units"),
    ]


def _listed(response: Any) -> list[str]:
    return [event.verb for event in response.context["page"]]


# --- audit log page --------------------------------------------------------------------------


def test_audit_log_city_admin_sees_the_events(events: list[AuditEvent], city_admin: User) -> None:
    response = client_for(city_admin).get("/audit/")

    assert response.status_code == 200
    assert _listed(response) == [
        "orgunits.load_admin_units",
        "accounts.grant_membership",
        "orgunits.update",
    ]
    page = html(response)
    assert "<div>orgunits.update</div>" in page  # the raw code, folded away under the details
    assert "Phường Ba Đình → Phường Ba Đình Mới" in page
    assert "10/01/2026 23:30" in page  # local time, day first
    assert str(events[0].actor) in page
    assert "role: focal_point" in page


def test_audit_log_filters_by_verb_prefix(events: list[AuditEvent], city_admin: User) -> None:
    response = client_for(city_admin).get("/audit/", {"verb": "orgunits"})
    assert _listed(response) == ["orgunits.load_admin_units", "orgunits.update"]
    assert "accounts.grant_membership" not in html(response)


def test_audit_log_filters_by_actor_username_or_full_name(
    events: list[AuditEvent], city_admin: User, officer_a: User
) -> None:
    client = client_for(city_admin)
    assert _listed(client.get("/audit/", {"actor": "officer_a"})) == ["orgunits.update"]
    assert _listed(client.get("/audit/", {"actor": officer_a.full_name})) == ["orgunits.update"]
    assert _listed(client.get("/audit/", {"actor": "city_admin"})) == ["accounts.grant_membership"]


def test_audit_log_filters_by_record_name(events: list[AuditEvent], city_admin: User) -> None:
    response = client_for(city_admin).get("/audit/", {"text": "Hoàn Kiếm"})
    assert _listed(response) == ["accounts.grant_membership"]


def test_audit_log_date_range_uses_local_dates(events: list[AuditEvent], city_admin: User) -> None:
    client = client_for(city_admin)
    # 23:30 on 10/01 and 00:30 on 11/01 in Hà Nội are both 10/01 in UTC.
    assert _listed(client.get("/audit/", {"date_to": "10/01/2026"})) == ["orgunits.update"]
    assert _listed(client.get("/audit/", {"date_from": "11/01/2026", "date_to": "31/01/2026"})) == [
        "accounts.grant_membership"
    ]
    assert _listed(client.get("/audit/", {"date_from": "2026-02-01"})) == [
        "orgunits.load_admin_units"
    ]


def test_audit_log_reversed_date_range_shows_the_error(
    events: list[AuditEvent], city_admin: User
) -> None:
    response = client_for(city_admin).get(
        "/audit/", {"date_from": "31/01/2026", "date_to": "01/01/2026"}
    )
    assert response.status_code == 200
    assert_shows(response, "The start date is after the end date.")


def test_audit_log_htmx_request_returns_only_the_results(
    events: list[AuditEvent], city_admin: User
) -> None:
    response = client_for(city_admin).get("/audit/", {"verb": "accounts"}, HTTP_HX_REQUEST="true")

    page = html(response)
    assert "<html" not in page
    assert page.lstrip().startswith('<div id="results">')
    assert "<div>accounts.grant_membership</div>" in page


def test_audit_log_officer_is_forbidden(events: list[AuditEvent], officer_a: User) -> None:
    client = client_for(officer_a)
    assert client.get("/audit/").status_code == 403
    response = client.get("/audit/", {"export": "csv"})
    assert response.status_code == 403
    assert "Phường Ba Đình" not in response.content.decode()


def test_audit_log_anonymous_is_redirected_to_login(anonymous: Client, db: None) -> None:
    response = anonymous.get("/audit/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/audit/"


def test_audit_log_csv_has_bom_header_and_vietnamese_rows(
    events: list[AuditEvent], city_admin: User, officer_a: User
) -> None:
    response = client_for(city_admin).get("/audit/", {"export": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0] == [translated(name) for name in CSV_HEADER]
    assert len(rows) == 4
    load, grant, update = rows[1:]
    assert update[:5] == [
        "10/01/2026 23:30:00",
        str(officer_a),
        "orgunits.update",
        "Phường Ba Đình",
        "Phường Ba Đình",
    ]
    assert "Phường Ba Đình Mới" in update[5]
    assert grant[3:5] == ["Phường Hoàn Kiếm", "Phường Hoàn Kiếm"]
    assert load[1:5] == ["", "orgunits.load_admin_units", "", ""]


def test_audit_log_csv_follows_the_filters(events: list[AuditEvent], city_admin: User) -> None:
    response = client_for(city_admin).get("/audit/", {"export": "csv", "verb": "accounts"})
    rows = list(csv.reader(io.StringIO(response.content.decode().removeprefix("\ufeff"))))
    assert [row[2] for row in rows[1:]] == ["accounts.grant_membership"]


def test_audit_log_csv_neutralises_spreadsheet_formulas(hanoi: Hanoi, city_admin: User) -> None:
    # Unit names are typed by ward officers; the city admin opens the export in Excel.
    evil = hanoi.ward_a
    evil.name = '=HYPERLINK("http://evil.example","Bấm")'
    audit.record(None, "orgunits.update", evil)

    response = client_for(city_admin).get("/audit/", {"export": "csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode().removeprefix("\ufeff"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell[:1] in {"=", "+", "-", "@"}]


def test_audit_log_query_count_is_constant(hanoi: Hanoi, city_admin: User) -> None:
    numbers = itertools.count(1)

    def add_events(n: int) -> None:
        for _ in range(n):
            i = next(numbers)
            actor = get_user_model().objects.create_user(
                username=f"can_bo_{i}", full_name=f"Cán bộ {i}"
            )
            audit.record(actor, "orgunits.update", hanoi.ward_a, unit=hanoi.ward_a)

    client = client_for(city_admin)
    _first, second = assert_constant_queries(lambda: client.get("/audit/"), add_events)
    assert html(second).count("<div>orgunits.update</div>") == 3


# --- navigation ------------------------------------------------------------------------------


def test_navigation_shows_the_audit_log_to_city_admins_only(
    city_admin: User, officer_a: User
) -> None:
    assert 'href="/audit/"' in html(client_for(city_admin).get("/"))
    assert 'href="/audit/"' not in html(client_for(officer_a).get("/"))


def test_the_kept_menu_follows_the_role_the_page_and_the_language(
    settings: Any, city_admin: User, officer_a: User
) -> None:
    """base.html keeps the menu's HTML per language, role and current item (nav_key)."""
    admin, officer = client_for(city_admin), client_for(officer_a)
    workspace, plans = reverse("plans:workspace"), reverse("plans:plan_list")
    assert 'href="/audit/"' in html(admin.get(workspace))
    page = html(officer.get(workspace))
    assert 'href="/audit/"' not in page
    assert f'aria-current="page" href="{workspace}"' in page
    page = html(officer.get(plans))
    assert f'aria-current="page" href="{plans}"' in page
    assert f'aria-current="page" href="{workspace}"' not in page
    label = '<i class="bi bi-list-check d-xl-none d-xxl-inline" aria-hidden="true"></i> {}</a>'
    assert label.format(translated("My tasks")) in page
    officer.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert label.format("My tasks") in html(officer.get(plans))


# --- health check ----------------------------------------------------------------------------


def test_healthz_answers_ok_to_anyone(anonymous: Client, db: None) -> None:
    response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}


# --- Content-Security-Policy and inline code -------------------------------------------------


class _Inline(HTMLParser):
    """Collects what the CSP (script-src/style-src 'self') would block."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.blocked: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script":
            self.scripts.append(names)
            if not names.get("src") and names.get("type") != "application/json":
                self.blocked.append(f"inline <script {names}>")
        if tag == "style":
            self.blocked.append("<style> element")
        for name, _value in attrs:
            if name == "style" or name.startswith("on"):
                self.blocked.append(f"{name}= on <{tag}>")


def _inline_code(response: Any) -> _Inline:
    parser = _Inline()
    parser.feed(html(response))
    return parser


@pytest.fixture
def pages(hanoi: Hanoi, city_admin: User, officer_a: User) -> dict[str, Any]:
    admin, officer, anonymous = client_for(city_admin), client_for(officer_a), Client()
    return {
        "login": anonymous.get("/accounts/login/"),
        "home (admin)": admin.get("/"),
        "home (officer)": officer.get("/"),
        "units": admin.get("/units/"),
        "unit": admin.get(f"/units/{hanoi.ward_a.pk}/"),
        "unit edit": officer.get(f"/units/{hanoi.ward_a.pk}/edit/"),
        "audit log": admin.get("/audit/"),
        "tokens": officer.get("/accounts/tokens/"),
        "password": officer.get("/accounts/password/"),
        "api docs": anonymous.get("/api/v1/docs"),
    }


def test_pages_send_a_content_security_policy(pages: dict[str, Any]) -> None:
    for name, response in pages.items():
        assert response.status_code == 200, name
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy, name
        assert "script-src 'self'" in policy, name
        assert "unsafe-inline" not in policy, name
        assert "unsafe-eval" not in policy, name


def test_pages_have_no_inline_scripts_styles_or_handlers(pages: dict[str, Any]) -> None:
    for name, response in pages.items():
        found = _inline_code(response)
        assert found.scripts, name  # the check looked at real script tags
        assert found.blocked == [], name
