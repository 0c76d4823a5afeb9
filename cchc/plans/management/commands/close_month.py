import datetime
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cchc.plans.actions import close_month
from cchc.plans.models import MonthClose, TallyRow

FIGURES = [
    "assigned",
    "due_in_month",
    "on_time",
    "late",
    "in_term",
    "overdue",
    "reviewed",
    "reviews_passed",
    "carried_over",
]
RATES = ["completion_rate", "on_time_rate"]  # percent, two decimals (half-up); null: none due


def parse_month(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise CommandError(f"“{text}” is not a month: write YYYY-MM, e.g. 2026-03.") from None


class Command(BaseCommand):
    help = (
        "Close month YYYY-MM: freeze its tally (per unit, content area and responsible person), "
        "as the city administrator's button does. The figures count the plan year to date; "
        "carried_over counts earlier years' unfinished tasks apart. Idempotent: a closed month "
        "is left unchanged; a reopened month is recomputed."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("month", help="the month to close, YYYY-MM")
        parser.add_argument("--json", action="store_true", help="print the city totals as JSON")

    def handle(self, *args: Any, month: str, verbosity: int = 1, **options: Any) -> None:
        first = parse_month(month)
        was_closed = MonthClose.objects.filter(month=first, is_open=False).exists()
        with tqdm(unit=" steps", disable=verbosity < 1, file=self.stderr) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            try:
                close = close_month(first, actor=None, progress=progress)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        city = close.rows.get(scope=TallyRow.Scope.CITY)
        units = close.rows.filter(scope=TallyRow.Scope.UNIT).count()
        if options["json"]:
            figures: dict[str, Any] = {name: getattr(city, name) for name in FIGURES}
            for name in RATES:
                rate = getattr(city, name)
                figures[name] = None if rate is None else float(rate)
            result = {"month": f"{first:%Y-%m}", "units": units, **figures}
            result["not_reported"] = close.rows.filter(
                scope=TallyRow.Scope.UNIT, reported_in_month=False
            ).count()
            result["created"] = not was_closed
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        elif was_closed:
            self.stdout.write(
                f"No changes: {first:%m/%Y} was already closed on {close.closed_at:%d/%m/%Y %H:%M}."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Closed {first:%m/%Y}: {units} units, {city.assigned} tasks assigned, "
                    f"{city.on_time} on time, {city.late} late, {city.in_term} in term, "
                    f"{city.overdue} overdue, completion rate {_rate(city.completion_rate)}; "
                    f"{city.carried_over} carried over from earlier years."
                )
            )


def _rate(rate: Any) -> str:
    return "—" if rate is None else f"{rate}%"
