"""XLSX export of a run: the results (scores and ranks at every level, rank intervals,
strengths and weaknesses) and every intermediate data set (the audit of how a number came)."""

import io
import math
from typing import Any

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from cchc.composites import compute
from cchc.composites.models import CompositeRun
from cchc.core.xlsx import append_row

BOLD = Font(bold=True)


def run_workbook(run: CompositeRun) -> bytes:
    result = run.result or {}
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.title = _("Results")[:31]
    aggregates = [c["code"] for level in result.get("levels", []) for c in level["codes"]]
    header = [_("Code"), _("Unit")]
    for code in aggregates:
        header += [code, f"{code} – {_('rank')}"]
    has_intervals = any("rank_interval" in u for u in result.get("units", []))
    if has_intervals:
        header += [_("Median rank"), _("Rank 5%"), _("Rank 95%")]
    header += [_("Strengths"), _("Weaknesses")]
    append_row(sheet, header)
    for cell in sheet[1]:
        cell.font = BOLD
    names = result.get("indicators", {})
    for unit in result.get("units", []):
        row: list[Any] = [unit["code"], unit["name"]]
        for code in aggregates:
            score = unit["scores"].get(code)
            row += [None if score is None else round(score, 4), unit["ranks"].get(code)]
        if has_intervals:
            ri = unit.get("rank_interval") or {}
            row += [ri.get("median"), ri.get("q05"), ri.get("q95")]
        row += [
            "; ".join(names.get(c, c) for c in unit.get("strengths", [])),
            "; ".join(names.get(c, c) for c in unit.get("weaknesses", [])),
        ]
        append_row(sheet, row)
    sheet.column_dimensions["B"].width = 32
    for name, frame in compute.datasets(run.index.meta, run.index.data, run.pipeline).items():
        data_sheet = book.create_sheet(name[:31])
        append_row(data_sheet, ["uCode", *[str(c) for c in frame.columns]])
        for cell in data_sheet[1]:
            cell.font = BOLD
        for code, values in zip(frame.index, frame.to_numpy(), strict=True):
            append_row(data_sheet, [code, *[None if math.isnan(v) else float(v) for v in values]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
