import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cchc.ratings.models import Band, RatingPolicy


def parse_score(text: str) -> Decimal:
    """A score from 0 to 100, with a decimal point or a decimal comma ("89,99")."""
    try:
        score = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise CommandError(f"“{text}” is not a number: write a score such as 89.99.") from None
    if not score.is_finite():
        raise CommandError(f"“{text}” is not a number: write a score such as 89.99.")
    if not 0 <= score <= 100:
        raise CommandError(f"{text} is out of range: a score is between 0 and 100.")
    return score


def as_number(score: Decimal) -> int | float:
    """The score as a JSON number written as given: 90 stays 90, 90.0 stays 90.0."""
    exponent = score.as_tuple().exponent
    return int(score) if isinstance(exponent, int) and exponent >= 0 else float(score)


class Command(BaseCommand):
    help = (
        "Print the band of SCORE (0–100) under the rating policy in force today: excellent, "
        "good, complete or not_complete, by the thresholds alone (the cap on excellent ratings "
        "and discipline depend on the other ratings and are not applied)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("score", help="points out of 100, e.g. 89.99 or 89,99")
        parser.add_argument(
            "--json", action="store_true", help='print {"score": …, "band": …} as JSON'
        )

    def handle(self, *args: Any, score: str, **options: Any) -> None:
        value = parse_score(score)
        today = timezone.localdate()
        policy = RatingPolicy.objects.in_force(today)
        if policy is None:
            raise CommandError(f"No rating policy is in force on {today:%d/%m/%Y}.")
        band = policy.band_of(value)
        if options["json"]:
            self.stdout.write(json.dumps({"score": as_number(value), "band": str(band)}))
        else:
            self.stdout.write(str(Band(band).label))
