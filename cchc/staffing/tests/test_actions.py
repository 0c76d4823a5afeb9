"""Recording headcount and changing the policy: the rules, the audit events, the refusals."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.orgunits.models import OrgUnit
from cchc.staffing.actions import HeadcountInput, record_headcount, update_policy
from cchc.staffing.models import Headcount, StaffingPolicy
from cchc.staffing.tests.factories import legacy_ward, record
from conftest import Hanoi

pytestmark = pytest.mark.django_db


def test_record_headcount_creates_then_replaces_with_audit(hanoi: Hanoi, officer_a: User):
    created = record_headcount(
        hanoi.ward_a,
        actor=officer_a,
        year=2025,
        figures=HeadcountInput(40, 12, civil_actual=38),
        version=0,
    )
    assert (created.civil_assigned, created.civil_actual, created.public_assigned) == (40, 38, 12)
    assert created.public_actual is None
    assert created.version == 1
    replaced = record_headcount(
        hanoi.ward_a, actor=officer_a, year=2025, figures=HeadcountInput(39, 12), version=1
    )
    assert replaced.pk == created.pk
    assert replaced.version == 2
    events = list(AuditEvent.objects.filter(verb="staffing.record").order_by("pk"))
    assert len(events) == 2
    assert events[0].changes["civil_assigned"] == [None, 40]
    assert events[1].changes == {"civil_assigned": [40, 39], "civil_actual": [38, None]}
    assert events[1].unit_id == hanoi.ward_a.pk
    assert events[1].details == {"year": 2025}


def test_negative_figures_are_refused_by_name_and_nothing_is_written(hanoi: Hanoi, officer_a: User):
    with pytest.raises(ValidationError) as error:
        record_headcount(
            hanoi.ward_a,
            actor=officer_a,
            year=2025,
            figures=HeadcountInput(-1, 5, public_actual=-3),
            version=0,
        )
    assert error.value.message_dict == {
        "civil_assigned": ["Civil-servant posts assigned cannot be negative."],
        "public_actual": ["Public employees in post cannot be negative."],
    }
    assert not Headcount.objects.exists()
    assert not AuditEvent.objects.filter(verb="staffing.record").exists()


def test_the_database_refuses_negative_posts_too(hanoi: Hanoi):
    with pytest.raises(IntegrityError), transaction.atomic():
        Headcount.objects.create(unit=hanoi.ward_a, year=2025, civil_assigned=-5)


def test_constraint_messages_are_clean(hanoi: Hanoi):
    with pytest.raises(ValidationError) as error:
        Headcount(unit=hanoi.ward_a, year=2025, civil_assigned=-5).full_clean()
    assert "Posts and staff cannot be negative." in error.value.messages


def test_concurrent_edit_is_refused_not_overwritten(hanoi: Hanoi, officer_a: User, city_admin):
    record(hanoi.ward_a, 2025, 40, 10, actor=city_admin)  # appeared after officer opened the form
    with pytest.raises(ValidationError) as error:
        record_headcount(
            hanoi.ward_a, actor=officer_a, year=2025, figures=HeadcountInput(30, 10), version=0
        )
    assert (
        "Someone else has changed the figures of Phường Ba Đình for 2025" in error.value.messages[0]
    )
    record(hanoi.ward_a, 2025, 41, 10, actor=city_admin)  # version 2 now
    with pytest.raises(ValidationError):
        record_headcount(
            hanoi.ward_a, actor=officer_a, year=2025, figures=HeadcountInput(30, 10), version=1
        )
    assert Headcount.objects.get(unit=hanoi.ward_a, year=2025).civil_assigned == 41


def test_year_out_of_range_is_refused(hanoi: Hanoi, officer_a: User):
    with pytest.raises(ValidationError) as error:
        record_headcount(
            hanoi.ward_a, actor=officer_a, year=1999, figures=HeadcountInput(1, 1), version=0
        )
    assert "year" in error.value.message_dict


@pytest.mark.parametrize("persona", ["officer_b", "inspector"])
def test_others_may_not_record_a_ward(hanoi: Hanoi, persona: str, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(ValidationError) as error:
        record_headcount(
            hanoi.ward_a, actor=user, year=2025, figures=HeadcountInput(1, 1), version=0
        )
    assert error.value.messages == ["You may not record the headcount of Phường Ba Đình."]


def test_only_city_admins_record_ended_units(hanoi: Hanoi, officer_a: User, city_admin: User):
    old = legacy_ward("00001", "Phường Phúc Xá (cũ)", successors=[hanoi.ward_a])
    with pytest.raises(ValidationError):
        record_headcount(old, actor=officer_a, year=2015, figures=HeadcountInput(1, 1), version=0)
    assert record(old, 2015, 30, 0, actor=city_admin).unit == old


def test_update_policy_audited_and_checked(city_admin: User, officer_a: User):
    policy = StaffingPolicy.current()
    assert (policy.baseline_year, policy.target_percent) == (2015, Decimal("10.00"))
    updated = update_policy(
        policy,
        actor=city_admin,
        baseline_year=2016,
        target_percent=Decimal("12.5"),
        version=policy.version,
    )
    assert (updated.baseline_year, updated.target_percent, updated.version) == (
        2016,
        Decimal("12.5"),
        2,
    )
    event = AuditEvent.objects.get(verb="staffing.update_policy")
    assert event.changes == {"baseline_year": [2015, 2016], "target_percent": ["10.00", "12.5"]}
    with pytest.raises(ValidationError, match="Someone else has changed the policy"):
        update_policy(
            policy, actor=city_admin, baseline_year=2015, target_percent=Decimal(10), version=1
        )
    with pytest.raises(ValidationError) as error:
        update_policy(
            updated, actor=city_admin, baseline_year=2015, target_percent=Decimal(0), version=2
        )
    assert "target_percent" in error.value.message_dict
    with pytest.raises(ValidationError, match="Only city administrators"):
        update_policy(
            updated, actor=officer_a, baseline_year=2015, target_percent=Decimal(10), version=2
        )
    assert StaffingPolicy.current().baseline_year == 2016


def test_policy_exists_from_the_migration():
    assert StaffingPolicy.objects.filter(pk=1, baseline_year=2015).exists()
    assert OrgUnit.objects.count() == 0
