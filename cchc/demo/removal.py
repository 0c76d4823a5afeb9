"""Recognising the demo's rows: the `seed_demo` guard and `manage.py remove_demo`.

What the demo made (docs/decisions/0017-demo-guard-and-removal.md):

1. **The rows `seed_demo` inserted.** The seeding runs in one transaction; before and after it
   reads the highest primary key of every CCHC table, and records the ranges it used in one
   "demo.seed" audit event (`{"ranges": {"plans.task": [first, last], …}}`). Keys only grow
   (PostgreSQL sequences, SQLite AUTOINCREMENT), so those ranges hold the demo's rows and
   nothing else, including the rows that name no demo account (the procedure catalogue, the
   city plan of the real Hà Nội unit).
2. **Everything that came to hang on them**, transitively: a row of any CCHC model (or of one
   of their many-to-many tables) with a foreign key to a demo row, such as a report a real
   user later entered on a demo task. It cannot outlive the row it points to.

Units that are not the demo's (the administrative units of `load_admin_units`) and accounts
that are not on the demo's reserved e-mail domain `demo.cchc.invalid` are never demo rows;
a real unit placed under a demo unit makes the removal refuse, nothing deleted.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction

from cchc.accounts.models import User
from cchc.core import audit
from cchc.core.models import AuditEvent
from cchc.orgunits.models import OrgUnit

DEMO_EMAIL_DOMAIN = "@demo.cchc.invalid"
SEED_VERB = "demo.seed"
CHUNK = 500
# A link to a demo row never makes these demo rows: only `is_demo` units are demo units, and
# only accounts on the demo domain are demo accounts.
REFERENCE = {"orgunits.orgunit", "accounts.user"}


def demo_users() -> models.QuerySet[User]:
    return User.objects.filter(email__iendswith=DEMO_EMAIL_DOMAIN)


def demo_units() -> models.QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(is_demo=True)


def non_demo_data() -> list[str]:
    """What makes this database hold data other than the demo's, as sentences; empty when it
    holds none. Anything entered goes through an account or the chart import, so it is enough
    to look for an account not on the demo domain, and a department or public service unit
    that is not the demo's (`load_admin_units` makes neither)."""
    found = []
    users = User.objects.exclude(email__iendswith=DEMO_EMAIL_DOMAIN)
    if users.exists():
        names = ", ".join(users.order_by("username").values_list("username", flat=True)[:5])
        found.append(f"{users.count()} account(s) that are not demo accounts ({names})")
    units = OrgUnit.objects.filter(
        kind__in=(OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.PUBLIC_SERVICE), is_demo=False
    )
    if units.exists():
        codes = ", ".join(units.order_by("code").values_list("code", flat=True)[:5])
        found.append(f"{units.count()} department(s) or public service unit(s) ({codes})")
    return found


def _models() -> list[type[models.Model]]:
    """Every concrete model of the CCHC apps and of accounts' auth tables, with the
    many-to-many tables Django creates."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in _app_labels() and not model._meta.proxy
    ]


def _app_labels() -> set[str]:
    return {
        config.label
        for config in apps.get_app_configs()
        if config.name.startswith("cchc.") or config.label in ("auth", "admin", "axes")
    }


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def watermarks() -> dict[str, int]:
    """The highest primary key of every CCHC table (0 when empty). Reads only."""
    return {
        _label(model): model._base_manager.aggregate(top=models.Max("pk"))["top"] or 0
        for model in _models()
    }


def seed_ranges(before: dict[str, int], after: dict[str, int]) -> dict[str, list[int]]:
    """The primary keys a seeding used, per table: {"plans.task": [first, last]}."""
    return {
        label: [before.get(label, 0) + 1, top]
        for label, top in after.items()
        if top > before.get(label, 0)
    }


def collect() -> dict[type[models.Model], set[object]]:
    """Model → primary keys of its demo rows (see the module's docstring). Reads only.
    Raises DemoRemovalError for demo data without its "demo.seed" event."""
    by_label = {_label(model): model for model in _models()}
    found: dict[type[models.Model], set[object]] = defaultdict(set)
    seeds = list(AuditEvent.objects.filter(verb=SEED_VERB))
    if not seeds and (demo_units().exists() or demo_users().exists()):
        raise DemoRemovalError(
            "This demo was seeded before seed_demo recorded the rows it made (no demo.seed "
            "event), so they cannot be told apart: start again from an empty database."
        )
    for event in seeds:
        found[AuditEvent].add(event.pk)
        for label, (first, last) in event.details.get("ranges", {}).items():
            model = by_label.get(label)
            if model is not None:
                pks = model._base_manager.filter(pk__gte=first, pk__lte=last)
                found[model] |= set(pks.values_list("pk", flat=True))
    found[OrgUnit] &= set(demo_units().values_list("pk", flat=True))
    found[User] &= set(demo_users().values_list("pk", flat=True))
    links = [
        (model, field)
        for model in _models()
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey) and field.concrete
    ]
    changed = True
    while changed:
        changed = False
        for model, field in links:
            ids = found.get(field.related_model)
            if not ids or _label(model) in REFERENCE:
                continue
            new = set(_pks_linked(model, field.attname, ids)) - found[model]
            if new:
                found[model] |= new
                changed = True
    return {model: ids for model, ids in found.items() if ids}


def _pks_linked(model: type[models.Model], attname: str, ids: Iterable[object]) -> Iterable[object]:
    values = sorted(ids, key=str)
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        yield from model._base_manager.filter(**{f"{attname}__in": chunk}).values_list(
            "pk", flat=True
        )


def counts(found: dict[type[models.Model], set[object]]) -> dict[str, int]:
    return {_label(model): len(ids) for model, ids in sorted(found.items(), key=_by_label)}


def _by_label(item: tuple[type[models.Model], set[object]]) -> str:
    return _label(item[0])


class DemoRemovalError(Exception):
    """The demo cannot be removed: a unit that is not the demo's sits under a demo unit, or the
    demo was seeded before seeding recorded its rows."""


@transaction.atomic
def remove_demo() -> dict[str, int]:
    """Delete every demo row (see `collect`) in one transaction, with the files of the demo's
    uploads after the commit, and record one "demo.remove" audit event with the counts per
    table (the demo's own audit events are among the rows deleted). Refuses (DemoRemovalError,
    nothing deleted) when a unit that is not the demo's sits under a demo unit: move it first.
    The foreign keys are checked before the commit, so nothing is left pointing at a deleted
    row."""
    found = collect()
    demo_unit_ids = [int(pk) for pk in found.get(OrgUnit, set())]  # type: ignore[call-overload]
    orphans = OrgUnit.objects.filter(parent__in=demo_unit_ids, is_demo=False)
    if orphans.exists():
        names = ", ".join(orphans.values_list("code", flat=True)[:10])
        raise DemoRemovalError(f"Units that are not the demo's sit under demo units: {names}.")
    files = _files(found)
    for model, ids in found.items():
        values = sorted(ids, key=str)
        for start in range(0, len(values), CHUNK):
            # A raw delete: the set is complete, the order does not matter (the foreign keys
            # are checked below) and AuditEvent refuses the ORM's delete on purpose.
            query = model._base_manager.filter(pk__in=values[start : start + CHUNK])
            query._raw_delete(query.db)
    connection.check_constraints()
    removed = counts(found)
    audit.record(None, "demo.remove", details={"removed": removed})
    transaction.on_commit(lambda: _delete_files(files))
    return removed


def _files(found: dict[type[models.Model], set[object]]) -> list[tuple[object, str]]:
    files: list[tuple[object, str]] = []
    for model, ids in found.items():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names = model._base_manager.filter(pk__in=ids).values_list(field.attname, flat=True)
                files.extend((field.storage, name) for name in names if name)
    return files


def _delete_files(files: list[tuple[object, str]]) -> None:
    for storage, name in files:
        storage.delete(name)  # type: ignore[attr-defined]


def seed_refusals() -> list[str]:
    """Why `seed_demo` must not run here without --i-know: DEBUG off (a production server), or
    data that is not the demo's. Empty when seeding is safe."""
    reasons = []
    if not settings.DEBUG:
        reasons.append("DEBUG is off (DJANGO_DEBUG=false): this looks like a production server")
    return reasons + non_demo_data()
