"""The scorecard lists the tasks its calculation counted, each as it stood at the month's end,
and its summary agrees with the calculation, whatever happened after the close (issue 14)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from cchc.accounts.models import User
from cchc.core.tests.helpers import html
from cchc.plans.actions import accept_report, submit_report
from cchc.plans.models import Plan
from cchc.ratings.models import Rating
from cchc.ratings.queries import Outcome, scorecard
from cchc.ratings.tests.factories import SEPTEMBER, complete, draft_city_plan, rate, worked_example
from conftest import Hanoi, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def september(hanoi: Hanoi, city_admin: User, officer_a: User) -> Rating:
    """The worked example of docs/ratings.md rated for September (V09 with a progress report
    of 20/09 giving its reason); then, after the close, V09 is completed by a paper report
    received on 25/09 and V10 by one of 05/10."""
    plan: Plan = draft_city_plan(hanoi.city, city_admin)
    tasks = worked_example(plan, hanoi.ward_a, city_admin, responsible=officer_a)
    progress = submit_report(
        tasks[8],
        actor=city_admin,
        percent=60,
        narrative="Chờ ý kiến thẩm định của Sở Tư pháp.",
        received_on=datetime.date(2026, 9, 20),
    )
    accept_report(progress, actor=city_admin)
    rate(SEPTEMBER, city_admin)
    complete(tasks[8], city_admin, datetime.date(2026, 9, 25))
    complete(tasks[9], city_admin, datetime.date(2026, 10, 5))
    return Rating.objects.get(kind=Rating.Kind.UNIT, unit=hanoi.ward_a, round__month=SEPTEMBER)


def test_scorecard_lists_each_counted_task_with_its_outcome_at_the_month_end(
    september: Rating,
) -> None:
    card = scorecard(september)
    outcomes = {line.task.code: line.outcome for line in card.counted}
    assert outcomes == {
        **{f"V0{n}": Outcome.ON_TIME for n in range(1, 7)},
        "V07": Outcome.LATE,
        "V08": Outcome.LATE,
        # Completed after the close: not completed in the month's figures, 15 days overdue.
        "V09": Outcome.NOT_COMPLETED,
        "V10": Outcome.NOT_COMPLETED,
    }
    later = {line.task.code: line.completed_later for line in card.counted if line.completed_later}
    assert later == {"V09": datetime.date(2026, 9, 25), "V10": datetime.date(2026, 10, 5)}
    assert {line.days_overdue for line in card.counted if line.task.code in later} == {15}
    # The reason a unit gave for a task it did not complete: its last report of the month.
    notes = {line.task.code: line.note for line in card.counted if line.note}
    assert notes == {"V09": "Chờ ý kiến thẩm định của Sở Tư pháp."}
    summary = card.summary
    assert (summary.tasks, summary.on_time, summary.late, summary.not_completed) == (10, 6, 2, 2)
    assert (september.tasks, september.completed, september.late) == (10, 8, 2)
    assert summary.agrees_with(september)


def test_scorecard_page_summary_agrees_with_the_calculation(
    september: Rating, officer_a: User
) -> None:
    response = client_for(officer_a).get(reverse("ratings:detail", args=[september.pk]))
    content = html(response)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content))

    def box(name: str) -> str:
        match = re.search(rf'data-testid="{name}">(.*?)</dd>', content, re.S)
        assert match is not None, name
        return match.group(1).strip()

    assert [box(n) for n in ["counted-tasks", "counted-on-time", "counted-late"]] == [
        "10",
        "6",
        "2",
    ]
    assert box("counted-not-completed") == "2"
    assert "Completed: 8 (of which late: 2); not completed: 2." in text
    assert 'data-testid="summary-differs"' not in content
    assert len(re.findall(r'data-testid="counted-task"', content)) == 10
    later = content.split('data-testid="completed-later"')[1].split("</div>")[0]
    assert re.findall(r"<code>(.*?)</code>", later) == ["V09", "V10"]
    assert "15 days overdue" in text
    assert "Reported: Chờ ý kiến thẩm định của Sở Tư pháp." in text
    # The year-to-date tally of the close is shown apart, with its completion rate.
    assert box("tally-completion-rate") == "80.00%"
