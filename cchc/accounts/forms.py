from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import Membership, User

EMAIL_MAX_LENGTH = 254


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or e-mail"),
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "The username/e-mail or password is wrong. After %(limit)s failed attempts the "
            "account is locked for a while."
        ),
        "inactive": _("This account is disabled."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # AuthenticationForm caps the field at the username's length; e-mails may be longer.
        self.fields["username"].max_length = EMAIL_MAX_LENGTH  # type: ignore[attr-defined]
        self.fields["username"].widget.attrs["maxlength"] = EMAIL_MAX_LENGTH

    def get_invalid_login_error(self) -> forms.ValidationError:
        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"limit": settings.AXES_FAILURE_LIMIT},
        )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “BI report”."),
    )


class MembershipForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", "—"), *Membership.Role.choices], initial=""
    )
    started_on = forms.DateField(
        label=_("Head from"),
        required=False,
        help_text=_("For a unit head: the day they took office (default today)."),
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username__iexact=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("No active user is called %(name)s."),
                params={
                    "name": username,
                },
            )
        return user


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Search users"), required=False, max_length=100)
