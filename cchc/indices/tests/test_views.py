"""The framework pages, per view: the happy path, the forbidden persona and the N+1 guards."""

import io
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_constant_queries, count_queries, html
from cchc.indices.actions import Node, create_framework, nodes_of, publish_framework
from cchc.indices.imports import COLUMNS
from cchc.indices.models import Framework
from cchc.indices.tests.factories import D, tree
from conftest import client_for


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def framework(city_admin: User) -> Framework:
    return create_framework(
        actor=city_admin,
        year=2026,
        group="wards",
        title="Bộ chỉ số CCHC phường 2026",
        nodes=tree(),
        is_illustrative=True,
    )


def annex_upload(rows: list[list[Any]]) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    book.active.append([column.header for column in COLUMNS])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("phu-luc.xlsx", buffer.getvalue())


def annex() -> list[list[Any]]:
    return [
        ["1", "", "Công tác chỉ đạo, điều hành", 30],
        ["1.1", "1", "Kế hoạch CCHC", 15, "", "Tự chấm", "", "x"],
        ["1.2", "1", "Kiểm tra CCHC", 15],
        ["2", "", "Cải cách thủ tục hành chính", 40],
        ["2.1", "2", "Tỷ lệ hồ sơ đúng hạn", 40, None, "Tự động"],
        ["3", "", "Sự hài lòng của người dân", 30, 0, "Điều tra"],
        ["3.1", "3", "Tiếp cận dịch vụ", 15, 0, "Điều tra"],
        ["3.2", "3", "Kết quả dịch vụ", 15, 0, "Điều tra"],
        ["4", "", "Điểm thưởng, điểm trừ", 5, -5, "", "x"],
    ]


def import_data(rows: list[list[Any]], **extra: Any) -> dict[str, Any]:
    return {
        "year": 2027,
        "group": "wards",
        "title": "Bộ chỉ số 2027",
        "appraisal_max": "70",
        "survey_max": "30",
        "file": annex_upload(rows),
        **extra,
    }


# --- list --------------------------------------------------------------------------------------


def test_framework_list_shows_frameworks_to_a_member(framework: Framework, officer_a: User) -> None:
    response = client_for(officer_a).get("/indices/")

    content = html(response)
    assert response.status_code == 200
    assert "Bộ chỉ số CCHC phường 2026" in content
    assert f'href="/indices/{framework.pk}/"' in content
    assert 'data-testid="illustrative"' in content
    assert 'data-testid="import-annex"' not in content


def test_framework_list_offers_the_import_to_city_admins(city_admin: User) -> None:
    response = client_for(city_admin).get("/indices/")

    assert 'data-testid="import-annex"' in html(response)


def test_framework_list_redirects_anonymous_to_login(anonymous: Client) -> None:
    response = anonymous.get("/indices/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_framework_list_has_no_n_plus_one(city_admin: User, officer_a: User) -> None:
    years = iter(range(2030, 2040))

    def add_rows(count: int) -> None:
        for _ in range(count):
            year = next(years)
            create_framework(
                actor=city_admin, year=year, group="wards", title=f"{year}", nodes=tree()
            )

    client = client_for(officer_a)
    assert_constant_queries(lambda: client.get("/indices/"), add_rows)


# --- detail ------------------------------------------------------------------------------------


def test_framework_detail_renders_the_tree_and_the_counts(
    framework: Framework, officer_a: User
) -> None:
    response = client_for(officer_a).get(f"/indices/{framework.pk}/")

    content = html(response)
    assert response.status_code == 200
    assert 'data-criterion="1" data-depth="0"' in content
    assert 'data-criterion="1.1" data-depth="1"' in content
    assert "Tỷ lệ hồ sơ đúng hạn" in content
    assert "9 criteria · 6 scored" in content
    assert "Group A from 90%, group B from 80%, group C from 70% of the index." in content
    assert "The maxima are illustrative: the official ones are not public." in content
    assert 'data-testid="publish"' not in content
    assert 'data-testid="copy"' not in content


def test_framework_detail_offers_publish_and_copy_to_city_admins(
    framework: Framework, city_admin: User
) -> None:
    response = client_for(city_admin).get(f"/indices/{framework.pk}/")

    content = html(response)
    assert 'data-testid="publish"' in content
    assert 'data-testid="copy"' in content
    assert 'value="2027"' in content


def test_framework_detail_of_a_missing_framework_is_404(officer_a: User) -> None:
    assert client_for(officer_a).get("/indices/999999/").status_code == 404


def test_framework_detail_queries_do_not_grow_with_the_tree(
    city_admin: User, officer_a: User
) -> None:
    small = create_framework(actor=city_admin, year=2026, group="wards", title="S", nodes=tree())
    extra = [Node(f"1.2.{i}", f"Ý {i}", D("1.5"), "1.2", guidance="g") for i in range(1, 11)]
    big = create_framework(
        actor=city_admin, year=2027, group="wards", title="B", nodes=tree() + extra
    )
    client = client_for(officer_a)
    client.get(f"/indices/{small.pk}/")  # warm the caches

    small_count, _ = count_queries(lambda: client.get(f"/indices/{small.pk}/"))
    big_count, response = count_queries(lambda: client.get(f"/indices/{big.pk}/"))
    assert response.status_code == 200
    assert small_count == big_count
    assert 'data-criterion="1.2.10" data-depth="2"' in html(response)


# --- xlsx --------------------------------------------------------------------------------------


def test_framework_xlsx_downloads_the_annex(framework: Framework, officer_a: User) -> None:
    response = client_for(officer_a).get(f"/indices/{framework.pk}/xlsx/")

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="bo-chi-so-2026-wards.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == COLUMNS[0].header
    assert [row[0] for row in rows[1:]] == [node.code for node in tree()]


# --- import ------------------------------------------------------------------------------------


def test_framework_import_creates_a_draft(city_admin: User) -> None:
    response = client_for(city_admin).post(
        "/indices/import/", import_data(annex(), is_illustrative="on")
    )

    framework = Framework.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/indices/{framework.pk}/"
    assert (framework.year, framework.group, framework.title) == (2027, "wards", "Bộ chỉ số 2027")
    assert framework.is_illustrative
    assert framework.status == Framework.Status.DRAFT
    assert nodes_of(framework) == tree()
    assert AuditEvent.objects.filter(verb="indices.create_framework").count() == 1


def test_framework_import_shows_the_row_errors_and_creates_nothing(city_admin: User) -> None:
    rows = annex()
    rows[1][3] = "mười lăm"
    rows[4][5] = "Bốc thăm"

    response = client_for(city_admin).post("/indices/import/", import_data(rows))

    content = html(response)
    assert response.status_code == 200
    assert 'data-testid="import-errors"' in content
    assert "The file was refused: 2 errors. Nothing was imported." in content
    assert "<td>3</td><td>Điểm tối đa (max)</td><td>Write a number of points.</td>" in content
    assert not Framework.objects.exists()


def test_framework_import_puts_a_refusal_on_the_form(
    framework: Framework, city_admin: User
) -> None:
    response = client_for(city_admin).post("/indices/import/", import_data(annex(), year=2026))

    assert response.status_code == 200
    assert "This year already has a framework for that group." in html(response)
    assert Framework.objects.count() == 1


def test_framework_import_is_forbidden_for_officer_a(officer_a: User) -> None:
    client = client_for(officer_a)

    assert client.get("/indices/import/").status_code == 403
    assert client.post("/indices/import/", import_data(annex())).status_code == 403
    assert not Framework.objects.exists()


def test_framework_import_form_shows_the_defaults(city_admin: User) -> None:
    response = client_for(city_admin).get("/indices/import/")

    content = html(response)
    assert response.status_code == 200
    assert 'name="appraisal_max" value="70"' in content
    assert 'name="survey_max" value="30"' in content


# --- publish and copy --------------------------------------------------------------------------


def test_framework_publish_freezes_the_framework(framework: Framework, city_admin: User) -> None:
    response = client_for(city_admin).post(f"/indices/{framework.pk}/publish/")

    framework.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/indices/{framework.pk}/"
    assert framework.is_published
    assert framework.published_by == city_admin


def test_framework_publish_twice_says_why(framework: Framework, city_admin: User) -> None:
    publish_framework(framework, actor=city_admin)

    response = client_for(city_admin).post(f"/indices/{framework.pk}/publish/", follow=True)

    assert "This framework is already published." in html(response)


def test_framework_publish_is_forbidden_for_officer_a(
    framework: Framework, officer_a: User
) -> None:
    response = client_for(officer_a).post(f"/indices/{framework.pk}/publish/")

    framework.refresh_from_db()
    assert response.status_code == 403
    assert not framework.is_published


def test_framework_copy_creates_the_next_year(framework: Framework, city_admin: User) -> None:
    response = client_for(city_admin).post(f"/indices/{framework.pk}/copy/", {"year": 2027})

    copy = Framework.objects.get(year=2027)
    assert response["Location"] == f"/indices/{copy.pk}/"
    assert copy.copied_from == framework
    assert copy.title == "Bộ chỉ số CCHC phường 2027"
    assert nodes_of(copy) == tree()


def test_framework_copy_to_a_taken_year_says_why(framework: Framework, city_admin: User) -> None:
    response = client_for(city_admin).post(
        f"/indices/{framework.pk}/copy/", {"year": 2026}, follow=True
    )

    assert "This year already has a framework for that group." in html(response)
    assert Framework.objects.count() == 1


def test_framework_copy_is_forbidden_for_officer_a(framework: Framework, officer_a: User) -> None:
    response = client_for(officer_a).post(f"/indices/{framework.pk}/copy/", {"year": 2027})

    assert response.status_code == 403
    assert Framework.objects.count() == 1
