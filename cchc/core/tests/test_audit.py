import datetime

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType

from cchc.core import audit
from conftest import Hanoi


def test_snapshot_is_json_ready(hanoi: Hanoi) -> None:
    hanoi.ward_a.valid_from = datetime.date(2025, 7, 1)
    assert audit.snapshot(hanoi.ward_a, ["name", "valid_from", "valid_to", "parent"]) == {
        "name": "Phường Ba Đình",
        "valid_from": "2025-07-01",
        "valid_to": None,
        "parent": hanoi.city.pk,
    }


def test_snapshot_reads_fields_that_forms_cannot_edit(hanoi: Hanoi) -> None:
    # version, path and depth are editable=False: they must still be read, not come back None.
    assert audit.snapshot(hanoi.ward_a, ["version", "path", "depth"]) == {
        "version": 1,
        "path": "/01/00004/",
        "depth": 1,
    }


def test_snapshot_of_many_to_many_is_a_list_of_ids(hanoi: Hanoi) -> None:
    hanoi.ward_b.successors.add(hanoi.ward_a)
    assert audit.snapshot(hanoi.ward_b, ["successors"]) == {"successors": [hanoi.ward_a.pk]}


def test_diff_keeps_only_changed_fields() -> None:
    before = {"name": "Phường Ba Đình", "short_name": "Ba Đình", "valid_to": None}
    after = {"name": "Phường Ba Đình Mới", "short_name": "Ba Đình", "valid_to": "2025-06-30"}
    assert audit.diff(before, after) == {
        "name": ["Phường Ba Đình", "Phường Ba Đình Mới"],
        "valid_to": [None, "2025-06-30"],
    }


def test_diff_of_equal_snapshots_is_empty() -> None:
    assert audit.diff({"a": 1}, {"a": 1}) == {}


def test_diff_treats_a_new_field_as_changed_from_none() -> None:
    assert audit.diff({}, {"kind": "ward"}) == {"kind": [None, "ward"]}


def test_record_stores_actor_target_unit_and_payload(hanoi: Hanoi, officer_a: AbstractUser) -> None:
    event = audit.record(
        officer_a,
        "orgunits.update",
        hanoi.ward_a,
        unit=hanoi.ward_a,
        changes={"name": ["A", "B"]},
        details={"note": "ghi chú"},
    )
    event.refresh_from_db()
    assert event.actor == officer_a
    assert event.verb == "orgunits.update"
    assert event.target_type == ContentType.objects.get_for_model(type(hanoi.ward_a))
    assert event.target_id == str(hanoi.ward_a.pk)
    assert event.target_repr == "Phường Ba Đình"
    assert event.unit == hanoi.ward_a
    assert event.changes == {"name": ["A", "B"]}
    assert event.details == {"note": "ghi chú"}
    assert event.created_at is not None


def test_record_without_target_or_actor(db: None) -> None:
    event = audit.record(AnonymousUser(), "orgunits.load_admin_units")
    event.refresh_from_db()
    assert event.actor is None
    assert (event.target_type, event.target_id, event.target_repr) == (None, "", "")
    assert (event.changes, event.details) == ({}, {})


def test_record_truncates_a_long_target_name(hanoi: Hanoi) -> None:
    ward = hanoi.ward_a
    ward.name = "Đ" * 300  # only str(target) matters; the unit is not saved

    event = audit.record(None, "orgunits.update", ward)

    event.refresh_from_db()
    assert event.target_repr == "Đ" * 255
