"""Loading the real administrative units of the vietnam-provinces package (a few seconds each).

Only two tests load data: one for the current units (and idempotency), one with --legacy.
"""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from cchc.core.models import AuditEvent
from cchc.orgunits.models import OrgUnit

LEGACY_END = datetime.date(2025, 6, 30)
REFORM_DATE = datetime.date(2025, 7, 1)


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("load_admin_units", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _summary() -> dict:
    out = io.StringIO()
    call_command("orgunits_summary", "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_load_admin_units_loads_current_units_once_and_is_idempotent() -> None:
    output = _run()

    assert "Created 3355, updated 0 units; 0 successor links created." in output
    assert OrgUnit.objects.count() == 34 + 3321
    assert not OrgUnit.objects.filter(legacy=True).exists()
    summary = _summary()
    assert summary["provinces"] == 34
    assert summary["lower_units"] == 3321
    assert summary["by_province"]["01"] == {
        "total": 126,
        "ward": 51,
        "commune": 75,
        "special_zone": 0,
    }
    ba_dinh = OrgUnit.objects.get(code="00004", legacy=False)
    assert ba_dinh.name == "Phường Ba Đình"
    assert ba_dinh.short_name == "Ba Đình"
    assert ba_dinh.kind == OrgUnit.Kind.WARD
    assert ba_dinh.path == "/01/00004/"
    assert ba_dinh.depth == 1
    assert ba_dinh.parent.code == "01"
    assert ba_dinh.valid_from == REFORM_DATE
    assert ba_dinh.valid_to is None
    assert "00004" in OrgUnit.objects.search("ba dinh").values_list("code", flat=True)
    (event,) = AuditEvent.objects.filter(verb="orgunits.load_admin_units")
    assert event.actor is None
    assert event.details == {"created": 3355, "updated": 0, "links_created": 0, "legacy": False}

    rows_before = OrgUnit.objects.count()
    events_before = AuditEvent.objects.count()
    second = _run()

    assert "No changes" in second
    assert OrgUnit.objects.count() == rows_before
    assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
def test_load_admin_units_with_legacy_links_predecessors_to_current_wards() -> None:
    output = _run("--legacy")

    assert "successor links created" in output
    assert OrgUnit.objects.filter(legacy=True, kind=OrgUnit.Kind.PROVINCE).count() == 63
    assert OrgUnit.objects.filter(legacy=False, kind=OrgUnit.Kind.PROVINCE).count() == 34
    ba_dinh = OrgUnit.objects.get(code="00004", legacy=False)
    predecessors = list(ba_dinh.predecessors.all())
    assert len(predecessors) == 10
    assert {p.legacy for p in predecessors} == {True}
    assert {p.valid_to for p in predecessors} == {LEGACY_END}
    assert {p.kind for p in predecessors} == {OrgUnit.Kind.WARD}
    names = {p.name for p in predecessors}
    assert "Phường Trúc Bạch" in names
    assert "Phường Quán Thánh" in names
    old_truc_bach = OrgUnit.objects.get(code="00004", legacy=True)
    assert old_truc_bach.name == "Phường Trúc Bạch"
    assert old_truc_bach.path.startswith("/~01/~")
    assert not old_truc_bach.is_current
    assert list(old_truc_bach.successors.all()) == [ba_dinh]
    # Legacy units never leak into the current summary.
    assert _summary()["provinces"] == 34
    (event,) = AuditEvent.objects.filter(verb="orgunits.load_admin_units")
    assert event.details["legacy"] is True
    assert event.details["links_created"] > 0
    assert event.details["created"] == OrgUnit.objects.count()
