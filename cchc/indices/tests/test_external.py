"""External indices: the published figures of the data migration, the CSV import (all or
nothing) and the pages, per view: the happy path, the forbidden persona and the N+1 guard."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_constant_queries, html
from cchc.indices.actions import import_results_csv
from cchc.indices.models import ExternalIndex, ExternalResult
from conftest import client_for

HEADER = "province_code,province_name,year,month,score,rank,out_of"


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def csv_file(*lines: str, header: str = HEADER) -> SimpleUploadedFile:
    text = "\n".join([header, *lines]) + "\n"
    return SimpleUploadedFile("results.csv", text.encode("utf-8-sig"), content_type="text/csv")


def par_index() -> ExternalIndex:
    return ExternalIndex.objects.get(code="par_index")


def test_external_migration_loads_the_published_figures(db: None) -> None:
    assert set(ExternalIndex.objects.values_list("code", flat=True)) == {
        "par_index",
        "sipas",
        "papi",
        "d766",
    }
    hanoi = ExternalResult.objects.get(index__code="par_index", province_code="01", year=2024)
    assert (hanoi.score, hanoi.rank) == (Decimal("92.57"), 3)
    # The source names the publisher (migration 0009; docs/domain/external-indices.md).
    assert hanoi.source == "Bộ Nội vụ (số liệu công bố, qua báo chí)"
    haiphong = ExternalResult.objects.get(index__code="par_index", province_code="31", year=2024)
    assert (haiphong.score, haiphong.rank) == (Decimal("96.17"), 1)
    papi = ExternalResult.objects.get(index__code="papi", province_code="01", year=2024)
    assert (papi.score, papi.rank, papi.out_of) == (Decimal("43.7"), 29, 63)
    d766 = ExternalResult.objects.get(index__code="d766", province_code="01")
    assert (d766.year, d766.month, d766.score, d766.rank) == (2024, 10, Decimal("61.18"), 60)
    assert len(ExternalIndex.objects.get(code="papi").components) == 8
    assert len(ExternalIndex.objects.get(code="d766").components) == 5


def test_external_import_creates_and_updates_results(city_admin: User) -> None:
    index = par_index()
    header = HEADER + ",Cải cách thể chế"
    upload = csv_file(
        "01,Hà Nội,2024,,92.60,3,63,8.5", '48,Đà Nẵng,2024,,"91,20",5,63,', header=header
    )
    result = import_results_csv(upload, actor=city_admin, index=index)
    assert (result.ok, result.created, result.updated) == (True, 1, 1)
    hanoi = ExternalResult.objects.get(index=index, province_code="01", year=2024)
    assert (hanoi.score, hanoi.out_of, hanoi.components) == (
        Decimal("92.60"),
        63,
        {"Cải cách thể chế": "8.50"},
    )
    danang = ExternalResult.objects.get(index=index, province_code="48", year=2024)
    assert (danang.score, danang.rank) == (Decimal("91.20"), 5)
    event = AuditEvent.objects.get(verb="indices.import_external")
    assert event.details == {"rows": 2, "created": 1, "updated": 1}


def test_external_import_refuses_wrong_rows_and_writes_nothing(city_admin: User) -> None:
    index = ExternalIndex.objects.get(code="d766")
    before = ExternalResult.objects.count()
    upload = csv_file("01,Hà Nội,2024,11,abc,1,63", ",Huế,2024,11,70,,", "48,Đà Nẵng,2024,13,80,,")
    result = import_results_csv(upload, actor=city_admin, index=index)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "score"),
        (3, "province_code"),
        (4, "month"),
    ]
    assert ExternalResult.objects.count() == before
    assert not AuditEvent.objects.filter(verb="indices.import_external").exists()


def test_external_import_page_imports_a_file(city_admin: User) -> None:
    response = client_for(city_admin).post(
        "/indices/external/papi/import/", {"file": csv_file("79,Hồ Chí Minh,2024,,45.1,10,63")}
    )
    assert response.status_code == 302
    assert ExternalResult.objects.get(index__code="papi", province_code="79").rank == 10


def test_external_import_page_shows_row_errors(city_admin: User) -> None:
    response = client_for(city_admin).post(
        "/indices/external/papi/import/", {"file": csv_file("79,Hồ Chí Minh,2024,,x,,")}
    )
    assert response.status_code == 200
    assert 'data-testid="import-errors"' in html(response)
    assert not ExternalResult.objects.filter(province_code="79").exists()


def test_external_import_page_is_refused_to_an_officer(officer_a: User) -> None:
    response = client_for(officer_a).get("/indices/external/papi/import/")
    assert response.status_code in (403, 404)


def test_external_list_shows_the_home_results_to_a_member(officer_a: User) -> None:
    response = client_for(officer_a).get("/indices/external/")
    assert response.status_code == 200
    page = html(response)
    assert "92.57%" in page or "92,57%" in page
    assert "29/63" in page


def test_external_detail_shows_the_trend_and_ranking(officer_a: User) -> None:
    response = client_for(officer_a).get("/indices/external/par_index/?period=2024")
    assert response.status_code == 200
    page = html(response)
    for figure in ("89.58", "91.43", "92.57", "96.17", "88.37"):
        assert figure in page or figure.replace(".", ",") in page, figure
    assert 'data-chart="line"' in page
    assert page.index('data-province="31"') < page.index('data-province="01"')


def test_external_pages_are_refused_to_anonymous(client: Any, db: None) -> None:
    assert client.get("/indices/external/").status_code in (302, 403)


def test_external_ranking_has_no_n_plus_one(officer_a: User) -> None:
    index = ExternalIndex.objects.get(code="sipas")
    client = client_for(officer_a)
    added = [0]

    def add_rows(n: int) -> None:
        for _ in range(n):
            added[0] += 1
            ExternalResult.objects.create(
                index=index,
                province_code=f"{50 + added[0]}",
                province_name=f"Tỉnh {added[0]}",
                year=2024,
                score=Decimal(80),
                rank=20 + added[0],
                components={"x": "1"},
            )

    assert_constant_queries(lambda: client.get("/indices/external/sipas/?period=2024"), add_rows)


def test_external_detail_of_a_monthly_index_shows_the_month(city_admin: User) -> None:
    response = client_for(city_admin).get("/indices/external/d766/")
    page = html(response)
    assert response.status_code == 200
    assert "10/2024" in page
    assert 'data-testid="import-results"' in page


def test_external_import_page_shows_the_columns_to_a_city_admin(city_admin: User) -> None:
    response = client_for(city_admin).get("/indices/external/d766/import/")
    assert response.status_code == 200
    assert "province_code, province_name, year, month, score, rank, out_of" in html(response)
