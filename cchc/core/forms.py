"""Form pieces every app uses: the renderer, the fields and widgets shared by the domain apps'
forms, and `add_action_error`, which puts an action's refusal back on the form."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import Jinja2
from django.utils.translation import gettext_lazy as _


class BootstrapBoundField(BoundField):
    """Gives every widget its Bootstrap class, and marks invalid fields."""

    def build_widget_attrs(self, attrs: dict, widget: Any = None) -> dict:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        if self.form.is_bound and self.errors:
            css += " is-invalid"
        attrs["class"] = f"{attrs.get('class', '')} {css}".strip()
        return attrs


class FormRenderer(Jinja2):
    """One renderer so that every form looks the same (Bootstrap 5 field layout). Forms,
    fields and widgets render with Jinja2 (Django's own widget templates, ours in
    cchc/core/jinja2/components/): a select through Django's templates cost a page about a
    millisecond per widget (decision 0033); the pages themselves stay Django templates."""

    form_template_name = "components/form.html"
    field_template_name = "components/field.html"
    bound_field_class = BootstrapBoundField


DATE_PLACEHOLDER = {"placeholder": "dd/mm/yyyy"}


def errors_in_one_line(form: forms.Form) -> str:
    """The form's errors in one line, each after its field's label (for a message)."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label}: " if field is not None and field.label else ""
        parts += [f"{label}{error}" for error in errors]
    return " ".join(parts)


def add_action_error(
    form: forms.Form, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Show an action's refusal on the form: on the field it names (or its alias in the form)
    when the form has that field, otherwise above the form."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            field = (aliases or {}).get(name, name)
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ListedChoices(ModelChoiceIterator):
    """A picker's choices read with one plain query. Django's own iterator reads them with
    `queryset.iterator()`, which on PostgreSQL opens a server-side cursor for every picker on
    every page (DECLARE … WITH HOLD, FETCH, CLOSE: three round trips and a result materialised
    by the server); a picker's list is short enough to read whole. The workspace's filter form
    4.0–4.8 → 3.0 ms of CPU (the month-end rush, issue #16)."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    """Every form's model choice field: Django's, with its choices read by ListedChoices."""

    iterator = ListedChoices


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Every form's model multiple choice field, its choices read by ListedChoices."""

    iterator = ListedChoices


SEARCHABLE = {"data-searchable": _("Find a unit…")}


class UnitChoiceField(ModelChoiceField):
    """A unit chosen by its name, in a list with a search box (static/js/app.js)."""

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        return attrs | SEARCHABLE if isinstance(widget, forms.Select) else attrs

    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class UnitMultipleChoiceField(UnitChoiceField, ModelMultipleChoiceField):
    """Units chosen by their names (a list with a search box, unless shown as checkboxes)."""


class UserChoiceField(ModelChoiceField):
    """A user chosen by full name (the username when there is none)."""

    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class UserMultipleChoiceField(ModelMultipleChoiceField):
    """Users chosen by full name (the username when there is none)."""

    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class CheckboxList(forms.CheckboxSelectMultiple):
    """Checkboxes in Bootstrap's form-check layout."""

    template_name = "components/checkbox_list.html"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """<input type=file multiple>: cleans to a list of uploads (the action checks each one)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class AuditFilterForm(forms.Form):
    verb = forms.CharField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Actor"), required=False)
    text = forms.CharField(label=_("Record"), required=False)
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data
