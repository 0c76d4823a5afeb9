"""manage.py import_dossiers PATH [--feedback PATH]: import dossiers (and feedback) files."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.services.imports import ImportRefused, import_source, path_source
from cchc.services.models import ImportRun


class Command(BaseCommand):
    help = "Import a dossiers file (CSV or XLSX) and optionally a feedback file, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument(
            "--feedback", help="a feedback (PAKN) file, imported after the dossiers"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = [(options["path"], ImportRun.Kind.DOSSIERS)]
        if options["feedback"]:
            jobs.append((options["feedback"], ImportRun.Kind.FEEDBACK))
        for path, kind in jobs:

            def progress(n: int, path: str = path) -> None:
                if n % 100_000 == 0:
                    sys.stderr.write(f"{path}: {n:,} rows\n")

            try:
                run = import_source(
                    path_source(path), kind, name=path, actor=None, progress=progress
                )
            except ImportRefused as refused:
                for row, column, message in refused.run.errors[:50]:
                    self.stderr.write(f"{path}: row {row}, {column}: {message}")
                raise CommandError(
                    f"{path}: {refused.run.error_count} errors, nothing imported"
                ) from None
            except OSError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(f"{path}: {run.rows} rows ({run.created} new, {run.updated} updated)")
