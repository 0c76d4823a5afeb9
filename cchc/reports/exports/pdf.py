"""The briefing as a PDF report, typeset by typst from `reports/briefing.typ`.

The data goes to typst as `data.json` (numbers already in Vietnamese format; `doc` the Decree 30
header and signature) with the chart PNGs, in a temporary directory that is removed afterwards:
typst reads files only from its project root. Fonts come from the vendored TTFs; system fonts
are ignored so the output is the same on every server.
"""

from pathlib import Path
from typing import Any

from cchc.core.typeset import typeset_pdf
from cchc.reports.briefing import Briefing
from cchc.reports.exports import (
    OVERDUE_HEADERS,
    RANKING_HEADERS,
    charts,
    day,
    headline,
    not_reported_note,
    number,
    official,
    overdue_note,
    ranking_rows,
    reopened_note,
    scope_note,
    totals_rows,
)

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "reports" / "briefing.typ"


def _data(briefing: Briefing) -> dict[str, Any]:
    totals = totals_rows(briefing)
    ranking = ranking_rows(briefing)
    overdue = [
        [t.code, t.title, t.lead_unit, t.responsible, day(t.deadline), number(t.days_overdue)]
        for t in briefing.overdue
    ]
    return {
        "doc": official(briefing).as_data(),
        "reopened": reopened_note(briefing) if briefing.is_reopened else "",
        "scope": scope_note(briefing),
        "headline": headline(briefing),
        "totals": totals,
        "ranking_headers": RANKING_HEADERS,
        "ranking": ranking,
        "overdue_headers": OVERDUE_HEADERS,
        "overdue": overdue,
        "overdue_note": overdue_note(briefing),
        "not_reported": not_reported_note(briefing),
    }


def briefing_pdf(briefing: Briefing) -> bytes:
    files = {
        "trend.png": charts.trend_chart(briefing),
        "categories.png": charts.categories_chart(briefing),
    }
    return typeset_pdf(TEMPLATE, _data(briefing), files)
