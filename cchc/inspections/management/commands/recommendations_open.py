import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cchc.inspections.actions import escalate_overdue_recommendations
from cchc.inspections.models import Recommendation
from cchc.inspections.queries import open_recommendations
from cchc.orgunits.models import OrgUnit


def as_json(rec: Recommendation, today: datetime.date) -> dict[str, Any]:
    return {
        "reference": rec.reference,
        "unit": rec.unit.code,
        "unit_name": rec.unit.name,
        "person": rec.person.username if rec.person else None,
        "recommendation": rec.text,
        "conclusion": rec.conclusion.number,
        "deadline": rec.deadline.isoformat(),
        "days_overdue": rec.days_overdue(today),
        "status": rec.status,
        "task": rec.task.code if rec.task else None,
    }


class Command(BaseCommand):
    help = (
        "List the open inspection recommendations (not yet remedied, or partly or not remedied "
        "at a re-inspection): unit, recommendation, deadline and days overdue, oldest deadline "
        "first. With --escalate, also notify the heads of the units whose recommendations are "
        "overdue (once per recommendation and head)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print the list as JSON")
        parser.add_argument("--unit", help="only the recommendations of this unit's subtree (code)")
        parser.add_argument(
            "--escalate", action="store_true", help="notify the heads of overdue units"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        unit = None
        if options["unit"]:
            unit = OrgUnit.objects.filter(code=options["unit"], legacy=False).first()
            if unit is None:
                raise CommandError(f"No unit has the code {options['unit']}.")
        if options["escalate"]:
            sent = escalate_overdue_recommendations(actor=None, today=today)
            self.stderr.write(f"{sent} escalation notice(s) sent.")
        rows = list(open_recommendations(Recommendation.objects.all(), unit=unit))
        if options["json"]:
            data = {
                "date": today.isoformat(),
                "count": len(rows),
                "overdue": sum(1 for r in rows if r.days_overdue(today)),
                "recommendations": [as_json(r, today) for r in rows],
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.print_table(rows, today)

    def print_table(self, rows: list[Recommendation], today: datetime.date) -> None:
        if not rows:
            self.stdout.write("No open recommendations.")
            return
        self.stdout.write(
            f"{'Reference':<16} {'Unit':<30} {'Deadline':<10} {'Overdue':>7}  Recommendation"
        )
        for rec in rows:
            self.stdout.write(
                f"{rec.reference:<16} {rec.unit.name[:30]:<30} {rec.deadline:%d/%m/%Y} "
                f"{rec.days_overdue(today):>7}  {rec.text[:70]}"
            )
        overdue = sum(1 for r in rows if r.days_overdue(today))
        self.stdout.write(f"{len(rows)} open, {overdue} overdue on {today:%d/%m/%Y}.")
