"""The public pages of the index: published rounds only, no login; the ranking, group counts and
charts of a round; each unit's profile with its strengths and weaknesses; and the pure functions
behind them (area means, strengths and weaknesses)."""

import datetime
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from cchc.accounts.models import User
from cchc.indices.models import AssessmentRound, Result
from cchc.indices.scoring import area_means, area_share, strengths_weaknesses
from cchc.indices.tests.factories import areas, published_round, result, ward
from conftest import Hanoi, client_for

D = Decimal


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def published(city_admin: User, hanoi: Hanoi) -> AssessmentRound:
    """Ba Đình 92.5 (A, up from 88), Hoàn Kiếm 75.25 (C, no result last year, a penalty)."""
    rating_round = published_round(city_admin, [hanoi.ward_a, hanoi.ward_b])
    result(
        rating_round,
        hanoi.ward_a,
        percent="92.50",
        rank=1,
        group="A",
        unit_areas=areas("28.5", "38", "24"),
        previous="88.00",
        interval=(1.0, 1.0, 2.5),
    )
    result(
        rating_round,
        hanoi.ward_b,
        percent="75.25",
        rank=2,
        group="C",
        unit_areas=areas("18", "36", "20", "-3"),
    )
    return rating_round


# The pure functions --------------------------------------------------------------------------


def test_area_share_and_means_read_strings_and_numbers() -> None:
    assert area_share({"code": "1", "points": "28.5", "max": "30"}) == D("95.00")
    assert area_share({"code": "4", "points": 3, "max": 0}) is None
    means = area_means([areas("30", "20"), areas("15", "40")])
    assert means == {"1": D("75.00"), "2": D("75.00"), "3": D("66.67"), "4": D("0.00")}


def test_area_means_counts_only_units_that_have_the_area() -> None:
    means = area_means([areas("30", "20")[:1], areas("15", "40")])
    assert means["1"] == D("75.00")
    assert means["2"] == D("100.00")


def test_strengths_and_weaknesses_against_the_means() -> None:
    means = {"1": D(70), "2": D(70), "3": D(70), "4": D(0)}
    strengths, weaknesses = strengths_weaknesses(areas("27", "30", "22", "0"), means)
    # 1: 90 (+20), 2: 75 (+5, exactly the margin), 3: 73.33 (+3.33), 4: 0 (±0)
    assert [(s.code, s.gap) for s in strengths] == [("1", D(20)), ("2", D(5))]
    assert weaknesses == []
    strengths, weaknesses = strengths_weaknesses(areas("9", "20", "20"), means)
    assert strengths == []
    assert [(w.code, w.share, w.mean, w.gap) for w in weaknesses] == [
        ("1", D(30), D(70), D(-40)),
        ("2", D(50), D(70), D(-20)),
    ]
    assert weaknesses[0].title == "Công tác chỉ đạo, điều hành"


def test_strengths_and_weaknesses_respect_margin_and_limit() -> None:
    means = {"1": D(50), "2": D(50), "3": D(50)}
    strengths, _weak = strengths_weaknesses(areas("30", "40", "30"), means, limit=2)
    assert [s.code for s in strengths] == ["1", "2"]  # equal gaps keep the areas' order
    strengths, _weak = strengths_weaknesses(areas("30", "40", "30"), means, margin=D(60))
    assert strengths == []


share = st.decimals(min_value=0, max_value=100, places=2)


@given(
    st.lists(st.tuples(share, share), min_size=1, max_size=8),
    st.decimals(min_value=0, max_value=50, places=1),
    st.integers(min_value=0, max_value=5),
)
def test_strengths_and_weaknesses_properties(
    pairs: list[tuple[Decimal, Decimal]], margin: Decimal, limit: int
) -> None:
    unit = [
        {"code": str(i), "title": "", "points": p, "max": 100} for i, (p, _m) in enumerate(pairs)
    ]
    means = {str(i): m for i, (_p, m) in enumerate(pairs)}
    strengths, weaknesses = strengths_weaknesses(unit, means, margin=margin, limit=limit)
    assert len(strengths) <= limit
    assert len(weaknesses) <= limit
    assert all(s.gap >= margin and s.gap == s.share - s.mean for s in strengths)
    assert all(w.gap <= -margin for w in weaknesses)
    if margin > 0:
        assert not {s.code for s in strengths} & {w.code for w in weaknesses}
    assert [s.gap for s in strengths] == sorted((s.gap for s in strengths), reverse=True)
    assert [w.gap for w in weaknesses] == sorted(w.gap for w in weaknesses)
    eligible = sum(1 for p, m in pairs if p - m >= margin)
    assert len(strengths) == min(limit, eligible)


@given(st.lists(share, min_size=1, max_size=10))
def test_area_mean_lies_between_the_lowest_and_highest_share(shares: list[Decimal]) -> None:
    mean = area_means([[{"code": "1", "points": s, "max": 100}] for s in shares])["1"]
    assert min(shares) <= mean <= max(shares)
    # a unit at the mean has neither strengths nor weaknesses
    assert strengths_weaknesses([{"code": "1", "points": mean, "max": 100}], {"1": mean}) == (
        [],
        [],
    )


# The pages --------------------------------------------------------------------------------


def test_public_rounds_lists_only_published_rounds_newest_first(
    anonymous: Client, published: AssessmentRound, city_admin: User, hanoi: Hanoi
) -> None:
    hidden = published_round(city_admin, [hanoi.ward_a], published=False)
    hidden.title = "Vòng chưa công bố"
    hidden.save(update_fields=["title"])
    older = published_round(city_admin, [hanoi.ward_a], year=2025)
    older.published_at = timezone.now() - datetime.timedelta(days=365)
    older.save(update_fields=["published_at"])
    response = anonymous.get(reverse("indices:public_rounds"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Vòng chưa công bố" not in content
    assert content.index("Chỉ số CCHC năm 2026") < content.index("Chỉ số CCHC năm 2025")
    assert "2 units" in content
    assert 'data-testid="user-menu"' not in content  # anonymous: no navigation


def test_public_round_shows_ranking_groups_and_change(
    anonymous: Client, published: AssessmentRound, hanoi: Hanoi
) -> None:
    response = anonymous.get(reverse("indices:public_round", args=[published.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    rows = response.context["rows"]
    assert [(r["result"].unit_name, r["result"].rank, r["result"].group) for r in rows] == [
        ("Phường Ba Đình", 1, "A"),
        ("Phường Hoàn Kiếm", 2, "C"),
    ]
    assert rows[0]["change"] == D("4.50")
    assert rows[1]["change"] is None
    for text in ("92.50", "+4.50", "75.25"):
        assert text in content
    assert {g["key"]: g["count"] for g in response.context["groups"]} == {
        "A": 1,
        "B": 0,
        "C": 1,
        "none": 0,
    }
    assert 'data-testid="illustrative"' in content
    assert response.context["unit_chart"] == [
        {"label": "Phường Ba Đình", "count": 92.5},
        {"label": "Phường Hoàn Kiếm", "count": 75.25},
    ]
    area_chart = response.context["area_chart"]
    # The areas by name (not the bonus/penalty area), one row each.
    assert area_chart["labels"] == [
        "Công tác chỉ đạo, điều hành",
        "Cải cách thủ tục hành chính",
        "Sự hài lòng của người dân",
    ]
    assert area_chart["horizontal"] is True
    assert area_chart["series"][0]["data"][0] == 77.5  # (95 + 60) / 2
    chart = content.split('id="unit-chart" type="application/json">')[1].split("</script>")[0]
    assert json.loads(chart)[0] == {"label": "Phường Ba Đình", "count": 92.5}
    assert reverse("indices:public_unit", args=[published.pk, hanoi.ward_a.pk]) in content
    assert reverse("indices:public_pdf", args=[published.pk]) in content


def test_public_round_filters_by_group(anonymous: Client, published: AssessmentRound) -> None:
    url = reverse("indices:public_round", args=[published.pk])
    rows = anonymous.get(url, {"group": "C"}).context["rows"]
    assert [r["result"].unit_name for r in rows] == ["Phường Hoàn Kiếm"]
    assert anonymous.get(url, {"group": "none"}).context["rows"] == []
    assert len(anonymous.get(url, {"group": "x"}).context["rows"]) == 2


def test_public_unit_shows_profile_strengths_and_weaknesses(
    anonymous: Client, published: AssessmentRound, hanoi: Hanoi
) -> None:
    response = anonymous.get(reverse("indices:public_unit", args=[published.pk, hanoi.ward_b.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert response.context["out_of"] == 2
    for text in ("2 of 2", 'data-group="C"', "75.25%"):
        assert text in content
    # Hoàn Kiếm: area 1 at 60 % against a mean of 77.5 (−17.5); area 2 at 90 % against 92.5
    # (−2.5, within the margin); survey 66.67 against 73.34 (−6.67).
    # The penalty (-3 of 5) is no weakness: a bonus/penalty area has no share to compare.
    weak = [(w["code"], w["below"]) for w in response.context["weaknesses"]]
    assert weak == [("1", D("17.50")), ("3", D("6.67"))]
    assert response.context["chart"]["labels"] == [
        "Công tác chỉ đạo, điều hành",
        "Cải cách thủ tục hành chính",
        "Sự hài lòng của người dân",
    ]
    assert [a["code"] for a in response.context["areas"]] == ["1", "2", "3", "4"]
    assert response.context["strengths"] == []
    assert "17.50 points below the average (77.50)" in content
    assert response.context["chart"]["series"][0]["name"] == "Phường Hoàn Kiếm"
    assert [a["rank"] for a in response.context["areas"]] == [1, 1, 1, 1]

    strong = anonymous.get(reverse("indices:public_unit", args=[published.pk, hanoi.ward_a.pk]))
    assert [s.code for s in strong.context["strengths"]] == ["1", "3"]
    assert "+4.50" in strong.content.decode()
    assert "Last year: 88.00 percent" in strong.content.decode()


def test_public_pages_show_the_stored_rank_interval(
    anonymous: Client, published: AssessmentRound, hanoi: Hanoi
) -> None:
    """The interval is read from the frozen Result (Ba Đình 1 to 2.5); Hoàn Kiếm's round-era
    row has none, so no interval is shown for it."""
    page = anonymous.get(reverse("indices:public_round", args=[published.pk]))
    html = page.content.decode()
    assert html.count('data-testid="rank-interval"') == 1
    assert "Rank could be from 1 to 2.5" in html
    unit = anonymous.get(reverse("indices:public_unit", args=[published.pk, hanoi.ward_a.pk]))
    assert 'data-testid="rank-interval"' in unit.content.decode()
    assert "Rank could be from 1 to 2.5" in unit.content.decode()
    with translation.override("vi"):
        vietnamese = render_to_string(
            "indices/_rank_interval.html", {"r": Result.objects.get(unit=hanoi.ward_a)}
        )
    assert "Thứ hạng có thể từ 1 đến 2,5" in vietnamese


def test_unpublished_round_and_unknown_unit_are_not_found(
    anonymous: Client, published: AssessmentRound, city_admin: User, hanoi: Hanoi
) -> None:
    hidden = published_round(city_admin, [hanoi.ward_a], published=False)
    result(hidden, hanoi.ward_a, percent="80", rank=1, group="B", unit_areas=areas("20", "30"))
    admin = client_for(city_admin)
    for client in (anonymous, admin):
        for name, args in [
            ("indices:public_round", [hidden.pk]),
            ("indices:public_unit", [hidden.pk, hanoi.ward_a.pk]),
            ("indices:public_xlsx", [hidden.pk]),
            ("indices:public_docx", [hidden.pk]),
            ("indices:public_pdf", [hidden.pk]),
            ("indices:public_unit", [published.pk, hanoi.home_affairs.pk]),
            ("indices:public_round", [hidden.pk + 100]),
        ]:
            assert client.get(reverse(name, args=args)).status_code == 404, (name, args)


def test_public_pages_refuse_post(anonymous: Client, published: AssessmentRound) -> None:
    assert anonymous.post(reverse("indices:public_round", args=[published.pk])).status_code == 405


def test_public_round_page_queries_do_not_grow_with_units(
    anonymous: Client, city_admin: User, hanoi: Hanoi, django_assert_max_num_queries: Any
) -> None:
    units = [ward(hanoi, f"Phường số {i}") for i in range(50)]
    rating_round = published_round(city_admin, units)
    for i, unit in enumerate(units):
        result(
            rating_round,
            unit,
            percent=str(95 - i * D("0.5")),
            rank=i + 1,
            group="A" if i < 10 else "B",
            unit_areas=areas(str(20 + i % 10), "30"),
            previous="85",
        )
    url = reverse("indices:public_round", args=[rating_round.pk])
    with django_assert_max_num_queries(10):
        response = anonymous.get(url)
    assert len(response.context["rows"]) == 50
    assert response.context["chart_size"] == "screen"
    with django_assert_max_num_queries(10):
        anonymous.get(reverse("indices:public_unit", args=[rating_round.pk, units[7].pk]))
    with django_assert_max_num_queries(10):
        anonymous.get(reverse("indices:public_rounds"))
