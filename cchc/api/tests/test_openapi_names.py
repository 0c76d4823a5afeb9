"""Each enum of the API has its own OpenAPI component (issue 16, item 6)."""

from typing import Any

from django.test import Client

from cchc.dialogues.models import Petition
from cchc.inspections.models import Inspection
from cchc.orgunits.models import OrgUnit
from cchc.ratings.models import Rating


def _enum_of(schema: dict[str, Any], path: str, name: str) -> set[str]:
    parameter = next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name)
    ref = next(option["$ref"] for option in parameter["schema"]["anyOf"] if "$ref" in option)
    return set(schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["enum"])


def test_query_enums_document_the_values_each_endpoint_accepts(client: Client, db: None) -> None:
    schema = client.get("/api/v1/openapi.json").json()

    assert _enum_of(schema, "/api/v1/units", "kind") == set(OrgUnit.Kind.values)
    assert _enum_of(schema, "/api/v1/inspections", "kind") == set(Inspection.Kind.values)
    assert _enum_of(schema, "/api/v1/inspections", "status") == set(Inspection.Status.values)
    assert _enum_of(schema, "/api/v1/dialogues/petitions", "status") == set(Petition.Status.values)
    assert _enum_of(schema, "/api/v1/ratings", "kind") == set(Rating.Kind.values)


def test_no_component_takes_a_bare_nested_class_name(client: Client, db: None) -> None:
    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]

    assert not {"Status", "Kind", "Level", "Role", "Scope"} & set(components)
