from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cchc.surveys.actions import recount_answers
from cchc.surveys.models import Campaign


class Command(BaseCommand):
    help = (
        "Rebuild a campaign's answer counts (what the distributions read) from its accepted "
        "responses, and say how many were wrong. A repair: review_response keeps them."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("campaign", help="the campaign's id")

    def handle(self, *args: Any, campaign: str, **options: Any) -> None:
        found = Campaign.objects.filter(pk=int(campaign)).first() if campaign.isdigit() else None
        if found is None:
            raise CommandError(f"No survey campaign has the id “{campaign}”.")
        wrong = recount_answers(found)
        self.stdout.write(f"{found}: answer counts rebuilt; {wrong} were wrong.")
