import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cchc.composite import engine, framework, uncertainty
from cchc.composite import pipeline as pipelines


def _read_json(path: str, what: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandError(f"Cannot read the {what} {path}: {exc.strerror}.") from exc
    except json.JSONDecodeError as exc:
        raise CommandError(f"The {what} {path} is not valid JSON: {exc}.") from exc


class Command(BaseCommand):
    help = (
        "Run a composite index pipeline over indicator data and metadata in COINr's iData / "
        "iMeta layout (CSV or XLSX): scores and ranks of every aggregate, the units screened "
        "out and the indicators treated; with --uncertainty N, each unit's rank interval."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--meta", required=True, help="iMeta file (CSV or XLSX)")
        parser.add_argument("--data", required=True, help="iData file (CSV or XLSX)")
        parser.add_argument(
            "--pipeline", default="coinr-example", help="'coinr-example' or a pipeline JSON file"
        )
        parser.add_argument("--uncertainty", type=int, help="number of replications")
        parser.add_argument("--seed", type=int, default=None, help="random seed")
        parser.add_argument(
            "--assumptions",
            help="JSON file: list of assumptions (default: noisy weights ±25%% per level)",
        )
        parser.add_argument(
            "--sensitivity",
            type=int,
            help="base sample N of a Sobol' analysis (N·(k+2) runs for k assumptions)",
        )
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            fw, data = framework.load(options["meta"], options["data"])
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {exc.filename}.") from exc
        except framework.FrameworkError as exc:
            raise CommandError("\n".join(_lines(exc.errors))) from exc
        doc = self._pipeline(options["pipeline"])
        try:
            result = engine.run(fw, data, doc)
            out = result.to_dict()
            assumptions = (
                _read_json(options["assumptions"], "assumptions")
                if options["assumptions"]
                else uncertainty.default_assumptions(fw)
            )
            if options["uncertainty"] is not None:
                ri = uncertainty.rank_intervals(
                    fw, data, doc, assumptions, options["uncertainty"], options["seed"]
                )
                for unit in out["units"]:
                    unit["rank_interval"] = ri.for_unit(unit["code"])
            if options["sensitivity"] is not None:
                out["sensitivity"] = uncertainty.sensitivity(
                    fw, data, doc, assumptions, options["sensitivity"], options["seed"]
                ).to_dict()
        except (ValueError, pipelines.PipelineError) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        self._table(out, fw.top)

    def _pipeline(self, value: str) -> dict[str, Any]:
        if value == "coinr-example":
            return pipelines.COINR_EXAMPLE
        try:
            return pipelines.validate(_read_json(value, "pipeline"))
        except pipelines.PipelineError as exc:
            raise CommandError(f"Invalid pipeline: {exc}") from exc

    def _table(self, out: dict[str, Any], top: str) -> None:
        for unit in out["units"]:
            score = unit["scores"][top]
            line = f"{unit['ranks'][top] or '—':>4}  {unit['code']:<10}{unit['name'][:40]:<41}"
            line += "—" if score is None else f"{score:8.2f}"
            if "rank_interval" in unit:
                ri = unit["rank_interval"]
                line += f"  rank {ri['q05']:.0f}–{ri['q95']:.0f} (median {ri['median']:.0f})"
            self.stdout.write(line)
        for a in out.get("sensitivity", {}).get("assumptions", []):
            self.stdout.write(
                f"Sensitivity of the ranks to {a['name']}: first order {a['first_order']}"
                f" ± {a['first_order_conf']}, total {a['total']} ± {a['total_conf']}"
            )
        if out["screened_out"]:
            self.stdout.write(f"Screened out: {', '.join(out['screened_out'])}")
        treated = ", ".join(
            f"{t['indicator']} ({'log' if t['log'] else t['points']})" for t in out["treated"]
        )
        self.stdout.write(f"Treated: {treated or '—'}")
        self.stdout.write(self.style.SUCCESS(f"{len(out['units'])} units ranked."))


def _lines(errors: list[tuple[int, str]]) -> list[str]:
    return [f"row {row}: {msg}" if row else msg for row, msg in errors]
