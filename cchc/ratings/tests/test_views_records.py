"""The responsibility, discipline and rating policy pages, per view: the happy path, the
refusals, the forbidden personas, and an N+1 guard on each list.

September 2026 is rated with the worked example of docs/ratings.md in ward A (Ba Đình):
officer_a is responsible for its ten tasks, two of which are overdue at the close, so officer_a
answers for two tasks (V09, V10), each 15 days overdue. officer_b (ward B) sees none of it.
"""

import datetime
from decimal import Decimal
from itertools import count

import pytest
from django.test import Client
from django.utils import timezone, translation

from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_constant_queries, assert_shows, html
from cchc.plans.models import Task
from cchc.plans.tests.factories import task_in
from cchc.ratings.actions import add_follow_up, publish_policy, record_discipline
from cchc.ratings.forms.records import parse_criteria
from cchc.ratings.models import (
    Band,
    Discipline,
    Rating,
    RatingPolicy,
    RatingRound,
    Responsibility,
)
from cchc.ratings.tests.factories import SEPTEMBER, draft_city_plan, rate, worked_example
from conftest import Hanoi, client_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
DECIDED_ON = datetime.date(2026, 9, 20)


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests assert messages by their English msgids: run them in English (the
    Vietnamese catalogue is checked by cchc/core/tests/test_translations.py)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def september(hanoi: Hanoi, city_admin: User, officer_a: User) -> RatingRound:
    plan = draft_city_plan(hanoi.city, city_admin)
    worked_example(plan, hanoi.ward_a, city_admin, responsible=officer_a)
    return rate(SEPTEMBER, city_admin)


@pytest.fixture
def record(september: RatingRound) -> Responsibility:
    """officer_a's responsibility for V09."""
    return Responsibility.objects.get(task__code="V09")


@pytest.fixture
def head_a(hanoi: Hanoi) -> User:
    head = UserFactory(username="head_a", full_name="Trưởng phường A")
    MembershipFactory(user=head, unit=hanoi.ward_a, role=Membership.Role.HEAD)
    return head


def url(record: Responsibility, action: str = "") -> str:
    return f"/ratings/responsibilities/{record.pk}/" + (f"{action}/" if action else "")


# --- responsibility list ---------------------------------------------------------------------


def test_responsibility_list_shows_the_records_of_the_users_units(
    september: RatingRound, officer_a: User
) -> None:
    response = client_for(officer_a).get("/ratings/responsibilities/")

    page = response.context["page"]
    assert [(r.task.code, r.person, r.days_overdue) for r in page] == [
        ("V09", officer_a, 15),
        ("V10", officer_a, 15),
    ]
    content = html(response)
    task = Task.objects.get(code="V09")
    assert f'href="{task.get_absolute_url()}"' in content
    assert "Phường Ba Đình" in content
    assert "15/09/2026" in content  # deadline
    assert "09/2026" in content  # overdue since the close of September


def test_responsibility_list_shows_nothing_of_ward_a_to_officer_b(
    september: RatingRound, officer_b: User
) -> None:
    response = client_for(officer_b).get("/ratings/responsibilities/")

    assert response.context["page"].paginator.count == 0
    assert "V09" not in html(response)
    assert_shows(response, "No responsibility records match.")


def test_responsibility_list_shows_open_records_unless_asked_otherwise(
    record: Responsibility, city_admin: User
) -> None:
    add_follow_up(record, actor=city_admin, text="Đã nhắc nhở, đã hoàn thành", close=True)
    client = client_for(city_admin)

    def codes(query: str) -> list[str]:
        return [
            r.task.code for r in client.get(f"/ratings/responsibilities/{query}").context["page"]
        ]

    assert codes("") == ["V10"]
    assert codes("?status=closed") == ["V09"]
    assert codes("?status=all") == ["V09", "V10"]
    assert codes("?page=1") == ["V10"]


def test_responsibility_list_filters_by_handling_role_unit_and_month(
    record: Responsibility, city_admin: User, hanoi: Hanoi
) -> None:
    client = client_for(city_admin)
    client.post(url(record, "handling"), {"handling": "reminder", "version": record.version})

    def codes(query: str) -> list[str]:
        return [
            r.task.code for r in client.get(f"/ratings/responsibilities/?{query}").context["page"]
        ]

    assert codes("handling=reminder") == ["V09"]
    assert codes("handling=none") == ["V10"]
    assert codes("role=head") == []
    assert codes("role=responsible") == ["V09", "V10"]
    assert codes(f"unit={hanoi.ward_a.pk}") == ["V09", "V10"]
    assert codes("month=2026-09-01") == ["V09", "V10"]


def test_responsibility_list_answers_htmx_with_the_table_only(
    september: RatingRound, officer_a: User
) -> None:
    response = client_for(officer_a).get("/ratings/responsibilities/?status=all", **HTMX)

    content = html(response)
    assert content.lstrip().startswith('<section id="records"')
    assert "V09" in content
    assert "<html" not in content


def test_responsibility_list_has_no_n_plus_one(
    hanoi: Hanoi, city_admin: User, officer_a: User
) -> None:
    """Records are made by a month close; the guard needs them one at a time, so it writes
    them directly (a new task and a new person each, to catch per-row lookups)."""
    plan = draft_city_plan(hanoi.city, city_admin)
    numbers = count(1)

    def add(n: int) -> None:
        for _ in range(n):
            number = next(numbers)
            task = task_in(plan, hanoi.ward_a, city_admin, code=f"N{number}")
            Responsibility.objects.create(
                task=task,
                person=UserFactory(),
                role=Responsibility.Role.RESPONSIBLE,
                unit=hanoi.ward_a,
                first_month=SEPTEMBER,
                last_month=SEPTEMBER,
                deadline=task.deadline,
                days_overdue=number,
            )

    client = client_for(city_admin)
    _first, second = assert_constant_queries(lambda: client.get("/ratings/responsibilities/"), add)
    assert [r.days_overdue for r in second.context["page"]] == [3, 2, 1]


def test_responsibility_list_needs_a_signed_in_user(anonymous: Client) -> None:
    response = anonymous.get("/ratings/responsibilities/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- responsibility detail -------------------------------------------------------------------


def test_responsibility_detail_offers_the_person_the_explanation_only(
    record: Responsibility, officer_a: User
) -> None:
    response = client_for(officer_a).get(url(record))

    content = html(response)
    assert response.context["can_explain"] is True
    assert response.context["can_handle"] is False
    assert 'data-testid="explain-form"' in content
    assert 'data-testid="handling-form"' not in content
    assert 'data-testid="follow-up-form"' not in content
    assert f'name="version" value="{record.version}"' in content
    assert_shows(response, "No follow-up yet.")


def test_responsibility_detail_offers_a_city_admin_handling_and_follow_up(
    record: Responsibility, city_admin: User
) -> None:
    response = client_for(city_admin).get(url(record))

    content = html(response)
    assert 'data-testid="explain-form"' not in content
    assert 'data-testid="handling-form"' in content
    assert 'data-testid="follow-up-form"' in content
    assert (
        '<option value="">'
        not in content.split('data-testid="handling-form"')[1].split("</form>")[0]
    )  # "not decided yet" is not a decision


def test_responsibility_detail_is_404_for_another_unit(
    record: Responsibility, officer_b: User
) -> None:
    assert client_for(officer_b).get(url(record)).status_code == 404


def test_responsibility_detail_shows_follow_ups_and_history(
    record: Responsibility, city_admin: User, officer_a: User
) -> None:
    client_for(officer_a).post(
        url(record, "explain"), {"reason": "Chờ ý kiến Sở Tư pháp", "version": record.version}
    )
    add_follow_up(record, actor=city_admin, text="Đã đôn đốc bằng văn bản")

    response = client_for(officer_a).get(url(record))

    content = html(response)
    assert "Đã đôn đốc bằng văn bản" in content
    assert "Chờ ý kiến Sở Tư pháp" in content
    assert [e.verb for e in response.context["history"]] == [
        "ratings.follow_up",
        "ratings.explain_delay",
    ]
    assert "explained the delay" in content  # the event in words (cchc.core.history)
    assert "ratings.explain_delay" not in content


# --- explain -----------------------------------------------------------------------------------


def test_responsibility_explain_by_the_person_records_the_reason(
    record: Responsibility, officer_a: User
) -> None:
    client = client_for(officer_a)
    response = client.post(
        url(record, "explain"), {"reason": "  Chờ ý kiến Sở Tư pháp  ", "version": record.version}
    )

    assert response.status_code == 302
    assert response["Location"] == url(record)
    record.refresh_from_db()
    assert (record.reason, record.version) == ("Chờ ý kiến Sở Tư pháp", 2)
    event = AuditEvent.objects.get(verb="ratings.explain_delay")
    assert (event.actor, event.target_id) == (officer_a, str(record.pk))
    assert_shows(client.get(url(record)), "Your explanation was recorded.")


def test_responsibility_explain_by_someone_else_is_404(
    record: Responsibility, city_admin: User
) -> None:
    response = client_for(city_admin).post(
        url(record, "explain"), {"reason": "Lý do", "version": record.version}
    )

    assert response.status_code == 404
    record.refresh_from_db()
    assert record.reason == ""


def test_responsibility_explain_with_a_stale_version_is_refused(
    record: Responsibility, officer_a: User
) -> None:
    client = client_for(officer_a)
    stale = record.version
    client.post(url(record, "explain"), {"reason": "Lần đầu", "version": stale})

    client.post(url(record, "explain"), {"reason": "Lần hai", "version": stale})

    record.refresh_from_db()
    assert record.reason == "Lần đầu"
    assert_shows(
        client.get(url(record)),
        "Someone else changed this record while you were editing it. Reload and try again.",
    )


def test_responsibility_explain_without_a_reason_is_refused(
    record: Responsibility, officer_a: User
) -> None:
    client = client_for(officer_a)

    response = client.post(url(record, "explain"), {"reason": "", "version": record.version})

    assert response.status_code == 302
    assert AuditEvent.objects.filter(verb="ratings.explain_delay").count() == 0
    assert_shows(client.get(url(record)), "Reason for the delay: This field is required.")


def test_responsibility_explain_needs_post(record: Responsibility, officer_a: User) -> None:
    assert client_for(officer_a).get(url(record, "explain")).status_code == 405


# --- handling ----------------------------------------------------------------------------------


def test_responsibility_handling_by_the_head_of_the_unit(
    record: Responsibility, head_a: User
) -> None:
    response = client_for(head_a).post(
        url(record, "handling"),
        {"handling": "explanation", "note": "Giải trình trước 10/10", "version": record.version},
    )

    assert response["Location"] == url(record)
    record.refresh_from_db()
    assert (record.handling, record.handling_note, record.decided_by) == (
        Responsibility.Handling.EXPLANATION,
        "Giải trình trước 10/10",
        head_a,
    )
    event = AuditEvent.objects.get(verb="ratings.decide_handling")
    assert (event.actor, event.changes) == (head_a, {"handling": ["", "explanation"]})


def test_responsibility_handling_by_a_city_admin(record: Responsibility, city_admin: User) -> None:
    client = client_for(city_admin)
    client.post(url(record, "handling"), {"handling": "self_criticism", "version": record.version})

    record.refresh_from_db()
    assert (record.handling, record.decided_by) == ("self_criticism", city_admin)
    response = client.get(url(record))
    assert_shows(response, "The handling was decided.")
    assert_shows(response, "Self-criticism")


def test_responsibility_handling_by_the_person_themself_is_refused(
    record: Responsibility, officer_a: User
) -> None:
    response = client_for(officer_a).post(
        url(record, "handling"), {"handling": "reminder", "version": record.version}
    )

    assert response.status_code == 404
    record.refresh_from_db()
    assert record.handling == ""
    assert not AuditEvent.objects.filter(verb="ratings.decide_handling").exists()


def test_responsibility_handling_by_another_unit_is_404(
    record: Responsibility, officer_b: User
) -> None:
    response = client_for(officer_b).post(
        url(record, "handling"), {"handling": "reminder", "version": record.version}
    )

    assert response.status_code == 404


def test_responsibility_handling_undecided_is_refused(
    record: Responsibility, city_admin: User
) -> None:
    client = client_for(city_admin)
    client.post(url(record, "handling"), {"handling": "", "version": record.version})

    record.refresh_from_db()
    assert record.handling == ""
    assert_shows(client.get(url(record)), "Handling: This field is required.")


def test_responsibility_handling_with_a_stale_version_is_refused(
    record: Responsibility, city_admin: User, head_a: User
) -> None:
    stale = record.version
    client_for(head_a).post(url(record, "handling"), {"handling": "reminder", "version": stale})
    client = client_for(city_admin)

    client.post(url(record, "handling"), {"handling": "discipline", "version": stale})

    record.refresh_from_db()
    assert (record.handling, record.decided_by) == ("reminder", head_a)
    assert_shows(
        client.get(url(record)),
        "Someone else changed this record while you were editing it. Reload and try again.",
    )


# --- follow-up ---------------------------------------------------------------------------------


def test_responsibility_follow_up_adds_a_note(record: Responsibility, head_a: User) -> None:
    client = client_for(head_a)
    client.post(url(record, "follow-up"), {"text": "Đã nhắc nhở tại giao ban"})

    note = record.follow_ups.get()
    assert (note.text, note.author) == ("Đã nhắc nhở tại giao ban", head_a)
    record.refresh_from_db()
    assert record.is_open
    response = client.get(url(record))
    assert_shows(response, "The follow-up was added.")
    assert "Đã nhắc nhở tại giao ban" in html(response)


def test_responsibility_follow_up_can_close_the_record(
    record: Responsibility, city_admin: User, officer_a: User
) -> None:
    client = client_for(city_admin)
    client.post(url(record, "follow-up"), {"text": "Đã hoàn thành nhiệm vụ", "close": "on"})

    record.refresh_from_db()
    assert record.closed_at is not None
    event = AuditEvent.objects.get(verb="ratings.follow_up")
    assert event.details == {"closed": True}
    response = client.get(url(record))
    assert_shows(response, "The follow-up was added and the record closed.")
    assert 'data-testid="follow-up-form"' not in html(response)
    assert 'data-testid="handling-form"' not in html(response)
    # closed: the person has nothing more to explain
    assert 'data-testid="explain-form"' not in html(client_for(officer_a).get(url(record)))


def test_responsibility_follow_up_on_a_closed_record_is_refused(
    record: Responsibility, city_admin: User
) -> None:
    add_follow_up(record, actor=city_admin, text="Xong", close=True)
    client = client_for(city_admin)

    client.post(url(record, "follow-up"), {"text": "Thêm nữa"})

    assert record.follow_ups.count() == 1
    assert_shows(client.get(url(record)), "This responsibility is closed.")


def test_responsibility_follow_up_by_the_person_is_refused(
    record: Responsibility, officer_a: User
) -> None:
    response = client_for(officer_a).post(url(record, "follow-up"), {"text": "Tự đóng"})

    assert response.status_code == 404
    assert not record.follow_ups.exists()


# --- discipline --------------------------------------------------------------------------------


def discipline_data(unit_pk: int, **extra: object) -> dict[str, object]:
    return {
        "unit": unit_pk,
        "person": "officer_a",
        "number": "15/QĐ-UBND",
        "decided_on": "20/09/2026",
        "ground": "discipline",
        "form": "reprimand",
        "reason": "Chậm trễ kéo dài",
    } | extra


def test_discipline_list_is_forbidden_for_officer_a(hanoi: Hanoi, officer_a: User) -> None:
    client = client_for(officer_a)

    assert client.get("/ratings/discipline/").status_code == 403
    assert client.post("/ratings/discipline/", discipline_data(hanoi.ward_a.pk)).status_code == 403
    assert not Discipline.objects.exists()


def test_discipline_list_explains_what_a_decision_does(city_admin: User) -> None:
    response = client_for(city_admin).get("/ratings/discipline/")

    assert response.status_code == 200
    assert 'data-testid="discipline-effect"' in html(response)
    assert_shows(response, "No disciplinary decision has been recorded.")


def test_discipline_recorded_in_september_rates_officer_a_not_complete(
    september: RatingRound, hanoi: Hanoi, city_admin: User, officer_a: User
) -> None:
    rating = Rating.objects.get(round=september, kind=Rating.Kind.PERSON, person=officer_a)
    assert rating.band == Band.COMPLETE
    client = client_for(city_admin)

    response = client.post("/ratings/discipline/", discipline_data(hanoi.ward_a.pk))

    assert response.status_code == 302
    assert response["Location"] == "/ratings/discipline/"
    decision = Discipline.objects.get()
    assert (decision.person, decision.unit, decision.decided_on, decision.form) == (
        officer_a,
        hanoi.ward_a,
        DECIDED_ON,
        Discipline.Form.REPRIMAND,
    )
    rating.refresh_from_db()
    assert (rating.band, rating.discipline, rating.total) == (
        Band.NOT_COMPLETE,
        decision,
        Decimal("54.25"),
    )
    unit_rating = Rating.objects.get(round=september, kind=Rating.Kind.UNIT)
    assert unit_rating.band == Band.COMPLETE  # a decision against a person leaves the unit's
    event = AuditEvent.objects.get(verb="ratings.record_discipline")
    assert event.actor == city_admin
    page = client.get("/ratings/discipline/")
    assert_shows(page, "The disciplinary decision was recorded.")
    assert "15/QĐ-UBND" in html(page)


def test_discipline_without_a_person_is_against_the_unit(
    september: RatingRound, hanoi: Hanoi, city_admin: User
) -> None:
    client_for(city_admin).post("/ratings/discipline/", discipline_data(hanoi.ward_a.pk, person=""))

    decision = Discipline.objects.get()
    assert decision.person is None
    unit_rating = Rating.objects.get(round=september, kind=Rating.Kind.UNIT)
    assert (unit_rating.band, unit_rating.discipline) == (Band.NOT_COMPLETE, decision)


def test_discipline_for_an_unknown_username_is_refused(hanoi: Hanoi, city_admin: User) -> None:
    response = client_for(city_admin).post(
        "/ratings/discipline/", discipline_data(hanoi.ward_a.pk, person="nobody")
    )

    assert response.status_code == 200
    assert_shows(response, "No active user has this username.")
    assert not Discipline.objects.exists()


def test_discipline_dated_in_the_future_is_refused(hanoi: Hanoi, city_admin: User) -> None:
    # Two days ahead: still in the future if the test runs across Hà Nội's midnight.
    later = timezone.localdate() + datetime.timedelta(days=2)

    response = client_for(city_admin).post(
        "/ratings/discipline/",
        discipline_data(hanoi.ward_a.pk, person="", decided_on=f"{later:%d/%m/%Y}"),
    )

    assert response.status_code == 200
    assert_shows(response, "The decision date cannot be in the future.")
    assert not Discipline.objects.exists()


def test_discipline_list_has_no_n_plus_one(hanoi: Hanoi, city_admin: User) -> None:
    numbers = count(1)

    def add(n: int) -> None:
        for _ in range(n):
            record_discipline(
                actor=city_admin,
                unit=hanoi.ward_a,
                person=UserFactory(),
                number=f"{next(numbers)}/QĐ-UBND",
                decided_on=DECIDED_ON,
                form=Discipline.Form.WARNING,
                reason="Vi phạm kỷ luật",
            )

    client = client_for(city_admin)
    _first, second = assert_constant_queries(lambda: client.get("/ratings/discipline/"), add)
    assert len(second.context["page"]) == 3


# --- policies ----------------------------------------------------------------------------------


def test_policy_list_is_open_to_members_and_marks_the_version_in_force(
    officer_b: User,
) -> None:
    response = client_for(officer_b).get("/ratings/policies/")

    decree = RatingPolicy.objects.get(valid_from=datetime.date(2026, 1, 1), is_default=True)
    in_force = [p for p in response.context["policies"] if p.state == "in_force"]
    assert in_force == [decree]
    preset = RatingPolicy.objects.get(is_default=False)
    assert next(p for p in response.context["policies"] if p == preset).state == "preset"
    content = html(response)
    assert 'data-testid="in-force"' in content
    assert f'href="/ratings/policies/{decree.pk}/"' in content
    assert "01/01/2026" in content
    assert 'href="/ratings/policies/new/"' not in content  # only city administrators publish


def test_policy_list_has_no_n_plus_one(city_admin: User) -> None:
    years = count(2027)

    def add(n: int) -> None:
        for _ in range(n):
            publish_policy(
                actor=city_admin,
                valid_from=datetime.date(next(years), 1, 1),
                name="Phiên bản mới",
                criteria=[("1", "Tiêu chí chung", Decimal(30))],
            )

    client = client_for(city_admin)
    _first, second = assert_constant_queries(lambda: client.get("/ratings/policies/"), add)
    assert len(second.context["policies"]) == 5  # with Decree 335 and the Hà Nội preset


def test_policy_detail_states_the_rules_in_plain_words(
    september: RatingRound, officer_a: User
) -> None:
    policy = september.policy
    response = client_for(officer_a).get(f"/ratings/policies/{policy.pk}/")

    assert response.context["in_force"] is True
    content = html(response)
    assert "100 points = 30 points for the general criteria" in content
    assert "+ 70 points for task results" in content
    assert "deducts 25% of that task's quality share" in content
    assert "A late completion and each approved extension count as a delay." in content
    assert "Excellent: 90 or more" in content
    assert "Good: 70 to under 90" in content
    assert "Complete: 50 to under 70" in content
    assert "may not exceed 20% of the number rated good" in content
    assert "within 5 days of the assessment" in content
    assert (
        "task points = 70 × (1 × quantity % + 1 × quality % + 1 × progress %) ÷ 3 ÷ 100" in content
    )
    assert "Chính trị, tư tưởng" in content
    assert [c.code for c in response.context["criteria"]] == ["1", "2", "3", "4", "5", "6"]
    assert list(response.context["rounds"]) == [september]
    assert 'href="/ratings/2026/9/"' in content
    assert policy.notes[:40] in content


def test_policy_detail_of_a_missing_version_is_404(officer_a: User) -> None:
    assert client_for(officer_a).get("/ratings/policies/999999/").status_code == 404


# --- policy create -----------------------------------------------------------------------------


def policy_data(**extra: object) -> dict[str, object]:
    return {
        "valid_from": "01/01/2027",
        "name": "Quy định xếp loại 2027",
        "notes": "Trọng số chất lượng gấp đôi",
        "general_max": "30",
        "task_max": "70",
        "weight_quantity": "1",
        "weight_quality": "2",
        "weight_progress": "1",
        "review_deduction_pct": "25",
        "delay_deduction_pct": "20",
        "extension_is_delay": "",
        "excellent_min": "90",
        "good_min": "70",
        "complete_min": "50",
        "excellent_cap_pct": "20",
        "response_days": "7",
        "criteria": "A | Chính trị, đạo đức | 10\n\nB | Tác phong | 12,5\nC | Kỷ luật | 7.5\n",
    } | extra


def test_policy_create_is_forbidden_for_officer_a(officer_a: User) -> None:
    client = client_for(officer_a)

    assert client.get("/ratings/policies/new/").status_code == 403
    assert client.post("/ratings/policies/new/", policy_data()).status_code == 403
    assert RatingPolicy.objects.filter(is_default=True).count() == 1


def test_policy_create_starts_from_the_latest_version(city_admin: User) -> None:
    response = client_for(city_admin).get("/ratings/policies/new/")

    form = response.context["form"]
    assert form["criteria"].value().splitlines()[0] == "1 | Chính trị, tư tưởng | 5"
    assert form["review_deduction_pct"].value() == "25"
    assert form["general_max"].value() == Decimal(30)
    assert form["valid_from"].value() > datetime.date(2026, 1, 1)
    assert 'data-testid="policy-versioning"' in html(response)


def test_policy_create_publishes_a_new_version(september: RatingRound, city_admin: User) -> None:
    old = september.policy

    response = client_for(city_admin).post("/ratings/policies/new/", policy_data())

    policy = RatingPolicy.objects.get(valid_from=datetime.date(2027, 1, 1))
    assert response.status_code == 302
    assert response["Location"] == f"/ratings/policies/{policy.pk}/"
    assert (policy.name, policy.notes, policy.published_by) == (
        "Quy định xếp loại 2027",
        "Trọng số chất lượng gấp đôi",
        city_admin,
    )
    assert (policy.weight_quality, policy.review_deduction, policy.delay_deduction) == (
        Decimal(2),
        Decimal("0.25"),
        Decimal("0.2"),
    )
    assert (policy.extension_is_delay, policy.response_days) == (False, 7)
    assert [(c.code, c.title, c.max_points) for c in policy.criteria.all()] == [
        ("A", "Chính trị, đạo đức", Decimal(10)),
        ("B", "Tác phong", Decimal("12.5")),
        ("C", "Kỷ luật", Decimal("7.5")),
    ]
    assert AuditEvent.objects.get(verb="ratings.publish_policy").actor == city_admin
    september.refresh_from_db()
    assert september.policy == old  # a rated month keeps its version


def test_policy_create_with_criteria_not_adding_up_is_refused(city_admin: User) -> None:
    response = client_for(city_admin).post(
        "/ratings/policies/new/", policy_data(criteria="A | Chính trị | 10\nB | Tác phong | 10")
    )

    assert response.status_code == 200
    assert_shows(response, "The sub-criteria add up to 20 points, not 30.")
    assert RatingPolicy.objects.filter(is_default=True).count() == 1
    assert not AuditEvent.objects.filter(verb="ratings.publish_policy").exists()


def test_policy_create_names_the_line_of_a_malformed_criterion(city_admin: User) -> None:
    response = client_for(city_admin).post(
        "/ratings/policies/new/",
        policy_data(criteria="A | Chính trị | 10\nB Tác phong 10\nC | Kỷ luật | mười"),
    )

    assert response.status_code == 200
    assert_shows(response, "Line 2: write code | title | maximum points.")
    assert_shows(response, "Line 3: “mười” is not a number of points.")
    assert RatingPolicy.objects.filter(is_default=True).count() == 1


def test_policy_create_not_after_the_latest_version_is_refused(city_admin: User) -> None:
    response = client_for(city_admin).post(
        "/ratings/policies/new/", policy_data(valid_from="01/01/2026")
    )

    assert response.status_code == 200
    assert_shows(response, "A new version must start after 01/01/2026, the latest one.")
    assert RatingPolicy.objects.filter(is_default=True).count() == 1


def test_policy_create_with_thresholds_out_of_order_is_refused(city_admin: User) -> None:
    response = client_for(city_admin).post("/ratings/policies/new/", policy_data(good_min="95"))

    assert response.status_code == 200
    assert_shows(response, "The thresholds must go down from excellent to complete.")
    assert RatingPolicy.objects.filter(is_default=True).count() == 1


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ("1 | A | 5\n2 | B | 25", []),
        ("1 | A | B | 5", []),
        ("", ["List at least one sub-criterion."]),
        (" | A | 5", ["Line 1: the code must have 1 to 10 characters."]),
        ("1 |  | 5", ["Line 1: the title must have 1 to 300 characters."]),
        ("1 | A | 0", ["Line 1: the maximum must be above 0 and at most 100, with two decimals."]),
        (
            "1 | A | 1.005",
            ["Line 1: the maximum must be above 0 and at most 100, with two decimals."],
        ),
        (
            "1 | A | NaN",
            ["Line 1: the maximum must be above 0 and at most 100, with two decimals."],
        ),
    ],
)
def test_parse_criteria_reads_one_line_per_sub_criterion(text: str, errors: list[str]) -> None:
    assert parse_criteria(text)[1] == errors


def test_parse_criteria_keeps_a_title_with_a_bar() -> None:
    assert parse_criteria("1 | A | B | 5")[0] == [("1", "A | B", Decimal(5))]


def test_policy_create_publishes_a_public_employee_version(city_admin: User) -> None:
    client = client_for(city_admin)
    form = client.get("/ratings/policies/new/?scope=public_employee").context["form"]
    assert form["scope"].value() == "public_employee"

    data = policy_data(valid_from="01/01/2026", name="Quy chế đánh giá viên chức")
    response = client.post("/ratings/policies/new/", data | {"scope": "public_employee"})

    assert response.status_code == 302
    policy = RatingPolicy.objects.get(name="Quy chế đánh giá viên chức")
    assert (policy.scope, policy.is_default) == ("public_employee", True)
    # The civil-service default of the same day is untouched: each scope has its versions.
    assert RatingPolicy.objects.in_force(datetime.date(2026, 9, 1)).scope == "civil_service"
    assert RatingPolicy.objects.in_force(datetime.date(2026, 9, 1), "public_employee") == policy
    listed = client.get("/ratings/policies/").context["policies"]
    assert sorted(p.scope for p in listed if p.state == "in_force") == [
        "civil_service",
        "public_employee",
    ]
