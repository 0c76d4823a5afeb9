import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.db.models import ProtectedError

from cchc.core import audit
from cchc.core.models import AuditEvent
from conftest import Hanoi


@pytest.fixture
def event(hanoi: Hanoi, officer_a: AbstractUser) -> AuditEvent:
    return audit.record(
        officer_a,
        "orgunits.update",
        hanoi.ward_a,
        unit=hanoi.ward_a,
        changes={"name": ["Phường Ba Đình", "Phường Ba Đình Mới"]},
    )


def test_audit_event_save_of_an_existing_row_raises(event: AuditEvent) -> None:
    event.verb = "orgunits.tampered"
    with pytest.raises(TypeError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).verb == "orgunits.update"


def test_audit_event_delete_raises(event: AuditEvent) -> None:
    with pytest.raises(TypeError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_event_queryset_update_raises(event: AuditEvent) -> None:
    with pytest.raises(TypeError):
        AuditEvent.objects.update(verb="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(verb="x")
    assert AuditEvent.objects.get(pk=event.pk).verb == "orgunits.update"


def test_audit_event_queryset_delete_raises(event: AuditEvent) -> None:
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.count() == 1


def test_audit_event_bulk_update_raises(event: AuditEvent) -> None:
    event.verb = "x"
    with pytest.raises(TypeError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["verb"])
    assert AuditEvent.objects.get(pk=event.pk).verb == "orgunits.update"


def test_audit_event_keeps_its_actor_from_being_deleted(
    event: AuditEvent, officer_a: AbstractUser
) -> None:
    with pytest.raises(ProtectedError):
        officer_a.delete()
    assert AuditEvent.objects.get(pk=event.pk).actor == officer_a


def test_audit_event_str_shows_time_verb_and_record(event: AuditEvent) -> None:
    assert str(event) == f"{event.created_at:%Y-%m-%d %H:%M} orgunits.update Phường Ba Đình"


def test_audit_event_ordering_is_newest_first(hanoi: Hanoi) -> None:
    first = audit.record(None, "core.first")
    second = audit.record(None, "core.second")
    assert list(AuditEvent.objects.all()) == [second, first]


def test_audit_event_for_target_matches_type_and_id(hanoi: Hanoi, event: AuditEvent) -> None:
    audit.record(None, "orgunits.update", hanoi.ward_b)
    user = get_user_model().objects.create_user(username="khac")
    # A user whose pk equals the ward's pk must not match: the type is part of the key.
    audit.record(None, "accounts.create_user", user)
    assert list(AuditEvent.objects.for_target(hanoi.ward_a)) == [event]
