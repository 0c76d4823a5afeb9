from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from cchc.orgunits.actions import load_admin_units


class Command(BaseCommand):
    help = (
        "Load the 34 provinces and 3,321 wards/communes/special zones of the vietnam-provinces "
        "package; with --legacy also the pre-07/2025 units and their successor links. Idempotent."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--legacy", action="store_true", help="also load the pre-2025 three-tier units"
        )

    def handle(self, *args: Any, legacy: bool = False, verbosity: int = 1, **options: Any) -> None:
        with tqdm(unit=" units", disable=verbosity < 1, file=self.stderr) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            result = load_admin_units(actor=None, legacy=legacy, progress=progress)
        if not result.changed:
            self.stdout.write("No changes: the administrative units are up to date.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {result.created}, updated {result.updated} units; "
                f"{result.links_created} successor links created."
            )
        )
