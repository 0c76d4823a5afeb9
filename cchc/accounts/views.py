from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cchc.accounts.actions import (
    change_password,
    create_api_token,
    create_user,
    grant_membership,
    revoke_api_token,
    revoke_membership,
)
from cchc.accounts.forms import (
    ApiTokenForm,
    LoginForm,
    MembershipForm,
    UserCreateForm,
    UserSearchForm,
)
from cchc.accounts.http import AuthedRequest
from cchc.accounts.models import User
from cchc.accounts.permissions import (
    can_manage_members,
    get_api_token_for_user,
    get_membership_for_user,
)
from cchc.core.access import city_admin, member, public
from cchc.orgunits.permissions import get_unit_for_user

USERS_PAGE_SIZE = 50

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


@city_admin
@require_http_methods(["GET", "POST"])
def user_list(request: AuthedRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = create_user(
                actor=request.user,
                username=data["username"],
                password=data["password1"],
                full_name=data["full_name"],
                email=data["email"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The user %(name)s was created.") % {"name": user})
            return redirect("accounts:users")
    search = UserSearchForm(request.GET or None)
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    users = User.objects.prefetch_related("memberships__unit").order_by("username")
    if query:
        users = users.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    page = Paginator(users, USERS_PAGE_SIZE).get_page(request.GET.get("page"))
    template = "accounts/user_list.html#users" if request.htmx else "accounts/user_list.html"
    return render(request, template, {"form": form, "search": search, "page": page})


@city_admin
@require_POST
def membership_add(request: AuthedRequest, unit_pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, unit_pk)
    form = MembershipForm(request.POST)
    if not can_manage_members(request.user, unit):
        messages.error(request, _("Roles can only be given in a current unit."))
    elif form.is_valid():
        try:
            grant_membership(
                actor=request.user,
                user=form.cleaned_data["username"],
                unit=unit,
                role=form.cleaned_data["role"],
                started_on=form.cleaned_data["started_on"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The role was given."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(unit)


@city_admin
@require_POST
def membership_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    membership = get_membership_for_user(request.user, pk)
    unit = membership.unit
    revoke_membership(membership, actor=request.user)
    messages.success(request, _("The role was removed."))
    return redirect(unit)
