from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from cchc.privacy.actions import remind_requests
from cchc.privacy.models import DataRequest


class Command(BaseCommand):
    help = (
        "List the open personal-data requests with their deadline; with --remind, notify the "
        "units' focal points and heads of those due soon, today or overdue (run daily)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--remind", action="store_true", help="Create the reminders.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        for request in DataRequest.objects.open().select_related("unit").order_by("due_on"):
            late = " OVERDUE" if request.is_overdue_on(today) else ""
            self.stdout.write(
                f"#{request.pk} {request.kind} {request.unit.code} due {request.due_on}{late}"
            )
        if options["remind"]:
            self.stdout.write(f"Reminders created: {remind_requests(today)}")
