"""Development e-mail reads as one line, and Django's empty option reads in Vietnamese."""

import io

from django.core import mail
from django.test import Client

from cchc.accounts.models import User
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
