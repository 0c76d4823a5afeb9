import json
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cchc.ratings.models import Band, Scope
from cchc.ratings.yearly import as_json, classify_year


class Command(BaseCommand):
    help = (
        "Classify YEAR (Decree 335/2025/NĐ-CP): each civil servant and head from the average of "
        "their monthly results, the forced cases of “không hoàn thành”, the 20% cap per agency "
        "and group of similar tasks (exceptions aside), and each agency under the agency "
        "criteria (no cap). A year in progress is provisional. Changes nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("year", type=int, help="the year to classify, e.g. 2026")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument(
            "--scope",
            choices=Scope.values,
            default=Scope.CIVIL_SERVICE,
            help="whom to classify (default: agencies and civil servants, Decree 335)",
        )

    def handle(self, *args: Any, year: int, **options: Any) -> None:
        if not 2000 <= year <= 2100:
            raise CommandError(f"{year} is not a plausible year: give one from 2000 to 2100.")
        result = classify_year(year, today=timezone.localdate(), scope=options["scope"])
        if result.policy is None:
            raise CommandError(
                f"No month of {year} has been rated: close a month first "
                f"(manage.py close_month {year}-01)."
            )
        if options["json"]:
            self.stdout.write(json.dumps(as_json(result), ensure_ascii=False))
            return
        state = "PROVISIONAL (year in progress)" if result.provisional else "final"
        self.stdout.write(
            f"{year}: {state}, {len(result.months)} month(s) rated, under {result.policy}"
        )
        for line in result.lines:
            self.stdout.write(
                f"{line.kind:<7}{line.unit_code:<14}{(line.username or '—'):<20}"
                f"{(line.group or '—')[:20]:<21}{line.total:>7}  {line.band:<13}"
                f"cap: {'yes' if line.cap_applied else 'no':<4}"
                f"discipline: {line.discipline_number or '—'}"
            )
        bands = Counter(line.band for line in result.lines)
        capped = sum(line.cap_applied for line in result.lines)
        summary = ", ".join(f"{bands[band]} {band}" for band in Band.values)
        self.stdout.write(
            self.style.SUCCESS(f"{len(result.lines)} lines: {summary}; {capped} moved by the cap.")
        )
