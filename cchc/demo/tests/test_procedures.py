"""The procedures demo, built through the actions (the layers keep this test out of the
procedures app): a catalogue with versions, a review, approved plans and workflows."""

import io
import json

import pytest
from django.core.management import call_command

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


def test_demo_2026_meets_the_time_target_and_misses_the_cost_target(hanoi, city_admin: User):
    """Resolution 66/NQ-CP, 2026: 50% of the processing time and of the compliance cost
    against 2024, over the procedures related to production and business."""
    seed_procedures(city_admin)
    out = io.StringIO()
    call_command("procedure_targets", "--year", "2026", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["baseline_year"] == 2024
    assert data["target_pct"] == {"time": 50.0, "cost": 50.0}
    assert data["procedures_in_scope"] == 3
    assert data["time_cut_pct"] == 50.0
    assert data["time_met"] is True
    assert data["cost_cut_pct"] == 22.86
    assert data["cost_met"] is False
    # The practising certificate (no plan) falls furthest short, then the building permit.
    assert [p["code"] for p in data["lagging"]] == ["1.002701", "1.009972"]


def test_demo_volumes_are_a_wards_and_say_they_are_illustrative(hanoi, city_admin: User) -> None:
    """A ward of about 80,000 people registers some 1,200 births a year, not 95,000: the
    saving follows (16 hours × 40,000 VND × 1,200), and the plan says the volume is
    illustrative."""
    seed_procedures(city_admin)
    births = SimplificationPlan.objects.get(procedure__code="1.001193")
    assert births.subjects_per_year == 1_200
    assert births.saving == 768_000_000
    assert "minh họa" in births.notes
    assert "80.000 dân" in births.notes
