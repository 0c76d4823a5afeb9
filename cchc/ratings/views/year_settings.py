"""The city's settings of the yearly classification (Decree 335/2025/NĐ-CP): each civil
servant's group of similar tasks (point 5(a)), an agency's yearly criteria points and the policy
a month's round is rated under (the default or the Hà Nội 3814/3251 preset). City
administrators only; every change goes through its audited action."""

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cchc.accounts.http import AuthedRequest
from cchc.accounts.models import Membership, User
from cchc.core.access import city_admin
from cchc.core.forms import add_action_error
from cchc.orgunits.models import OrgUnit
from cchc.ratings.actions import (
    assess_agency_year,
    attach_round_policy,
    choose_round_policy,
    set_staff_group,
)
from cchc.ratings.forms.years import (
    AgencyPointsForm,
    RoundPolicyForm,
    StaffGroupsForm,
    UnitPickForm,
)
from cchc.ratings.models import (
    AgencyCriterion,
    AgencyScore,
    Rating,
    RatingPolicy,
    RatingRound,
    Scope,
    StaffGroup,
)
from cchc.ratings.views.rounds import _month_round
from cchc.ratings.views.years import _year
from cchc.services.queries import handling_results


def _picked_unit(request: AuthedRequest) -> tuple[UnitPickForm, OrgUnit | None]:
    """The unit chosen in the query string, among those with people: members or ratings (the
    country's other units are not the city's to rate)."""
    units = OrgUnit.objects.filter(
        Q(pk__in=Membership.objects.values("unit_id")) | Q(pk__in=Rating.objects.values("unit_id")),
        legacy=False,
    ).order_by("path")
    pick = UnitPickForm(request.GET if "unit" in request.GET else None, units=units)
    unit = pick.cleaned_data["unit"] if pick.is_bound and pick.is_valid() else None
    return pick, unit


def unit_people(unit: OrgUnit) -> list[User]:
    """The people of `unit` whose group the city sets: its members, the persons ever rated in
    it and those already given a group there. One query."""
    return list(
        User.objects.filter(
            Q(pk__in=Membership.objects.filter(unit=unit).values("user_id"))
            | Q(pk__in=Rating.objects.filter(unit=unit, person__isnull=False).values("person_id"))
            | Q(pk__in=StaffGroup.objects.filter(unit=unit).values("person_id")),
            is_active=True,
        ).order_by("full_name", "username")
    )


@city_admin
def staff_groups(request: AuthedRequest) -> HttpResponse:
    """GET: the people of the chosen unit with their group; POST: save every changed group
    at once (all or nothing), each change through `set_staff_group`. Groups hold from year to
    year until changed."""
    pick, unit = _picked_unit(request)
    form = None
    status = 200
    if unit is not None:
        people = unit_people(unit)
        groups = dict(StaffGroup.objects.filter(unit=unit).values_list("person_id", "name"))
        data = request.POST if request.method == "POST" else None
        form = StaffGroupsForm(data, people=people, groups=groups)
        if request.method == "POST":
            if form.is_valid() and _save_groups(request, form, unit, groups):
                return redirect(reverse("ratings:staff_groups") + f"?unit={unit.code}")
            status = 400
    elif request.method == "POST":
        status = 400
    names = (
        sorted(set(StaffGroup.objects.filter(unit=unit).values_list("name", flat=True)))
        if unit
        else []
    )
    context = {"pick": pick, "unit": unit, "form": form, "names": names}
    return render(request, "ratings/staff_groups.html", context, status=status)


def _save_groups(
    request: AuthedRequest, form: StaffGroupsForm, unit: OrgUnit, groups: dict[int, str]
) -> bool:
    people = {person.pk: person for person in form.people}
    changed = {pk: name for pk, name in form.groups().items() if name != groups.get(pk, "")}
    try:
        with transaction.atomic():
            for pk, name in changed.items():
                set_staff_group(actor=request.user, unit=unit, person=people[pk], name=name)
    except ValidationError as error:
        add_action_error(form, error)
        return False
    messages.success(
        request,
        _("Groups saved: %(count)s change(s).") % {"count": len(changed)},
    )
    return True


def agency_policy(year: int) -> RatingPolicy | None:
    """The policy whose agency criteria rate the agencies in `year`: that of the year's latest
    civil-service round, else the default in force on 1 January."""
    latest = (
        RatingRound.objects.filter(month__year=year, scope=Scope.CIVIL_SERVICE)
        .select_related("policy")
        .order_by("-month")
        .first()
    )
    if latest is not None:
        return latest.policy
    return RatingPolicy.objects.in_force(datetime.date(year, 1, 1))


@city_admin
def agency_points(request: AuthedRequest, year: int) -> HttpResponse:
    """GET: the chosen agency's yearly points per agency criterion; POST: give them all
    (`assess_agency_year`)."""
    _year(year)
    pick, unit = _picked_unit(request)
    policy = agency_policy(year)
    criteria = list(AgencyCriterion.objects.filter(policy=policy)) if policy else []
    form = None
    status = 200
    if unit is not None and criteria and policy is not None:
        points = dict(
            AgencyScore.objects.filter(year=year, unit=unit).values_list("criterion_id", "points")
        )
        form = AgencyPointsForm(
            request.POST if request.method == "POST" else None, criteria=criteria, points=points
        )
        if request.method == "POST":
            if form.is_valid():
                try:
                    assess_agency_year(
                        actor=request.user,
                        year=year,
                        unit=unit,
                        policy=policy,
                        points=form.points(),
                    )
                except ValidationError as error:
                    add_action_error(form, error)
                else:
                    messages.success(request, _("The agency's points were saved."))
                    return redirect(
                        reverse("ratings:agency_points", args=[year]) + f"?unit={unit.code}"
                    )
            status = 400
    elif request.method == "POST":
        status = 400
    handling = None
    if unit is not None:
        # "Results of handling administrative procedures": the year's dossiers (Decision 766).
        handling = handling_results(
            [unit.pk], datetime.date(year, 1, 1), datetime.date(year, 12, 1)
        ).get(unit.pk)
    context: dict[str, Any] = {
        "year": year,
        "pick": pick,
        "unit": unit,
        "handling": handling,
        "policy": policy,
        "criteria": criteria,
        "form": form,
    }
    return render(request, "ratings/agency_points.html", context, status=status)


@city_admin
def round_policy(
    request: AuthedRequest, year: int, month: int, scope: str = Scope.CIVIL_SERVICE
) -> HttpResponse:
    """GET: the policy the month's round of `scope` is rated under and the others of that scope
    it may choose; POST: choose one, with a reason (`choose_round_policy`). The public
    employees' scope may have no round for the month (no default of theirs in force): the page
    says they are not rated and offers to attach one of their policies
    (`attach_round_policy`)."""
    if scope not in Scope.values:
        raise Http404
    decree_round = _month_round(year, month)  # 404 unless the month was closed and rated
    rating_round = (
        decree_round
        if scope == Scope.CIVIL_SERVICE
        else RatingRound.objects.select_related("policy")
        .filter(month=decree_round.month, scope=scope)
        .first()
    )
    policies = RatingPolicy.objects.filter(
        scope=scope, valid_from__lte=decree_round.month
    ).order_by("-is_default", "-valid_from", "name")
    data = request.POST if request.method == "POST" else None
    initial = {"policy": rating_round.policy_id} if rating_round else {}
    form = RoundPolicyForm(data, policies=policies, initial=initial)
    locked = (
        rating_round is not None
        and rating_round.ratings.exclude(status=Rating.Status.COMPUTED).exists()
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            chosen = form.cleaned_data["policy"]
            reason = form.cleaned_data["reason"]
            try:
                if rating_round is None:
                    attach_round_policy(
                        decree_round.close,
                        scope=scope,
                        actor=request.user,
                        policy=chosen,
                        reason=reason,
                    )
                else:
                    choose_round_policy(
                        rating_round, actor=request.user, policy=chosen, reason=reason
                    )
            except ValidationError as error:
                add_action_error(form, error)
            else:
                messages.success(request, _("The round is now rated under the chosen policy."))
                return redirect(reverse("ratings:year", args=[year]) + "#rounds")
        status = 400
    context = {
        "month": decree_round.month,
        "round": rating_round,
        "scope": scope,
        "scope_label": Scope(scope).label,
        "scopes": [
            (value, label, reverse("ratings:round_policy_scope", args=[year, month, value]))
            for value, label in Scope.choices
        ],
        "has_policies": policies.exists(),
        "form": form,
        "locked": locked,
        "year": year,
    }
    return render(request, "ratings/round_policy.html", context, status=status)
