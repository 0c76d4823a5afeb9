import datetime
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from cchc.accounts.models import User
from cchc.dialogues.actions import close_petition, route_petition
from cchc.dialogues.models import Conference, Petition
from cchc.dialogues.tests.conftest import petition_for


def _run(*args: str) -> str:
    out = StringIO()
    call_command("petitions_open", *args, stdout=out)
    return out.getvalue()


def test_petitions_open_lists_open_petitions_with_days_overdue(
    hanoi: Any, conference: Conference, screened: Petition, officer_a: User
) -> None:
    closed = petition_for(conference)
    close_petition(closed, actor=officer_a, reason="Trùng")
    route_petition(
        screened,
        actor=officer_a,
        unit=hanoi.ward_b,
        deadline=timezone.localdate() + datetime.timedelta(days=1),
    )
    Petition.objects.filter(pk=screened.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=4)
    )
    rows = json.loads(_run("--json"))
    assert [row["code"] for row in rows] == [screened.code]
    assert rows[0]["days_overdue"] == 4
    assert rows[0]["responsible_unit"] == hanoi.ward_b.name
    text = _run()
    assert screened.code in text
    assert "4 days overdue" in text
    assert "1 open petitions." in text
    assert json.loads(_run("--json", "--overdue"))[0]["code"] == screened.code
    assert json.loads(_run("--json", "--unit", hanoi.ward_b.code))[0]["code"] == screened.code


def test_petitions_open_with_nothing_open(db: None) -> None:
    assert _run() == "No open petition.\n"
    assert json.loads(_run("--json")) == []


def test_petitions_open_with_an_unknown_unit(db: None) -> None:
    with pytest.raises(CommandError, match="No unit has the code 999"):
        _run("--unit", "999")
