"""The procedures demo, built through the actions (the layers keep this test out of the
procedures app): a catalogue with versions, a review, approved plans and workflows."""

import pytest

from cchc.accounts.models import User
from cchc.demo.procedures import seed_procedures
from cchc.procedures.models import Procedure, SimplificationPlan, Workflow

pytestmark = pytest.mark.django_db


def test_demo_procedures_are_seeded_through_the_actions(hanoi, city_admin: User) -> None:
    seed_procedures(city_admin)
    assert Procedure.objects.count() == 8
    assert SimplificationPlan.objects.filter(status="approved").count() == 4
    assert Workflow.objects.filter(status__in=["approved", "published"]).count() == 9
    assert Procedure.objects.filter(version__gt=1).exists()
