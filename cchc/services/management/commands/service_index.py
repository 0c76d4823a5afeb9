"""manage.py service_index YYYY-MM [--unit CODE] [--json]: the month's Decision 766 index."""

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.services.queries import scores


class Command(BaseCommand):
    help = "Print a month's service index per unit (rates in %, group points, total)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--unit", help="a unit code")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = datetime.datetime.strptime(options["month"], "%Y-%m").date()
        except ValueError:
            raise CommandError("month as YYYY-MM") from None
        rows = scores(month)
        if options["unit"]:
            rows = rows.filter(unit__code=options["unit"], unit__legacy=False)
            if not rows.exists():
                raise CommandError(f"no score for unit {options['unit']} in {options['month']}")
        units = [
            {
                "code": s.unit.code,
                "name": s.unit.name,
                "dossiers": s.handled,
                "rates": s.rates,
                "groups": s.groups,
                "total_points": None if s.total_points is None else str(s.total_points),
            }
            for s in rows
        ]
        doc = {"month": options["month"], "units": units}
        if options["json"]:
            self.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2))
            return
        for u in units:
            self.stdout.write(
                f"{u['code']:>12}  {u['name'][:40]:40}  {u['dossiers']:>8}  "
                f"{u['rates']['on_time_rate'] or '—':>7}%  {u['total_points'] or '—':>7}"
            )
