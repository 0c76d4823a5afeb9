"""Every change to organisation units: create, edit, close, and the bulk load from the package."""

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

if TYPE_CHECKING:
    from cchc.accounts.models import User

EDITABLE_FIELDS = ["name", "short_name", "kind", "valid_from", "valid_to"]


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
    if not code or "/" in code or code.startswith("~") or code != code.strip():
        raise ValidationError(
            _("A unit code may not be empty, contain “/”, start with “~” or with a space.")
        )
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
def update_unit(unit: OrgUnit, *, actor: "User", version: int, **values: object) -> OrgUnit:
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
