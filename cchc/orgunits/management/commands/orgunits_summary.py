import json
from typing import Any

from django.core.management.base import BaseCommand

from cchc.orgunits.queries import summary_by_province


class Command(BaseCommand):
    help = "Count current lower units (wards, communes, special zones) per province."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = summary_by_province()
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        self.stdout.write(
            f"Provinces: {summary['provinces']}  lower units: {summary['lower_units']}"
        )
        self.stdout.write(f"{'code':<6}{'total':>7}{'ward':>7}{'commune':>9}{'special':>9}")
        for code, row in summary["by_province"].items():
            self.stdout.write(
                f"{code:<6}{row['total']:>7}{row['ward']:>7}{row['commune']:>9}"
                f"{row['special_zone']:>9}"
            )
