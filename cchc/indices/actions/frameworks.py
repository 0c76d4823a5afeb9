"""Every change to index frameworks: create one from its tree (the annex's rows), publish it
(which freezes it), copy it to the next year."""

import dataclasses
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.models import User
from cchc.core import audit
from cchc.indices.models import Criterion, Framework

ZERO = Decimal(0)


@dataclasses.dataclass(frozen=True)
class Node:
    """One row of a framework's annex: a criterion and the code of its parent ("" for a root)."""

    code: str
    title: str
    max_points: Decimal
    parent_code: str = ""
    min_points: Decimal = ZERO
    method: str = Criterion.Method.MANUAL
    is_bonus_penalty: bool = False
    evidence_required: bool = False
    guidance: str = ""


def check_tree(nodes: list[Node], *, appraisal_max: Decimal, survey_max: Decimal) -> list[str]:
    """Every reason `nodes` is not a valid framework tree, each starting with the code it is
    about ("code: …") or about the whole tree (the totals): codes unique,
    parents that exist and no cycle, maximum ≥ minimum, points below zero only in a bonus or
    penalty node, children within their parent's maximum, and the leaves adding up to the
    appraisal maximum (survey leaves to the survey maximum; bonus and penalty apart). Pure."""
    errors: list[str] = []
    by_code: dict[str, Node] = {}
    for node in nodes:
        if node.code in by_code:
            errors.append(_("%(code)s: the code is used twice.") % {"code": node.code})
        by_code[node.code] = node
    children: dict[str, list[Node]] = defaultdict(list)
    for node in nodes:
        if node.parent_code and node.parent_code not in by_code:
            errors.append(
                _("%(code)s: its parent %(parent)s is not in the framework.")
                % {"code": node.code, "parent": node.parent_code}
            )
        children[node.parent_code].append(node)
        errors += _node_errors(node, by_code)
    for parent, kids in children.items():
        if parent in by_code:
            total = sum((kid.max_points for kid in kids), ZERO)
            if total > by_code[parent].max_points:
                errors.append(
                    _("%(code)s: its children add up to %(total)s points, more than its %(max)s.")
                    % {"code": parent, "total": total, "max": by_code[parent].max_points}
                )
    if not errors:
        errors += _total_errors(nodes, children, appraisal_max, survey_max)
    return errors


def _node_errors(node: Node, by_code: dict[str, Node]) -> list[str]:
    errors = []
    if node.max_points < node.min_points:
        errors.append(_("%(code)s: the maximum is below the minimum.") % {"code": node.code})
    if node.min_points < 0 and not _in_bonus_penalty(node, by_code):
        errors.append(
            _("%(code)s: points below zero are allowed only in a bonus or penalty node.")
            % {"code": node.code}
        )
    seen, current = {node.code}, node
    while current.parent_code in by_code:
        current = by_code[current.parent_code]
        if current.code in seen:
            errors.append(_("%(code)s: its parents form a loop.") % {"code": node.code})
            break
        seen.add(current.code)
    return errors


def _in_bonus_penalty(node: Node, by_code: dict[str, Node]) -> bool:
    seen: set[str] = set()
    current: Node | None = node
    while current is not None and current.code not in seen:
        if current.is_bonus_penalty:
            return True
        seen.add(current.code)
        current = by_code.get(current.parent_code)
    return False


def _total_errors(
    nodes: list[Node],
    children: dict[str, list[Node]],
    appraisal_max: Decimal,
    survey_max: Decimal,
) -> list[str]:
    by_code = {node.code: node for node in nodes}
    leaves = [n for n in nodes if not children.get(n.code) and not _in_bonus_penalty(n, by_code)]
    survey = sum((n.max_points for n in leaves if n.method == Criterion.Method.SURVEY), ZERO)
    appraisal = sum((n.max_points for n in leaves if n.method != Criterion.Method.SURVEY), ZERO)
    errors = []
    if appraisal != appraisal_max:
        errors.append(
            _("The appraised criteria add up to %(total)s points, not %(max)s.")
            % {"total": appraisal, "max": appraisal_max}
        )
    if survey != survey_max:
        errors.append(
            _("The survey criteria add up to %(total)s points, not %(max)s.")
            % {"total": survey, "max": survey_max}
        )
    return errors


@transaction.atomic
def create_framework(
    *, actor: User | None, year: int, group: str, title: str, nodes: list[Node], **fields: Any
) -> Framework:
    """Create a draft framework with its criteria tree (all or nothing). `fields` are other
    Framework fields (maxima, group thresholds, notes, is_illustrative). Writes
    "indices.create_framework" with the number of criteria.

    Refuses a second framework for the same year and group, and any tree check_tree refuses
    (every reason in one error)."""
    if Framework.objects.filter(year=year, group=group).exists():
        raise ValidationError(_("This year already has a framework for that group."))
    framework = Framework(year=year, group=group, title=title.strip(), **fields)
    errors = check_tree(
        nodes, appraisal_max=framework.appraisal_max, survey_max=framework.survey_max
    )
    if errors:
        raise ValidationError(errors)
    framework.save()
    _create_criteria(framework, nodes)
    audit.record(
        actor,
        "indices.create_framework",
        framework,
        details={"year": year, "group": group, "criteria": len(nodes)},
    )
    return framework


def _create_criteria(framework: Framework, nodes: list[Node]) -> None:
    """Insert the tree, parents first (a level at a time), in the rows' order."""
    created: dict[str, Criterion] = {}
    pending = list(enumerate(nodes))
    while pending:
        ready = [(i, n) for i, n in pending if not n.parent_code or n.parent_code in created]
        batch = [
            Criterion(
                framework=framework,
                parent=created.get(node.parent_code),
                order=i,
                **{
                    f.name: getattr(node, f.name)
                    for f in dataclasses.fields(Node)
                    if f.name != "parent_code"
                },
            )
            for i, node in ready
        ]
        for criterion in Criterion.objects.bulk_create(batch):
            created[criterion.code] = criterion
        pending = [(i, n) for i, n in pending if n.code not in created]


def nodes_of(framework: Framework) -> list[Node]:
    """The framework's tree as annex rows, in order (the inverse of create_framework)."""
    criteria = list(framework.criteria.select_related("parent").order_by("order"))
    return [
        Node(
            code=c.code,
            title=c.title,
            max_points=c.max_points,
            parent_code=c.parent.code if c.parent else "",
            min_points=c.min_points,
            method=c.method,
            is_bonus_penalty=c.is_bonus_penalty,
            evidence_required=c.evidence_required,
            guidance=c.guidance,
        )
        for c in criteria
    ]


@transaction.atomic
def publish_framework(framework: Framework, *, actor: User) -> Framework:
    """Publish a draft framework: it is frozen from then on. Writes "indices.publish_framework".
    Refuses a framework already published."""
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if framework.is_published:
        raise ValidationError(_("This framework is already published."))
    framework.status = Framework.Status.PUBLISHED
    framework.published_at = timezone.now()
    framework.published_by = actor
    framework.version += 1
    framework.save(update_fields=["status", "published_at", "published_by", "version"])
    audit.record(actor, "indices.publish_framework", framework, details={"year": framework.year})
    return framework


@transaction.atomic
def copy_framework(framework: Framework, *, actor: User, year: int) -> Framework:
    """A draft copy of `framework` for `year`, with the same tree and settings, `copied_from`
    it. Writes "indices.create_framework" (through create_framework). Refuses a year that
    already has a framework for the group."""
    fields = {
        name: getattr(framework, name)
        for name in (
            "notes",
            "is_illustrative",
            "appraisal_max",
            "survey_max",
            "group_a_min",
            "group_b_min",
            "group_c_min",
        )
    }
    title = framework.title.replace(str(framework.year), str(year))
    return create_framework(
        actor=actor,
        year=year,
        group=framework.group,
        title=title,
        nodes=nodes_of(framework),
        copied_from=framework,
        **fields,
    )
