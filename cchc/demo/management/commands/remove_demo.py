from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.demo.removal import DemoRemovalError, collect, counts, remove_demo


class Command(BaseCommand):
    help = (
        "Delete what seed_demo made: the demo units (is_demo), the demo accounts (e-mail on "
        "demo.cchc.invalid) and every row that hangs on them, with the files of their uploads. "
        "The administrative units and the reference data stay."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="count the demo's rows per table, delete nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["dry_run"]:
                found, verb = counts(collect()), "would be deleted"
            else:
                found, verb = remove_demo(), "deleted"
        except DemoRemovalError as error:
            raise CommandError(f"Nothing was deleted. {error}") from None
        if not found:
            self.stdout.write("No demo data.")
            return
        for table, number in found.items():
            self.stdout.write(f"  {table:<40} {number:>7}")
        self.stdout.write(f"{sum(found.values())} demo row(s) {verb}.")
