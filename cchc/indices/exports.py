"""The published results of an index round as XLSX (the tables), DOCX and PDF (the report).

Every export reads the frozen Result rows of a published round through `published_results`,
which the public pages use too. The documents are a report of the Department of Home Affairs in
the layout of Decree 30/2020/NĐ-CP (orgunits.queries.department_document: the issuing body,
"Số: …/BC-SNV", the national motto, the signature and "Nơi nhận"), which exists only in
Vietnamese, so their wording is fixed Vietnamese text kept here rather than translatable
strings, and their numbers are in the Vietnamese format (87,50) whatever the reader's language.
The PDF is typeset by typst from `indices/results.typ` with the vendored TTFs (system fonts
ignored, so the output is the same on every server).
"""

import dataclasses
from collections.abc import Iterable
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from django.utils import formats, timezone, translation
from openpyxl import Workbook

from cchc.core import docx
from cchc.core.officialdoc import OfficialDocument, begin_docx, end_docx
from cchc.core.typeset import typeset_pdf
from cchc.core.xlsx import add_sheet
from cchc.indices.models import AssessmentRound, Framework, Result
from cchc.indices.results import RANK_REPLICATIONS, RANK_WEIGHT_NOISE
from cchc.indices.scoring import area_means
from cchc.orgunits.queries import TO_COMMITTEE, department_document

TEMPLATE = Path(__file__).resolve().parent / "templates" / "indices" / "results.typ"

GROUPS = ("A", "B", "C", "")
GROUP_NAMES = {"A": "Nhóm A", "B": "Nhóm B", "C": "Nhóm C", "": "Chưa xếp nhóm"}
TARGET_GROUPS = {
    "departments": "các sở, ban, ngành",
    "wards": "các phường, xã",
    "public_service": "các đơn vị sự nghiệp công lập",
    "central": "các cơ quan Trung ương trên địa bàn",
}
ILLUSTRATIVE = (
    "Bộ tiêu chí minh họa: điểm tối đa của từng tiêu chí không phải số liệu chính thức "
    "(chưa được công bố)."
)
RANKING_HEADERS = [
    "Hạng",
    "Đơn vị",
    "Điểm thẩm định",
    "Điểm điều tra XHH",
    "Tổng điểm",
    "Chỉ số (%)",
    "Nhóm",
    "Chỉ số năm trước (%)",
    "Tăng/giảm (điểm %)",
]
# The workbook's ranking also gives each unit's rank interval (cchc.indices.results).
XLSX_RANKING_HEADERS = [
    *RANKING_HEADERS,
    "Hạng trung vị",
    "Hạng có thể từ (5%)",
    "Hạng có thể đến (95%)",
]

# The DOCX and PDF give the rank interval the public page shows in a table of its own.
INTERVAL_HEADING = "III. KHOẢNG XẾP HẠNG (ĐỘ VỮNG CỦA THỨ HẠNG)"
INTERVAL_HEADERS = ["Hạng", "Đơn vị", "Hạng trung vị", "Hạng có thể từ (5%)", "Đến (95%)"]
INTERVAL_NOTE = (
    "Hạng mà đơn vị giữ trong 90% của {replications} lần tính lại chỉ số, mỗi lần trọng số "
    "của từng lĩnh vực thay đổi ngẫu nhiên trong khoảng ±{noise}% và điểm điều tra xã hội học "
    "tính từ phiếu khảo sát được lấy ngẫu nhiên trong khoảng tin cậy 95% của nó. Khoảng hẹp: "
    "thứ hạng vững; khoảng rộng: thứ hạng có thể thay đổi khi cách tính thay đổi. Thông số "
    "minh họa, không thay thế thứ hạng chính thức ở mục II."
)


@dataclasses.dataclass(frozen=True)
class AreaHead:
    """An area (root criterion) of the round's results, in the order the results list them."""

    code: str
    title: str
    max: Decimal


@dataclasses.dataclass
class Published:
    """A published round's results as the public pages and exports show them."""

    round: AssessmentRound
    framework: Framework
    results: list[Result]
    areas: list[AreaHead]
    means: dict[str, Decimal]  # area code → mean share, bonus/penalty areas left out
    counts: dict[str, int]  # "A", "B", "C" and "" (ungrouped) → number of units
    bonus_codes: set[str] = dataclasses.field(default_factory=set)

    def compared(self, areas: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The areas whose share of the maximum means something: not the bonus/penalty one,
        whose points run from a penalty to a bonus."""
        return [a for a in areas if str(a["code"]) not in self.bonus_codes]


def change(result: Result) -> Decimal | None:
    """Index percent points gained (or lost) since last year; None without last year's."""
    if result.previous_percent is None:
        return None
    return Decimal(result.percent) - Decimal(result.previous_percent)


def area_heads(results: Iterable[Result]) -> list[AreaHead]:
    heads: dict[str, AreaHead] = {}
    for result in results:
        for area in result.areas:
            code = str(area["code"])
            if code not in heads:
                heads[code] = AreaHead(code, str(area["title"]), Decimal(str(area["max"])))
    return list(heads.values())


def published_results(rating_round: AssessmentRound) -> Published:
    """The frozen results of a published round, ranked. Two queries (the round and its
    framework are already loaded). Changes nothing."""
    results = list(rating_round.results.order_by("rank", "unit_name"))
    bonus_codes = set(
        rating_round.framework.criteria.filter(
            parent__isnull=True, is_bonus_penalty=True
        ).values_list("code", flat=True)
    )
    counts = dict.fromkeys(GROUPS, 0)
    for result in results:
        counts[result.group if result.group in counts else ""] += 1
    return Published(
        round=rating_round,
        framework=rating_round.framework,
        results=results,
        areas=area_heads(results),
        means=area_means(
            [a for a in r.areas if str(a["code"]) not in bonus_codes] for r in results
        ),
        counts=counts,
        bonus_codes=bonus_codes,
    )


def area_of(result: Result, code: str) -> dict[str, Any] | None:
    return next((a for a in result.areas if str(a["code"]) == code), None)


# Text helpers -----------------------------------------------------------------------------


def number(value: Decimal | float | int | str | None, decimals: int = 2) -> str:
    """87,50 / 1.754 — Vietnamese grouping and decimal comma; "—" for no value."""
    if value is None or value == "":
        return "—"
    with translation.override("vi"):
        return formats.number_format(
            Decimal(str(value)), decimals, use_l10n=True, force_grouping=True
        )


def signed(value: Decimal | None) -> str:
    """+1,25 / -0,50 / 0,00 — the change against last year; "—" without last year's."""
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + number(value)


def title(data: Published) -> str:
    return f"Kết quả Chỉ số cải cách hành chính năm {data.framework.year}"


def subtitle(data: Published) -> str:
    group = TARGET_GROUPS.get(data.framework.group, "")
    return f"Xếp hạng {group} ({data.round.title})" if group else data.round.title


def thresholds(framework: Framework) -> dict[str, str]:
    a, b, c = (number(v, 0 if v == v.to_integral_value() else 2) for v in _mins(framework))
    return {
        "A": f"từ {a}% trở lên",
        "B": f"từ {b}% đến dưới {a}%",
        "C": f"từ {c}% đến dưới {b}%",
        "": f"dưới {c}%",
    }


def _mins(framework: Framework) -> tuple[Decimal, Decimal, Decimal]:
    return (
        Decimal(framework.group_a_min),
        Decimal(framework.group_b_min),
        Decimal(framework.group_c_min),
    )


def filename(rating_round: AssessmentRound, extension: str) -> str:
    """ASCII only, so that every browser keeps it: ket-qua-chi-so-cchc-2026-12.xlsx."""
    return f"ket-qua-chi-so-cchc-{rating_round.framework.year}-{rating_round.pk}.{extension}"


def _official(data: Published) -> OfficialDocument:
    """The report's header and signature, dated the publication day."""
    moment = timezone.localtime(data.round.published_at or timezone.now())
    return department_document(
        moment.date(),
        kind="BÁO CÁO",
        summary=title(data),
        recipients=[TO_COMMITTEE, "Các cơ quan, đơn vị được đánh giá"],
    )


def ranking_rows(data: Published) -> list[list[str]]:
    return [
        [
            str(r.rank),
            r.unit_name,
            number(r.appraised),
            number(r.survey),
            number(r.total),
            number(r.percent),
            r.group or "—",
            number(r.previous_percent),
            signed(change(r)),
        ]
        for r in data.results
    ]


def interval_rows(data: Published) -> list[list[str]]:
    """Rank, unit, median rank, 5th and 95th percentile of the units with a stored interval
    (a round published before rank intervals existed has none: no rows)."""
    return [
        [
            str(r.rank),
            r.unit_name,
            number(r.rank_median, 1),
            number(r.rank_q05, 1),
            number(r.rank_q95, 1),
        ]
        for r in data.results
        if r.rank_q05 is not None and r.rank_q95 is not None
    ]


def interval_note() -> str:
    return INTERVAL_NOTE.format(
        replications=number(RANK_REPLICATIONS, 0), noise=number(RANK_WEIGHT_NOISE * 100, 0)
    )


def count_rows(data: Published) -> list[list[str]]:
    limits = thresholds(data.framework)
    return [
        [GROUP_NAMES[g], limits[g], number(data.counts[g], 0)]
        for g in GROUPS
        if g or data.counts[g]
    ]


# XLSX -------------------------------------------------------------------------------------

TWO = "#,##0.00"
PERCENT = "0.00%"
INTEGER = "#,##0"
CHANGE = "+0.00;-0.00;0.00"
RANK = "0.0"


def _fraction(value: Decimal | None) -> float | None:
    """A percent (87.5) as the fraction Excel's percent format expects (0.875)."""
    return None if value is None else float(Decimal(value) / 100)


def _float(value: Any) -> float | None:
    return None if value is None else float(Decimal(str(value)))


def _xlsx_ranking(book: Workbook, data: Published) -> None:
    rows = [
        [
            r.rank,
            r.unit_name,
            _float(r.appraised),
            _float(r.survey),
            _float(r.total),
            _fraction(r.percent),
            r.group or "",
            _fraction(r.previous_percent),
            _float(change(r)),
            r.rank_median,
            r.rank_q05,
            r.rank_q95,
        ]
        for r in data.results
    ]
    formats_by_column = {1: INTEGER, 3: TWO, 4: TWO, 5: TWO, 6: PERCENT, 8: PERCENT, 9: CHANGE}
    formats_by_column |= {10: RANK, 11: RANK, 12: RANK}
    widths = [7, 40, 12, 12, 11, 11, 8, 13, 13, 11, 11, 11]
    add_sheet(book, "Xếp hạng", XLSX_RANKING_HEADERS, rows, widths, formats_by_column, freeze="C2")


def _xlsx_areas(book: Workbook, data: Published) -> None:
    headers = ["Hạng", "Đơn vị"]
    for head in data.areas:
        headers += [f"{head.code}. Điểm (tối đa {number(head.max)})", f"{head.code}. Hạng"]
    rows = []
    for r in data.results:
        row: list[Any] = [r.rank, r.unit_name]
        for head in data.areas:
            found = area_of(r, head.code)
            row += [_float(found["points"]), found.get("rank")] if found else [None, None]
        rows.append(row)
    formats_by_column = {1: INTEGER} | {
        3 + 2 * i + k: (TWO if k == 0 else INTEGER) for i in range(len(data.areas)) for k in (0, 1)
    }
    widths = [7, 40] + [14, 8] * len(data.areas)
    sheet = add_sheet(book, "Theo lĩnh vực", headers, rows, widths, formats_by_column, freeze="C2")
    sheet.row_dimensions[1].height = 45


def _xlsx_summary(book: Workbook, data: Published) -> None:
    rows: list[list[Any]] = [
        [h.code, h.title, _float(h.max), _fraction(data.means.get(h.code))] for h in data.areas
    ]
    headers = ["Mã", "Lĩnh vực", "Điểm tối đa", "Tỷ lệ điểm trung bình"]
    add_sheet(
        book,
        "Trung bình lĩnh vực",
        headers,
        rows,
        [8, 60, 12, 14],
        {3: TWO, 4: PERCENT},
        freeze="C2",
    )
    limits = thresholds(data.framework)
    counts = [[GROUP_NAMES[g], limits[g], data.counts[g]] for g in GROUPS]
    add_sheet(
        book,
        "Số đơn vị theo nhóm",
        ["Nhóm", "Chỉ số", "Số đơn vị"],
        counts,
        [18, 26, 12],
        {},
        freeze="C2",
    )


def results_xlsx(data: Published) -> bytes:
    """The workbook: the ranking, the per-area points and ranks, area means and group counts."""
    book = Workbook()
    book.remove(book.active)
    _xlsx_ranking(book, data)
    _xlsx_areas(book, data)
    _xlsx_summary(book, data)
    book.properties.title = title(data)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# DOCX -------------------------------------------------------------------------------------


def results_docx(data: Published) -> bytes:
    """The report: the title block, the units per group and the ranking."""
    official = _official(data)
    document = begin_docx(official)
    docx.text(docx.centered(document.add_paragraph()), subtitle(data), bold=True)
    if data.framework.is_illustrative:
        docx.text(document.add_paragraph(), ILLUSTRATIVE, italic=True)
    docx.heading(document, "I. SỐ ĐƠN VỊ THEO NHÓM")
    document.add_paragraph(f"Tổng số: {number(len(data.results), 0)} đơn vị được xếp hạng.")
    docx.table(
        document,
        ["Nhóm", "Chỉ số", "Số đơn vị"],
        count_rows(data),
        numeric={2},
        widths=[5, 8, 3.5],
    )
    docx.heading(document, "II. XẾP HẠNG CÁC ĐƠN VỊ")
    widths = [1.1, 4.6, 1.6, 1.6, 1.5, 1.5, 1.1, 1.7, 1.8]
    docx.table(
        document, RANKING_HEADERS, ranking_rows(data), numeric={0, 2, 3, 4, 5, 7, 8}, widths=widths
    )
    intervals = interval_rows(data)
    if intervals:
        docx.heading(document, INTERVAL_HEADING)
        docx.text(document.add_paragraph(), interval_note(), italic=True)
        widths = [1.1, 6.4, 2.6, 3.0, 2.4]
        docx.table(document, INTERVAL_HEADERS, intervals, numeric={0, 2, 3, 4}, widths=widths)
    return end_docx(document, official)


# PDF --------------------------------------------------------------------------------------


def _pdf_data(data: Published) -> dict[str, Any]:
    return {
        "doc": _official(data).as_data(),
        "subtitle": subtitle(data),
        "framework": str(data.framework.title),
        "illustrative": ILLUSTRATIVE if data.framework.is_illustrative else "",
        "total": number(len(data.results), 0),
        "counts": count_rows(data),
        "headers": RANKING_HEADERS,
        "ranking": ranking_rows(data),
        "interval_heading": INTERVAL_HEADING,
        "interval_headers": INTERVAL_HEADERS,
        "interval_note": interval_note(),
        "intervals": interval_rows(data),
        "areas_heading": ("IV." if interval_rows(data) else "III.")
        + " TỶ LỆ ĐIỂM TRUNG BÌNH THEO LĨNH VỰC",
        "areas": [
            [h.code, h.title, number(h.max), number(data.means.get(h.code))] for h in data.areas
        ],
    }


def results_pdf(data: Published) -> bytes:
    """The PDF bytes of the report. Changes nothing."""
    return typeset_pdf(TEMPLATE, _pdf_data(data))
