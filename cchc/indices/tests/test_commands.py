"""manage.py index_group: the group of a percentage under the latest published framework."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cchc.accounts.models import User
from cchc.indices.actions import create_framework, publish_framework
from cchc.indices.tests.factories import tree


def index_group(*args: str) -> str:
    out = StringIO()
    call_command("index_group", *args, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def published(city_admin: User) -> None:
    framework = create_framework(
        actor=city_admin, year=2026, group="wards", title="Bộ chỉ số 2026", nodes=tree()
    )
    publish_framework(framework, actor=city_admin)


@pytest.mark.usefixtures("published")
@pytest.mark.parametrize(
    ("percent", "group"),
    [("90", "A"), ("89.58", "B"), ("80", "B"), ("79,99", "C"), ("70", "C"), ("69.99", None)],
)
def test_index_group_json(percent: str, group: str | None) -> None:
    assert json.loads(index_group(percent, "--json")) == {
        "percent": float(percent.replace(",", ".")),
        "group": group,
    }


@pytest.mark.usefixtures("published")
def test_index_group_text_and_bad_input() -> None:
    assert index_group("92.57").startswith("92.57%: group A")
    for bad in ("abc", "101", "-1"):
        with pytest.raises(CommandError):
            index_group(bad)


def test_index_group_without_a_published_framework(city_admin: User) -> None:
    create_framework(actor=city_admin, year=2026, group="wards", title="Nháp", nodes=tree())
    with pytest.raises(CommandError, match="No framework has been published"):
        index_group("90")
