"""Unique OpenAPI component names for choices.

pydantic names a component after the class's last name, and django-ninja merges the components
of every schema into one document by that name. The models' nested choices (`Inspection.Status`,
`Petition.Status`, `OrgUnit.Kind`, `Inspection.Kind`…) all became `Status` or `Kind`, the last
one written winning, so the document told clients `kind=planned` where `/units` wants
`kind=ward`. Here a nested class is named with its owner (`InspectionStatus`, `OrgUnitKind`), and
a choices class of a module's top level with its app (`ratings.models.Scope` is `RatingsScope`,
apart from `TallyRow.Scope`, which is `TallyRowScope`), so no two types share a component and
none takes a bare name like `Scope` that another app's choices could later claim.
"""

import enum
import re
import sys

import ninja.openapi.schema
from django.apps import apps
from ninja.schema import NinjaGenerateJsonSchema
from pydantic.json_schema import CoreModeRef, CoreRef, DefsRef

# "module.path.Qualified.Name:id" (no generic brackets): a class of a module, at any depth.
_CLASS = re.compile(r"^((?:[a-z_]\w*\.)+)([A-Z]\w*(?:\.[A-Z]\w*)*)(:\d+)$")


def _top_level_choices_owner(module: str, name: str) -> str:
    """The app prefix of `module.name` if it is an enum of a module's top level, else ""."""
    owner = sys.modules.get(module)
    if not isinstance(getattr(owner, name, None), enum.EnumMeta):
        return ""
    app = apps.get_containing_app_config(module)
    if app is None:
        return ""
    return "".join(part.capitalize() for part in app.label.split("_"))


def _unique_name(core_ref: CoreRef) -> CoreRef:
    match = _CLASS.match(core_ref)
    if not match:
        return core_ref
    module, qualname, identity = match.groups()
    if "." in qualname:
        return CoreRef(f"{module}{qualname.replace('.', '')}{identity}")
    prefix = _top_level_choices_owner(module.rstrip("."), qualname)
    return CoreRef(f"{module}{prefix}{qualname}{identity}")


class UniqueNamesJsonSchema(NinjaGenerateJsonSchema):
    def get_defs_ref(self, core_mode_ref: CoreModeRef) -> DefsRef:
        core_ref, mode = core_mode_ref
        return super().get_defs_ref((_unique_name(core_ref), mode))


def install() -> None:
    """Make django-ninja's OpenAPI builder use `UniqueNamesJsonSchema` (it has no setting)."""
    ninja.openapi.schema.NinjaGenerateJsonSchema = UniqueNamesJsonSchema  # type: ignore[misc]
