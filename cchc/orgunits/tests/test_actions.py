import datetime

import pytest
from django.core.exceptions import ValidationError

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.orgunits.actions import create_unit, update_unit
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from conftest import Hanoi


def test_create_unit_computes_path_depth_and_search_name(hanoi: Hanoi, city_admin: User) -> None:
    unit = create_unit(
        actor=city_admin,
        code="01-STP",
        name="Sở Tư pháp",
        short_name="Tư pháp",
        kind=OrgUnit.Kind.DEPARTMENT,
        parent=hanoi.city,
        valid_from=datetime.date(2025, 7, 1),
    )

    unit.refresh_from_db()
    assert unit.path == "/01/01-STP/"
    assert unit.depth == 1
    assert unit.search_name == "so tu phap tu phap"
    assert unit.parent == hanoi.city
    assert unit.valid_from == datetime.date(2025, 7, 1)
    assert unit.version == 1
    assert unit.legacy is False


def test_create_unit_at_the_root_has_depth_zero(db: None) -> None:
    unit = create_unit(
        actor=None, code="79", name="Thành phố Hồ Chí Minh", kind=OrgUnit.Kind.PROVINCE, parent=None
    )
    assert (unit.path, unit.depth) == ("/79/", 0)


def test_create_unit_writes_an_audit_event(hanoi: Hanoi, city_admin: User) -> None:
    unit = create_unit(
        actor=city_admin,
        code="01-STP",
        name="Sở Tư pháp",
        kind=OrgUnit.Kind.DEPARTMENT,
        parent=hanoi.city,
    )

    (event,) = AuditEvent.objects.filter(verb="orgunits.create")
    assert event.actor == city_admin
    assert event.unit == unit
    assert event.target_id == str(unit.pk)
    assert event.target_repr == "Sở Tư pháp"
    assert event.details == {"code": "01-STP"}
    assert list(AuditEvent.objects.for_target(unit)) == [event]


def test_create_unit_with_a_used_code_is_refused(hanoi: Hanoi, city_admin: User) -> None:
    count = OrgUnit.objects.count()
    with pytest.raises(ValidationError, match="00004"):
        create_unit(
            actor=city_admin,
            code="00004",
            name="Phường Trùng Mã",
            kind=OrgUnit.Kind.WARD,
            parent=hanoi.city,
        )
    assert OrgUnit.objects.count() == count
    assert not AuditEvent.objects.exists()


def test_create_unit_may_reuse_a_pre_2025_code(hanoi: Hanoi, city_admin: User) -> None:
    OrgUnitFactory(code="00013", legacy=True, name="Phường Quán Thánh", valid_to="2025-06-30")
    unit = create_unit(
        actor=city_admin, code="00013", name="Phường Mới", kind=OrgUnit.Kind.WARD, parent=hanoi.city
    )
    assert (unit.code, unit.legacy, unit.path) == ("00013", False, "/01/00013/")


def test_create_unit_under_an_ended_parent_is_refused(hanoi: Hanoi, city_admin: User) -> None:
    ended = OrgUnitFactory(
        code="01-OLD",
        kind=OrgUnit.Kind.DEPARTMENT,
        name="Sở đã giải thể",
        parent=hanoi.city,
        valid_to=datetime.date(2025, 6, 30),
    )
    with pytest.raises(ValidationError):
        create_unit(
            actor=city_admin,
            code="01-OLD-1",
            name="Phòng trực thuộc",
            kind=OrgUnit.Kind.PUBLIC_SERVICE,
            parent=ended,
        )
    assert not OrgUnit.objects.filter(code="01-OLD-1").exists()
    assert not AuditEvent.objects.exists()


def test_create_unit_with_an_unknown_kind_is_refused(hanoi: Hanoi, city_admin: User) -> None:
    with pytest.raises(ValidationError):
        create_unit(
            actor=city_admin, code="01-X", name="Không rõ", kind="galaxy", parent=hanoi.city
        )
    assert not OrgUnit.objects.filter(code="01-X").exists()
    assert not AuditEvent.objects.exists()


def test_update_unit_records_only_changed_fields_as_before_after(
    hanoi: Hanoi, officer_a: User
) -> None:
    ward = hanoi.ward_a
    update_unit(ward, actor=officer_a, version=1, name="Phường Ba Đình Mới", short_name="Ba Đình")

    ward.refresh_from_db()
    assert ward.name == "Phường Ba Đình Mới"
    assert ward.search_name == "phuong ba dinh moi ba dinh"
    (event,) = AuditEvent.objects.filter(verb="orgunits.update")
    assert event.actor == officer_a
    assert event.unit == ward
    assert event.target_id == str(ward.pk)
    assert event.changes == {"name": ["Phường Ba Đình", "Phường Ba Đình Mới"]}


def test_update_unit_records_dates_as_iso_strings(hanoi: Hanoi, officer_a: User) -> None:
    update_unit(hanoi.ward_a, actor=officer_a, version=1, valid_from=datetime.date(2025, 7, 1))
    (event,) = AuditEvent.objects.filter(verb="orgunits.update")
    assert event.changes == {"valid_from": [None, "2025-07-01"]}


def test_update_unit_increments_the_version(hanoi: Hanoi, officer_a: User) -> None:
    update_unit(hanoi.ward_a, actor=officer_a, version=1, name="Tên 2")
    update_unit(hanoi.ward_a, actor=officer_a, version=2, name="Tên 3")

    hanoi.ward_a.refresh_from_db()
    assert hanoi.ward_a.version == 3
    assert hanoi.ward_a.name == "Tên 3"
    assert AuditEvent.objects.filter(verb="orgunits.update").count() == 2


def test_update_unit_with_a_stale_version_is_refused_and_changes_nothing(
    hanoi: Hanoi, officer_a: User
) -> None:
    update_unit(hanoi.ward_a, actor=officer_a, version=1, name="Lần sửa thứ nhất")
    stale = OrgUnit.objects.get(pk=hanoi.ward_a.pk)

    with pytest.raises(ValidationError):
        update_unit(stale, actor=officer_a, version=1, name="Lần sửa ghi đè")

    fresh = OrgUnit.objects.get(pk=hanoi.ward_a.pk)
    assert fresh.name == "Lần sửa thứ nhất"
    assert fresh.version == 2
    assert AuditEvent.objects.filter(verb="orgunits.update").count() == 1


def test_update_unit_refuses_fields_that_are_not_editable(hanoi: Hanoi, officer_a: User) -> None:
    with pytest.raises(ValueError, match="code"):
        update_unit(hanoi.ward_a, actor=officer_a, version=1, code="99999")
    fresh = OrgUnit.objects.get(pk=hanoi.ward_a.pk)
    assert (fresh.code, fresh.version) == ("00004", 1)
    assert not AuditEvent.objects.exists()


def test_update_unit_with_end_before_start_is_refused(hanoi: Hanoi, officer_a: User) -> None:
    with pytest.raises(ValidationError):
        update_unit(
            hanoi.ward_a,
            actor=officer_a,
            version=1,
            valid_from=datetime.date(2025, 7, 1),
            valid_to=datetime.date(2025, 1, 1),
        )
    fresh = OrgUnit.objects.get(pk=hanoi.ward_a.pk)
    assert (fresh.valid_from, fresh.valid_to, fresh.version) == (None, None, 1)
    assert not AuditEvent.objects.exists()


def test_update_unit_refreshes_updated_at(hanoi: Hanoi, officer_a: User) -> None:
    before = OrgUnit.objects.get(pk=hanoi.ward_a.pk).updated_at
    update_unit(hanoi.ward_a, actor=officer_a, version=1, name="Phường Ba Đình Mới")
    assert OrgUnit.objects.get(pk=hanoi.ward_a.pk).updated_at > before


def test_create_unit_accepts_the_longest_name_and_short_name(
    hanoi: Hanoi, city_admin: User
) -> None:
    name_field = OrgUnit._meta.get_field("name")
    short_field = OrgUnit._meta.get_field("short_name")
    name = ("Trung tâm " * 30)[: name_field.max_length]
    short_name = ("TT " * 60)[: short_field.max_length]

    unit = create_unit(
        actor=city_admin,
        code="01-LONG",
        name=name,
        short_name=short_name,
        kind=OrgUnit.Kind.PUBLIC_SERVICE,
        parent=hanoi.city,
    )

    unit.refresh_from_db()
    assert unit.name == name
    assert unit.short_name == short_name
    assert OrgUnit.objects.search("trung tam").get() == unit


def test_update_unit_accepts_the_longest_name(hanoi: Hanoi, officer_a: User) -> None:
    name = ("Phường " * 40)[: OrgUnit._meta.get_field("name").max_length]
    update_unit(hanoi.ward_a, actor=officer_a, version=1, name=name)
    assert OrgUnit.objects.get(pk=hanoi.ward_a.pk).name == name
