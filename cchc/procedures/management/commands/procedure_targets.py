"""`manage.py procedure_targets --year Y [--json]`: the cut of processing time and compliance
cost in year Y over every procedure in scope (Resolution 66/NQ-CP: those related to production
and business) against their baseline figures, and the year's targets
(docs/domain/procedure-targets.md)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.procedures.queries import target_progress


def _pct(value: Any) -> str:
    return "—" if value is None else f"{value:.2f}%"


class Command(BaseCommand):
    help = "Processing time and compliance cost cut of a year against its target."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="the year to report")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, year: int, **options: Any) -> None:
        progress = target_progress(None, year)
        if progress is None:
            raise CommandError(f"No procedure target for {year}.")
        if options["json"]:
            self.stdout.write(json.dumps(progress.as_dict(), ensure_ascii=False))
            return
        target, total = progress.target, progress.total
        self.stdout.write(
            f"{year} against {target.baseline_year} ({target.source}); "
            f"{total.procedures} procedures in scope, {progress.without_baseline} without "
            "baseline figures."
        )
        self.stdout.write(
            f"Processing time: {total.base_days} → {total.days} working days, cut "
            f"{_pct(total.time_cut_pct)} (target {target.time_target}%)."
        )
        self.stdout.write(
            f"Compliance cost: {total.base_cost} → {total.cost} VND a year, cut "
            f"{_pct(total.cost_cut_pct)} (target {target.cost_target}%)."
        )
        for item in progress.lagging:
            self.stdout.write(
                f"  {item.code:<14} time {_pct(item.cut.time_cut_pct):>8}  cost "
                f"{_pct(item.cut.cost_cut_pct):>8}  {item.name[:60]}"
            )
