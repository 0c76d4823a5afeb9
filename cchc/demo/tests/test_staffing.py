"""The demo reproduces what Hà Nội reported for 2021 against 2015 (issue #8 acceptance):
1,473 fewer civil-servant posts (15.6%) and 12,890 fewer public-employee posts (10%), shown by
`headcount_summary --year 2021 --json`, with the pre-2025 wards carried into their successor."""

import io
import json

import pytest
from django.core.management import call_command

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.demo import staffing as demo
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from cchc.staffing.models import Headcount, SuccessorShare
from cchc.staffing.tests.factories import legacy_ward
from conftest import Hanoi

pytestmark = pytest.mark.django_db


def test_allot_sums_exactly():
    shares = demo.allot(9442, {"a": 1, "b": 1, "c": 1})
    assert sum(shares.values()) == 9442
    assert sorted(shares.values()) == [3147, 3147, 3148]


def test_demo_reproduces_the_2021_totals(hanoi: Hanoi, city_admin: User):
    OrgUnitFactory(
        code="01-SGDDT", kind=OrgUnit.Kind.DEPARTMENT, name="Sở Giáo dục", parent=hanoi.city
    )
    old_1 = legacy_ward("00001", "Phường Phúc Xá (cũ)", successors=[hanoi.ward_a])
    legacy_ward("00007", "Phường Trúc Bạch (cũ)", successors=[hanoi.ward_a])
    split = legacy_ward("00010", "Phường Điện Biên (cũ)", successors=[hanoi.ward_a, hanoi.ward_b])

    demo.seed_staffing(city_admin)

    out = io.StringIO()
    call_command("headcount_summary", year=2021, json=True, stdout=out)
    data = json.loads(out.getvalue())
    assert data["baseline_year"] == 2015
    assert data["compared"] == "assigned posts"
    assert data["total"] == {
        "civil": {"baseline": 9442, "year": 7969, "reduction": 1473, "percent": 15.6},
        "public": {"baseline": 128900, "year": 116010, "reduction": 12890, "percent": 10.0},
    }
    units = {unit["code"]: unit for unit in data["units"]}
    assert units["01"]["civil"] == data["total"]["civil"]
    # The merger is carried by shares: the split ward gives 60% to Ba Đình, 40% to Hoàn Kiếm.
    old = {
        h.unit.code: h.civil_assigned
        for h in Headcount.objects.filter(unit__legacy=True, year=2015)
    }
    expected = old["00001"] + old["00007"] + old["00010"] * 0.6
    assert abs(units["00004"]["civil"]["baseline"] - expected) <= 1
    assert abs(units["00070"]["civil"]["baseline"] - old["00010"] * 0.4) <= 1
    assert SuccessorShare.objects.filter(predecessor=split).count() == 2
    assert Headcount.objects.filter(unit=old_1, year=2025).count() == 0
    assert Headcount.objects.filter(unit=hanoi.ward_b, year=2026).exists()
    assert AuditEvent.objects.filter(verb="staffing.import").count() == 1


def test_demo_2026_is_judged_by_conclusion_40(hanoi: Hanoi, city_admin: User):
    OrgUnitFactory(
        code="01-SGDDT", kind=OrgUnit.Kind.DEPARTMENT, name="Sở Giáo dục", parent=hanoi.city
    )
    demo.seed_staffing(city_admin)
    out = io.StringIO()
    call_command("headcount_summary", year=2026, json=True, stdout=out)
    data = json.loads(out.getvalue())
    assert data["baseline_year"] == 2021
    assert data["targets"] == {"civil": 5.0, "public": 10.0}
    assert data["public_compared"] == "budget-paid"
    budget_2021 = sum(h.public_budget_assigned for h in Headcount.objects.filter(year=2021))
    assert data["total"]["public"]["baseline"] == budget_2021 < 116_010
    assert data["total"]["public"]["percent"] >= 10.0
