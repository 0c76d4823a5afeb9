"""Unit pickers offer the home province's units with a search box, not the country's: every page
with a unit picker stays under 150 KB of HTML next to a 3,000-ward province (issue #17, item 3)."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cchc.accounts.models import User
from cchc.dialogues.actions import announce_conference, screen_petition, submit_petition
from cchc.dialogues.models import Audience, Conference, Field, IssueGroup, Petition
from cchc.indices.actions import create_framework, publish_framework
from cchc.indices.tests.factories import tree
from cchc.orgunits.models import OrgUnit
from cchc.plans.actions import create_plan
from cchc.plans.tests.factories import task_in

LIMIT = 150 * 1024


def _another_province(wards: int) -> None:
    """A second province with `wards` wards, written set-wise (paths given, as save() would)."""
    province = OrgUnit.objects.create(
        code="79", kind=OrgUnit.Kind.PROVINCE, name="Thành phố Hồ Chí Minh"
    )
    OrgUnit.objects.bulk_create(
        OrgUnit(
            code=f"9{n:04d}",
            kind=OrgUnit.Kind.WARD,
            name=f"Phường Xa Xôi {n}",
            search_name=f"phuong xa xoi {n}",
            parent=province,
            path=f"{province.path}9{n:04d}/",
            depth=1,
        )
        for n in range(wards)
    )


def _task_form(hanoi: Any, admin: User) -> str:
    plan = create_plan(actor=admin, unit=hanoi.city, year=2026, title="Kế hoạch CCHC 2026")
    return f"/plans/{plan.pk}/tasks/new/"


def _assign_form(hanoi: Any, admin: User) -> str:
    plan = create_plan(actor=admin, unit=hanoi.city, year=2026, title="Kế hoạch CCHC 2026")
    return f"/plans/tasks/{task_in(plan, hanoi.city, admin).pk}/assign/"


def _round_open(hanoi: Any, admin: User) -> str:
    framework = create_framework(
        actor=admin, year=2026, group="wards", title="Bộ chỉ số 2026", nodes=tree()
    )
    return f"/indices/rounds/open/?framework={publish_framework(framework, actor=admin).pk}"


def _petition(hanoi: Any, admin: User) -> str:
    conference = announce_conference(
        actor=admin,
        title="Hội nghị đối thoại",
        level=Conference.Level.WARD,
        host_unit=hanoi.ward_a,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        audiences=[Audience.CITIZENS],
        chair_name="Chủ tịch UBND phường",
        place="Hội trường UBND phường",
    )
    petition = submit_petition(
        conference,
        title="Chậm cấp giấy chứng nhận",
        content="Hồ sơ nộp từ tháng 3 chưa có kết quả.",
        submitter_type=Petition.SubmitterType.CITIZEN,
    )
    field = Field.objects.get(code="DD")
    group = IssueGroup.objects.get(code="DD-GCN")
    screen_petition(petition, actor=admin, field=field, issue_group=group)
    return f"/dialogues/petitions/{petition.pk}/"


def _fixed(url: str) -> Callable[[Any, User], str]:
    return lambda _hanoi, _admin: url


PAGES = {
    "procedures filter": _fixed("/procedures/"),
    "procedure review campaigns": _fixed("/procedures/campaigns/"),
    "new inspection": _fixed("/inspections/new/"),
    "new plan": _fixed("/plans/new/"),
    "new task": _task_form,
    "bulk assignment": _assign_form,
    "new conference": _fixed("/dialogues/conferences/new/"),
    "new petition": _fixed("/dialogues/petitions/new/"),
    "petition routing": _petition,
    "discipline": _fixed("/ratings/discipline/"),
    "staff groups": _fixed("/ratings/groups/"),
    "index round opening": _round_open,
    "periodic reports": _fixed("/periodic/"),
    "data requests": _fixed("/privacy/requests/new/"),
}


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_pickers_offer_the_home_province_only(
    page: Callable[[Any, User], str],
    hanoi: Any,
    city_admin: User,
    officer_a: User,
    login: Callable[[User], Client],
) -> None:
    _another_province(3_000)
    url = page(hanoi, city_admin)
    response = login(city_admin).get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert len(response.content) < LIMIT, (url, len(response.content))
    assert "Phường Xa Xôi" not in html, url
    assert "Phường Ba Đình" in html, url
    assert "data-searchable=" in html or 'type="checkbox"' in html, url
