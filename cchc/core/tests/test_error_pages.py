"""The site's own Vietnamese error pages, with the layout and a way home (issue 16, item 11)."""

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from cchc.core.errors import server_error
from conftest import client_for

pytestmark = pytest.mark.django_db


def _error_page(response: Any, status: int, title: str) -> str:
    page = response.content.decode()
    assert response.status_code == status
    assert f'data-status="{status}"' in page
    assert title in page
    assert 'name="viewport"' in page  # the phone layout
    assert 'data-testid="home-link"' in page
    return page


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_url_gets_the_vietnamese_404_page_never_the_url_list(
    client: Client, settings: Any, debug: bool
) -> None:
    settings.DEBUG = debug
    page = _error_page(client.get("/khong-co-trang-nay/"), 404, "Không tìm thấy trang")
    assert "URLconf" not in page
    assert "accounts/login/" not in page.replace('href="/accounts/login/"', "")
    assert reverse("accounts:login") in page  # the way in for a visitor


@pytest.mark.parametrize("debug", [False, True])
def test_a_record_one_may_not_see_gets_the_404_page_with_the_menu(
    officer_b: Any, settings: Any, debug: bool
) -> None:
    settings.DEBUG = debug
    response = client_for(officer_b).get(reverse("plans:plan_detail", args=[987654]))
    page = _error_page(response, 404, "Không tìm thấy trang")
    assert 'id="mainnav"' in page
    assert reverse("reports:home") in page


def test_a_missing_slash_still_redirects(officer_a: Any) -> None:
    response = client_for(officer_a).get("/plans")
    assert response.status_code == 301
    assert response["Location"] == "/plans/"


def test_a_forbidden_action_gets_the_vietnamese_403_page(officer_a: Any) -> None:
    response = client_for(officer_a).post(reverse("procedures:campaigns"), {"title": "x"})
    page = _error_page(response, 403, "Không có quyền truy cập")
    assert 'id="mainnav"' in page


def test_a_missing_csrf_token_gets_the_vietnamese_page(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "a", "password": "b"})
    page = _error_page(response, 403, "Không gửi được biểu mẫu")
    assert "CSRF verification failed" not in page


def test_an_oversized_body_gets_the_vietnamese_400_page(client: Client, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post(reverse("accounts:login"), {"username": "a" * 5000, "password": "b"})
    page = _error_page(response, 400, "Yêu cầu không hợp lệ")
    assert "quá lớn" in page
    assert "Bad Request" not in page


def test_too_many_fields_get_the_vietnamese_400_page(client: Client) -> None:
    fields = {f"f{i}": "x" for i in range(5000)}
    page = _error_page(client.post(reverse("accounts:login"), fields), 400, "Yêu cầu không hợp lệ")
    assert "quá nhiều trường" in page


def test_the_500_page_is_vietnamese_with_a_way_home(officer_a: Any) -> None:
    request = RequestFactory().get("/")
    request.user = officer_a
    page = _error_page(server_error(request), 500, "Lỗi máy chủ")
    assert "đã được ghi lại" in page


def test_an_unknown_api_path_is_a_json_404(client: Client) -> None:
    response = client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
