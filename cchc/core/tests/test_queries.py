from django.contrib.auth.models import AbstractUser

from cchc.core import audit
from cchc.core.queries import filter_audit_events
from conftest import Hanoi


def test_filter_audit_events_by_unit_includes_its_subtree(hanoi: Hanoi) -> None:
    audit.record(None, "a.city", unit=hanoi.city)
    audit.record(None, "a.ward_a", unit=hanoi.ward_a)
    audit.record(None, "a.ward_b", unit=hanoi.ward_b)
    audit.record(None, "a.none")

    assert [e.verb for e in filter_audit_events(unit=hanoi.ward_a)] == ["a.ward_a"]
    assert [e.verb for e in filter_audit_events(unit=hanoi.city)] == [
        "a.ward_b",
        "a.ward_a",
        "a.city",
    ]


def test_filter_audit_events_combines_filters(hanoi: Hanoi, officer_a: AbstractUser) -> None:
    audit.record(officer_a, "orgunits.update", hanoi.ward_a)
    audit.record(officer_a, "accounts.change_password", officer_a)
    audit.record(None, "orgunits.update", hanoi.ward_b)

    events = filter_audit_events(verb="orgunits", actor="OFFICER_A", text="Ba Đình")
    assert [(e.verb, e.target_repr) for e in events] == [("orgunits.update", "Phường Ba Đình")]


def test_filter_audit_events_text_ignores_the_case_of_vietnamese_letters(hanoi: Hanoi) -> None:
    # People type lower case: "đình" must find "Đình" on every database (SQLite too).
    audit.record(None, "orgunits.update", hanoi.ward_a)
    assert [e.target_repr for e in filter_audit_events(text="phường ba đình")] == ["Phường Ba Đình"]


def test_filter_audit_events_actor_ignores_the_case_of_vietnamese_letters(
    hanoi: Hanoi, officer_a: AbstractUser
) -> None:
    officer_a.full_name = "Đỗ Thanh Kiếm"
    officer_a.save()
    audit.record(officer_a, "orgunits.update", hanoi.ward_a)
    assert [e.verb for e in filter_audit_events(actor="đỗ thanh")] == ["orgunits.update"]


def test_filter_audit_events_without_filters_lists_everything_newest_first(db: None) -> None:
    first = audit.record(None, "x.first")
    second = audit.record(None, "x.second")
    assert list(filter_audit_events()) == [second, first]
