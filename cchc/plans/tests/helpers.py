"""Steps the plans tests share: tasks assigned, reported and completed on a given day (the
actions stamp the current time; these move the stamps), and a row of a tally."""

import datetime

from cchc.plans.actions import accept_report, submit_report
from cchc.plans.models import ProgressReport, QualityReview, Task


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def backdate(*tasks: Task, day: datetime.date = datetime.date(2026, 1, 10)) -> None:
    """Tasks made today (the clock is not frozen) were assigned on `day`."""
    Task.objects.filter(pk__in=[t.pk for t in tasks]).update(assigned_on=day)


def report(task, officer, day, *, completion=False, percent=50) -> ProgressReport:
    """A report submitted on `day` (set after creating: the action stamps the current time)."""
    made = submit_report(
        task,
        actor=officer,
        percent=100 if completion else percent,
        narrative="Đã triển khai",
        is_completion=completion,
        output="Quyết định ban hành" if completion else "",
    )
    ProgressReport.objects.filter(pk=made.pk).update(submitted_at=at(day))
    made.refresh_from_db()
    return made


def complete(task, officer, admin, day) -> Task:
    accept_report(report(task, officer, day, completion=True), actor=admin)
    QualityReview.objects.filter(task=task).update(created_at=at(day))
    task.refresh_from_db()
    return task


def row_for(rows: list[dict], scope: str, **ids) -> dict:
    (found,) = [r for r in rows if r["scope"] == scope and all(r[k] == v for k, v in ids.items())]
    return found
