import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cchc.surveys.models import Campaign
from cchc.surveys.queries import ElementResult, UnitResult, unit_results


def number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def element_json(element: ElementResult) -> dict[str, Any]:
    return {
        "responses": element.responses,
        "answers": element.answers,
        "satisfied": element.satisfied,
        "percent": number(element.percent),
        "interval": None if element.low is None else [number(element.low), number(element.high)],
        "below_sample": element.below_sample,
    }


def unit_json(result: UnitResult) -> dict[str, Any]:
    row = result.campaign_unit
    return {
        "unit": row.unit.code,
        "name": row.unit.name,
        "transactions": row.transactions,
        "required": row.required,
        "accepted": result.accepted,
        "below_sample": result.below_sample,
        "overall": number(result.overall),
        "elements": {element.element: element_json(element) for element in result.elements},
    }


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


def element_line(element: ElementResult) -> str:
    interval = "—" if element.low is None else f"[{element.low:.2f}–{element.high:.2f}]"
    flag = "  below sample" if element.below_sample else ""
    return (
        f"  {element.element:<15} {element.responses:>6} responses  "
        f"{percent(element.percent):>8}  {interval}{flag}"
    )


class Command(BaseCommand):
    help = (
        "Print the results of a survey campaign per unit and element: accepted responses, "
        "satisfied percent, 95% Wilson interval and whether the sample is below the required n."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("campaign", help="the campaign's id")
        parser.add_argument("--json", action="store_true", help="print the results as JSON")

    def handle(self, *args: Any, campaign: str, **options: Any) -> None:
        found = Campaign.objects.filter(pk=int(campaign)).first() if campaign.isdigit() else None
        if found is None:
            raise CommandError(f"No survey campaign has the id “{campaign}”.")
        results = unit_results(found)
        if options["json"]:
            self.stdout.write(json.dumps(self.as_json(found, results), ensure_ascii=False))
            return
        self.stdout.write(f"{found}:")
        for result in results:
            row = result.campaign_unit
            flag = "  below sample" if result.below_sample else ""
            self.stdout.write(
                f"{row.unit.code} {row.unit.name}: {result.accepted} accepted of "
                f"{row.required} required, overall {percent(result.overall)}{flag}"
            )
            for element in result.elements:
                self.stdout.write(element_line(element))

    def as_json(self, campaign: Campaign, results: list[UnitResult]) -> dict[str, Any]:
        return {
            "campaign": {
                "id": campaign.pk,
                "title": campaign.title,
                "period_start": campaign.period_start.isoformat(),
                "period_end": campaign.period_end.isoformat(),
                "questionnaire": f"{campaign.questionnaire.code} v{campaign.questionnaire.version}",
                "satisfied_from": campaign.questionnaire.satisfied_from,
            },
            "units": [unit_json(result) for result in results],
        }
