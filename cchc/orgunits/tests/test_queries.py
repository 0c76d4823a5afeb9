import datetime

from django.test import override_settings

from cchc.orgunits.models import OrgUnit
from cchc.orgunits.queries import home_province, summary_by_province, tree_level, tree_roots
from cchc.orgunits.tests.factories import OrgUnitFactory
from conftest import Hanoi

ENDED = datetime.date(2025, 6, 30)


def test_tree_level_counts_current_children_and_hides_ended_units(hanoi: Hanoi) -> None:
    OrgUnitFactory(parent=hanoi.ward_a)
    OrgUnitFactory(parent=hanoi.ward_a, valid_to=ENDED)
    OrgUnitFactory(code="00001", parent=hanoi.city, valid_to=ENDED)

    level = {
        u.code: u.child_count for u in tree_level(hanoi.city.children.all(), include_ended=False)
    }
    assert level == {"01-SNV": 0, "01-TTTP": 0, "00004": 1, "00070": 0}

    with_ended = {
        u.code: u.child_count for u in tree_level(hanoi.city.children.all(), include_ended=True)
    }
    assert with_ended["00004"] == 2
    assert "00001" in with_ended


def test_tree_level_orders_by_kind_then_folded_name(hanoi: Hanoi) -> None:
    OrgUnitFactory(code="00008", name="Phường Ánh Dương", parent=hanoi.city)
    codes = [u.code for u in tree_level(hanoi.city.children.all(), include_ended=False)]
    # Departments before wards (order of OrgUnit.Kind), then by folded name: "Sở" < "Thanh",
    # and "Ánh" sorts as "anh", before "Ba".
    assert codes == ["01-SNV", "01-TTTP", "00008", "00004", "00070"]


def test_tree_roots_are_the_topmost_visible_units(hanoi: Hanoi) -> None:
    child = OrgUnitFactory(parent=hanoi.ward_a)
    visible = OrgUnit.objects.filter(pk__in=[hanoi.ward_a.pk, child.pk, hanoi.ward_b.pk])
    assert {u.code for u in tree_roots(visible)} == {"00004", "00070"}
    assert [u.code for u in tree_roots(OrgUnit.objects.all())] == ["01"]


def test_home_province_is_the_configured_current_province(hanoi: Hanoi) -> None:
    OrgUnitFactory(code="01", legacy=True, kind=OrgUnit.Kind.PROVINCE, valid_to=ENDED)
    assert home_province() == hanoi.city
    with override_settings(CCHC_HOME_PROVINCE="79"):
        assert home_province() is None


def test_summary_by_province_counts_current_lower_units(hanoi: Hanoi) -> None:
    OrgUnitFactory(code="00100", kind=OrgUnit.Kind.COMMUNE, parent=hanoi.city)
    OrgUnitFactory(code="00001", parent=hanoi.city, valid_to=ENDED)
    hcm = OrgUnitFactory(code="79", kind=OrgUnit.Kind.PROVINCE)
    OrgUnitFactory(code="26734", kind=OrgUnit.Kind.SPECIAL_ZONE, parent=hcm)

    assert summary_by_province() == {
        "provinces": 2,
        "lower_units": 4,
        "by_province": {
            "01": {"total": 3, "ward": 2, "commune": 1, "special_zone": 0},
            "79": {"total": 1, "ward": 0, "commune": 0, "special_zone": 1},
        },
    }
