"""Unit pickers offer the home province's units with a search box, not the country's: the
pages that carried 3,000 options stay under 150 KB of HTML (issue #17, item 3)."""

from collections.abc import Callable
from typing import Any

from django.test import Client

from cchc.accounts.models import User
from cchc.orgunits.models import OrgUnit

LIMIT = 150 * 1024


def _another_province(wards: int) -> None:
    """A second province with `wards` wards, written set-wise (paths given, as save() would)."""
    province = OrgUnit.objects.create(
        code="79", kind=OrgUnit.Kind.PROVINCE, name="Thành phố Hồ Chí Minh"
    )
    OrgUnit.objects.bulk_create(
        OrgUnit(
            code=f"9{n:04d}",
            kind=OrgUnit.Kind.WARD,
            name=f"Phường Xa Xôi {n}",
            search_name=f"phuong xa xoi {n}",
            parent=province,
            path=f"{province.path}9{n:04d}/",
            depth=1,
        )
        for n in range(wards)
    )


def test_pickers_offer_the_home_province_only(
    hanoi: Any, city_admin: User, login: Callable[[User], Client]
) -> None:
    _another_province(3_000)
    client = login(city_admin)
    for url in ("/procedures/", "/inspections/new/"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert len(response.content) < LIMIT, (url, len(response.content))
        assert "Phường Xa Xôi" not in html, url
        assert "Phường Ba Đình" in html, url
        assert "data-searchable=" in html, url
