import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cchc.privacy.jobs import erase_expired


class Command(BaseCommand):
    help = (
        "Erase the personal data whose retention period has run out (settings."
        "CCHC_RETENTION_DAYS): names, contacts, attachments, written answers. Run daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be erased; erase nothing."
        )
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = erase_expired(dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, sort_keys=True))
            return
        verb = "Would erase" if options["dry_run"] else "Erased"
        for kind, count in result["expired"].items():
            self.stdout.write(f"{verb} {count} {kind} (retention before {result['cutoffs'][kind]})")
