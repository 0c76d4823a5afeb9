"""seed_demo refuses a production-looking database unless told --i-know (the full seeding with
--i-know and remove_demo are in tests/test_demo.py, which loads every unit once)."""

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from cchc.accounts.models import User
from cchc.accounts.tests.factories import UserFactory
from cchc.core.models import AuditEvent
from cchc.demo.removal import non_demo_data, seed_refusals
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
