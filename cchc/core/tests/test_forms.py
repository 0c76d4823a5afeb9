"""Every model choice field of the platform's forms reads its choices with one plain query
(core.forms.ListedChoices), not with a server-side cursor per picker (issue #16)."""

import importlib
import inspect
from pathlib import Path

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.core.forms import ListedChoices, ModelChoiceField

ROOT = Path(__file__).resolve().parents[2]


def _form_classes() -> list[type[forms.BaseForm]]:
    modules = [
        ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        for path in [*ROOT.glob("*/forms.py"), *ROOT.glob("*/forms/*.py")]
    ]
    return [
        cls
        for module in modules
        for _name, cls in inspect.getmembers(importlib.import_module(module), inspect.isclass)
        if issubclass(cls, forms.BaseForm) and cls.__module__ == module
    ]


def test_every_model_choice_field_reads_its_choices_in_one_plain_query() -> None:
    classes = _form_classes()
    pickers = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in classes
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.ModelChoiceField)
    ]
    plain = [
        picker
        for cls in classes
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.ModelChoiceField) and field.iterator is not ListedChoices
        for picker in [f"{cls.__module__}.{cls.__name__}.{name}"]
    ]
    assert len(pickers) > 20  # the forms were found
    assert plain == [], "declare model choice fields with cchc.core.forms' ModelChoiceField"


def test_a_picker_lists_its_choices_with_one_select(db: None) -> None:
    listed = ContentType.objects.filter(app_label="core").order_by("model")
    field = ModelChoiceField(queryset=listed)

    with CaptureQueriesContext(connection) as queries:
        choices = [choice for choice in field.choices]  # noqa: C416 - list() would count first

    assert [label for _value, label in choices] == [field.empty_label, *map(str, listed)]
    assert len(choices) > 2
    assert len(queries.captured_queries) == 1
