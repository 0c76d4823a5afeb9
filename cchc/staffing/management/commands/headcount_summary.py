import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cchc.orgunits.models import OrgUnit
from cchc.staffing.models import MIN_YEAR
from cchc.staffing.queries import Reduction, summary


def _pct(reduction: Reduction) -> str:
    value = reduction.percent
    return "—" if value is None else f"{value:.2f}%"


class Command(BaseCommand):
    help = (
        "Print, per current unit (rolled up over the unit tree, merged units counted in their "
        "successor) and in total, the assigned posts of the baseline year and of --year, the "
        "reduction and the reduction in percent (two decimals), for civil-servant and "
        "public-employee posts. The figure compared is the assigned posts (biên chế giao)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, required=True, help="the year to compare")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, year: int, **options: Any) -> None:
        if year < MIN_YEAR:
            raise CommandError(f"--year must be {MIN_YEAR} or later.")
        result = summary(OrgUnit.objects.all(), year)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        base = result.baseline_year
        self.stdout.write(
            f"Assigned posts, {year} against {base} (targets: {result.rule.civil_target}% fewer "
            f"civil-servant posts, {result.rule.public_target}% fewer public-employee posts"
            + (", budget-paid only" if result.rule.public_budget_only else "")
            + f"; {result.rule.source or 'staffing policy'}). "
            "CS = civil-servant posts, PE = public-employee posts."
        )
        self.stdout.write(
            f"{'unit':<42}{'CS ' + str(base):>10}{'CS ' + str(year):>10}{'fewer':>8}{'%':>9}"
            f"{'PE ' + str(base):>11}{'PE ' + str(year):>11}{'fewer':>8}{'%':>9}"
        )
        for row in result.rows:
            name = ("  " * row.depth + row.unit.name)[:41]
            self.stdout.write(f"{name:<42}{self._figures(row.civil, row.public)}")
        self.stdout.write(f"{'TOTAL':<42}{self._figures(result.civil, result.public)}")

    @staticmethod
    def _figures(civil: Reduction, public: Reduction) -> str:
        return (
            f"{civil.baseline:>10}{civil.current:>10}{civil.reduction:>8}{_pct(civil):>9}"
            f"{public.baseline:>11}{public.current:>11}{public.reduction:>8}{_pct(public):>9}"
        )
