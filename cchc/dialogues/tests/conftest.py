"""Fixtures of the dialogues tests: a conference of ward A announced through the action, its
petitions, the city's issued plan of this year (commitments become its tasks), English
messages and a throw-away media folder."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone, translation

from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.dialogues.actions import announce_conference, screen_petition, submit_petition
from cchc.dialogues.models import Audience, Conference, Field, IssueGroup, Petition
from cchc.plans.actions import create_plan, issue_plan
from cchc.plans.models import ContentArea, Plan


@pytest.fixture(autouse=True)
def _english(settings: Any, tmp_path: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


@pytest.fixture
def head_b(hanoi: Any) -> User:
    user = UserFactory(username="head_b")
    MembershipFactory(user=user, unit=hanoi.ward_b, role=Membership.Role.HEAD)
    return user


@pytest.fixture
def viewer_a(hanoi: Any) -> User:
    user = UserFactory(username="viewer_a")
    MembershipFactory(user=user, unit=hanoi.ward_a, role=Membership.Role.VIEWER)
    return user


def announce(unit: Any, actor: User, *, days: int = 7, **extra: Any) -> Conference:
    values: dict[str, Any] = {
        "title": "Hội nghị đối thoại với doanh nghiệp",
        "level": Conference.Level.WARD,
        "host_unit": unit,
        "starts_at": timezone.now() + datetime.timedelta(days=days),
        "audiences": [Audience.CITIZENS, Audience.BUSINESSES],
        "chair_name": "Chủ tịch UBND phường",
        "place": "Hội trường UBND phường",
    }
    values.update(extra)
    return announce_conference(actor=actor, **values)


@pytest.fixture
def conference(hanoi: Any, officer_a: User) -> Conference:
    return announce(hanoi.ward_a, officer_a)


def petition_for(conference: Conference, **extra: Any) -> Petition:
    values: dict[str, Any] = {
        "title": "Chậm cấp giấy chứng nhận",
        "content": "Hồ sơ nộp từ tháng 3 chưa có kết quả.",
        "submitter_type": Petition.SubmitterType.CITIZEN,
    }
    values.update(extra)
    return submit_petition(conference, **values)


@pytest.fixture
def petition(conference: Conference) -> Petition:
    return petition_for(conference)


@pytest.fixture
def land() -> tuple[Field, IssueGroup]:
    return Field.objects.get(code="DD"), IssueGroup.objects.get(code="DD-GCN")


@pytest.fixture
def screened(petition: Petition, officer_a: User, land: tuple[Field, IssueGroup]) -> Petition:
    return screen_petition(petition, actor=officer_a, field=land[0], issue_group=land[1])


@pytest.fixture
def plan(hanoi: Any, city_admin: User) -> Plan:
    year = timezone.localdate().year
    draft = create_plan(actor=city_admin, unit=hanoi.city, year=year, title=f"Kế hoạch {year}")
    return issue_plan(
        draft,
        actor=city_admin,
        document_number="01/KH-UBND",
        document_date=datetime.date(year, 1, 5),
        signer="Chủ tịch UBND Thành phố",
    )


@pytest.fixture
def area() -> ContentArea:
    return ContentArea.objects.get(code="TTHC")
