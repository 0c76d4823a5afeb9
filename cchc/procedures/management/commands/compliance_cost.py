"""Compliance cost of a procedure before and after simplification (Circular 02/2017/TT-VPCP,
Article 27), with the same code as the simplification plan page (`PlanFigures`)."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cchc.procedures import scoring
from cchc.procedures.actions import PlanFigures
from cchc.procedures.models import HourlyValue


def decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise CommandError(f"not a number: {text}") from None
    if not value.is_finite():
        raise CommandError(f"not a number: {text}")
    return value


def whole(text: str) -> int:
    value = decimal(text)
    if value != value.to_integral():
        raise CommandError(f"not a whole number: {text}")
    return int(value)


class Command(BaseCommand):
    help = (
        "Compliance cost (VND) of one procedure per year before and after simplification, the "
        "saving and the cut in percent: cost of one = hours × hourly value + fees + other costs; "
        "yearly = cost of one × times per year × subjects. 1 working day = 8 hours. Without "
        "--hourly-value, the value in force today (procedures.HourlyValue)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        for side in ("before", "after"):
            time = parser.add_mutually_exclusive_group(required=True)
            time.add_argument(f"--hours-{side}", type=decimal, metavar="H")
            time.add_argument(f"--days-{side}", type=decimal, metavar="D")
            parser.add_argument(f"--fees-{side}", type=whole, default=0, metavar="F")
            parser.add_argument(f"--other-{side}", type=whole, default=0, metavar="O")
        parser.add_argument("--times-per-year", type=whole, required=True, metavar="T")
        parser.add_argument("--subjects", type=whole, required=True, metavar="S")
        parser.add_argument("--hourly-value", type=whole, metavar="V")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        figures = PlanFigures(
            hours_before=self._hours(options, "before"),
            hours_after=self._hours(options, "after"),
            fees_before=options["fees_before"],
            fees_after=options["fees_after"],
            other_before=options["other_before"],
            other_after=options["other_after"],
            times_per_year=options["times_per_year"],
            subjects_per_year=options["subjects"],
        )
        try:
            figures.check()
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        hourly = options["hourly_value"]
        if hourly is None:
            hourly = HourlyValue.objects.value_on(timezone.localdate())
        if hourly < 0:
            raise CommandError("the hourly value cannot be negative")
        result = figures.comparison(hourly)
        if options["json"]:
            # cut_pct is written as a number with exactly two decimals (json.dumps drops zeros).
            self.stdout.write(
                f'{{"before": {result.before.yearly}, "after": {result.after.yearly}, '
                f'"saving": {result.saving}, "cut_pct": {result.cut_pct}}}'
            )
            return
        for label, cost in (("before", result.before), ("after", result.after)):
            self.stdout.write(
                f"{label}: {cost.hours} h × {hourly} + {cost.fees} + {cost.other} = {cost.one} "
                f"× {cost.times_per_year} × {cost.subjects} = {cost.yearly} VND/year"
            )
        self.stdout.write(f"saving: {result.saving} VND/year; cut: {result.cut_pct}%")

    @staticmethod
    def _hours(options: dict[str, Any], side: str) -> Decimal:
        if options[f"hours_{side}"] is not None:
            return options[f"hours_{side}"]
        return scoring.days_to_hours(options[f"days_{side}"])
