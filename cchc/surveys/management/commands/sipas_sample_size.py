import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cchc.surveys.scoring import sample_size


def parse_population(text: str) -> int:
    """N: a whole number of transactions, at least 1 ("1000", "1 000" or "1.000" refused)."""
    value = text.strip()
    if not (value.isascii() and value.isdigit()):
        raise CommandError(f"--population “{text}” is not a whole number: write e.g. 1000.")
    population = int(value)
    if population < 1:
        raise CommandError("--population must be at least 1 transaction.")
    return population


def parse_margin(text: str) -> Decimal:
    """e: a decimal between 0 and 1 exclusive, with a decimal point or comma ("0,05")."""
    try:
        margin = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise CommandError(f"--margin “{text}” is not a number: write e.g. 0.05.") from None
    if not margin.is_finite() or not 0 < margin < 1:
        raise CommandError(
            f"--margin {text} is out of range: it must be between 0 and 1, e.g. 0.05."
        )
    return margin


class Command(BaseCommand):
    help = (
        "Print the required sample n = ⌈N / (1 + N·e²)⌉ for N transactions in the period and a "
        "margin of error e (SIPAS sampling rule)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--population", required=True, help="N, transactions in the period")
        parser.add_argument("--margin", required=True, help="e, e.g. 0.05 (or 0,05)")
        parser.add_argument(
            "--json", action="store_true", help='print {"population": N, "margin": e, "n": n}'
        )

    def handle(self, *args: Any, population: str, margin: str, **options: Any) -> None:
        n_population = parse_population(population)
        e = parse_margin(margin)
        n = sample_size(n_population, e)
        if options["json"]:
            self.stdout.write(json.dumps({"population": n_population, "margin": float(e), "n": n}))
        else:
            self.stdout.write(str(n))
