"""Printable and downloadable survey documents: a unit's A4 poster with the QR code of its
public link (PDF), and a campaign's results as a workbook (XLSX) and a PDF.

As in cchc/ratings/exports.py: the PDFs are typeset by typst from `surveys/*.typ` with the
vendored fonts (system fonts ignored, so every server prints the same); the results are a report
of the Department in the layout of Decree 30/2020 (A4 landscape for the wide table), the poster
a notice, not a state document (docs/domain/documents.md). The data
going to typst as `data.json` (and the QR code as `qr.svg`) in a temporary directory removed
afterwards. The documents are for Vietnamese readers: their wording is fixed Vietnamese text
kept here, and their numbers are in the Vietnamese format (85,50) whatever the reader's language.
The workbook keeps numbers as numbers.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import formats, timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from cchc.core.typeset import typeset_pdf
from cchc.core.xlsx import append_row
from cchc.orgunits.queries import TO_COMMITTEE, committee, department_document, home_province
from cchc.surveys.models import ELEMENTS, Campaign, CampaignUnit, Element
from cchc.surveys.qr import qr_svg
from cchc.surveys.queries import Distribution, UnitResult

TEMPLATES = Path(__file__).resolve().parent / "templates" / "surveys"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)

ELEMENT_NAMES = {
    Element.ACCESS: "Tiếp cận dịch vụ",
    Element.PROCEDURES: "Thủ tục hành chính",
    Element.CIVIL_SERVANTS: "Công chức giải quyết công việc",
    Element.RESULTS: "Kết quả cung ứng dịch vụ",
    Element.FEEDBACK: "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị",
}
ELEMENT_SHORT = {
    Element.ACCESS: "Tiếp cận",
    Element.PROCEDURES: "Thủ tục",
    Element.CIVIL_SERVANTS: "Công chức",
    Element.RESULTS: "Kết quả",
    Element.FEEDBACK: "Phản ánh",
}
RULE = (
    "Tỷ lệ hài lòng của một yếu tố = số câu trả lời hài lòng (từ mức {point} trên thang "
    "{points} mức) / số câu trả lời của yếu tố, chỉ tính các phiếu đã được chấp nhận; tỷ lệ "
    "chung = trung bình cộng tỷ lệ các yếu tố có câu trả lời. Trong ngoặc: khoảng tin cậy "
    "95% (Wilson)."
)
LEGEND = "* Số phiếu được chấp nhận thấp hơn cỡ mẫu yêu cầu n = N / (1 + N·e²)."


@dataclass
class History:
    """The overall satisfied percent of the same units in earlier campaigns: `campaigns` in
    chronological order (the current one last) and, per campaign pk, {OrgUnit id: percent}."""

    campaigns: list[Campaign]
    overall: dict[int, dict[int, Decimal | None]]


def number(value: Decimal | float | int | None, decimals: int = 2) -> str:
    """85,50 — Vietnamese grouping and decimal comma; "—" for no value."""
    if value is None:
        return "—"
    with translation.override("vi"):
        return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)


def day(value: Any) -> str:
    return f"{value:%d/%m/%Y}"


def period(campaign: Campaign) -> str:
    return f"Từ {day(campaign.period_start)} đến {day(campaign.period_end)}"


def _committee() -> str:
    return committee(home_province())


def _compile(template: str, data: dict[str, Any], files: dict[str, bytes] | None = None) -> bytes:
    return typeset_pdf(TEMPLATES / template, data, files)


# --- the poster --------------------------------------------------------------------------------


def poster_filename(campaign_unit: CampaignUnit) -> str:
    """ASCII only: ap-phich-khao-sat-12-00004.pdf."""
    code = "".join(c if c.isascii() and c.isalnum() else "-" for c in campaign_unit.unit.code)
    return f"ap-phich-khao-sat-{campaign_unit.campaign_id}-{code}.pdf"


def poster_pdf(campaign_unit: CampaignUnit, url: str) -> bytes:
    """The A4 poster of `campaign_unit`'s public link `url`. Changes nothing."""
    campaign = campaign_unit.campaign
    data = {
        "committee": _committee(),
        "unit": campaign_unit.unit.name.upper(),
        "heading": "MỜI ÔNG/BÀ ĐÁNH GIÁ SỰ HÀI LÒNG",
        "campaign": f"{campaign.title} · {period(campaign).lower()}",
        "scan": "Quét mã QR bằng điện thoại để trả lời phiếu khảo sát",
        "url": url,
        "invitation": (
            f"{campaign_unit.unit.name} trân trọng mời Ông/Bà dành ít phút cho biết mức độ "
            "hài lòng về việc giải quyết thủ tục hành chính, để chúng tôi phục vụ người dân "
            "và tổ chức ngày càng tốt hơn."
        ),
        "points": [
            "Không cần đăng nhập, không cần cài đặt ứng dụng.",
            "Không thu thập thông tin cá nhân nếu Ông/Bà không muốn cung cấp.",
            "Chỉ mất khoảng 5 phút, trả lời được trên mọi điện thoại.",
        ],
        "thanks": "Trân trọng cảm ơn sự hợp tác của Ông/Bà!",
    }
    return _compile("poster.typ", data, {"qr.svg": qr_svg(url)})


# --- the results -------------------------------------------------------------------------------


def results_filename(campaign: Campaign, extension: str) -> str:
    return f"ket-qua-khao-sat-{campaign.pk}.{extension}"


def _percent_with_interval(percent: Decimal | None, low: Any, high: Any) -> str:
    if percent is None:
        return "—"
    return f"{number(percent)}\n({number(low, 1)}–{number(high, 1)})"


def _history_rows(history: History | None, units: list[UnitResult]) -> tuple[list, list]:
    if history is None or len(history.campaigns) < 2:
        return [], []
    header = ["Mã", "Đơn vị"] + [f"{c.title} ({c.period_start:%m/%Y})" for c in history.campaigns]
    rows = []
    for result in units:
        unit = result.campaign_unit.unit
        rows.append(
            [unit.code, unit.name]
            + [number(history.overall[c.pk].get(unit.pk)) for c in history.campaigns]
        )
    return header, rows


def results_pdf(
    campaign: Campaign, results: list[UnitResult], history: History | None = None
) -> bytes:
    """The campaign's results table (and the comparison with earlier campaigns) as a PDF."""
    questionnaire = campaign.questionnaire
    rows = []
    for result in results:
        unit = result.campaign_unit
        mark = " *" if result.below_sample else ""
        rows.append(
            [
                unit.unit.code,
                unit.unit.name,
                number(unit.transactions, 0),
                number(unit.required, 0),
                number(result.accepted, 0) + mark,
                *[_percent_with_interval(e.percent, e.low, e.high) for e in result.elements],
                number(result.overall),
            ]
        )
    comparison_header, comparison = _history_rows(history, results)
    document = department_document(
        timezone.localdate(),
        kind="BÁO CÁO",
        summary="Kết quả khảo sát sự hài lòng của người dân, tổ chức",
        recipients=[TO_COMMITTEE, "Các cơ quan, đơn vị được khảo sát"],
    )
    data = {
        "doc": document.as_data(),
        "campaign": f"{campaign.title} ({period(campaign).lower()}).",
        "rule": RULE.format(point=questionnaire.satisfied_from, points=questionnaire.scale_points),
        "elements": ELEMENTS,
        "header": [
            "Mã",
            "Đơn vị",
            "N",
            "n yêu cầu",
            "Phiếu chấp nhận",
            *[f"{ELEMENT_SHORT[Element(e)]} (%)" for e in ELEMENTS],
            "Chung (%)",
        ],
        "rows": rows,
        "legend": LEGEND,
        "comparison_title": "So sánh tỷ lệ hài lòng chung (%) với các đợt khảo sát trước",
        "comparison_header": comparison_header,
        "comparison": comparison,
    }
    return _compile("results.typ", data)


def _sheet(workbook: Workbook, title: str, header: Sequence[tuple[str, int]]) -> Any:
    sheet = workbook.create_sheet(title)
    append_row(sheet, [name for name, _width in header])
    for index, (_name, width) in enumerate(header, start=1):
        cell = sheet.cell(1, index)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def results_xlsx(
    campaign: Campaign,
    results: list[UnitResult],
    distributions: list[Distribution],
    history: History | None = None,
) -> bytes:
    """The campaign's results as a workbook: the overall figures per unit, every element per
    unit with its interval, the distributions per question and option, and the comparison
    with earlier campaigns. Numbers stay numbers."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    overall = _sheet(
        workbook,
        "Tổng hợp",
        [
            ("Mã đơn vị", 12),
            ("Đơn vị", 40),
            ("Số giao dịch N", 12),
            ("Cỡ mẫu yêu cầu n", 12),
            ("Phiếu được chấp nhận", 12),
            ("Dưới cỡ mẫu", 10),
            *[(f"{ELEMENT_NAMES[Element(e)]} (%)", 16) for e in ELEMENTS],
            ("Hài lòng chung (%)", 14),
        ],
    )
    detail = _sheet(
        workbook,
        "Theo yếu tố",
        [
            ("Mã đơn vị", 12),
            ("Đơn vị", 40),
            ("Yếu tố", 36),
            ("Số phiếu đánh giá", 12),
            ("Số câu trả lời", 12),
            ("Số câu hài lòng", 12),
            ("Tỷ lệ hài lòng (%)", 12),
            ("Cận dưới 95% (%)", 12),
            ("Cận trên 95% (%)", 12),
            ("Dưới cỡ mẫu", 10),
        ],
    )
    for result in results:
        unit = result.campaign_unit
        append_row(
            overall,
            [
                unit.unit.code,
                unit.unit.name,
                unit.transactions,
                unit.required,
                result.accepted,
                "Có" if result.below_sample else "",
                *[_float(e.percent) for e in result.elements],
                _float(result.overall),
            ],
        )
        for element in result.elements:
            append_row(
                detail,
                [
                    unit.unit.code,
                    unit.unit.name,
                    ELEMENT_NAMES[Element(element.element)],
                    element.responses,
                    element.answers,
                    element.satisfied,
                    _float(element.percent),
                    _float(element.low),
                    _float(element.high),
                    "Có" if element.below_sample else "",
                ],
            )
    spread = _sheet(
        workbook,
        "Phân bố câu trả lời",
        [
            ("Mã câu hỏi", 10),
            ("Câu hỏi", 60),
            ("Giá trị", 10),
            ("Phương án", 36),
            ("Số lượt chọn", 12),
            ("Tỷ lệ (%)", 10),
            ("Số câu trả lời", 12),
        ],
    )
    with translation.override("vi"):
        for found in distributions:
            for row in found.rows:
                append_row(
                    spread,
                    [
                        found.question.code,
                        found.question.text,
                        row.value,
                        row.label,
                        row.count,
                        _float(row.percent),
                        found.answers,
                    ],
                )
    header, _rows = _history_rows(history, results)
    if header and history is not None:
        compare = _sheet(workbook, "So sánh các đợt", [(h, 14) for h in header])
        for result in results:
            org_unit = result.campaign_unit.unit
            append_row(
                compare,
                [org_unit.code, org_unit.name]
                + [_float(history.overall[c.pk].get(org_unit.pk)) for c in history.campaigns],
            )
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()
