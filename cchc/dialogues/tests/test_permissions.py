"""Who may do what, per persona: the host unit's managers screen and route, the routed unit's
managers answer, viewers and other units only read or see nothing."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from cchc.accounts.models import User
from cchc.dialogues.actions import route_petition
from cchc.dialogues.permissions import (
    can_answer_petition,
    can_manage_conference,
    can_screen_petition,
    get_conference_for_user,
    get_petition_for_user,
    manageable_units,
)


def test_city_admin_may_do_everything(
    conference: Any, screened: Any, city_admin: User, hanoi: Any
) -> None:
    assert can_manage_conference(city_admin, conference)
    assert can_screen_petition(city_admin, screened)
    assert set(manageable_units(city_admin)) >= {hanoi.ward_a, hanoi.ward_b}


def test_host_unit_screens_other_unit_sees_nothing_until_routed(
    conference: Any, screened: Any, officer_a: User, officer_b: User, hanoi: Any
) -> None:
    assert can_screen_petition(officer_a, screened)
    with pytest.raises(Http404):
        get_petition_for_user(officer_b, screened.pk)
    with pytest.raises(Http404):
        get_conference_for_user(officer_b, conference.pk)
    route_petition(
        screened,
        actor=officer_a,
        unit=hanoi.ward_b,
        deadline=timezone.localdate() + datetime.timedelta(days=3),
    )
    assert get_petition_for_user(officer_b, screened.pk, answer=True) == screened
    assert can_answer_petition(officer_a, screened)  # the host may record the answer too
    with pytest.raises(PermissionDenied):
        get_petition_for_user(officer_b, screened.pk, screen=True)
    assert get_conference_for_user(officer_b, conference.pk) == conference
    with pytest.raises(PermissionDenied):
        get_conference_for_user(officer_b, conference.pk, manage=True)


def test_viewer_and_inspector_only_read(
    conference: Any, petition: Any, viewer_a: User, inspector: User
) -> None:
    assert get_petition_for_user(viewer_a, petition.pk) == petition
    with pytest.raises(PermissionDenied):
        get_petition_for_user(viewer_a, petition.pk, screen=True)
    assert not manageable_units(viewer_a).exists()
    with pytest.raises(Http404):
        get_petition_for_user(inspector, petition.pk)


def test_answering_needs_a_routed_petition(screened: Any, officer_a: User) -> None:
    assert not can_answer_petition(officer_a, screened)
    with pytest.raises(PermissionDenied):
        get_petition_for_user(officer_a, screened.pk, answer=True)
