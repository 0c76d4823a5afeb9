"""The organisation chart's actions: create, rename, move, merge and end a department, each
audited, with the unit's history kept and successors recorded on a merger."""

import datetime
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.orgunits.actions import create_unit, end_unit, merge_units, move_unit, update_unit
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from conftest import Hanoi

JULY = datetime.date(2025, 7, 1)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def department(parent: OrgUnit, code: str, name: str, **extra: object) -> OrgUnit:
    return create_unit(
        actor=None, code=code, name=name, kind=OrgUnit.Kind.DEPARTMENT, parent=parent, **extra
    )


def test_create_then_rename_a_department_keeps_its_history(hanoi: Hanoi, city_admin: User) -> None:
    unit = create_unit(
        actor=city_admin,
        code="01-SKHDT",
        name="Sở Kế hoạch và Đầu tư",
        kind=OrgUnit.Kind.DEPARTMENT,
        parent=hanoi.city,
        valid_from=datetime.date(2008, 8, 1),
    )
    update_unit(unit, actor=city_admin, version=unit.version, name="Sở Kế hoạch - Đầu tư")

    verbs = [e.verb for e in AuditEvent.objects.for_target(unit).order_by("id")]
    assert verbs == ["orgunits.create", "orgunits.update"]
    rename = AuditEvent.objects.get(verb="orgunits.update")
    assert rename.changes == {"name": ["Sở Kế hoạch và Đầu tư", "Sở Kế hoạch - Đầu tư"]}
    assert rename.actor == city_admin


def test_create_unit_refuses_a_code_with_a_space(hanoi: Hanoi) -> None:
    with pytest.raises(ValidationError, match="space"):
        department(hanoi.city, "01 SNV", "Sở Nội vụ")


def test_move_a_department_rewrites_the_paths_of_its_subtree(
    hanoi: Hanoi, city_admin: User
) -> None:
    office = department(hanoi.city, "01-VP", "Văn phòng UBND Thành phố")
    centre = department(hanoi.home_affairs, "01-SNV-TTLT", "Trung tâm Lưu trữ lịch sử")
    archive = create_unit(
        actor=None,
        code="01-SNV-TTLT-K1",
        name="Kho lưu trữ số 1",
        kind=OrgUnit.Kind.PUBLIC_SERVICE,
        parent=centre,
    )

    move_unit(centre, actor=city_admin, parent=office, version=centre.version)

    centre.refresh_from_db()
    archive.refresh_from_db()
    assert centre.parent == office
    assert (centre.path, centre.depth) == ("/01/01-VP/01-SNV-TTLT/", 2)
    assert (archive.path, archive.depth) == ("/01/01-VP/01-SNV-TTLT/01-SNV-TTLT-K1/", 3)
    event = AuditEvent.objects.get(verb="orgunits.move")
    assert event.actor == city_admin
    assert event.changes == {"parent": ["01-SNV", "01-VP"]}
    assert event.details == {"units_moved": 2}
    assert list(OrgUnit.objects.subtree_of(office)) == [office, centre, archive]


def test_move_refuses_a_loop_a_stale_version_and_the_province(
    hanoi: Hanoi, city_admin: User
) -> None:
    centre = department(hanoi.home_affairs, "01-SNV-TTLT", "Trung tâm Lưu trữ lịch sử")
    with pytest.raises(ValidationError, match="under itself"):
        move_unit(hanoi.home_affairs, actor=city_admin, parent=centre)
    with pytest.raises(ValidationError, match="Someone else"):
        move_unit(centre, actor=city_admin, parent=hanoi.city, version=centre.version + 1)
    with pytest.raises(ValidationError, match="province itself"):
        move_unit(hanoi.city, actor=city_admin, parent=hanoi.home_affairs)
    with pytest.raises(ValidationError, match="directly under the province"):
        move_unit(hanoi.ward_a, actor=city_admin, parent=hanoi.home_affairs)
    assert not AuditEvent.objects.filter(verb="orgunits.move").exists()
    centre.refresh_from_db()
    assert centre.path == "/01/01-SNV/01-SNV-TTLT/"


def test_move_refuses_a_parent_outside_the_home_province(hanoi: Hanoi, city_admin: User) -> None:
    hcmc = OrgUnitFactory(code="79", kind=OrgUnit.Kind.PROVINCE, name="TP Hồ Chí Minh")
    with pytest.raises(ValidationError, match="not a unit of this installation"):
        move_unit(hanoi.home_affairs, actor=city_admin, parent=hcmc)


def test_end_a_department_keeps_it_as_an_ended_unit(hanoi: Hanoi, city_admin: User) -> None:
    unit = department(hanoi.city, "01-SDL", "Sở Du lịch", valid_from=JULY)

    end_unit(unit, actor=city_admin, ended_on=datetime.date(2026, 2, 28), version=unit.version)

    unit.refresh_from_db()
    assert unit.valid_to == datetime.date(2026, 2, 28)
    assert not unit.is_current
    event = AuditEvent.objects.get(verb="orgunits.end")
    assert (event.actor, event.unit) == (city_admin, unit)
    assert event.changes == {"valid_to": [None, "2026-02-28"]}
    with pytest.raises(ValidationError, match="has ended"):
        end_unit(unit, actor=city_admin, ended_on=datetime.date(2026, 3, 1))


def test_end_refuses_a_unit_with_current_sub_units_or_a_day_before_it_began(
    hanoi: Hanoi, city_admin: User
) -> None:
    department(hanoi.home_affairs, "01-SNV-TTLT", "Trung tâm Lưu trữ lịch sử")
    with pytest.raises(ValidationError, match="current sub-units"):
        end_unit(hanoi.home_affairs, actor=city_admin, ended_on=datetime.date(2026, 1, 1))
    late = department(hanoi.city, "01-SDL", "Sở Du lịch", valid_from=JULY)
    with pytest.raises(ValidationError, match="before it began"):
        end_unit(late, actor=city_admin, ended_on=datetime.date(2025, 6, 30))
    assert not OrgUnit.objects.filter(valid_to__isnull=False).exists()


def test_merge_departments_records_the_successor_and_moves_sub_units(
    hanoi: Hanoi, city_admin: User
) -> None:
    # 01/03/2025: the Department of Planning and Investment merged into the Department of
    # Finance (the 2025 reorganisation of provincial departments).
    finance = department(hanoi.city, "01-STC", "Sở Tài chính")
    planning = department(hanoi.city, "01-SKHDT", "Sở Kế hoạch và Đầu tư")
    fund = create_unit(
        actor=None,
        code="01-SKHDT-QDT",
        name="Quỹ Đầu tư phát triển",
        kind=OrgUnit.Kind.PUBLIC_SERVICE,
        parent=planning,
    )

    merge_units([planning], actor=city_admin, into=finance, merged_on=datetime.date(2025, 3, 1))

    planning.refresh_from_db()
    fund.refresh_from_db()
    assert planning.valid_to == datetime.date(2025, 2, 28)
    assert list(planning.successors.all()) == [finance]
    assert list(finance.predecessors.all()) == [planning]
    assert fund.parent == finance
    assert fund.path == "/01/01-STC/01-SKHDT-QDT/"
    assert fund.is_current
    merged = AuditEvent.objects.filter(verb="orgunits.merge")
    on_planning = merged.get(target_id=str(planning.pk))
    assert on_planning.changes == {"valid_to": [None, "2025-02-28"]}
    assert on_planning.details == {"into": "01-STC"}
    assert merged.get(target_id=str(finance.pk)).details == {
        "merged": ["01-SKHDT"],
        "on": "2025-03-01",
    }
    assert AuditEvent.objects.filter(verb="orgunits.move", target_id=str(fund.pk)).exists()


def test_merge_is_all_or_nothing(hanoi: Hanoi, city_admin: User) -> None:
    finance = department(hanoi.city, "01-STC", "Sở Tài chính")
    planning = department(hanoi.city, "01-SKHDT", "Sở Kế hoạch và Đầu tư")
    ended = department(hanoi.city, "01-SNGV", "Sở Ngoại vụ")
    end_unit(ended, actor=city_admin, ended_on=datetime.date(2025, 2, 28))
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError, match="has ended"):
        merge_units(
            [planning, ended], actor=city_admin, into=finance, merged_on=datetime.date(2025, 3, 1)
        )

    planning.refresh_from_db()
    assert planning.is_current
    assert not planning.successors.exists()
    assert AuditEvent.objects.count() == events
    with pytest.raises(ValidationError, match="into itself"):
        merge_units([finance], actor=city_admin, into=finance, merged_on=datetime.date(2025, 3, 1))
