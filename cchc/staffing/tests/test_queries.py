"""The roll-up: reduction per unit and over the current tree, carrying merged units' history
to their successors (issue #8 acceptance: two units merged in 2025, their 2015 baselines sum
into the successor)."""

from decimal import Decimal

import pytest

from cchc.accounts.models import User
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from cchc.staffing.queries import Reduction, carried_from, history, percent, rollup, summary
from cchc.staffing.tests.factories import legacy_ward, record
from conftest import Hanoi

pytestmark = pytest.mark.django_db


def test_percent_rounds_half_up_to_two_decimals():
    assert percent(1473, 9442) == Decimal("15.60")
    assert percent(12890, 128900) == Decimal("10.00")
    assert percent(1, 8) == Decimal("12.50")
    assert percent(1, 800) == Decimal("0.13")  # 0.125 rounds up
    assert percent(5, 0) is None
    assert Reduction(100, 110).reduction == -10  # a growth is a negative reduction


def test_two_wards_merged_in_2025_sum_their_2021_baselines_into_the_successor(
    hanoi: Hanoi, city_admin: User
):
    old_1 = legacy_ward("00001", "Phường Phúc Xá (cũ)", successors=[hanoi.ward_a])
    old_2 = legacy_ward("00007", "Phường Trúc Bạch (cũ)", successors=[hanoi.ward_a])
    record(old_1, 2021, 30, 120, actor=city_admin)
    record(old_2, 2021, 20, 80, actor=city_admin)
    record(hanoi.ward_a, 2025, 40, 170, actor=city_admin)

    result = summary(OrgUnit.objects.all(), 2025)

    rows = {row.unit.code: row for row in result.rows}
    assert list(rows) == ["01", "00004"]  # the city and the successor; no ended unit
    ward = rows["00004"]
    assert (ward.civil.baseline, ward.civil.current) == (50, 40)
    assert (ward.civil.reduction, ward.civil.percent) == (10, Decimal("20.00"))
    assert (ward.public.baseline, ward.public.current, ward.public.percent) == (
        200,
        170,
        Decimal("15.00"),
    )
    assert ward.own_civil == Reduction(50, 40)  # carried counts as the ward's own
    assert rows["01"].civil == Reduction(50, 40)
    assert rows["01"].own_civil == Reduction(0, 0)
    assert result.civil == Reduction(50, 40)
    assert result.public == Reduction(200, 170)


def test_a_unit_with_several_successors_is_shared_equally_until_confirmed(
    hanoi: Hanoi, city_admin: User
):
    split = legacy_ward("00010", "Phường Điện Biên (cũ)", successors=[hanoi.ward_b, hanoi.ward_a])
    record(split, 2021, 12, 0, actor=city_admin)
    record(hanoi.ward_a, 2025, 10, 0, actor=city_admin)
    record(hanoi.ward_b, 2025, 5, 0, actor=city_admin)
    result = summary(OrgUnit.objects.all(), 2025)
    rows = {r.unit.code: r for r in result.rows}
    assert rows["00004"].civil == Reduction(6, 10)
    assert rows["00070"].civil == Reduction(6, 5)
    assert result.civil == Reduction(12, 15)
    assert result.unconfirmed == [split]


def test_subtree_rolls_up_to_ancestors_and_carries_through_chains(hanoi: Hanoi, city_admin: User):
    centre = OrgUnitFactory(
        code="01-SNV-TT",
        kind=OrgUnit.Kind.PUBLIC_SERVICE,
        name="Trung tâm",
        parent=hanoi.home_affairs,
    )
    record(hanoi.home_affairs, 2015, 100, 10, actor=city_admin)
    record(centre, 2015, 0, 50, actor=city_admin)
    record(hanoi.home_affairs, 2021, 90, 9, actor=city_admin)
    record(centre, 2021, 0, 40, actor=city_admin)
    # A chain: an old ward merged into another old ward, itself merged into ward B.
    middle = legacy_ward("00020", "Phường B (cũ)", successors=[hanoi.ward_b])
    first = legacy_ward("00019", "Phường A (cũ)", successors=[middle])
    record(first, 2015, 7, 0, actor=city_admin)
    record(hanoi.ward_b, 2021, 0, 0, actor=city_admin)

    rows = {r.unit.code: r for r in summary(OrgUnit.objects.all(), 2021).rows}
    assert rows["01-SNV"].civil == Reduction(100, 90)
    assert rows["01-SNV"].public == Reduction(60, 49)
    assert rows["01-SNV"].own_civil == Reduction(100, 90)
    assert rows["01-SNV"].own_public == Reduction(10, 9)
    assert rows["01-SNV-TT"].depth == 2
    assert rows["00070"].civil == Reduction(7, 0)
    assert rows["01"].civil == Reduction(107, 90)


def test_summary_is_scoped_to_the_units_the_user_sees(
    hanoi: Hanoi, city_admin: User, officer_a: User
):
    old = legacy_ward("00001", "Phường Phúc Xá (cũ)", successors=[hanoi.ward_a])
    record(old, 2021, 30, 0, actor=city_admin)
    record(hanoi.ward_a, 2025, 24, 0, actor=city_admin)
    record(hanoi.ward_b, 2021, 25, 0, actor=city_admin)
    record(hanoi.ward_b, 2025, 20, 0, actor=city_admin)
    result = summary(OrgUnit.objects.visible_to(officer_a), 2025)
    assert [r.unit.code for r in result.rows] == ["00004"]
    assert result.civil == Reduction(30, 24)


def test_a_unit_without_figures_for_the_year_is_not_compared_nor_counted(
    hanoi: Hanoi, city_admin: User
):
    """A missing year is not zero posts: ward B reported 2015 only, so neither its baseline nor
    a 100% cut enter the city's total; it is listed as not reported."""
    record(hanoi.ward_a, 2015, 30, 0, actor=city_admin)
    record(hanoi.ward_a, 2021, 27, 0, actor=city_admin)
    record(hanoi.ward_b, 2015, 100, 0, actor=city_admin)
    result = summary(OrgUnit.objects.all(), 2021)
    assert "00070" not in {r.unit.code for r in result.rows}
    assert result.civil == Reduction(30, 27)
    assert [unit.code for unit in result.not_reported] == ["00070"]


def test_history_of_a_successor_includes_carried_years(hanoi: Hanoi, city_admin: User):
    old = legacy_ward("00001", "Phường Phúc Xá (cũ)", successors=[hanoi.ward_a])
    record(old, 2015, 30, 100, actor=city_admin)
    record(old, 2020, 27, 95, actor=city_admin, civil_actual=25)
    record(old, 2021, 28, 96, actor=city_admin)
    record(hanoi.ward_a, 2025, 26, 90, actor=city_admin)
    years = history(hanoi.ward_a)
    # Each year against its own period's baseline: 2015 to 2021 against 2015, 2025 against 2021.
    assert [(y.year, y.figures.civil_assigned, y.civil.reduction) for y in years] == [
        (2015, 30, 0),
        (2020, 27, 3),
        (2021, 28, 2),
        (2025, 26, 2),
    ]
    assert [y.rule.baseline_year for y in years] == [2015, 2015, 2015, 2021]
    assert years[1].figures.civil_actual == 25
    assert [y.year for y in history(old)] == [2015, 2020, 2021]


def test_rollup_runs_in_two_queries(hanoi: Hanoi, city_admin: User, django_assert_num_queries):
    for n in range(5):
        ward = OrgUnitFactory(code=f"9{n:04d}", parent=hanoi.city)
        record(ward, 2015, 10, 10, actor=city_admin)
    with django_assert_num_queries(2):
        result = rollup(OrgUnit.objects.all(), [2015])
    assert len(result) == 6


def test_carried_from_lists_the_predecessors_whose_figures_come_here(hanoi: Hanoi):
    only_a = legacy_ward("00001", "Phường Phúc Xá (cũ)", successors=[hanoi.ward_a])
    split = legacy_ward("00010", "Phường Điện Biên (cũ)", successors=[hanoi.ward_a, hanoi.ward_b])
    legacy_ward("00020", "Phường Hàng Bạc (cũ)", successors=[hanoi.ward_b])
    shares = carried_from(hanoi.ward_a)
    assert [(s.predecessor, s.share, s.confirmed) for s in shares] == [
        (only_a, Decimal("100.00"), True),
        (split, Decimal("50.00"), False),
    ]
    assert [s.predecessor.code for s in carried_from(hanoi.ward_b)] == ["00010", "00020"]
