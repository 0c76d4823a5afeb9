import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cchc.core.rounding import half_up
from cchc.indices.models import AssessmentRound
from cchc.indices.results import UnitResult, results_of


def number(value: Decimal | None) -> float | None:
    """A two-decimal figure as a JSON number (89.58, not "89.58")."""
    return None if value is None else float(half_up(value, 2))


def as_json(result: UnitResult) -> dict[str, Any]:
    return {
        "unit_code": result.unit_code,
        "unit": result.unit_name,
        "appraised": number(result.appraised),
        "survey": number(result.survey),
        "total": number(result.total),
        "percent": number(result.percent),
        "rank": result.rank,
        "group": result.group or None,
        "rank_interval": rank_interval(result),
    }


def rank_interval(result: UnitResult) -> dict[str, float] | None:
    """The rank interval the public page shows (median, 5th and 95th percentile of the rank
    over the recalculations, cchc.indices.results); None for a round published without one."""
    if result.rank_q05 is None or result.rank_q95 is None or result.rank_median is None:
        return None
    return {"median": result.rank_median, "q05": result.rank_q05, "q95": result.rank_q95}


def interval_text(result: UnitResult) -> str:
    interval = rank_interval(result)
    if interval is None:
        return ""
    return f"  rank {interval['q05']:g}–{interval['q95']:g} (median {interval['median']:g})"


class Command(BaseCommand):
    help = (
        "Print each unit's appraised, survey and total points, index %, rank, group and rank "
        "interval (median, 5th–95th percentile) in a self-assessment round: the frozen results "
        "of a published round, else the live ones computed from the finalised appraisals."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("round", help="the id of the self-assessment round")
        parser.add_argument("--json", action="store_true", help="print the results as JSON")

    def handle(self, *args: Any, round: str, **options: Any) -> None:
        if not round.strip().isdigit():
            raise CommandError(f"“{round}” is not a round id (a whole number).")
        round_ = AssessmentRound.objects.select_related("framework").filter(pk=int(round)).first()
        if round_ is None:
            raise CommandError(f"No self-assessment round has the id {round}.")
        results = results_of(round_)
        if options["json"]:
            self.stdout.write(json.dumps([as_json(r) for r in results], ensure_ascii=False))
            return
        state = "published" if round_.is_published else "not published: live results"
        self.stdout.write(f"{round_} ({round_.framework}), {state}:")
        for r in results:
            survey = "—" if r.survey is None else f"{r.survey:.2f}"
            self.stdout.write(
                f"{r.rank:>4}  {r.unit_code:<10}{r.unit_name[:50]:<51}appraised {r.appraised:>7.2f}"
                f"  survey {survey:>6}  total {r.total:>7.2f}  {r.percent:>6.2f}%"
                f"  group {r.group or '—'}{interval_text(r)}"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(results)} units ranked."))
