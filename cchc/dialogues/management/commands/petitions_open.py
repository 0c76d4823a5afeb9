import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cchc.dialogues.models import Petition
from cchc.dialogues.queries import open_petition_rows
from cchc.orgunits.models import OrgUnit


class Command(BaseCommand):
    help = (
        "List the petitions not closed yet, the oldest deadline first: code, status, receiving "
        "and responsible unit, deadline and days overdue (an answer past its deadline)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print a JSON array")
        parser.add_argument(
            "--unit", help="only petitions received by or routed to this unit code (subtree)"
        )
        parser.add_argument(
            "--overdue", action="store_true", help="only petitions past their answer deadline"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        petitions = Petition.objects.all()
        if options.get("unit"):
            unit = OrgUnit.objects.filter(code=options["unit"], legacy=False).first()
            if unit is None:
                raise CommandError(f"No unit has the code {options['unit']}.")
            petitions = petitions.filter(unit__path__subtree=unit.path) | petitions.filter(
                responsible_unit__path__subtree=unit.path
            )
        rows = open_petition_rows(petitions)
        if options["overdue"]:
            rows = [row for row in rows if row["days_overdue"] > 0]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write("No open petition.")
            return
        for row in rows:
            deadline = row["deadline"] or "-"
            overdue = f"  {row['days_overdue']} days overdue" if row["days_overdue"] else ""
            unit = row["responsible_unit"] or row["unit"]
            line = f"{row['code']}  {row['status']:<9}  {deadline:<10}  {unit}  {row['title']}"
            self.stdout.write(line + overdue)
        self.stdout.write(f"{len(rows)} open petitions.")
