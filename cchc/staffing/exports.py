"""The headcount summary of a year as XLSX and PDF (typst, from `staffing/summary.typ`).

Like the other reports meant for the administration, the exports' wording is fixed Vietnamese
text (the report is filed in Vietnamese), not translatable strings. Numbers stay numbers in the
workbook; the PDF writes them the Vietnamese way (1.473; 15,60%). The PDF is a report of the
Department of Home Affairs in the layout of Decree 30/2020 (orgunits.queries.department_document;
A4 landscape for the wide table), in the vendored fonts, so it is the same on every server.
"""

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from cchc.core.typeset import typeset_pdf
from cchc.core.xlsx import append_row, styled_cell
from cchc.orgunits.queries import TO_COMMITTEE, department_document
from cchc.staffing.queries import Reduction, Summary

TEMPLATE = Path(__file__).resolve().parent / "templates" / "staffing" / "summary.typ"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)


def filename(summary: Summary, extension: str) -> str:
    """ASCII only: bien-che-2021-so-voi-2015.xlsx."""
    return f"bien-che-{summary.year}-so-voi-{summary.baseline_year}.{extension}"


def _public_label(summary: Summary) -> str:
    if summary.rule.public_budget_only:
        return "Viên chức hưởng lương từ ngân sách nhà nước giao"
    return "Số người làm việc viên chức giao"


def rule_text(summary: Summary) -> str:
    """The rule in Vietnamese: baseline year, both targets, the source."""
    rule = summary.rule
    text = (
        f"So với năm {rule.baseline_year} (năm gốc); chỉ tiêu giảm tối thiểu "
        f"{_percent(rule.civil_target)} biên chế công chức, {_percent(rule.public_target)} "
        + (
            "viên chức hưởng lương từ ngân sách nhà nước"
            if rule.public_budget_only
            else "số người làm việc viên chức"
        )
    )
    return text + (f" ({rule.source})" if rule.source else "")


def _columns(summary: Summary) -> list[tuple[str, int]]:
    base, year = summary.baseline_year, summary.year
    public = _public_label(summary)
    return [
        ("Mã đơn vị", 16),
        ("Tên đơn vị", 48),
        (f"Biên chế công chức giao {base}", 14),
        (f"Biên chế công chức giao {year}", 14),
        ("Công chức: giảm (người)", 12),
        ("Công chức: giảm (%)", 10),
        (f"Công chức thực có {year}", 12),
        (f"{public} {base}", 14),
        (f"{public} {year}", 14),
        ("Viên chức: giảm (người)", 12),
        ("Viên chức: giảm (%)", 10),
        (f"Viên chức thực có {year}", 12),
    ]


def _pct(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _figures(
    civil: Reduction, civil_actual: int | None, public: Reduction, public_actual: int | None
) -> list[Any]:
    return [
        civil.baseline,
        civil.current,
        civil.reduction,
        _pct(civil.percent),
        civil_actual,
        public.baseline,
        public.current,
        public.reduction,
        _pct(public.percent),
        public_actual,
    ]


def summary_xlsx(summary: Summary) -> bytes:
    """The summary as a workbook: one row per unit (names indented by depth), then the total.
    Changes nothing."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Biên chế")
    sheet.freeze_panes = "C2"
    columns = _columns(summary)
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    append_row(sheet, [_bold(sheet, header) for header, _width in columns])
    for row in summary.rows:
        append_row(
            sheet,
            [
                row.unit.code,
                "    " * row.depth + row.unit.name,
                *_figures(row.civil, row.civil_actual, row.public, row.public_actual),
            ],
        )
    append_row(
        sheet,
        [
            _bold(sheet, ""),
            _bold(sheet, "Tổng cộng"),
            *_figures(summary.civil, summary.civil_actual, summary.public, summary.public_actual),
        ],
    )
    append_row(sheet, [])
    append_row(sheet, ["", rule_text(summary)])
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()


def _bold(sheet: Any, value: str) -> WriteOnlyCell:
    cell = styled_cell(sheet, value)
    cell.font = BOLD
    return cell


def _number(value: int | None) -> str:
    return "—" if value is None else f"{value:,}".replace(",", ".")


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",") + "%"


def _pdf_line(
    name: str, depth: int, civil: Reduction, public: Reduction, met: bool
) -> dict[str, Any]:
    return {
        "name": name,
        "depth": depth,
        "met": met,
        "cells": [
            _number(civil.baseline),
            _number(civil.current),
            _number(civil.reduction),
            _percent(civil.percent),
            _number(public.baseline),
            _number(public.current),
            _number(public.reduction),
            _percent(public.percent),
        ],
    }


def summary_data(summary: Summary, scope: str) -> dict[str, Any]:
    """Everything the PDF shows, as JSON-ready Vietnamese text. Changes nothing."""
    document = department_document(
        timezone.localdate(),
        kind="BÁO CÁO",
        summary=f"Tổng hợp tinh giản biên chế năm {summary.year}",
        recipients=[TO_COMMITTEE, "Bộ Nội vụ (để báo cáo)"],
    )
    return {
        "doc": document.as_data(),
        "subtitle": f"{rule_text(summary)}; so sánh biên chế được giao.",
        "scope": scope,
        "base": str(summary.baseline_year),
        "year": str(summary.year),
        "rows": [
            _pdf_line(row.unit.name, row.depth, row.civil, row.public, not row.below_target)
            for row in summary.rows
        ],
        "total": _pdf_line(
            "Tổng cộng",
            0,
            summary.civil,
            summary.public,
            summary.civil_met is not False and summary.public_met is not False,
        ),
    }


def summary_pdf(summary: Summary, scope: str) -> bytes:
    """The PDF bytes of the summary. Changes nothing."""
    return typeset_pdf(TEMPLATE, summary_data(summary, scope))
