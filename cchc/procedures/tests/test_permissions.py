"""Who sees and changes what, per persona."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from cchc.procedures.models import Procedure
from cchc.procedures.permissions import (
    acts_for,
    campaigns_for_user,
    can_edit_workflow,
    can_review_in,
    get_procedure_for_user,
    get_workflow_for_user,
    plans_for_user,
    units_acted_for,
)
from cchc.procedures.tests.factories import campaign_over, plan_for, procedure_of, workflow_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(hanoi, city_admin, officer_a):
    birth = procedure_of(city_admin, hanoi.ward_a)
    return {
        "birth": birth,
        "campaign": campaign_over(city_admin, [birth], [hanoi.ward_a]),
        "plan": plan_for(officer_a, birth, hanoi.ward_a),
        "workflow": workflow_for(officer_a, birth, hanoi.ward_a),
    }


def test_city_admin_sees_and_manages_everything(setup, hanoi, city_admin):
    assert list(Procedure.objects.for_user(city_admin)) == [setup["birth"]]
    assert acts_for(city_admin, hanoi.ward_b)
    assert can_edit_workflow(city_admin, setup["workflow"])
    assert can_review_in(city_admin, setup["campaign"])
    assert set(units_acted_for(city_admin)) >= {hanoi.ward_a, hanoi.ward_b}


def test_implementing_unit_sees_and_edits_its_own(setup, hanoi, officer_a):
    assert get_procedure_for_user(officer_a, setup["birth"].pk) == setup["birth"]
    assert list(campaigns_for_user(officer_a)) == [setup["campaign"]]
    assert list(plans_for_user(officer_a)) == [setup["plan"]]
    assert get_workflow_for_user(officer_a, setup["workflow"].pk, write=True)
    assert can_edit_workflow(officer_a, setup["workflow"])
    assert can_review_in(officer_a, setup["campaign"])
    assert list(units_acted_for(officer_a)) == [hanoi.ward_a]


def test_officer_of_another_unit_sees_nothing_and_edits_nothing(setup, officer_b):
    with pytest.raises(Http404):
        get_procedure_for_user(officer_b, setup["birth"].pk)
    with pytest.raises(Http404):
        get_workflow_for_user(officer_b, setup["workflow"].pk)
    assert not campaigns_for_user(officer_b).exists()
    assert not plans_for_user(officer_b).exists()
    assert not can_edit_workflow(officer_b, setup["workflow"])
    assert not can_review_in(officer_b, setup["campaign"])


def test_inspector_role_does_not_act_for_units(setup, hanoi, inspector):
    assert not acts_for(inspector, hanoi.inspectorate)
    assert not Procedure.objects.for_user(inspector).exists()


def test_anonymous_sees_nothing(setup):
    assert not Procedure.objects.for_user(AnonymousUser()).exists()
    assert not acts_for(AnonymousUser(), setup["birth"].units.get())
