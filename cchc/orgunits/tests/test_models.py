import datetime
from collections.abc import Iterable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction

from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.core.text import fold
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from conftest import Hanoi


def _codes(units: Iterable[OrgUnit]) -> set[str]:
    return {unit.code for unit in units}


@pytest.fixture
def ward_a_child(hanoi: Hanoi) -> OrgUnit:
    return OrgUnitFactory(
        code="00004-TDP1",
        kind=OrgUnit.Kind.PUBLIC_SERVICE,
        name="Tổ dân phố số 1",
        parent=hanoi.ward_a,
    )


@pytest.fixture
def other_province(db: None) -> OrgUnit:
    province = OrgUnitFactory(code="79", kind=OrgUnit.Kind.PROVINCE, name="Thành phố Hồ Chí Minh")
    OrgUnitFactory(code="26734", name="Phường Sài Gòn", parent=province)
    return province


ALL_HANOI = {"01", "01-SNV", "01-TTTP", "00004", "00070"}


def test_fold_removes_diacritics_and_lowercases() -> None:
    assert fold("Phường Ba Đình") == "phuong ba dinh"
    assert fold("  ĐẮK LẮK ") == "dak lak"
    assert fold("Thủy Nguyên") == "thuy nguyen"


def test_visible_to_anonymous_is_empty(hanoi: Hanoi) -> None:
    assert list(OrgUnit.objects.visible_to(AnonymousUser())) == []


def test_visible_to_officer_is_own_ward_subtree_only(
    officer_a: User, ward_a_child: OrgUnit, other_province: OrgUnit
) -> None:
    assert _codes(OrgUnit.objects.visible_to(officer_a)) == {"00004", "00004-TDP1"}


def test_visible_to_officer_b_does_not_include_ward_a(officer_b: User) -> None:
    assert _codes(OrgUnit.objects.visible_to(officer_b)) == {"00070"}


def test_visible_to_city_admin_is_every_unit(
    city_admin: User, ward_a_child: OrgUnit, other_province: OrgUnit
) -> None:
    assert _codes(OrgUnit.objects.visible_to(city_admin)) == ALL_HANOI | {
        "00004-TDP1",
        "79",
        "26734",
    }


def test_visible_to_superuser_without_membership_is_every_unit(hanoi: Hanoi) -> None:
    superuser = UserFactory(is_superuser=True)
    assert _codes(OrgUnit.objects.visible_to(superuser)) == ALL_HANOI


def test_visible_to_member_of_city_is_city_subtree(
    hanoi: Hanoi, ward_a_child: OrgUnit, other_province: OrgUnit
) -> None:
    viewer = UserFactory()
    MembershipFactory(user=viewer, unit=hanoi.city, role=Membership.Role.VIEWER)
    assert _codes(OrgUnit.objects.visible_to(viewer)) == ALL_HANOI | {"00004-TDP1"}


def test_visible_to_user_without_membership_is_empty(hanoi: Hanoi) -> None:
    assert list(OrgUnit.objects.visible_to(UserFactory())) == []


def test_visible_to_inactive_member_is_empty(officer_a: User) -> None:
    officer_a.is_active = False
    officer_a.save()
    assert list(OrgUnit.objects.visible_to(officer_a)) == []


def test_visible_to_user_with_two_memberships_sees_both_subtrees(hanoi: Hanoi) -> None:
    user = UserFactory()
    MembershipFactory(user=user, unit=hanoi.ward_a)
    MembershipFactory(user=user, unit=hanoi.ward_b, role=Membership.Role.HEAD)
    assert _codes(OrgUnit.objects.visible_to(user)) == {"00004", "00070"}


def test_visible_to_province_member_does_not_see_province_with_longer_code(db: None) -> None:
    # "/01/" must not match "/010/…": the path prefix ends with a slash.
    province = OrgUnitFactory(code="01", kind=OrgUnit.Kind.PROVINCE, name="Hà Nội")
    lookalike = OrgUnitFactory(code="010", kind=OrgUnit.Kind.PROVINCE, name="Giả")
    OrgUnitFactory(code="010-X", name="Phường Giả", parent=lookalike)
    user = UserFactory()
    MembershipFactory(user=user, unit=province)
    assert _codes(OrgUnit.objects.visible_to(user)) == {"01"}


def test_search_matches_folded_name_and_exact_code(hanoi: Hanoi) -> None:
    assert _codes(OrgUnit.objects.search("ba dinh")) == {"00004"}
    assert _codes(OrgUnit.objects.search("BA ĐÌNH")) == {"00004"}
    assert _codes(OrgUnit.objects.search("Hoàn Kiếm")) == {"00070"}
    assert _codes(OrgUnit.objects.search(" 00070 ")) == {"00070"}
    assert _codes(OrgUnit.objects.search("không có")) == set()


def test_compute_path_and_depth_follow_the_parent_chain(hanoi: Hanoi) -> None:
    assert hanoi.city.path == "/01/"
    assert hanoi.city.depth == 0
    assert hanoi.ward_a.path == "/01/00004/"
    assert hanoi.ward_a.depth == 1
    legacy = OrgUnit(code="01", legacy=True, name="Hà Nội (cũ)", kind=OrgUnit.Kind.PROVINCE)
    assert legacy.compute_path() == "/~01/"


def test_ancestors_are_ordered_from_the_root(hanoi: Hanoi, ward_a_child: OrgUnit) -> None:
    assert [u.code for u in ward_a_child.ancestors()] == ["01", "00004"]


def test_is_current_is_false_once_valid_to_is_set(hanoi: Hanoi) -> None:
    assert hanoi.ward_a.is_current
    ended = OrgUnitFactory(valid_to=datetime.date(2025, 6, 30), parent=hanoi.city)
    assert not ended.is_current
    assert _codes(OrgUnit.objects.current()) == ALL_HANOI


def test_orgunit_code_is_unique_per_legacy_flag(hanoi: Hanoi) -> None:
    OrgUnitFactory(code="00004", legacy=True, name="Phường Trúc Bạch")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnitFactory(code="00004", legacy=True, name="Trùng mã", parent=hanoi.city)


def test_orgunit_valid_to_before_valid_from_is_refused_by_the_database(db: None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnitFactory(valid_from=datetime.date(2025, 7, 1), valid_to=datetime.date(2025, 6, 30))
    assert not OrgUnit.objects.exists()


def test_the_subtree_lookup_finds_exactly_the_paths_that_start_with_the_prefix(
    hanoi: Hanoi, ward_a_child: OrgUnit, other_province: OrgUnit
) -> None:
    # Neighbours of the range's bounds: a code that extends the ward's ("000040", no "/"
    # between) and one just past its last character ("00004" + "0").
    OrgUnitFactory(code="000040", name="Phường có mã dài hơn", parent=hanoi.city)
    OrgUnitFactory(code="00005", name="Phường kế tiếp", parent=hanoi.city)
    for unit in OrgUnit.objects.all():
        expected = OrgUnit.objects.filter(path__startswith=unit.path)
        assert _codes(OrgUnit.objects.filter(path__subtree=unit.path)) == _codes(expected)
    assert _codes(OrgUnit.objects.filter(path__subtree=hanoi.ward_a.path)) == {
        "00004",
        "00004-TDP1",
    }
    # Through a join, as the scoping rules use it.
    members = Membership.objects.filter(unit__path__subtree=hanoi.city.path)
    assert set(members) == set(Membership.objects.filter(unit__path__startswith="/01/"))
