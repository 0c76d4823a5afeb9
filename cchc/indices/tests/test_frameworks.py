"""Frameworks as data: the tree checks, creation all or nothing, publication, the copy."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.indices.actions import (
    Node,
    check_tree,
    copy_framework,
    create_framework,
    nodes_of,
    publish_framework,
)
from cchc.indices.models import Criterion, Framework, TargetGroup
from cchc.indices.tests.factories import tree

D = Decimal
SURVEY = Criterion.Method.SURVEY


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def check(nodes: list[Node]) -> list[str]:
    return check_tree(nodes, appraisal_max=D(70), survey_max=D(30))


def test_a_valid_tree_has_no_errors() -> None:
    assert check(tree()) == []


def test_check_tree_names_every_broken_rule() -> None:
    nodes = tree()
    nodes[2] = Node("1.1", "Trùng mã", D(15), "1")  # duplicate code
    nodes.append(Node("5.1", "Mồ côi", D(1), "5"))  # parent missing
    nodes.append(Node("2.2", "Âm ngoài điểm trừ", D(0), "2", min_points=D(-1)))

    assert check(nodes) == [
        "1.1: the code is used twice.",
        "5.1: its parent 5 is not in the framework.",
        "2.2: points below zero are allowed only in a bonus or penalty node.",
    ]


def test_children_must_fit_in_their_parent() -> None:
    nodes = tree()
    nodes[2] = Node("1.2", "Kiểm tra CCHC", D(16), "1")

    assert check(nodes) == ["1: its children add up to 31 points, more than its 30."]


def test_leaves_must_add_up_to_the_split() -> None:
    nodes = [n for n in tree() if n.code != "3.2"]

    assert check(nodes) == ["The survey criteria add up to 15 points, not 30."]


def test_a_loop_of_parents_is_refused() -> None:
    nodes = [Node("A", "A", D(70), "B"), Node("B", "B", D(70), "A")]

    assert "A: its parents form a loop." in check(nodes)


def test_create_framework_stores_the_tree_and_audits(city_admin: User) -> None:
    framework = create_framework(
        actor=city_admin,
        year=2026,
        group=TargetGroup.WARDS,
        title="Bộ chỉ số CCHC cấp xã năm 2026",
        nodes=tree(),
        is_illustrative=True,
    )

    assert nodes_of(framework) == tree()
    criterion = framework.criteria.get(code="1.1")
    assert (criterion.parent.code, criterion.evidence_required) == ("1", True)
    event = AuditEvent.objects.get(verb="indices.create_framework")
    assert event.details == {"year": 2026, "group": "wards", "criteria": 9}


def test_create_framework_with_a_broken_tree_writes_nothing(city_admin: User) -> None:
    nodes = [n for n in tree() if n.code != "1.2"]

    with pytest.raises(ValidationError) as refused:
        create_framework(actor=city_admin, year=2026, group="wards", title="Thiếu", nodes=nodes)

    assert refused.value.messages == ["The appraised criteria add up to 55 points, not 70."]
    assert not Framework.objects.exists()
    assert not Criterion.objects.exists()


def test_publish_freezes_and_copy_starts_next_year(city_admin: User) -> None:
    framework = create_framework(
        actor=city_admin, year=2026, group="wards", title="Bộ chỉ số năm 2026", nodes=tree()
    )

    publish_framework(framework, actor=city_admin)

    framework.refresh_from_db()
    assert framework.is_published
    assert framework.published_by == city_admin
    with pytest.raises(ValidationError, match="already published"):
        publish_framework(framework, actor=city_admin)
    copy = copy_framework(framework, actor=city_admin, year=2027)
    assert (copy.title, copy.status, copy.copied_from) == ("Bộ chỉ số năm 2027", "draft", framework)
    assert nodes_of(copy) == tree()
    with pytest.raises(ValidationError, match="already has a framework"):
        copy_framework(framework, actor=city_admin, year=2027)


@pytest.mark.parametrize(
    ("percent", "group"),
    [
        ("100", "A"),
        ("90", "A"),
        ("89.99", "B"),
        ("80", "B"),
        ("79.99", "C"),
        ("70", "C"),
        ("69.99", None),
    ],
)
def test_group_of_an_index_percent(percent: str, group: str | None) -> None:
    assert Framework(year=2026, group="wards").group_of(D(percent)) == group
