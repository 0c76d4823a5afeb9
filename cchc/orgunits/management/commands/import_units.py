from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.orgunits.imports import import_chart_file


class Command(BaseCommand):
    help = (
        "Import the home province's organisation chart (departments, public service units, "
        "their sub-units) from an .xlsx or .csv file with the columns code, name, kind, "
        "parent_code, valid_from (and short_name), all or nothing. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the .xlsx or .csv file")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        with path.open("rb") as handle:
            try:
                result = import_chart_file(
                    UploadedFile(handle, name=path.name, size=path.stat().st_size),
                    actor=None,
                    dry_run=options["dry_run"],
                )
            except ValidationError as refusal:
                raise CommandError(" ".join(refusal.messages)) from None
        if not result.ok:
            for error in result.errors:
                self.stderr.write(f"row {error.row}, {error.column}: {error.message}")
            raise CommandError(
                f"{len(result.errors)} error(s) in {result.rows} row(s): nothing was imported."
            )
        verb = "would be" if result.dry_run else "were"
        self.stdout.write(
            f"{result.rows} row(s): {result.created} unit(s) {verb} created, "
            f"{result.updated} updated, {result.moved} moved, {result.unchanged} unchanged."
        )
        if result.dry_run:
            self.stdout.write("Dry run: nothing was written.")
