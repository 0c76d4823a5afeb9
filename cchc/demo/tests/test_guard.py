"""seed_demo refuses a production-looking database unless told --i-know (the full seeding with
--i-know and remove_demo are in tests/test_demo.py, which loads every unit once)."""

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from cchc.accounts.models import User
from cchc.accounts.tests.factories import UserFactory
from cchc.core import audit
from cchc.core.models import AuditEvent
from cchc.demo.removal import SEED_VERB, non_demo_data, seed_refusals
from cchc.orgunits.actions import create_unit
from cchc.orgunits.models import OrgUnit
from conftest import Hanoi


def test_seed_demo_refuses_with_debug_off(db: None, settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match=r"DEBUG is off .* Add --i-know"):
        call_command("seed_demo")
    assert not OrgUnit.objects.exists()
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


def test_seed_demo_refuses_next_to_data_that_is_not_the_demos(hanoi: Hanoi, settings: Any) -> None:
    settings.DEBUG = True
    UserFactory(username="quantri", email="quantri@hanoi.gov.vn")
    with pytest.raises(
        CommandError, match=r"1 account\(s\) that are not demo accounts \(quantri\)"
    ):
        call_command("seed_demo")
    assert non_demo_data() == [
        "1 account(s) that are not demo accounts (quantri)",
        "2 department(s) or public service unit(s) (01-SNV, 01-TTTP)",
    ]
    assert not OrgUnit.objects.filter(is_demo=True).exists()


def test_an_empty_database_in_debug_may_be_seeded(db: None, settings: Any) -> None:
    settings.DEBUG = True
    UserFactory(username="admin", email="admin@demo.cchc.invalid")
    assert seed_refusals() == []


def test_remove_demo_refuses_a_demo_seeded_without_its_record(hanoi: Hanoi) -> None:
    hanoi.home_affairs.is_demo = True
    hanoi.home_affairs.save()
    with pytest.raises(CommandError, match=r"Nothing was deleted\. This demo was seeded before"):
        call_command("remove_demo")
    assert OrgUnit.objects.filter(code="01-SNV").exists()


def test_remove_demo_refuses_when_a_real_unit_sits_under_a_demo_unit(
    hanoi: Hanoi, city_admin: User
) -> None:
    demo = create_unit(
        actor=None,
        code="01-SDEMO",
        name="Sở Mẫu",
        kind=OrgUnit.Kind.DEPARTMENT,
        parent=hanoi.city,
        is_demo=True,
    )
    audit.record(None, SEED_VERB, details={"ranges": {"orgunits.orgunit": [demo.pk, demo.pk]}})
    create_unit(
        actor=city_admin, code="01-SDEMO-P1", name="Phòng thật", kind="department", parent=demo
    )
    with pytest.raises(CommandError, match="sit under demo units: 01-SDEMO-P1"):
        call_command("remove_demo")
    assert OrgUnit.objects.filter(code="01-SDEMO").exists()
    out = io.StringIO()
    call_command("remove_demo", "--dry-run", stdout=out)
    assert "orgunits.orgunit" in out.getvalue()
