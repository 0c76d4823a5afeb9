"""Writing the audit trail. Every action calls `record` inside its own transaction."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from cchc.core.models import AuditEvent
from cchc.core.text import fold

_encoder = DjangoJSONEncoder()


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return _encoder.default(value)


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The values of `fields` on `obj`, JSON-ready, for a before/after pair. Foreign keys give
    their pk, many-to-many fields the list of pks (read from the database)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
        else:
            values[name] = _jsonable(field.value_from_object(obj))  # type: ignore[union-attr]
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Only the fields that changed: {"field": [before, after]}."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def record(
    actor: Any,
    verb: str,
    target: models.Model | None = None,
    *,
    unit: Any = None,
    changes: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. `actor` is a User (or None for the system), `unit` the OrgUnit
    the change belongs to; `changes` is {"field": [before, after]}."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        target_search=fold(str(target))[:255] if target is not None else "",
        unit=unit,
        changes=changes or {},
        details=details or {},
    )
