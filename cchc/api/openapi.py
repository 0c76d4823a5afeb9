"""Unique OpenAPI component names for nested choices.

pydantic names a component after the class's last name, and django-ninja merges the components
of every schema into one document by that name. The models' nested choices (`Inspection.Status`,
`Petition.Status`, `OrgUnit.Kind`, `Inspection.Kind`…) all became `Status` or `Kind`, the last
one written winning, so the document told clients `kind=planned` where `/units` wants
`kind=ward`. Here a nested class is named with its owner (`InspectionStatus`, `OrgUnitKind`), so
no two types share a component.
"""

import re

import ninja.openapi.schema
from ninja.schema import NinjaGenerateJsonSchema
from pydantic.json_schema import CoreModeRef, CoreRef, DefsRef

# "module.path.Owner.Nested:id" (no generic brackets): join the qualified name's parts.
_NESTED = re.compile(r"^((?:[a-z_][\w]*\.)+)([A-Z]\w*(?:\.[A-Z]\w*)+)(:\d+)$")


class UniqueNamesJsonSchema(NinjaGenerateJsonSchema):
    def get_defs_ref(self, core_mode_ref: CoreModeRef) -> DefsRef:
        core_ref, mode = core_mode_ref
        match = _NESTED.match(core_ref)
        if match:
            module, qualname, identity = match.groups()
            core_ref = CoreRef(f"{module}{qualname.replace('.', '')}{identity}")
        return super().get_defs_ref((core_ref, mode))


def install() -> None:
    """Make django-ninja's OpenAPI builder use `UniqueNamesJsonSchema` (it has no setting)."""
    ninja.openapi.schema.NinjaGenerateJsonSchema = UniqueNamesJsonSchema  # type: ignore[misc]
