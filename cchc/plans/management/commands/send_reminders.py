import datetime
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cchc.plans.actions import send_reminders


def parse_day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"“{text}” is not a date: write YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Send the day's reminders (deadline approaching, due today, overdue with escalation, "
        "units that have not reported this month) as notifications and e-mails. Run daily by "
        "cron or the worker; idempotent: a rerun sends nothing twice."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="the day to remind for, YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, date: str | None = None, **options: Any) -> None:
        today = parse_day(date) if date else timezone.localdate()
        counts = send_reminders(today, actor=None)
        if not counts.total:
            self.stdout.write(f"No new reminders for {today:%d/%m/%Y}.")
            return
        details = ", ".join(f"{name} {value}" for name, value in asdict(counts).items())
        self.stdout.write(
            self.style.SUCCESS(f"{counts.total} notifications for {today:%d/%m/%Y}: {details}.")
        )
