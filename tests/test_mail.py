"""Development e-mail reads as one line; Django's empty option reads in Vietnamese; the
navigation bar shows the unread notifications."""

import io

from django.core import mail
from django.test import Client

from cchc.accounts.models import User
from cchc.core.actions import notices_to, notify
from cchc.core.mail import OneLineConsoleBackend


def test_the_console_mailer_writes_one_line_per_email() -> None:
    stream = io.StringIO()
    backend = OneLineConsoleBackend(stream=stream)
    messages = [
        mail.EmailMessage("Nhiệm vụ quá hạn", "Nội dung dài\n" * 50, to=["a@x.vn", "b@x.vn"]),
        mail.EmailMessage("Báo cáo bị trả lại", "…", to=["c@x.vn"], cc=["d@x.vn"]),
    ]
    assert backend.send_messages(messages) == 2
    assert stream.getvalue().splitlines() == [
        "[e-mail] a@x.vn, b@x.vn: Nhiệm vụ quá hạn",
        "[e-mail] c@x.vn, d@x.vn: Báo cáo bị trả lại",
    ]


def test_the_empty_option_of_a_select_is_vietnamese(
    admin_client_: Client, city_admin: User
) -> None:
    html = admin_client_.get("/plans/new/").content.decode()
    assert "Select an option" not in html
    assert "— Chọn —" in html


def test_the_navigation_loads_the_unread_count(hanoi, officer_a: User, city_admin: User) -> None:
    client = Client()
    client.force_login(officer_a)
    page = client.get("/").content.decode()
    assert 'hx-get="/notifications/unread/"' in page
    assert client.get("/notifications/unread/").content.decode().strip() == ""
    notify(notices_to([officer_a.pk], kind="review", message="Báo cáo bị trả lại", key="k1"))
    notify(notices_to([officer_a.pk], kind="review", message="Nhiệm vụ quá hạn", key="k2"))
    badge = client.get("/notifications/unread/").content.decode()
    assert 'data-testid="unread-count">2<' in badge
    assert Client().get("/notifications/unread/").status_code == 302
