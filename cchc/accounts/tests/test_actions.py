import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError

from cchc.accounts.actions import (
    change_password,
    create_api_token,
    create_user,
    grant_membership,
    revoke_api_token,
    revoke_membership,
)
from cchc.accounts.models import ApiToken, HeadTerm, Membership, User
from cchc.accounts.tests.factories import UserFactory
from cchc.core.models import AuditEvent
from cchc.orgunits.models import OrgUnit
from conftest import Hanoi

STRONG = "Mật-khẩu-rất-mạnh-2026"


def test_create_user_creates_an_active_user_and_audits(city_admin: User) -> None:
    user = create_user(
        actor=city_admin,
        username="badinh.canbo",
        password=STRONG,
        full_name="Hoàng Thu Hà",
        email="ha@example.test",
    )

    user.refresh_from_db()
    assert user.is_active
    assert (user.username, user.full_name, user.email) == (
        "badinh.canbo",
        "Hoàng Thu Hà",
        "ha@example.test",
    )
    assert user.check_password(STRONG)
    event = AuditEvent.objects.get(verb="accounts.create_user")
    assert (event.actor, event.target_id, event.target_repr) == (
        city_admin,
        str(user.pk),
        "Hoàng Thu Hà",
    )
    assert event.details == {"username": "badinh.canbo"}


def test_create_user_without_actor_records_a_system_event(db: None) -> None:
    create_user(actor=None, username="he-thong", password=STRONG)
    assert AuditEvent.objects.get(verb="accounts.create_user").actor is None


def test_create_user_with_a_taken_username_is_refused(officer_a: User) -> None:
    count = User.objects.count()
    with pytest.raises(ValidationError, match="OFFICER_A"):
        create_user(actor=None, username="OFFICER_A", password=STRONG)
    assert User.objects.count() == count
    assert not AuditEvent.objects.exists()


def test_create_user_with_a_taken_email_is_refused(officer_a: User) -> None:
    count = User.objects.count()
    with pytest.raises(ValidationError):
        create_user(actor=None, username="khac", password=STRONG, email="OFFICER_A@example.test")
    assert User.objects.count() == count
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("weak", ["short", "12345678901", "password123", "nguyenvana"])
def test_create_user_with_a_weak_password_is_refused(db: None, weak: str) -> None:
    with pytest.raises(ValidationError):
        create_user(actor=None, username="nguyenvana", password=weak, full_name="Nguyễn Văn A")
    assert not User.objects.filter(username="nguyenvana").exists()
    assert not AuditEvent.objects.exists()


def test_create_user_allows_several_users_without_email(db: None) -> None:
    create_user(actor=None, username="mot", password=STRONG)
    create_user(actor=None, username="hai", password=STRONG)
    assert list(User.objects.filter(email="").values_list("username", flat=True)) == [
        "mot",
        "hai",
    ]


def test_grant_membership_creates_the_role_and_audits(hanoi: Hanoi, city_admin: User) -> None:
    user = UserFactory(username="moi")

    membership = grant_membership(
        actor=city_admin,
        user=user,
        unit=hanoi.ward_b,
        role=Membership.Role.HEAD,
        started_on=datetime.date(2026, 3, 2),
    )

    assert list(user.memberships.values_list("unit__code", "role")) == [("00070", "head")]
    event = AuditEvent.objects.get(verb="accounts.grant_membership")
    assert event.actor == city_admin
    assert event.unit == hanoi.ward_b
    assert event.target_id == str(membership.pk)
    assert event.details == {"user": "moi", "role": "head", "started_on": "2026-03-02"}
    assert list(HeadTerm.objects.values_list("user", "unit", "started_on", "ended_on")) == [
        (user.pk, hanoi.ward_b.pk, datetime.date(2026, 3, 2), None)
    ]


def test_revoking_the_head_role_closes_the_head_term(hanoi: Hanoi, city_admin: User) -> None:
    user = UserFactory(username="moi")
    membership = grant_membership(
        actor=city_admin,
        user=user,
        unit=hanoi.ward_b,
        role=Membership.Role.HEAD,
        started_on=datetime.date(2026, 3, 2),
    )

    revoke_membership(membership, actor=city_admin, ended_on=datetime.date(2026, 5, 14))

    term = HeadTerm.objects.get()
    assert (term.started_on, term.ended_on) == (
        datetime.date(2026, 3, 2),
        datetime.date(2026, 5, 14),
    )
    assert not user.memberships.exists()


def test_grant_membership_refuses_a_head_term_starting_in_the_future(
    hanoi: Hanoi, city_admin: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        grant_membership(
            actor=city_admin,
            user=UserFactory(),
            unit=hanoi.ward_b,
            role=Membership.Role.HEAD,
            started_on=datetime.date.today() + datetime.timedelta(days=2),
        )
    assert list(refused.value.message_dict) == ["started_on"]
    assert not HeadTerm.objects.exists()
    assert not Membership.objects.filter(unit=hanoi.ward_b).exists()


def test_grant_membership_twice_is_refused(hanoi: Hanoi, city_admin: User, officer_a: User) -> None:
    with pytest.raises(ValidationError):
        grant_membership(
            actor=city_admin, user=officer_a, unit=hanoi.ward_a, role=Membership.Role.FOCAL_POINT
        )
    assert officer_a.memberships.count() == 1
    assert not AuditEvent.objects.filter(verb="accounts.grant_membership").exists()


def test_grant_membership_of_another_role_in_the_same_unit_is_allowed(
    hanoi: Hanoi, city_admin: User, officer_a: User
) -> None:
    grant_membership(actor=city_admin, user=officer_a, unit=hanoi.ward_a, role="head")
    assert set(officer_a.memberships.values_list("role", flat=True)) == {"focal_point", "head"}


def test_revoke_membership_deletes_it_and_audits(
    hanoi: Hanoi, city_admin: User, officer_a: User
) -> None:
    membership = officer_a.memberships.get()
    pk = membership.pk

    revoke_membership(membership, actor=city_admin)

    assert not Membership.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(verb="accounts.revoke_membership")
    assert event.actor == city_admin
    assert event.unit == hanoi.ward_a
    assert event.target_id == str(pk)
    assert event.details == {"user": "officer_a", "role": "focal_point"}
    assert list(OrgUnit.objects.visible_to(User.objects.get(pk=officer_a.pk))) == []


def test_change_password_sets_it_and_audits(officer_a: User) -> None:
    change_password(officer_a, actor=officer_a, new_password=STRONG)

    officer_a.refresh_from_db()
    assert officer_a.check_password(STRONG)
    event = AuditEvent.objects.get(verb="accounts.change_password")
    assert (event.actor, event.target_id) == (officer_a, str(officer_a.pk))
    assert STRONG not in str(event.details) + str(event.changes)


def test_create_api_token_returns_the_key_and_stores_its_digest(officer_a: User) -> None:
    token, key = create_api_token(actor=officer_a, name="  Báo cáo  ")

    token.refresh_from_db()
    assert token.user == officer_a
    assert token.name == "Báo cáo"
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[: ApiToken.PREFIX_LENGTH]
    assert token.revoked_at is None
    event = AuditEvent.objects.get(verb="accounts.create_api_token")
    assert (event.actor, event.target_id, event.details) == (
        officer_a,
        str(token.pk),
        {"name": "Báo cáo"},
    )


def test_create_api_token_keys_are_unique(officer_a: User) -> None:
    keys = {create_api_token(actor=officer_a, name=f"t{i}")[1] for i in range(5)}
    assert len(keys) == 5


def test_create_api_token_without_a_name_is_refused(officer_a: User) -> None:
    with pytest.raises(ValidationError):
        create_api_token(actor=officer_a, name="  ")
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.exists()


def test_revoke_api_token_sets_revoked_at_and_audits(officer_a: User) -> None:
    token, _key = create_api_token(actor=officer_a, name="Tạm")

    revoke_api_token(token, actor=officer_a)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not token.is_active
    assert not ApiToken.objects.active().exists()
    event = AuditEvent.objects.get(verb="accounts.revoke_api_token")
    assert (event.actor, event.target_id, event.details) == (
        officer_a,
        str(token.pk),
        {"name": "Tạm"},
    )


def test_revoke_api_token_twice_is_refused(officer_a: User) -> None:
    token, _key = create_api_token(actor=officer_a, name="Tạm")
    revoke_api_token(token, actor=officer_a)
    revoked_at = ApiToken.objects.get(pk=token.pk).revoked_at

    with pytest.raises(ValidationError):
        revoke_api_token(ApiToken.objects.get(pk=token.pk), actor=officer_a)

    assert ApiToken.objects.get(pk=token.pk).revoked_at == revoked_at
    assert AuditEvent.objects.filter(verb="accounts.revoke_api_token").count() == 1
