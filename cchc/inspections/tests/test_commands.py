import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cchc.accounts.models import Membership
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.core.models import Notification
from cchc.inspections.tests.factories import concluded, started
from cchc.plans.tests.factories import issued_city_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_recs(hanoi, inspector, city_admin):
    issued_city_plan(hanoi.city, city_admin)
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a, hanoi.ward_b])
    past = timezone.localdate() - datetime.timedelta(days=10)
    first = concluded(
        inspection, inspector, [hanoi.ward_a], date=inspection.end_date, deadline=past
    )
    later = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_b], title="Lần 2")
    second = concluded(later, inspector, [hanoi.ward_b], deadline=datetime.date(2026, 12, 31))
    return [first.recommendations.get(), second.recommendations.get()]


def run(*args: str) -> str:
    out = StringIO()
    call_command("recommendations_open", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_text_lists_unit_deadline_and_days_overdue(open_recs):
    output = run()
    first, _second = open_recs
    assert first.reference in output
    assert "Phường Ba Đình" in output
    assert f"{first.deadline:%d/%m/%Y}" in output
    assert "2 open, 1 overdue" in output
    lines = output.splitlines()
    assert lines[1].startswith(first.reference)  # oldest deadline first
    assert lines[1].split()[-1] != "0"


def test_json(open_recs):
    data = json.loads(run("--json"))
    assert data["count"] == 2
    assert data["overdue"] == 1
    first = data["recommendations"][0]
    assert first["unit"] == "00004"
    assert first["days_overdue"] == 10
    assert first["task"] == open_recs[0].reference
    assert data["recommendations"][1]["days_overdue"] == 0


def test_unit_filter_and_unknown_unit(open_recs, hanoi):
    data = json.loads(run("--json", "--unit", "00070"))
    assert [r["unit"] for r in data["recommendations"]] == ["00070"]
    with pytest.raises(CommandError, match="No unit has the code 99999"):
        run("--unit", "99999")


def test_escalate_is_idempotent(open_recs, hanoi):
    head = UserFactory(username="chu_tich")
    MembershipFactory(user=head, unit=hanoi.ward_a, role=Membership.Role.HEAD)
    run("--escalate")
    run("--escalate")
    assert Notification.objects.filter(user=head).count() == 1


def test_nothing_open():
    assert run() == "No open recommendations.\n"
    assert json.loads(run("--json"))["count"] == 0
