"""The city's settings of the yearly classification (docs/ratings.md, "The year"): the groups
of similar tasks of a unit's people (point 5(a)), an agency's yearly criteria points and the
policy of a month's round. City administrators only, each change through its audited action,
bad input refused whole."""

import datetime
import functools
import re
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.core.models import AuditEvent
from cchc.orgunits.models import OrgUnit
from cchc.plans.actions import close_month
from cchc.plans.models import MonthClose
from cchc.plans.tests.factories import task_in
from cchc.ratings.actions import attach_round_policy, publish_policy
from cchc.ratings.models import (
    AgencyScore,
    Rating,
    RatingPolicy,
    RatingRound,
    Scope,
    StaffGroup,
)
from cchc.ratings.tests.factories import (
    SEPTEMBER,
    complete,
    draft_city_plan,
    issue,
    public_service_september,
    rate,
)
from conftest import Hanoi, client_for

GROUPS = reverse("ratings:staff_groups")
AGENCIES = reverse("ratings:agency_points", args=[2026])


@pytest.fixture
def viewer(hanoi: Hanoi) -> User:
    user = UserFactory(username="viewer")
    MembershipFactory(user=user, unit=hanoi.home_affairs, role=Membership.Role.VIEWER)
    return user


@pytest.fixture
def staff(hanoi: Hanoi) -> list[User]:
    """Three civil servants of Home Affairs (members of the department)."""
    people = []
    for n in range(3):
        person = UserFactory(username=f"cv{n}", full_name=f"Công chức {n}")
        MembershipFactory(user=person, unit=hanoi.home_affairs, role=Membership.Role.VIEWER)
        people.append(person)
    return people


@pytest.fixture
def september_round(hanoi: Hanoi, city_admin: User) -> RatingRound:
    plan = draft_city_plan(hanoi.city, city_admin)
    task = task_in(plan, hanoi.ward_a, city_admin, code="W1", deadline=datetime.date(2026, 9, 15))
    issue(plan, city_admin)
    complete(task, city_admin, datetime.date(2026, 9, 1))
    return rate(SEPTEMBER, city_admin)


def test_settings_pages_are_for_city_administrators_only(
    hanoi: Hanoi, officer_a: User, viewer: User, anonymous: Client, september_round: RatingRound
) -> None:
    urls = [
        f"{GROUPS}?unit={hanoi.ward_a.code}",
        f"{AGENCIES}?unit={hanoi.ward_a.code}",
        reverse("ratings:round_policy", args=[2026, 9]),
    ]
    for url in urls:
        for user in (officer_a, viewer):
            assert client_for(user).get(url).status_code == 403
            assert client_for(user).post(url, {}).status_code == 403
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert not StaffGroup.objects.exists()
    assert not AgencyScore.objects.exists()
    assert not AuditEvent.objects.filter(verb="ratings.choose_policy").exists()


def test_the_year_page_links_the_settings_for_the_city_only(
    hanoi: Hanoi, city_admin: User, officer_a: User, september_round: RatingRound
) -> None:
    url = reverse("ratings:year", args=[2026])
    page = client_for(city_admin).get(url).content.decode()
    assert GROUPS in page
    assert AGENCIES in page
    assert reverse("ratings:round_policy", args=[2026, 9]) in page
    assert GROUPS not in client_for(officer_a).get(url).content.decode()


def test_groups_are_saved_at_once_through_the_action(
    hanoi: Hanoi, city_admin: User, staff: list[User]
) -> None:
    client = client_for(city_admin)
    url = f"{GROUPS}?unit={hanoi.home_affairs.code}"
    page = client.get(url)
    assert page.status_code == 200
    # By name: "Công chức 0…2", then the administrator "Người Dùng …".
    assert [p.username for p in page.context["form"].people] == ["cv0", "cv1", "cv2", "city_admin"]
    StaffGroup.objects.create(unit=hanoi.home_affairs, person=staff[2], name="Pháp chế")
    data = {
        f"p{staff[0].pk}": "Tổ chức cán bộ",
        f"p{staff[1].pk}": " Tổ chức cán bộ ",
        f"p{staff[2].pk}": "",
        f"p{city_admin.pk}": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert dict(
        StaffGroup.objects.filter(unit=hanoi.home_affairs).values_list("person__username", "name")
    ) == {"cv0": "Tổ chức cán bộ", "cv1": "Tổ chức cán bộ"}
    events = AuditEvent.objects.filter(verb="ratings.set_staff_group").order_by("pk")
    # Three changes, three events (the unchanged city administrator writes none).
    assert [(e.details["person"], e.changes["group"]) for e in events] == [
        ("cv0", ["", "Tổ chức cán bộ"]),
        ("cv1", ["", "Tổ chức cán bộ"]),
        ("cv2", ["Pháp chế", ""]),
    ]
    assert all(e.actor == city_admin for e in events)


def test_a_bad_group_is_refused_and_nothing_is_written(
    hanoi: Hanoi, city_admin: User, staff: list[User]
) -> None:
    url = f"{GROUPS}?unit={hanoi.home_affairs.code}"
    data = {f"p{staff[0].pk}": "Pháp chế", f"p{staff[1].pk}": "x" * 101}
    response = client_for(city_admin).post(url, data)
    assert response.status_code == 400
    errors = response.context["form"].errors[f"p{staff[1].pk}"]
    assert "100" in errors[0]
    assert not StaffGroup.objects.exists()
    assert not AuditEvent.objects.filter(verb="ratings.set_staff_group").exists()
    bad_unit = client_for(city_admin).post(f"{GROUPS}?unit=nope", data)
    assert bad_unit.status_code == 400
    assert not StaffGroup.objects.exists()


def test_groups_list_reads_a_constant_number_of_queries(
    hanoi: Hanoi,
    city_admin: User,
    staff: list[User],
    django_assert_max_num_queries: object,
) -> None:
    for n in range(30):
        person = UserFactory(username=f"extra{n}")
        MembershipFactory(user=person, unit=hanoi.home_affairs, role=Membership.Role.VIEWER)
        StaffGroup.objects.create(unit=hanoi.home_affairs, person=person, name=f"Nhóm {n % 3}")
    client = client_for(city_admin)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get(f"{GROUPS}?unit={hanoi.home_affairs.code}")
    assert len(response.context["form"].people) == 34


def test_agency_points_are_given_through_the_action(
    hanoi: Hanoi, city_admin: User, september_round: RatingRound
) -> None:
    client = client_for(city_admin)
    url = f"{AGENCIES}?unit={hanoi.ward_a.code}"
    page = client.get(url)
    assert page.status_code == 200
    criteria = list(september_round.policy.agency_criteria.all())
    assert [c.max_points for c in criteria] == [D(8), D(8), D(7), D(7)]
    data = {f"c{c.pk}": str(c.max_points - 1) for c in criteria}
    assert client.post(url, data).status_code == 302
    assert sum(s.points for s in AgencyScore.objects.filter(unit=hanoi.ward_a, year=2026)) == 26
    event = AuditEvent.objects.get(verb="ratings.assess_agency")
    assert event.changes == {"general_points": [None, "26.00"]}
    assert event.actor == city_admin


def test_agency_points_above_a_maximum_are_refused_whole(
    hanoi: Hanoi, city_admin: User, september_round: RatingRound
) -> None:
    criteria = list(september_round.policy.agency_criteria.all())
    data = {f"c{c.pk}": "5" for c in criteria}
    data[f"c{criteria[0].pk}"] = "9"
    response = client_for(city_admin).post(f"{AGENCIES}?unit={hanoi.ward_a.code}", data)
    assert response.status_code == 400
    assert response.context["form"].errors[f"c{criteria[0].pk}"]
    assert "8" in response.context["form"].errors[f"c{criteria[0].pk}"][0]
    assert not AgencyScore.objects.exists()
    assert not AuditEvent.objects.filter(verb="ratings.assess_agency").exists()


def test_a_round_chooses_the_hanoi_preset_on_its_page(
    hanoi: Hanoi, city_admin: User, september_round: RatingRound
) -> None:
    url = reverse("ratings:round_policy", args=[2026, 9])
    client = client_for(city_admin)
    preset = RatingPolicy.objects.get(is_default=False)
    page = client.get(url)
    assert page.status_code == 200
    assert preset in page.context["form"].fields["policy"].queryset

    blank = client.post(url, {"policy": preset.pk, "reason": "  "})
    assert blank.status_code == 400
    assert blank.context["form"].errors["reason"]
    september_round.refresh_from_db()
    assert september_round.policy.is_default
    assert not AuditEvent.objects.filter(verb="ratings.choose_policy").exists()

    response = client.post(url, {"policy": preset.pk, "reason": "Áp dụng 3814-QĐ/TU"})
    assert response.status_code == 302
    september_round.refresh_from_db()
    assert september_round.policy == preset
    unit = september_round.ratings.get(kind=Rating.Kind.UNIT)
    assert preset.band_label(unit.band) == "B"
    assert AuditEvent.objects.get(verb="ratings.choose_policy").details == {
        "reason": "Áp dụng 3814-QĐ/TU"
    }


def test_a_round_with_an_assessed_rating_keeps_its_policy(
    hanoi: Hanoi, city_admin: User, september_round: RatingRound
) -> None:
    september_round.ratings.update(status=Rating.Status.ASSESSED)
    preset = RatingPolicy.objects.get(is_default=False)
    url = reverse("ratings:round_policy", args=[2026, 9])
    response = client_for(city_admin).post(url, {"policy": preset.pk, "reason": "Thử"})
    assert response.status_code == 400
    refusal = _("Ratings of this round were already assessed: the policy can no longer change.")
    assert refusal in response.context["form"].non_field_errors()
    september_round.refresh_from_db()
    assert september_round.policy.is_default
    assert (
        client_for(city_admin).get(reverse("ratings:round_policy", args=[2026, 2])).status_code
        == 404
    )


# --- the public employees' round (public service units leave Decree 335) ----------------------


def _employees_policy(actor: User, *, default: bool, name: str) -> RatingPolicy:
    return publish_policy(
        actor=actor,
        valid_from=datetime.date(2026, 1, 1),
        name=name,
        criteria=[("1", "Tiêu chí chung", D(30))],
        scope=Scope.PUBLIC_EMPLOYEE,
        is_default=default,
    )


@pytest.fixture
def school(hanoi: Hanoi, city_admin: User) -> OrgUnit:
    """A public service unit with a task done on time in September, and ward A with one too."""
    return public_service_september(hanoi.city, hanoi.ward_a, city_admin)


def _close_september(actor: User) -> None:
    close_month(SEPTEMBER, actor=actor)


def scope_url(scope: str, month: int = 9) -> str:
    return reverse("ratings:round_policy_scope", args=[2026, month, scope])


def test_the_public_employee_round_chooses_among_its_own_policies(
    hanoi: Hanoi, city_admin: User, school: OrgUnit
) -> None:
    default = _employees_policy(city_admin, default=True, name="Quy chế viên chức")
    preset = _employees_policy(city_admin, default=False, name="Quy chế riêng của trung tâm")
    _close_september(city_admin)
    employees = RatingRound.objects.get(month=SEPTEMBER, scope=Scope.PUBLIC_EMPLOYEE)
    decree = RatingRound.objects.get(month=SEPTEMBER, scope=Scope.CIVIL_SERVICE)
    assert employees.policy == default
    client = client_for(city_admin)

    page = client.get(scope_url(Scope.PUBLIC_EMPLOYEE))
    assert page.status_code == 200
    assert page.context["round"] == employees
    # Only the public employees' policies: never Decree 335 nor the Hà Nội preset.
    assert set(page.context["form"].fields["policy"].queryset) == {default, preset}
    content = page.content.decode()
    assert 'data-testid="round-current-policy"' in content
    assert scope_url(Scope.CIVIL_SERVICE) in content  # the tab of the other scope

    decree_policy = decree.policy
    wrong = client.post(
        scope_url(Scope.PUBLIC_EMPLOYEE), {"policy": decree_policy.pk, "reason": "x"}
    )
    assert wrong.status_code == 400
    assert wrong.context["form"].errors["policy"]

    response = client.post(
        scope_url(Scope.PUBLIC_EMPLOYEE), {"policy": preset.pk, "reason": "Quy chế của đơn vị"}
    )
    assert response.status_code == 302
    employees.refresh_from_db()
    decree.refresh_from_db()
    assert employees.policy == preset
    assert decree.policy == decree_policy  # the Decree 335 round is not touched
    assert set(employees.ratings.values_list("unit__code", flat=True)) == {"01-TT"}
    event = AuditEvent.objects.get(verb="ratings.choose_policy")
    assert event.details == {"reason": "Quy chế của đơn vị"}
    assert event.changes == {"policy": [default.pk, preset.pk]}

    year_page = client.get(reverse("ratings:year", args=[2026])).content.decode()
    assert scope_url(Scope.PUBLIC_EMPLOYEE) in year_page
    assert scope_url(Scope.CIVIL_SERVICE) in year_page


def test_the_public_employee_round_has_its_own_page(
    hanoi: Hanoi, city_admin: User, school: OrgUnit
) -> None:
    """The year page's link to the public employees' month opens their round, not the
    civil servants' of the same month."""
    _employees_policy(city_admin, default=True, name="Quy chế viên chức")
    _close_september(city_admin)
    employees = RatingRound.objects.get(month=SEPTEMBER, scope=Scope.PUBLIC_EMPLOYEE)
    decree = RatingRound.objects.get(month=SEPTEMBER, scope=Scope.CIVIL_SERVICE)
    client = client_for(city_admin)

    link = employees.get_absolute_url()
    assert link == reverse("ratings:round", args=[2026, 9]) + "?scope=public_employee"
    assert f'href="{link}"' in client.get(reverse("ratings:year", args=[2026])).content.decode()
    page = client.get(link)
    assert page.context["round"] == employees
    assert {rating.unit.code for rating in page.context["page"]} == {"01-TT"}
    assert 'data-testid="round-scope"' in page.content.decode()
    # Filtering stays on the round: the filter form carries the scope.
    assert '<input type="hidden" name="scope" value="public_employee">' in page.content.decode()
    url = reverse("ratings:round", args=[2026, 9])
    filtered = client.get(url, {"scope": "public_employee", "band": "", "status": ""})
    assert filtered.context["round"] == employees
    civil = client.get(decree.get_absolute_url())
    assert civil.context["round"] == decree
    assert "01-TT" not in {rating.unit.code for rating in civil.context["page"]}
    assert 'data-testid="round-scope"' not in civil.content.decode()


def test_public_service_units_not_rated_are_attached_a_policy_on_the_page(
    hanoi: Hanoi, city_admin: User, school: OrgUnit
) -> None:
    _close_september(city_admin)
    assert not RatingRound.objects.filter(scope=Scope.PUBLIC_EMPLOYEE).exists()
    client = client_for(city_admin)
    url = scope_url(Scope.PUBLIC_EMPLOYEE)

    empty = client.get(url).content.decode()
    assert 'data-testid="round-not-rated"' in empty
    assert 'data-testid="round-no-policy"' in empty  # nothing of theirs published yet
    assert 'data-testid="round-policy-form"' not in empty

    preset = _employees_policy(city_admin, default=False, name="Quy chế riêng của trung tâm")
    page = client.get(url)
    assert 'data-testid="round-policy-form"' in page.content.decode()
    assert list(page.context["form"].fields["policy"].queryset) == [preset]

    blank = client.post(url, {"policy": preset.pk, "reason": " "})
    assert blank.status_code == 400
    assert blank.context["form"].errors["reason"]
    assert not RatingRound.objects.filter(scope=Scope.PUBLIC_EMPLOYEE).exists()
    assert not AuditEvent.objects.filter(verb="ratings.choose_policy").exists()

    response = client.post(url, {"policy": preset.pk, "reason": "Đánh giá viên chức"})
    assert response.status_code == 302
    employees = RatingRound.objects.get(month=SEPTEMBER, scope=Scope.PUBLIC_EMPLOYEE)
    assert employees.policy == preset
    assert set(employees.ratings.values_list("unit__code", flat=True)) == {"01-TT"}
    decree = RatingRound.objects.get(month=SEPTEMBER, scope=Scope.CIVIL_SERVICE)
    assert "01-TT" not in set(decree.ratings.values_list("unit__code", flat=True))
    event = AuditEvent.objects.get(verb="ratings.choose_policy")
    assert event.changes == {"policy": [None, preset.pk]}
    assert event.details == {"reason": "Đánh giá viên chức", "scope": "public_employee"}

    # Closing the month again keeps the attached policy (the round keeps its version).
    from cchc.ratings.actions import generate_round

    generate_round(MonthClose.objects.get(month=SEPTEMBER), actor=city_admin)
    employees.refresh_from_db()
    assert employees.policy == preset
    assert employees.ratings.count() == 1


def test_attaching_a_policy_refuses_what_does_not_apply(
    hanoi: Hanoi, city_admin: User, school: OrgUnit
) -> None:
    _close_september(city_admin)
    close = MonthClose.objects.get(month=SEPTEMBER)
    preset = _employees_policy(city_admin, default=False, name="Quy chế riêng")
    decree_policy = RatingPolicy.objects.in_force(SEPTEMBER)
    later = publish_policy(
        actor=city_admin,
        valid_from=datetime.date(2026, 10, 1),
        name="Quy chế từ tháng 10",
        criteria=[("1", "Tiêu chí chung", D(30))],
        scope=Scope.PUBLIC_EMPLOYEE,
        is_default=False,
    )
    attach = functools.partial(attach_round_policy, close, actor=city_admin)
    with pytest.raises(ValidationError, match="reason"):
        attach(scope=Scope.PUBLIC_EMPLOYEE, policy=preset, reason="")
    not_applying = re.escape(_("This policy does not apply to this round."))
    with pytest.raises(ValidationError, match=not_applying):
        attach(scope=Scope.PUBLIC_EMPLOYEE, policy=decree_policy, reason="Thử")
    with pytest.raises(ValidationError, match=not_applying):
        attach(scope=Scope.PUBLIC_EMPLOYEE, policy=later, reason="Thử")
    existing = _("This month already has a round for them: change its policy.")
    with pytest.raises(ValidationError, match=re.escape(existing)):
        attach(scope=Scope.CIVIL_SERVICE, policy=decree_policy, reason="Thử")
    MonthClose.objects.filter(pk=close.pk).update(is_open=True)
    close.refresh_from_db()
    with pytest.raises(
        ValidationError, match=re.escape(_("The month is reopened: close it again first."))
    ):
        attach_round_policy(
            close, scope=Scope.PUBLIC_EMPLOYEE, actor=city_admin, policy=preset, reason="Thử"
        )
    assert not RatingRound.objects.filter(scope=Scope.PUBLIC_EMPLOYEE).exists()
    assert not AuditEvent.objects.filter(verb="ratings.choose_policy").exists()


def test_the_scope_pages_are_for_city_administrators_and_known_scopes(
    hanoi: Hanoi, city_admin: User, officer_a: User, school: OrgUnit
) -> None:
    _employees_policy(city_admin, default=True, name="Quy chế viên chức")
    _close_september(city_admin)
    employees = RatingRound.objects.get(month=SEPTEMBER, scope=Scope.PUBLIC_EMPLOYEE)
    url = scope_url(Scope.PUBLIC_EMPLOYEE)
    assert client_for(officer_a).get(url).status_code == 403
    assert client_for(officer_a).post(url, {"reason": "x"}).status_code == 403
    client = client_for(city_admin)
    assert client.get(scope_url("everyone")).status_code == 404
    assert client.get(scope_url(Scope.PUBLIC_EMPLOYEE, month=2)).status_code == 404

    employees.ratings.update(status=Rating.Status.ASSESSED)
    preset = _employees_policy(city_admin, default=False, name="Quy chế riêng")
    page = client.get(url).content.decode()
    assert 'data-testid="round-locked"' in page
    response = client.post(url, {"policy": preset.pk, "reason": "Thử"})
    assert response.status_code == 400
    employees.refresh_from_db()
    assert employees.policy.is_default
    assert not AuditEvent.objects.filter(verb="ratings.choose_policy").exists()
