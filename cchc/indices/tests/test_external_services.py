"""The Decision 766 index's page: the city's own monthly total, computed from its dossiers
(cchc.services), beside the figure the Portal published — Hà Nội's 61,18 (10/2024) and 58,69
(11/2024) — in the trend table and the chart."""

from decimal import Decimal

from cchc.indices.models import ExternalIndex, ExternalResult
from cchc.services.imports import import_source, json_source
from cchc.services.models import ImportRun, MonthScore
from cchc.services.tests.helpers import dossier
from conftest import client_for

W = "00004"


def _published_and_dossiers(hanoi) -> None:
    d766 = ExternalIndex.objects.get(code="d766")
    ExternalResult.objects.create(
        index=d766,
        province_code="01",
        province_name="Hà Nội",
        year=2024,
        month=11,
        score=Decimal("58.69"),
        rank=62,
        out_of=63,
    )
    rows = [
        dossier("T1", W, "2024-10-02", "2024-10-10", "2024-10-09", kenh_nop="truc_tuyen"),
        dossier("T2", W, "2024-10-05", "2024-10-15", "2024-10-20", so_hoa=1),
        dossier("T3", W, "2024-11-04", "2024-11-12", "2024-11-08", danh_gia="hai_long"),
    ]
    import_source(json_source(rows), ImportRun.Kind.DOSSIERS, name="t", actor=None)


def test_the_city_total_is_shown_beside_the_published_figure(hanoi, city_admin) -> None:
    _published_and_dossiers(hanoi)
    response = client_for(city_admin).get("/indices/external/d766/")
    assert response.status_code == 200
    rows = {row["label"]: row for row in response.context["rows"]}
    october, november = rows["10/2024"], rows["11/2024"]
    assert october["result"].score == Decimal("61.18")
    assert november["result"].score == Decimal("58.69")
    # One unit holds every dossier: the city's total is that unit's.
    for label, row in (("10/2024", october), ("11/2024", november)):
        month = f"{label[3:]}-{label[:2]}-01"
        unit = MonthScore.objects.get(unit=hanoi.ward_a, month=month)
        assert row["computed"] == unit.total_points
    assert october["computed"] != november["computed"]
    page = response.content.decode()
    assert 'data-testid="computed"' in page
    assert 'id="external-trend"' in page
    chart = response.context["chart"]
    names = [s["name"] for s in chart["series"]]
    assert len(names) == 3
    own = chart["series"][2]["data"]
    at = chart["labels"].index("10/2024")
    assert own[at] == float(october["computed"])
    assert chart["series"][0]["data"][at] == 61.18


def test_another_province_or_index_has_no_city_figure(hanoi, city_admin) -> None:
    _published_and_dossiers(hanoi)
    client = client_for(city_admin)
    other = client.get("/indices/external/d766/?province=79")
    assert other.context["computed"] is None
    assert 'data-testid="computed"' not in other.content.decode()
    assert client.get("/indices/external/par_index/").context["computed"] is None
