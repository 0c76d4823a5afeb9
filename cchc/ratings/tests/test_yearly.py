"""The yearly classification (Decree 335/2025/NĐ-CP; docs/ratings.md, "The year"), the leaders'
formula, the scope of Decree 335 and the Hà Nội preset.

The monthly ratings of the yearly tests are written directly (`month_rating`): the yearly
classification reads only their stored totals, and building twelve closed months through the
plans actions would test the month close again, slowly. The leaders' and the scope's tests go
through a real month close.
"""

import datetime
import json
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.models import User
from cchc.accounts.tests.factories import UserFactory
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_official_pdf
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from cchc.plans.models import MonthClose
from cchc.plans.tests.factories import task_in
from cchc.ratings.actions import (
    choose_round_policy,
    grant_cap_exception,
    publish_policy,
    record_discipline,
    set_staff_group,
)
from cchc.ratings.models import (
    Band,
    CapBase,
    Discipline,
    Rating,
    RatingPolicy,
    RatingRound,
    Scope,
    peer_group_of,
)
from cchc.ratings.scoring import cap_places
from cchc.ratings.tests.factories import (
    SEPTEMBER,
    appoint_head,
    complete,
    draft_city_plan,
    issue,
    rate,
)
from cchc.ratings.yearly import as_json, classify_year
from conftest import Hanoi, client_for

JUNE = datetime.date(2026, 6, 1)
JULY = datetime.date(2026, 7, 1)
IN_PROGRESS = datetime.date(2026, 8, 10)
AFTER_YEAR = datetime.date(2027, 1, 10)


def decree() -> RatingPolicy:
    return RatingPolicy.objects.get(valid_from=datetime.date(2026, 1, 1), is_default=True)


def month_round(month: datetime.date, policy: RatingPolicy | None = None) -> RatingRound:
    close, _created = MonthClose.objects.get_or_create(
        month=month, defaults={"closed_at": timezone.now()}
    )
    rating_round, _created = RatingRound.objects.get_or_create(
        month=month,
        scope=Scope.CIVIL_SERVICE,
        defaults={"close": close, "policy": policy or decree(), "generated_at": timezone.now()},
    )
    return rating_round


def month_rating(
    month: datetime.date,
    unit: OrgUnit,
    person: User | None,
    total: str,
    *,
    kind: str = Rating.Kind.PERSON,
    general: str | None = None,
) -> Rating:
    """A stored monthly rating of `total` points (task points = total − general)."""
    rating_round = month_round(month)
    general_points = D(general) if general is not None else None
    task = D(total) - (general_points or 0)
    band = rating_round.policy.band_of(D(total))
    return Rating.objects.create(
        round=rating_round,
        kind=kind,
        unit=unit,
        person=person,
        peer_group=peer_group_of(unit.kind),
        cap_group=f"{kind}:{unit.pk}",
        label=person.username if person else unit.name,
        days_held=30 if kind == Rating.Kind.HEAD else None,
        month_days=30,
        quantity_pct=D(0),
        quality_pct=D(0),
        progress_pct=D(0),
        task_points=task,
        general_points=general_points,
        total=D(total),
        score_band=band,
        band=band,
    )


def both_months(unit: OrgUnit, person: User | None, total: str, **kwargs: str) -> None:
    month_rating(JUNE, unit, person, total, **kwargs)  # type: ignore[arg-type]
    month_rating(JULY, unit, person, total, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def department(hanoi: Hanoi) -> list[User]:
    """Home Affairs: 10 civil servants at 80 (good) and 4 excellent candidates averaging 95,
    93.5, 91 and 90 over June and July; the department itself at 95 (68 + 27)."""
    people = []
    for n in range(10):
        person = UserFactory(username=f"cv{n:02}")
        both_months(hanoi.home_affairs, person, "80")
        people.append(person)
    for n, (june, july) in enumerate([("96", "94"), ("93.5", "93.5"), ("92", "90"), ("90", "90")]):
        person = UserFactory(username=f"xs{n}")
        month_rating(JUNE, hanoi.home_affairs, person, june)
        month_rating(JULY, hanoi.home_affairs, person, july)
        people.append(person)
    both_months(hanoi.home_affairs, None, "95", kind=Rating.Kind.UNIT, general="27")
    return people


def lines_by_name(result: object) -> dict[str, tuple[D, str, bool]]:
    return {
        line.username or line.unit_code: (line.total, line.band, line.cap_applied)
        for line in result.lines  # type: ignore[attr-defined]
    }


def test_the_cap_moves_the_lowest_excellent_civil_servants_of_one_agency_group(
    hanoi: Hanoi, department: list[User]
) -> None:
    """Point 5(a): excellent ≤ 20% of those finally rated good in the agency's group. 10 good
    and 4 candidates: E = ⌊0.2 × 14 / 1.2⌋ = 2 (2 ≤ 20% of the 12 then good; 3 > 20% of 11):
    95 and 93.5 stay excellent, 91 and 90 are rated good. The agency is never capped."""
    result = classify_year(2026, today=AFTER_YEAR)
    lines = lines_by_name(result)
    assert lines["xs0"] == (D("95.00"), Band.EXCELLENT, False)
    assert lines["xs1"] == (D("93.50"), Band.EXCELLENT, False)
    assert lines["xs2"] == (D("91.00"), Band.GOOD, True)
    assert lines["xs3"] == (D("90.00"), Band.GOOD, True)
    assert lines["cv00"] == (D("80.00"), Band.GOOD, False)
    assert lines[hanoi.home_affairs.code] == (D("95.00"), Band.EXCELLENT, False)
    good = sum(1 for line in result.lines if line.kind == "person" and line.band == Band.GOOD)
    excellent = sum(1 for line in result.lines if line.band == Band.EXCELLENT and line.person_id)
    assert excellent == int(D("0.2") * good) == 2


def test_groups_of_similar_tasks_are_capped_apart(
    hanoi: Hanoi, department: list[User], city_admin: User
) -> None:
    """Two candidates put in their own group with no one rated good there: no place for
    either; the other group (10 good, 2 candidates) keeps both: ⌊0.2 × 12 / 1.2⌋ = 2."""
    for person in department[12:]:
        set_staff_group(actor=city_admin, unit=hanoi.home_affairs, person=person, name="Pháp chế")

    lines = {line.username: line for line in classify_year(2026, today=AFTER_YEAR).lines}

    assert [(lines[n].band, lines[n].cap_applied) for n in ("xs0", "xs1")] == [
        (Band.EXCELLENT, False),
        (Band.EXCELLENT, False),
    ]
    assert [(lines[n].group, lines[n].band, lines[n].cap_applied) for n in ("xs2", "xs3")] == [
        ("Pháp chế", Band.GOOD, True),
        ("Pháp chế", Band.GOOD, True),
    ]
    assert AuditEvent.objects.filter(verb="ratings.set_staff_group").count() == 2


def test_exception_5b_lifts_the_cap_with_its_reason_in_the_audit_trail(
    hanoi: Hanoi, department: list[User], city_admin: User, officer_a: User
) -> None:
    with pytest.raises(ValidationError, match="reason"):
        grant_cap_exception(actor=city_admin, year=2026, unit=hanoi.home_affairs, reason=" ")
    with pytest.raises(ValidationError, match="Chỉ Thành phố"):
        grant_cap_exception(actor=officer_a, year=2026, unit=hanoi.home_affairs, reason="Tốt")

    exception = grant_cap_exception(
        actor=city_admin,
        year=2026,
        unit=hanoi.home_affairs,
        reason="Dẫn đầu Chỉ số CCHC, tạo chuyển biến rõ nét",
    )

    lines = lines_by_name(classify_year(2026, today=AFTER_YEAR))
    assert [lines[n][1:] for n in ("xs0", "xs1", "xs2", "xs3")] == [(Band.EXCELLENT, False)] * 4
    event = AuditEvent.objects.get(verb="ratings.grant_cap_exception")
    assert event.details["reason"] == "Dẫn đầu Chỉ số CCHC, tạo chuyển biến rõ nét"
    assert (event.actor, event.unit, event.target_id) == (
        city_admin,
        hanoi.home_affairs,
        str(exception.pk),
    )


def test_forced_not_complete_cases(hanoi: Hanoi, city_admin: User) -> None:
    """(a) under 50 points; (b) a conclusion of decline; (c) discipline from reprimand up in
    the year (decided in March, outside the months rated); (d) corruption or waste in the unit
    a head manages directly, which leaves the unit's other civil servants alone."""
    low, declined, disciplined, clean = (UserFactory(username=n) for n in ("a", "b", "c", "d"))
    head = UserFactory(username="head")
    both_months(hanoi.ward_a, low, "49.99")
    for person in (declined, disciplined, clean):
        both_months(hanoi.ward_a, person, "85")
    both_months(hanoi.ward_a, head, "85", kind=Rating.Kind.HEAD)
    common = {"actor": city_admin, "unit": hanoi.ward_a, "reason": "Kết luận"}
    record_discipline(
        person=declined,
        number="1/KL",
        decided_on=datetime.date(2026, 5, 4),
        ground=Discipline.Ground.DECLINE,
        **common,  # type: ignore[arg-type]
    )
    record_discipline(
        person=disciplined,
        number="2/QĐ-KL",
        decided_on=datetime.date(2026, 3, 9),
        form=Discipline.Form.REPRIMAND,
        **common,  # type: ignore[arg-type]
    )
    record_discipline(
        person=None,
        number="3/KL-TTr",
        decided_on=datetime.date(2026, 7, 20),
        ground=Discipline.Ground.CORRUPTION,
        **common,  # type: ignore[arg-type]
    )

    lines = {line.username: line for line in classify_year(2026, today=AFTER_YEAR).lines}

    assert (lines["a"].band, lines["a"].discipline_number) == (Band.NOT_COMPLETE, None)
    assert (lines["b"].band, lines["b"].discipline_number) == (Band.NOT_COMPLETE, "1/KL")
    assert (lines["c"].band, lines["c"].discipline_number) == (Band.NOT_COMPLETE, "2/QĐ-KL")
    assert (lines["head"].band, lines["head"].discipline_number) == (
        Band.NOT_COMPLETE,
        "3/KL-TTr",
    )
    assert (lines["d"].band, lines["d"].discipline_number) == (Band.GOOD, None)


def test_record_discipline_refuses_a_decline_without_a_person(
    hanoi: Hanoi, city_admin: User
) -> None:
    with pytest.raises(ValidationError, match="person"):
        record_discipline(
            actor=city_admin,
            unit=hanoi.ward_a,
            person=None,
            number="1/KL",
            decided_on=datetime.date(2026, 5, 4),
            ground=Discipline.Ground.DECLINE,
            reason="Kết luận",
        )
    assert not Discipline.objects.exists()


def test_a_year_in_progress_is_provisional(hanoi: Hanoi, department: list[User]) -> None:
    assert classify_year(2026, today=IN_PROGRESS).provisional is True
    assert classify_year(2026, today=datetime.date(2026, 12, 15)).provisional is False
    assert classify_year(2026, today=AFTER_YEAR).provisional is False
    assert classify_year(2027, today=AFTER_YEAR).provisional is True  # nothing rated yet


def test_rate_year_json_has_the_contract_shape(hanoi: Hanoi, department: list[User]) -> None:
    out = StringIO()
    call_command("rate_year", "2026", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) == {"year", "provisional", "ratings"}
    assert result["year"] == 2026
    assert isinstance(result["provisional"], bool)
    assert {tuple(sorted(line)) for line in result["ratings"]} == {
        ("band", "cap_applied", "discipline", "group", "kind", "person", "points", "unit")
    }
    xs2 = next(line for line in result["ratings"] if line["person"] == "xs2")
    assert xs2 == {
        "kind": "person",
        "unit": hanoi.home_affairs.code,
        "person": "xs2",
        "group": None,
        "points": 91.0,
        "band": "good",
        "cap_applied": True,
        "discipline": None,
    }
    unit = next(line for line in result["ratings"] if line["kind"] == "unit")
    assert (unit["person"], unit["band"], unit["cap_applied"]) == (None, "excellent", False)
    # Within each (unit, group): excellent ≤ ⌊20% × those finally rated good⌋.
    groups: dict[tuple[str, str | None], list[str]] = {}
    for line in result["ratings"]:
        if line["kind"] != "unit":
            groups.setdefault((line["unit"], line["group"]), []).append(line["band"])
    for bands in groups.values():
        assert bands.count("excellent") <= int(0.2 * bands.count("good"))


def test_rate_year_refuses_a_year_with_nothing_rated(db: None) -> None:
    with pytest.raises(Exception, match="No month of 2031"):
        call_command("rate_year", "2031")


def test_agency_points_of_the_year_replace_the_monthly_general_points(
    hanoi: Hanoi, department: list[User], city_admin: User
) -> None:
    from cchc.ratings.actions import assess_agency_year

    criteria = list(decree().agency_criteria.order_by("order"))
    assert [c.max_points for c in criteria] == [D(8), D(8), D(7), D(7)]
    points = {c.pk: c.max_points - 3 for c in criteria}  # 18 of 30
    assess_agency_year(
        actor=city_admin, year=2026, unit=hanoi.home_affairs, policy=decree(), points=points
    )
    line = lines_by_name(classify_year(2026, today=AFTER_YEAR))[hanoi.home_affairs.code]
    assert line == (D("86.00"), Band.GOOD, False)  # 68 task points + 18


# --- the page, the PDF and the API -------------------------------------------------------


def test_year_page_shows_the_provisional_classification_to_the_city(
    hanoi: Hanoi, department: list[User], city_admin: User
) -> None:
    response = client_for(city_admin).get(reverse("ratings:year", args=[2026]))
    content = response.content.decode()
    assert response.status_code == 200
    provisional = timezone.localdate() < datetime.date(2026, 12, 15)
    assert ('data-testid="provisional-notice"' in content) is provisional
    assert content.count('data-testid="year-capped"') == 2
    assert content.count('data-testid="year-row"') == 15
    assert 'data-testid="exception-form"' in content


def test_year_page_shows_officer_b_only_ward_b(
    hanoi: Hanoi, department: list[User], officer_b: User
) -> None:
    both_months(hanoi.ward_b, officer_b, "75")
    response = client_for(officer_b).get(reverse("ratings:year", args=[2026]))
    content = response.content.decode()
    assert content.count('data-testid="year-row"') == 1
    assert "xs0" not in content
    assert 'data-testid="exception-form"' not in content


def test_exception_form_is_city_only_and_records_the_decision(
    hanoi: Hanoi, department: list[User], city_admin: User, officer_a: User
) -> None:
    url = reverse("ratings:year_exception", args=[2026])
    data = {"unit": hanoi.home_affairs.code, "excellent_pct": "40", "reason": "Thành tích nổi trội"}
    assert client_for(officer_a).post(url, data).status_code == 403
    response = client_for(city_admin).post(url, data)
    assert response.status_code == 302
    lines = lines_by_name(classify_year(2026, today=AFTER_YEAR))
    # 40% of those finally good: E = ⌊0.4 × 14 / 1.4⌋ = 4, every candidate stays excellent.
    assert [lines[n][1] for n in ("xs0", "xs1", "xs2", "xs3")] == [Band.EXCELLENT] * 4
    assert AuditEvent.objects.filter(verb="ratings.grant_cap_exception").count() == 1
    bad = client_for(city_admin).post(url, {**data, "unit": "nope"})
    assert bad.status_code == 400


def test_year_pdf_has_the_classification(
    hanoi: Hanoi, department: list[User], city_admin: User
) -> None:
    response = client_for(city_admin).get(reverse("ratings:year_pdf", args=[2026]))
    assert response["Content-Type"] == "application/pdf"
    text = assert_official_pdf(response.content, landscape=True)  # A4 landscape: a wide table
    assert "/BC-SNV" in text
    assert "Tổng hợp xếp loại chất lượng năm 2026" in text
    assert "KT. GIÁM ĐỐC" in text


def test_api_year_is_scoped_and_has_the_contract_shape(
    hanoi: Hanoi, department: list[User], officer_b: User, city_admin: User
) -> None:
    both_months(hanoi.ward_b, officer_b, "75")
    mine = client_for(officer_b).get("/api/v1/ratings/years/2026").json()
    assert [(r["person"], r["band"]) for r in mine["ratings"]] == [("officer_b", "good")]
    city = client_for(city_admin).get("/api/v1/ratings/years/2026").json()
    assert city == as_json(classify_year(2026, today=timezone.localdate()))
    assert client_for(city_admin).get("/api/v1/ratings/years/1999").status_code == 422


# --- leaders, scope, presets ---------------------------------------------------------------


def test_a_leader_with_one_subordinate_not_complete_gets_half_on_the_staff_part(
    hanoi: Hanoi, city_admin: User, officer_a: User
) -> None:
    """Ward A: task A1 (officer A) done on time, task A2 (officer X) not done by its deadline.
    Officer A: 100% → 70 points; officer X: 0 → not complete. The head has no task of their
    own: own work = the unit's 50%, organising = 50% (not every task done), staff = 50% (one
    subordinate not complete): 70 × (50 × 50 + 30 × 50 + 20 × 50) / 100 / 100 = 35.00."""
    head = appoint_head(hanoi.ward_a, city_admin, username="head_a")
    other = UserFactory(username="officer_x")
    plan = draft_city_plan(hanoi.city, city_admin)
    due = datetime.date(2026, 9, 15)
    done = task_in(plan, hanoi.ward_a, city_admin, code="A1", deadline=due, responsible=officer_a)
    task_in(plan, hanoi.ward_a, city_admin, code="A2", deadline=due, responsible=other)
    issue(plan, city_admin)
    complete(done, city_admin, datetime.date(2026, 9, 10))

    ratings = rate(SEPTEMBER, city_admin).ratings
    leader = ratings.get(kind=Rating.Kind.HEAD, person=head)

    assert ratings.get(person=other).band == Band.NOT_COMPLETE
    assert ratings.get(person=officer_a).total == D("70.00")
    assert (leader.own_pct, leader.staff_pct, leader.organising_pct) == (
        D("50.00"),
        D("50.00"),
        D("50.00"),
    )
    assert leader.task_points == D("35.00")


def test_public_service_units_leave_the_decree_335_round(hanoi: Hanoi, city_admin: User) -> None:
    school = OrgUnitFactory(
        code="01-TT", kind=OrgUnit.Kind.PUBLIC_SERVICE, name="Trung tâm", parent=hanoi.city
    )
    plan = draft_city_plan(hanoi.city, city_admin)
    task_in(plan, hanoi.ward_a, city_admin, code="W1", deadline=datetime.date(2026, 9, 15))
    task_in(plan, school, city_admin, code="S1", deadline=datetime.date(2026, 9, 15))
    issue(plan, city_admin)

    decree_round = rate(SEPTEMBER, city_admin)
    assert set(decree_round.ratings.values_list("unit__code", flat=True)) == {"00004"}
    assert not RatingRound.objects.filter(scope=Scope.PUBLIC_EMPLOYEE).exists()

    publish_policy(
        actor=city_admin,
        valid_from=datetime.date(2026, 1, 1),
        name="Quy chế đánh giá viên chức",
        criteria=[("1", "Tiêu chí chung", D(30))],
        scope=Scope.PUBLIC_EMPLOYEE,
    )
    rate_again = MonthClose.objects.get(month=SEPTEMBER)
    from cchc.ratings.actions import generate_round

    generate_round(rate_again, actor=city_admin)
    employees = RatingRound.objects.get(month=SEPTEMBER, scope=Scope.PUBLIC_EMPLOYEE)
    assert set(employees.ratings.values_list("unit__code", flat=True)) == {"01-TT"}
    assert set(decree_round.ratings.values_list("unit__code", flat=True)) == {"00004"}


def test_a_round_can_choose_the_hanoi_preset(hanoi: Hanoi, city_admin: User) -> None:
    plan = draft_city_plan(hanoi.city, city_admin)
    task = task_in(plan, hanoi.ward_a, city_admin, code="W1", deadline=datetime.date(2026, 9, 15))
    issue(plan, city_admin)
    complete(task, city_admin, datetime.date(2026, 9, 1))
    rating_round = rate(SEPTEMBER, city_admin)
    hanoi_preset = RatingPolicy.objects.get(is_default=False)

    with pytest.raises(ValidationError, match="reason"):
        choose_round_policy(rating_round, actor=city_admin, policy=hanoi_preset, reason="")
    choose_round_policy(
        rating_round, actor=city_admin, policy=hanoi_preset, reason="Áp dụng 3814-QĐ/TU"
    )

    rating_round.refresh_from_db()
    assert rating_round.policy == hanoi_preset
    unit = rating_round.ratings.get(kind=Rating.Kind.UNIT)
    assert (unit.total, unit.band) == (D("70.00"), Band.GOOD)
    assert hanoi_preset.band_label(unit.band) == "B"
    assert [(c.code, c.max_points) for c in hanoi_preset.criteria.all()] == [
        ("1", D(7)),
        ("2", D(7)),
        ("3", D(6)),
        ("T", D(10)),
    ]
    event = AuditEvent.objects.get(verb="ratings.choose_policy")
    assert event.details["reason"] == "Áp dụng 3814-QĐ/TU"


def test_hanoi_preset_caps_a_at_30_percent_of_the_staff() -> None:
    """3814-QĐ/TU: A at most 30% of those rated; 10 rated with 5 candidates: 3 places; 40% (an
    exceptional unit): 4; Decree 335 5(a) on 10 good and 4 candidates: 2."""
    assert cap_places(D(30), CapBase.RATED, good=5, candidates=5, rated=10) == 3
    assert cap_places(D(40), CapBase.RATED, good=5, candidates=5, rated=10) == 4
    assert cap_places(D(20), CapBase.GOOD, good=10, candidates=4, rated=14) == 2
    assert cap_places(None, CapBase.GOOD, good=0, candidates=4, rated=4) == 4


def test_the_decree_default_lists_innovation_among_the_general_criteria(db: None) -> None:
    titles = list(decree().criteria.values_list("title", flat=True))
    assert "Năng lực đổi mới sáng tạo, dám nghĩ dám làm" in titles
    assert sum(decree().criteria.values_list("max_points", flat=True)) == D(30)
    assert sum(decree().agency_criteria.values_list("max_points", flat=True)) == D(30)
