import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cchc.indices.actions import send_deadline_reminders


def parse_day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"“{text}” is not a date: write YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Remind the focal points and heads of every unit whose self-assessment is still a draft "
        "3 days and 1 day before its round's deadline and on the day (notifications and "
        "e-mails). Run daily by cron or the worker; a rerun sends nothing twice."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", help="the day to remind for, YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, today: str | None = None, **options: Any) -> None:
        day = parse_day(today) if today else timezone.localdate()
        sent = send_deadline_reminders(day)
        self.stdout.write(f"{sent} self-assessment reminders sent for {day:%d/%m/%Y}.")
