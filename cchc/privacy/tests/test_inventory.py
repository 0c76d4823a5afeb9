"""docs/domain/personal-data.md lists every model field whose name suggests personal data,
either in the inventory or under "Not personal data": a new such field fails here until it is
written down (its purpose, basis, who sees it, retention, erasure)."""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

DOC = Path(settings.BASE_DIR) / "docs" / "domain" / "personal-data.md"
SUGGESTS_PERSONAL = re.compile(
    r"(^|_)(name|contact|phone|mobile|email|e_mail|address|id_number|identity|passport|birth|"
    r"cccd|cmnd|requester|submitter|respondent|person|photo|username)($|_)"
)


def personal_looking_fields() -> set[str]:
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("cchc."):
            continue
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False) and SUGGESTS_PERSONAL.search(field.name):
                found.add(f"{model._meta.label}.{field.name}")
    return found


def test_every_personal_looking_field_is_in_the_inventory() -> None:
    listed = set(re.findall(r"`([a-z_]+\.[A-Za-z]+\.[a-z_]+)`", DOC.read_text(encoding="utf-8")))
    missing = sorted(personal_looking_fields() - listed)
    assert not missing, f"Add to docs/domain/personal-data.md: {missing}"


def test_the_pattern_catches_the_fields_the_issue_names() -> None:
    for name in ("submitter_name", "contact", "phone", "email", "home_address", "id_number"):
        assert SUGGESTS_PERSONAL.search(name), name
    for name in ("code", "status", "deadline", "unit"):
        assert not SUGGESTS_PERSONAL.search(name), name


def test_the_inventory_names_no_field_that_does_not_exist() -> None:
    """A field renamed or removed must leave the inventory too."""
    text = DOC.read_text(encoding="utf-8")
    for label in set(re.findall(r"`([a-z_]+\.[A-Z][A-Za-z]+\.[a-z_]+)`", text)):
        app_model, field = label.rsplit(".", 1)
        model = apps.get_model(app_model)
        names = {f.name for f in model._meta.get_fields()} | {
            f.attname for f in model._meta.concrete_fields
        }
        assert field in names, label
