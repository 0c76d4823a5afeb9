"""manage.py par_report YEAR q1|h1|q3|year [--unit CODE] [--json] [--docx PATH] [--remind]

Prints a periodic PAR report: the city's (its stored report, or assembled from the units'
accepted reports) when no unit is given, else the unit's. `--json` prints it as JSON, `--docx`
writes the Decree 30 document. `--remind` sends today's reminders and escalations instead.
"""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cchc.orgunits.models import OrgUnit
from cchc.orgunits.queries import home_province
from cchc.reports import actions, document
from cchc.reports.exports.periodic import report_docx
from cchc.reports.models import PeriodicReport, ReportPeriod


class Command(BaseCommand):
    help = "Print a periodic PAR report (the city's, or a unit's) as text or JSON, or write DOCX."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("period", help="q1, h1, q3 or year")
        parser.add_argument("--unit", help="the unit's code (default: the city)")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--docx", help="write the report as DOCX to this path")
        parser.add_argument(
            "--remind", action="store_true", help="send today's reminders and escalations"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["remind"]:
            counts = actions.send_report_reminders(timezone.localdate())
            self.stdout.write(json.dumps(counts))
            return
        period = ReportPeriod.objects.filter(code=options["period"]).first()
        if period is None:
            codes = ", ".join(ReportPeriod.objects.values_list("code", flat=True))
            raise CommandError(f"Unknown period {options['period']!r}; one of: {codes}.")
        data = self._data(options["year"], period, options["unit"])
        if options["docx"]:
            Path(options["docx"]).write_bytes(report_docx(data))
        if options["json"]:
            self.stdout.write(json.dumps(data.as_json(), ensure_ascii=False, indent=2))
        elif not options["docx"]:
            self._print(data)

    def _data(self, year: int, period: ReportPeriod, code: str | None) -> document.ReportData:
        unit = home_province() if code is None else self._unit(code)
        report = None
        if unit is not None:
            report = PeriodicReport.objects.filter(unit=unit, year=year, period=period).first()
        if report is not None:
            return document.build(report)
        if code is None:
            return document.build_consolidated(year, period)
        raise CommandError(f"Unit {code} has no {period.code} {year} report.")

    def _unit(self, code: str) -> OrgUnit:
        unit = OrgUnit.objects.filter(code=code, legacy=False).first()
        if unit is None:
            raise CommandError(f"No current unit with code {code}.")
        return unit

    def _print(self, data: document.ReportData) -> None:
        window = data.window
        self.stdout.write(
            f"{data.period.name} {data.year}: {window.first:%d/%m/%Y}–{window.last:%d/%m/%Y}, "
            f"due {window.due:%d/%m/%Y}"
        )
        for section in data.sections:
            self.stdout.write(f"{section.number}. {section.title}")
            for key, value in section.figures.items():
                self.stdout.write(f"    {key}: {value}")
        for row in data.rows:
            self.stdout.write(f"{row.indicator.code}\t{row.value}\t{row.indicator.label}")
