"""Reads of staffing, a package because the module passed 600 lines: rollup.py (the yearly
roll-up over the unit tree and the summary against the period's rule) and history.py (a unit's
years, and the successor shares). Import from here: `from cchc.staffing.queries import …`."""

from cchc.staffing.queries.history import (
    HistoryYear,
    Share,
    carried_from,
    history,
    shares_of,
    years_with_figures,
)
from cchc.staffing.queries.rollup import (
    HUNDREDTH,
    MAX_STEPS,
    UNIT_FIELDS,
    Figures,
    Reduction,
    Rule,
    Summary,
    SummaryRow,
    UnitRollup,
    incomplete,
    percent,
    rollup,
    rule_for,
    summary,
    unconfirmed_splits,
)

__all__ = [
    "HUNDREDTH",
    "MAX_STEPS",
    "UNIT_FIELDS",
    "Figures",
    "HistoryYear",
    "Reduction",
    "Rule",
    "Share",
    "Summary",
    "SummaryRow",
    "UnitRollup",
    "carried_from",
    "history",
    "incomplete",
    "percent",
    "rollup",
    "rule_for",
    "shares_of",
    "summary",
    "unconfirmed_splits",
    "years_with_figures",
]
