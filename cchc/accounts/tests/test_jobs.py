import pytest
from django.core import mail

from cchc.accounts.actions import grant_membership, revoke_membership
from cchc.accounts.jobs import notify_role_granted
from cchc.accounts.models import Membership
from cchc.accounts.tests.factories import UserFactory


@pytest.mark.django_db
def test_grant_membership_emails_the_user_after_commit(
    hanoi, city_admin, django_capture_on_commit_callbacks
) -> None:
    user = UserFactory(username="moi", full_name="Nguyễn Văn Mới", email="moi@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        grant_membership(
            actor=city_admin, user=user, unit=hanoi.ward_a, role=Membership.Role.VIEWER
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["moi@example.test"]
    assert "Phường Ba Đình" in message.body
    assert "Nguyễn Văn Mới" in message.body


@pytest.mark.django_db
def test_notify_role_granted_skips_a_removed_membership(hanoi, city_admin) -> None:
    user = UserFactory(email="x@example.test")
    membership = Membership.objects.create(
        user=user, unit=hanoi.ward_a, role=Membership.Role.VIEWER
    )
    membership_id = membership.pk
    revoke_membership(membership, actor=city_admin)
    result = notify_role_granted.enqueue(membership_id)
    assert result.return_value is False
    assert mail.outbox == []
