import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cchc.accounts.actions import create_api_token, revoke_api_token
from cchc.accounts.models import ApiToken, Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from conftest import Hanoi


def test_user_str_is_the_full_name_or_the_username(db: None) -> None:
    assert str(UserFactory(username="ha", full_name="Hoàng Thu Hà")) == "Hoàng Thu Hà"
    assert str(UserFactory(username="ha2", full_name="")) == "ha2"
    assert UserFactory(username="ha3", full_name="").get_full_name() == "ha3"


def test_user_email_is_unique_ignoring_case(db: None) -> None:
    UserFactory(username="a", email="Ha@Example.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="b", email="ha@example.TEST")


def test_user_blank_emails_do_not_collide(db: None) -> None:
    UserFactory(username="a", email="")
    UserFactory(username="b", email="")
    assert User.objects.filter(email="").count() == 2


def test_is_city_admin_for_city_admin_role_and_superuser(city_admin: User, officer_a: User) -> None:
    assert city_admin.is_city_admin
    assert not officer_a.is_city_admin
    assert UserFactory(is_superuser=True).is_city_admin


def test_is_city_admin_is_false_for_an_inactive_admin(city_admin: User) -> None:
    city_admin.is_active = False
    city_admin.save()
    assert not User.objects.get(pk=city_admin.pk).is_city_admin


def test_membership_is_unique_per_user_unit_and_role(hanoi: Hanoi, officer_a: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(user=officer_a, unit=hanoi.ward_a, role=Membership.Role.FOCAL_POINT)


def test_membership_str_names_user_role_and_unit(hanoi: Hanoi) -> None:
    user = UserFactory(full_name="Hoàng Thu Hà")
    membership = MembershipFactory(user=user, unit=hanoi.ward_a, role=Membership.Role.HEAD)
    assert str(membership) == f"Hoàng Thu Hà · {Membership.Role.HEAD.label} · Phường Ba Đình"


def test_api_token_digest_is_sha256_hex(db: None) -> None:
    assert ApiToken.digest_of("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_api_token_active_excludes_revoked_tokens_and_inactive_users(
    officer_a: User, officer_b: User
) -> None:
    kept, _ = create_api_token(actor=officer_a, name="giữ")
    revoked, _ = create_api_token(actor=officer_a, name="thu hồi")
    revoke_api_token(revoked, actor=officer_a)
    create_api_token(actor=officer_b, name="người nghỉ")
    officer_b.is_active = False
    officer_b.save()

    assert list(ApiToken.objects.active()) == [kept]


def test_api_token_touch_stamps_at_most_once_a_minute(officer_a: User) -> None:
    token, _ = create_api_token(actor=officer_a, name="t")
    token.touch()
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None

    token.touch()
    token.refresh_from_db()
    assert token.last_used_at == first

    token.last_used_at = timezone.now() - datetime.timedelta(minutes=5)
    token.touch()
    token.refresh_from_db()
    assert token.last_used_at > first


def test_unit_roles_are_the_memberships_paths_and_roles_in_their_order(hanoi: Hanoi) -> None:
    user = UserFactory()
    for unit, role in [
        (hanoi.ward_b, Membership.Role.VIEWER),
        (hanoi.ward_a, Membership.Role.HEAD),
        (hanoi.ward_a, Membership.Role.FOCAL_POINT),
        (hanoi.city, Membership.Role.VIEWER),
    ]:
        MembershipFactory(user=user, unit=unit, role=role)
    MembershipFactory(unit=hanoi.home_affairs)  # someone else's

    expected = list(user.memberships.values_list("unit__path", "role"))

    assert User.objects.get(pk=user.pk).unit_roles == expected
    assert len(expected) == 4
    assert UserFactory().unit_roles == []
