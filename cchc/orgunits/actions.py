"""Every change to organisation units: create, edit, move, merge, end, and the bulk load from the
package. The organisation chart (docs/orgunits.md) is managed through these, on its page and by
the chart import (`imports.py`)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import audit
from cchc.core.text import fold
from cchc.orgunits import admin_units
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.queries import home_province

if TYPE_CHECKING:
    from cchc.accounts.models import User

EDITABLE_FIELDS = ["name", "short_name", "kind", "valid_from", "valid_to"]


def check_code(code: str) -> None:
    """Refuse a code that cannot be a path segment: empty, with "/" or a space, starting with
    "~" (the legacy mark), or longer than the field."""
    if not code or "/" in code or code.startswith("~") or any(c.isspace() for c in code):
        raise ValidationError(
            _("A unit code may not be empty, contain “/” or a space, or start with “~”.")
        )
    if len(code) > OrgUnit._meta.get_field("code").max_length:  # type: ignore[operator]
        raise ValidationError(_("A unit code has at most 32 characters."))


@transaction.atomic
def create_unit(
    *,
    actor: "User | None",
    code: str,
    name: str,
    kind: str,
    parent: OrgUnit | None,
    short_name: str = "",
    valid_from: datetime.date | None = None,
    is_demo: bool = False,
) -> OrgUnit:
    """Create a unit under `parent`. Writes "orgunits.create".

    Refuses a malformed code (it becomes part of the unit's path), a code already used, and a
    parent that has ended.
    """
    check_code(code)
    if OrgUnit.objects.filter(code=code, legacy=False).exists():
        raise ValidationError(_("The code %(code)s is already used.") % {"code": code})
    if parent is not None and not parent.is_current:
        raise ValidationError(_("A unit cannot be added under a unit that has ended."))
    unit = OrgUnit(
        code=code,
        name=name,
        short_name=short_name,
        search_name=fold(f"{name} {short_name}"),
        kind=kind,
        parent=parent,
        valid_from=valid_from,
        is_demo=is_demo,
    )
    unit.path = unit.compute_path()
    unit.depth = unit.path.count("/") - 2
    unit.full_clean()
    unit.save()
    audit.record(actor, "orgunits.create", unit, unit=unit, details={"code": code})
    return unit


@transaction.atomic
def update_unit(unit: OrgUnit, *, actor: "User | None", version: int, **values: object) -> OrgUnit:
    """Change a unit's name, short name, kind or dates. Writes "orgunits.update" with before/after.

    Refuses a stale `version` (someone else saved in between), so concurrent edits never
    silently overwrite each other. Saving without a change writes nothing.
    """
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    before = audit.snapshot(unit, EDITABLE_FIELDS)
    for name, value in values.items():
        setattr(unit, name, value)
    changes = audit.diff(before, audit.snapshot(unit, EDITABLE_FIELDS))
    if not changes:
        return unit
    unit.search_name = fold(f"{unit.name} {unit.short_name}")
    unit.full_clean(exclude=["path"])
    updated = OrgUnit.objects.filter(pk=unit.pk, version=version).update(
        version=F("version") + 1,
        search_name=unit.search_name,
        updated_at=timezone.now(),
        **{name: getattr(unit, name) for name in EDITABLE_FIELDS},
    )
    if not updated:
        raise ValidationError(
            _("Someone else changed this unit while you were editing. Reload and try again.")
        )
    unit.refresh_from_db()
    audit.record(actor, "orgunits.update", unit, unit=unit, changes=changes)
    return unit


# --- the organisation chart: move, merge, end ------------------------------------------------

CHART_KINDS = (OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.PUBLIC_SERVICE)


def check_in_home_province(unit: OrgUnit) -> OrgUnit:
    """The home province (CCHC_HOME_PROVINCE) when `unit` is inside it (or is it); otherwise
    ValidationError: the chart of this installation is the home province's, nobody else's."""
    province = home_province()
    if province is None or unit.legacy or not unit.path.startswith(province.path):
        raise ValidationError(
            _("%(unit)s is not a unit of this installation's province.") % {"unit": unit.name}
        )
    return province


def _check_chart_unit(unit: OrgUnit) -> OrgUnit:
    """Refuse the province itself, a unit outside it and an ended unit; the province."""
    province = check_in_home_province(unit)
    if unit.pk == province.pk:
        raise ValidationError(_("The province itself cannot be moved, merged or ended."))
    if not unit.is_current:
        raise ValidationError(_("%(unit)s has ended.") % {"unit": unit.name})
    return province


def _check_parent(unit: OrgUnit, parent: OrgUnit) -> None:
    check_in_home_province(parent)
    if not parent.is_current:
        raise ValidationError(_("A unit cannot be added under a unit that has ended."))
    if parent.path.startswith(unit.path):
        raise ValidationError(_("A unit cannot be placed under itself or one of its sub-units."))
    if unit.kind in OrgUnit.LOWER_KINDS and parent.kind != OrgUnit.Kind.PROVINCE:
        raise ValidationError(
            _("Wards, communes and special zones sit directly under the province.")
        )


def _rewrite_paths(unit: OrgUnit, parent: OrgUnit) -> int:
    """Give `unit` its new parent and rewrite the path and depth of its whole subtree (the
    materialised path, docs/decisions/0004). Returns the number of units rewritten."""
    old = unit.path
    new = f"{parent.path}{OrgUnit.path_segment(unit.code, unit.legacy)}/"
    shift = new.count("/") - old.count("/")
    subtree = list(OrgUnit.objects.subtree_of(unit).select_for_update())
    now = timezone.now()
    for node in subtree:
        node.path = new + node.path[len(old) :]
        node.depth += shift
        node.updated_at = now
        if node.pk == unit.pk:
            node.parent = parent
            node.version += 1
    OrgUnit.objects.bulk_update(subtree, ["path", "depth", "parent", "version", "updated_at"])
    unit.refresh_from_db()
    return len(subtree)


def _check_version(unit: OrgUnit, version: int | None) -> None:
    if version is not None and version != unit.version:
        raise ValidationError(
            _("Someone else changed this unit while you were editing. Reload and try again.")
        )


@transaction.atomic
def move_unit(
    unit: OrgUnit, *, actor: "User | None", parent: OrgUnit, version: int | None = None
) -> OrgUnit:
    """Place `unit` (and its sub-units) under `parent`, rewriting their paths. Writes
    "orgunits.move" with the parent before and after and the number of units moved.

    Refuses the province itself, a unit or a parent outside the home province or ended, a
    parent inside the unit's own subtree, a ward, commune or special zone under anything but
    the province, and a stale `version`. Moving to the same parent writes nothing.
    """
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    _check_chart_unit(unit)
    _check_version(unit, version)
    if parent.pk == unit.parent_id:
        return unit
    _check_parent(unit, parent)
    before = unit.parent
    moved = _rewrite_paths(unit, parent)
    audit.record(
        actor,
        "orgunits.move",
        unit,
        unit=unit,
        changes={"parent": [before.code if before else None, parent.code]},
        details={"units_moved": moved},
    )
    return unit


def _close(unit: OrgUnit, ended_on: datetime.date) -> None:
    if unit.valid_from and ended_on < unit.valid_from:
        raise ValidationError(
            _("%(unit)s cannot end before it began (%(day)s).")
            % {"unit": unit.name, "day": unit.valid_from.strftime("%d/%m/%Y")}
        )
    OrgUnit.objects.filter(pk=unit.pk).update(
        valid_to=ended_on, version=F("version") + 1, updated_at=timezone.now()
    )
    unit.refresh_from_db()


@transaction.atomic
def end_unit(
    unit: OrgUnit,
    *,
    actor: "User | None",
    ended_on: datetime.date,
    version: int | None = None,
) -> OrgUnit:
    """End `unit` on `ended_on` (its last day): it stays, with its history, as an ended unit.
    Writes "orgunits.end" with valid_to before and after.

    Refuses the province itself, a unit outside the home province or already ended, a unit
    that still has current sub-units (move, merge or end them first), a day before the unit
    began, and a stale `version`. Roles held in the unit stay: they are history.
    """
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    _check_chart_unit(unit)
    _check_version(unit, version)
    if unit.children.filter(valid_to__isnull=True).exists():
        raise ValidationError(
            _("%(unit)s still has current sub-units: move, merge or end them first.")
            % {"unit": unit.name}
        )
    _close(unit, ended_on)
    audit.record(
        actor, "orgunits.end", unit, unit=unit, changes={"valid_to": [None, ended_on.isoformat()]}
    )
    return unit


@transaction.atomic
def merge_units(
    units: list[OrgUnit], *, actor: "User | None", into: OrgUnit, merged_on: datetime.date
) -> OrgUnit:
    """Merge `units` into the current unit `into` from `merged_on`: each merged unit ends the
    day before, records `into` as its successor (docs/decisions/0005), and its current
    sub-units move under `into`. Writes "orgunits.merge" on each merged unit and on `into`.

    Refuses no unit to merge, `into` among them or inside one of them, the province, units
    outside the home province or already ended, and a day on which a merged unit had not
    begun. All or nothing.
    """
    if not units:
        raise ValidationError(_("Choose at least one unit to merge."))
    into = OrgUnit.objects.select_for_update().get(pk=into.pk)
    check_in_home_province(into)
    if not into.is_current:
        raise ValidationError(_("%(unit)s has ended.") % {"unit": into.name})
    ended_on = merged_on - datetime.timedelta(days=1)
    codes = []
    for source in sorted(units, key=lambda u: u.path):
        source = OrgUnit.objects.select_for_update().get(pk=source.pk)
        _check_chart_unit(source)
        if into.path.startswith(source.path):
            raise ValidationError(
                _("%(unit)s cannot be merged into itself or one of its sub-units.")
                % {"unit": source.name}
            )
        for child in source.children.filter(valid_to__isnull=True):
            move_unit(child, actor=actor, parent=into)
        _close(source, ended_on)
        source.successors.add(into)
        audit.record(
            actor,
            "orgunits.merge",
            source,
            unit=source,
            changes={"valid_to": [None, ended_on.isoformat()]},
            details={"into": into.code},
        )
        codes.append(source.code)
    audit.record(
        actor, "orgunits.merge", into, unit=into, details={"merged": codes, "on": str(merged_on)}
    )
    return into


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    links_created: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.links_created)


def _save_level(rows: list[admin_units.UnitRow], ids: dict, result: LoadResult) -> None:
    """Insert the missing rows of one level and update those whose data changed."""
    existing = {
        (u.code, u.legacy): u
        for u in OrgUnit.objects.filter(code__in=[r.code for r in rows], legacy=rows[0].legacy)
    }
    paths = dict(
        OrgUnit.objects.filter(id__in={ids[r.parent] for r in rows if r.parent}).values_list(
            "id", "path"
        )
    )
    now = timezone.now()
    to_create, to_update = [], []
    for row in rows:
        parent_id = ids[row.parent] if row.parent else None
        base = paths[parent_id] if parent_id else "/"
        path = f"{base}{OrgUnit.path_segment(row.code, row.legacy)}/"
        values: dict[str, object] = {
            "kind": row.kind,
            "name": row.name,
            "short_name": row.short_name,
            "search_name": fold(f"{row.name} {row.short_name}"),
            "parent_id": parent_id,
            "valid_from": row.valid_from,
            "valid_to": row.valid_to,
            "path": path,
            "depth": path.count("/") - 2,
        }
        unit = existing.get(row.key)
        if unit is None:
            to_create.append(OrgUnit(code=row.code, legacy=row.legacy, **values))
        elif any(getattr(unit, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(unit, name, value)
            unit.version += 1  # an edit form opened before the load must not overwrite it
            unit.updated_at = now
            to_update.append(unit)
    OrgUnit.objects.bulk_create(to_create, batch_size=1000)
    OrgUnit.objects.bulk_update(to_update, [*UPDATE_FIELDS], batch_size=1000)
    result.created += len(to_create)
    result.updated += len(to_update)
    for unit in OrgUnit.objects.filter(code__in=[r.code for r in rows], legacy=rows[0].legacy):
        ids[(unit.code, unit.legacy)] = unit.id


UPDATE_FIELDS = (
    "kind",
    "name",
    "short_name",
    "search_name",
    "parent_id",
    "valid_from",
    "valid_to",
    "path",
    "depth",
    "version",
    "updated_at",
)


@transaction.atomic
def load_admin_units(
    *,
    actor: "User | None",
    legacy: bool = False,
    progress: Callable[[int, int], object] | None = None,
) -> LoadResult:
    """Load or refresh the administrative units of the `vietnam-provinces` package.

    Creates missing units, updates changed ones, and with `legacy` also the pre-2025 units with
    their successor links. `progress(done, total)` is called after each level of the tree.
    Idempotent: a second run changes nothing and writes no audit event.
    Writes "orgunits.load_admin_units" with the counts when something changed.
    """
    result = LoadResult()
    ids: dict = {}
    levels = admin_units.current_levels()
    if legacy:
        levels += admin_units.legacy_levels()
    total, done = sum(len(rows) for rows in levels), 0
    for rows in levels:
        _save_level(rows, ids, result)
        done += len(rows)
        if progress:
            progress(done, total)
    if legacy:
        _link_successors(ids, result)
    if result.changed:
        audit.record(
            actor,
            "orgunits.load_admin_units",
            details={
                "created": result.created,
                "updated": result.updated,
                "links_created": result.links_created,
                "legacy": legacy,
            },
        )
    return result


def _link_successors(ids: dict, result: LoadResult) -> None:
    through = OrgUnit.successors.through
    wanted = {(ids[old], ids[new]) for old, new in admin_units.successor_links()}
    have = set(through.objects.values_list("from_orgunit_id", "to_orgunit_id"))
    missing = [through(from_orgunit_id=a, to_orgunit_id=b) for a, b in wanted - have]
    through.objects.bulk_create(missing, batch_size=2000)
    result.links_created = len(missing)
