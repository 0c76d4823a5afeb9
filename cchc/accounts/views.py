from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cchc.accounts.actions import change_password, create_api_token, revoke_api_token
from cchc.accounts.forms import ApiTokenForm, LoginForm
from cchc.accounts.http import AuthedRequest
from cchc.accounts.permissions import get_api_token_for_user
from cchc.core.access import member, public

login = public(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=LoginForm,
        redirect_authenticated_user=True,
    )
)
logout = member(auth_views.LogoutView.as_view())


@member
@require_http_methods(["GET", "POST"])
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = change_password(
            request.user, actor=request.user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed."))
        return redirect("reports:home")
    return render(request, "accounts/password_change.html", {"form": form})


@member
@require_http_methods(["GET", "POST"])
def token_list(request: AuthedRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = create_api_token(actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error("name", error)
        else:
            form = ApiTokenForm()
    tokens = request.user.api_tokens.all()
    return render(
        request,
        "accounts/token_list.html",
        {
            "form": form,
            "tokens": tokens,
            "new_key": new_key,
        },
    )


@member
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = get_api_token_for_user(request.user, pk)
    try:
        revoke_api_token(token, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:tokens")
