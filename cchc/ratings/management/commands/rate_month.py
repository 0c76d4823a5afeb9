import json
from collections import Counter
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cchc.plans.management.commands.close_month import parse_month
from cchc.plans.models import MonthClose
from cchc.ratings.actions import generate_round, record_responsibilities
from cchc.ratings.models import Band, Rating, RatingRound


def points(value: Decimal | None) -> float | None:
    """A stored two-decimal figure as a JSON number (54.25, not "54.25")."""
    return None if value is None else float(value)


def as_json(rating: Rating) -> dict[str, Any]:
    return {
        "kind": rating.kind,
        "unit": rating.unit.code,
        "person": rating.person.username if rating.person else None,
        "label": rating.label,
        "points": points(rating.total),
        "task_points": points(rating.task_points),
        "general_points": points(rating.general_points),
        "band": rating.band,
        "cap_applied": rating.cap_applied,
        "discipline": rating.discipline.number if rating.discipline else None,
    }


def counts_of(ratings: list[Rating]) -> dict[str, int]:
    bands = Counter(rating.band for rating in ratings)
    return {
        "ratings": len(ratings),
        **{band: bands[band] for band in Band.values},
        "capped": sum(rating.cap_applied for rating in ratings),
    }


class Command(BaseCommand):
    help = (
        "Rate closed month YYYY-MM (as closing it does) and print each rated unit, head and "
        "responsible person with points, band, whether the cap on excellent ratings applied and "
        "the disciplinary decision that forced the band. Idempotent: approved ratings are left "
        "as they are, the others recomputed from the closed month."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("month", help="the closed month to rate, YYYY-MM")
        parser.add_argument("--json", action="store_true", help="print the ratings as JSON")

    def handle(self, *args: Any, month: str, **options: Any) -> None:
        first = parse_month(month)
        close = MonthClose.objects.filter(month=first).first()
        if close is None or close.is_open:
            state = "was reopened" if close else "has not been closed"
            raise CommandError(
                f"{first:%m/%Y} {state}: close the month first: manage.py close_month {first:%Y-%m}"
            )
        rating_round = generate_round(close, actor=None)
        if rating_round is None:
            raise CommandError(
                f"No rating policy is in force for {first:%m/%Y}: publish one that starts on "
                f"or before {first:%d/%m/%Y}."
            )
        record_responsibilities(close, actor=None)
        ratings = list(
            rating_round.ratings.select_related("unit", "person", "discipline").order_by(
                "kind", "-total", "label", "pk"
            )
        )
        if options["json"]:
            self.stdout.write(json.dumps(self.result(rating_round, ratings), ensure_ascii=False))
        else:
            self.print_table(rating_round, ratings)

    def result(self, rating_round: RatingRound, ratings: list[Rating]) -> dict[str, Any]:
        policy = rating_round.policy
        return {
            "month": f"{rating_round.month:%Y-%m}",
            "policy": {
                "id": policy.pk,
                "name": policy.name,
                "valid_from": policy.valid_from.isoformat(),
            },
            "ratings": [as_json(rating) for rating in ratings],
            "counts": counts_of(ratings),
        }

    def print_table(self, rating_round: RatingRound, ratings: list[Rating]) -> None:
        self.stdout.write(f"{rating_round.month:%m/%Y} rated under {rating_round.policy}:")
        for rating in ratings:
            discipline = rating.discipline.number if rating.discipline else "—"
            self.stdout.write(
                f"{rating.kind:<7}{rating.label[:60]:<61}{rating.total:>7}  {rating.band:<13}"
                f"cap: {'yes' if rating.cap_applied else 'no':<4}discipline: {discipline}"
            )
        counts = counts_of(ratings)
        bands = ", ".join(f"{counts[band]} {band}" for band in Band.values)
        capped = counts["capped"]
        summary = f"{counts['ratings']} ratings: {bands}; {capped} moved to good by the cap."
        self.stdout.write(self.style.SUCCESS(summary))
