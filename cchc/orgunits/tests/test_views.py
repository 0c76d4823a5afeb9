import datetime
import itertools
import re
from collections.abc import Callable

import pytest
from django.http import HttpResponse
from django.test import Client

from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.core import audit
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_constant_queries, assert_shows, html
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from conftest import Hanoi, client_for

HTMX = {"HTTP_HX_REQUEST": "true"}
STALE_MESSAGE = "Someone else changed this unit while you were editing. Reload and try again."


def _edit_data(unit: OrgUnit, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "valid_from": "",
        "valid_to": "",
        "version": unit.version,
    }
    data.update(overrides)
    return data


# --- tree page -------------------------------------------------------------------------------


def test_unit_tree_officer_sees_own_ward_and_not_the_other(hanoi: Hanoi, officer_a: User) -> None:
    response = client_for(officer_a).get("/units/")

    assert response.status_code == 200
    page = html(response)
    assert "Phường Ba Đình" in page
    assert 'data-unit="00004"' in page
    assert "Phường Hoàn Kiếm" not in page
    assert "Thành phố Hà Nội" not in page
    assert [unit.code for unit in response.context["roots"]] == ["00004"]


def test_unit_tree_city_admin_sees_the_city_opened_with_both_wards(
    hanoi: Hanoi, city_admin: User
) -> None:
    response = client_for(city_admin).get("/units/")

    page = html(response)
    assert "Thành phố Hà Nội" in page
    assert "Phường Ba Đình" in page
    assert "Phường Hoàn Kiếm" in page
    assert response.context["opened"] == hanoi.city
    assert {unit.code for unit in response.context["opened_children"]} == {
        "01-SNV",
        "01-TTTP",
        "00004",
        "00070",
    }


def test_unit_tree_hides_ended_units_unless_asked(hanoi: Hanoi, city_admin: User) -> None:
    OrgUnitFactory(
        code="00001", name="Phường Phúc Xá", parent=hanoi.city, valid_to=datetime.date(2025, 6, 30)
    )
    client = client_for(city_admin)

    assert "Phường Phúc Xá" not in html(client.get("/units/"))
    assert "Phường Phúc Xá" in html(client.get("/units/", {"ended": "on"}))


def test_unit_tree_user_without_membership_sees_an_empty_tree(hanoi: Hanoi) -> None:
    response = client_for(UserFactory()).get("/units/")

    assert response.status_code == 200
    assert list(response.context["roots"]) == []
    assert "Phường Ba Đình" not in html(response)
    assert_shows(response, "You have no unit yet. Ask the city administrator for a role.")


def test_unit_tree_htmx_request_returns_only_the_partial(hanoi: Hanoi, officer_a: User) -> None:
    response = client_for(officer_a).get("/units/", **HTMX)

    assert response.status_code == 200
    page = html(response)
    assert "<html" not in page
    assert "<nav" not in page
    assert page.lstrip().startswith('<div id="tree"')
    assert "Phường Ba Đình" in page


def test_unit_tree_anonymous_is_redirected_to_login(anonymous: Client, hanoi: Hanoi) -> None:
    response = anonymous.get("/units/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/units/"


# --- search ----------------------------------------------------------------------------------


def test_unit_search_folds_diacritics(hanoi: Hanoi, city_admin: User) -> None:
    response = client_for(city_admin).get("/units/", {"q": "ba dinh"})

    assert [unit.code for unit in response.context["results"]] == ["00004"]
    page = html(response)
    assert "Phường Ba Đình" in page
    assert "Phường Hoàn Kiếm" not in page


def test_unit_search_finds_a_unit_by_code(hanoi: Hanoi, city_admin: User) -> None:
    response = client_for(city_admin).get("/units/", {"q": "00070"})
    assert [unit.code for unit in response.context["results"]] == ["00070"]
    assert "Phường Hoàn Kiếm" in html(response)


def test_unit_search_never_shows_units_outside_the_users_scope(
    hanoi: Hanoi, officer_b: User
) -> None:
    response = client_for(officer_b).get("/units/", {"q": "ba dinh"})

    assert list(response.context["results"]) == []
    assert "Phường Ba Đình" not in html(response)
    assert_shows(response, "No unit matches.")


def test_unit_search_htmx_returns_only_the_results_partial(hanoi: Hanoi, city_admin: User) -> None:
    response = client_for(city_admin).get("/units/", {"q": "hoan kiem"}, **HTMX)

    page = html(response)
    assert "<html" not in page
    assert "Phường Hoàn Kiếm" in page
    assert "Phường Ba Đình" not in page


# --- children partial ------------------------------------------------------------------------


def test_unit_children_lists_the_children_as_a_partial(hanoi: Hanoi, city_admin: User) -> None:
    response = client_for(city_admin).get(f"/units/{hanoi.city.pk}/children/")

    assert response.status_code == 200
    page = html(response)
    assert "<html" not in page
    for code in ("01-SNV", "01-TTTP", "00004", "00070"):
        assert f'data-unit="{code}"' in page
    assert 'data-unit="01"' not in page


def test_unit_children_of_a_ward_without_children_says_so(hanoi: Hanoi, officer_a: User) -> None:
    response = client_for(officer_a).get(f"/units/{hanoi.ward_a.pk}/children/")
    assert response.status_code == 200
    assert_shows(response, "No sub-units.")


def test_unit_children_of_an_invisible_unit_is_not_found(hanoi: Hanoi, officer_a: User) -> None:
    client = client_for(officer_a)
    assert client.get(f"/units/{hanoi.city.pk}/children/").status_code == 404
    assert client.get(f"/units/{hanoi.ward_b.pk}/children/").status_code == 404


# --- detail page -----------------------------------------------------------------------------


def test_unit_detail_shows_the_unit_and_an_edit_link_to_its_focal_point(
    hanoi: Hanoi, officer_a: User
) -> None:
    child = OrgUnitFactory(
        code="00004-TDP1",
        kind=OrgUnit.Kind.PUBLIC_SERVICE,
        name="Tổ dân phố 1",
        parent=hanoi.ward_a,
    )
    response = client_for(officer_a).get(f"/units/{hanoi.ward_a.pk}/")

    assert response.status_code == 200
    page = html(response)
    assert '<h1 class="h4 mb-1">Phường Ba Đình</h1>' in page
    assert "<code>00004</code>" in page
    assert f'href="/units/{hanoi.ward_a.pk}/edit/"' in page
    assert f'href="/units/{child.pk}/"' in page
    assert "Tổ dân phố 1" in page
    assert str(officer_a) in page  # listed among the members


def test_unit_detail_links_only_to_units_the_user_may_open(hanoi: Hanoi, officer_a: User) -> None:
    # Breadcrumbs, parent, successors and predecessors must not lead the officer to a 404.
    child = OrgUnitFactory(kind=OrgUnit.Kind.PUBLIC_SERVICE, parent=hanoi.ward_a)
    client = client_for(officer_a)
    page = html(client.get(f"/units/{hanoi.ward_a.pk}/"))
    assert "Thành phố Hà Nội" in page  # the parent is named, as plain text

    linked = set(re.findall(r'href="(/units/\d+/)"', page))
    assert linked
    assert linked == {f"/units/{child.pk}/"}
    dead = [url for url in sorted(linked) if client.get(url).status_code != 200]
    assert dead == []


def test_unit_detail_has_no_edit_link_for_a_unit_head(hanoi: Hanoi) -> None:
    head = UserFactory()
    MembershipFactory(user=head, unit=hanoi.ward_a, role=Membership.Role.HEAD)

    response = client_for(head).get(f"/units/{hanoi.ward_a.pk}/")

    assert response.status_code == 200
    assert "Phường Ba Đình" in html(response)
    assert f"/units/{hanoi.ward_a.pk}/edit/" not in html(response)


def test_unit_detail_of_another_ward_is_not_found_like_a_missing_unit(
    hanoi: Hanoi, officer_b: User
) -> None:
    client = client_for(officer_b)
    hidden = client.get(f"/units/{hanoi.ward_a.pk}/")
    missing = client.get("/units/999999/")

    assert hidden.status_code == missing.status_code == 404
    assert _request_specific_removed(hidden) == _request_specific_removed(missing)
    assert "Ba Đình" not in html(hidden)


def _request_specific_removed(response: HttpResponse) -> str:
    """The page without what differs between any two responses: the CSRF token, masked afresh
    for each response, and the language switch's return address (the URL asked for)."""
    page = re.sub(
        r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]*', r"\1", html(response)
    )
    return re.sub(r'(name="next" value=")[^"]*', r"\1", page)


def test_unit_detail_shows_predecessors_and_history(hanoi: Hanoi, officer_a: User) -> None:
    old_district = OrgUnitFactory(
        code="001",
        legacy=True,
        kind=OrgUnit.Kind.DISTRICT,
        name="Quận Ba Đình",
        valid_to=datetime.date(2025, 6, 30),
    )
    old_ward = OrgUnitFactory(
        code="00004",
        legacy=True,
        name="Phường Trúc Bạch",
        parent=old_district,
        valid_to=datetime.date(2025, 6, 30),
    )
    old_ward.successors.add(hanoi.ward_a)
    audit.record(
        officer_a,
        "orgunits.update",
        hanoi.ward_a,
        unit=hanoi.ward_a,
        changes={"short_name": ["", "Ba Đình"]},
    )

    response = client_for(officer_a).get(f"/units/{hanoi.ward_a.pk}/")

    page = html(response)
    assert 'data-testid="predecessors"' in page
    assert "Phường Trúc Bạch" in page
    assert "Quận Ba Đình" in page
    assert "30/06/2025" in page
    assert "cập nhật đơn vị" in page  # the event in words (cchc.core.history)
    assert "orgunits.update" not in page
    assert list(response.context["history"]) == list(AuditEvent.objects.all())


def test_unit_detail_subunits_page_htmx_returns_the_partial(hanoi: Hanoi, city_admin: User) -> None:
    response = client_for(city_admin).get(f"/units/{hanoi.city.pk}/", {"page": "1"}, **HTMX)

    page = html(response)
    assert "<html" not in page
    assert page.lstrip().startswith('<section class="card mb-3" id="subunits"')
    assert "Phường Hoàn Kiếm" in page


# --- edit ------------------------------------------------------------------------------------


def test_unit_edit_form_shows_the_current_values(hanoi: Hanoi, officer_a: User) -> None:
    response = client_for(officer_a).get(f"/units/{hanoi.ward_a.pk}/edit/")

    assert response.status_code == 200
    page = html(response)
    assert 'value="Phường Ba Đình"' in page
    assert '<input type="hidden" name="version" value="1"' in page


def test_unit_edit_saves_redirects_and_audits(hanoi: Hanoi, officer_a: User) -> None:
    client = client_for(officer_a)
    response = client.post(
        f"/units/{hanoi.ward_a.pk}/edit/",
        _edit_data(hanoi.ward_a, name="Phường Ba Đình (mới)", valid_from="01/07/2025"),
    )

    assert response.status_code == 302
    assert response["Location"] == f"/units/{hanoi.ward_a.pk}/"
    ward = OrgUnit.objects.get(pk=hanoi.ward_a.pk)
    assert ward.name == "Phường Ba Đình (mới)"
    assert ward.valid_from == datetime.date(2025, 7, 1)
    assert ward.version == 2
    (event,) = AuditEvent.objects.filter(verb="orgunits.update")
    assert event.actor == officer_a
    assert event.unit == ward
    assert event.changes == {
        "name": ["Phường Ba Đình", "Phường Ba Đình (mới)"],
        "valid_from": [None, "2025-07-01"],
    }
    detail = client.get(response["Location"])
    assert_shows(detail, "The unit was saved.")
    assert "Phường Ba Đình (mới)" in html(detail)


def test_unit_edit_of_another_ward_is_not_found_for_get_and_post(
    hanoi: Hanoi, officer_b: User
) -> None:
    client = client_for(officer_b)
    url = f"/units/{hanoi.ward_a.pk}/edit/"

    assert client.get(url).status_code == 404
    assert client.post(url, _edit_data(hanoi.ward_a, name="Bị chiếm")).status_code == 404
    ward = OrgUnit.objects.get(pk=hanoi.ward_a.pk)
    assert (ward.name, ward.version) == ("Phường Ba Đình", 1)
    assert not AuditEvent.objects.exists()


def test_unit_edit_by_a_unit_head_is_not_found(hanoi: Hanoi) -> None:
    head = UserFactory()
    MembershipFactory(user=head, unit=hanoi.ward_a, role=Membership.Role.HEAD)
    response = client_for(head).post(
        f"/units/{hanoi.ward_a.pk}/edit/", _edit_data(hanoi.ward_a, name="Không được")
    )
    assert response.status_code == 404
    assert OrgUnit.objects.get(pk=hanoi.ward_a.pk).name == "Phường Ba Đình"


def test_unit_edit_with_a_stale_version_shows_the_error_and_does_not_save(
    hanoi: Hanoi, officer_a: User, city_admin: User
) -> None:
    client = client_for(officer_a)
    form_data = _edit_data(hanoi.ward_a, name="Sửa của cán bộ A")  # version 1 in the form
    client_for(city_admin).post(
        f"/units/{hanoi.ward_a.pk}/edit/", _edit_data(hanoi.ward_a, name="Sửa của quản trị")
    )

    response = client.post(f"/units/{hanoi.ward_a.pk}/edit/", form_data)

    assert response.status_code == 200
    assert_shows(response, STALE_MESSAGE)
    ward = OrgUnit.objects.get(pk=hanoi.ward_a.pk)
    assert (ward.name, ward.version) == ("Sửa của quản trị", 2)
    assert AuditEvent.objects.filter(verb="orgunits.update").count() == 1


def test_unit_edit_with_end_before_start_shows_the_error(hanoi: Hanoi, officer_a: User) -> None:
    response = client_for(officer_a).post(
        f"/units/{hanoi.ward_a.pk}/edit/",
        _edit_data(hanoi.ward_a, valid_from="01/07/2025", valid_to="30/06/2025"),
    )

    assert response.status_code == 200
    assert_shows(response, "The end date is before the start date.")
    assert OrgUnit.objects.get(pk=hanoi.ward_a.pk).version == 1
    assert not AuditEvent.objects.exists()


def test_unit_edit_with_an_empty_name_is_refused(hanoi: Hanoi, officer_a: User) -> None:
    response = client_for(officer_a).post(
        f"/units/{hanoi.ward_a.pk}/edit/", _edit_data(hanoi.ward_a, name="")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert OrgUnit.objects.get(pk=hanoi.ward_a.pk).name == "Phường Ba Đình"
    assert not AuditEvent.objects.exists()


def test_unit_edit_with_the_longest_allowed_name_saves(hanoi: Hanoi, officer_a: User) -> None:
    # The form allows 200 characters; the page must save them (or explain), never crash.
    name = ("Phường " * 40)[: OrgUnit._meta.get_field("name").max_length]
    response = client_for(officer_a).post(
        f"/units/{hanoi.ward_a.pk}/edit/", _edit_data(hanoi.ward_a, name=name)
    )
    assert response.status_code == 302
    assert OrgUnit.objects.get(pk=hanoi.ward_a.pk).name == name


def test_unit_edit_anonymous_is_redirected_to_login(anonymous: Client, hanoi: Hanoi) -> None:
    response = anonymous.post(f"/units/{hanoi.ward_a.pk}/edit/", _edit_data(hanoi.ward_a))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert OrgUnit.objects.get(pk=hanoi.ward_a.pk).version == 1


# --- N+1 guards ------------------------------------------------------------------------------


@pytest.fixture
def province_focal_point(db: None) -> tuple[OrgUnit, User]:
    """A province of its own and a (non-admin) focal point of it: the costlier scoping path."""
    province = OrgUnitFactory(code="79", kind=OrgUnit.Kind.PROVINCE, name="Thành phố Hồ Chí Minh")
    user = UserFactory()
    MembershipFactory(user=user, unit=province, role=Membership.Role.FOCAL_POINT)
    return province, user


def _ward_adder(parent: OrgUnit) -> Callable[[int], None]:
    numbers = itertools.count(1)

    def add(n: int) -> None:
        for _ in range(n):
            i = next(numbers)
            ward = OrgUnitFactory(code=f"W{i:04d}", name=f"Phường Mẫu {i}", parent=parent)
            OrgUnitFactory(kind=OrgUnit.Kind.PUBLIC_SERVICE, parent=ward)  # a child to count

    return add


def test_unit_tree_query_count_is_constant(province_focal_point: tuple[OrgUnit, User]) -> None:
    province, user = province_focal_point
    client = client_for(user)
    _first, second = assert_constant_queries(lambda: client.get("/units/"), _ward_adder(province))
    assert html(second).count('data-unit="W') == 3


def test_unit_children_query_count_is_constant(province_focal_point: tuple[OrgUnit, User]) -> None:
    province, user = province_focal_point
    client = client_for(user)
    _first, second = assert_constant_queries(
        lambda: client.get(f"/units/{province.pk}/children/"), _ward_adder(province)
    )
    assert html(second).count('data-unit="W') == 3


def test_unit_search_query_count_is_constant(province_focal_point: tuple[OrgUnit, User]) -> None:
    province, user = province_focal_point
    client = client_for(user)
    _first, second = assert_constant_queries(
        lambda: client.get("/units/", {"q": "phuong mau"}), _ward_adder(province)
    )
    assert len(second.context["results"]) == 3


def test_unit_detail_query_count_is_constant(province_focal_point: tuple[OrgUnit, User]) -> None:
    province, user = province_focal_point
    old_district = OrgUnitFactory(
        code="760", legacy=True, kind=OrgUnit.Kind.DISTRICT, name="Quận 1", valid_to="2025-06-30"
    )
    numbers = itertools.count(1)
    add_ward = _ward_adder(province)

    def add_rows(n: int) -> None:
        add_ward(n)  # sub-units
        for _ in range(n):
            i = next(numbers)
            member = UserFactory()
            MembershipFactory(user=member, unit=province, role=Membership.Role.VIEWER)
            old = OrgUnitFactory(
                code=f"L{i:04d}",
                legacy=True,
                name=f"Phường Cũ {i}",
                parent=old_district,
                valid_to="2025-06-30",
            )
            old.successors.add(province)
            province.successors.add(OrgUnitFactory(code=f"S{i:04d}", name=f"Kế thừa {i}"))
            audit.record(member, "orgunits.update", province, unit=province, changes={"n": [i, i]})

    client = client_for(user)
    _first, second = assert_constant_queries(lambda: client.get(f"/units/{province.pk}/"), add_rows)
    page = html(second)
    assert page.count("Phường Mẫu") == 3
    assert page.count("Phường Cũ") == 3
    assert page.count("cập nhật đơn vị") == 3
