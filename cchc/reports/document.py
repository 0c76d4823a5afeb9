"""A periodic report as data: what its page, its exports, the API and `manage.py par_report`
show. `build(report)` reads a stored report; `build_consolidated(year, period)` assembles the
city's report from the units' accepted reports when the city has not started its own.

The document's wording is the Vietnamese of the state's documents (Decree 30/2020/NĐ-CP), so it
is fixed text here, not translatable strings.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cchc.core.officialdoc import Block, OfficialDocument, blank_number, issuer_symbol
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.queries import home_province, issuing_body, place_date
from cchc.reports import queries
from cchc.reports.exports import number
from cchc.reports.models import PeriodicReport, ReportPeriod, Window

TASK_LABELS = {
    "tasks_assigned": "nhiệm vụ được giao",
    "tasks_completed": "đã hoàn thành",
    "tasks_on_time": "hoàn thành đúng hạn",
    "tasks_overdue": "quá hạn chưa hoàn thành",
}
ANNEX_HEADERS = ["STT", "Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Nguồn số liệu"]
SOURCE_TYPED = "Đơn vị nhập"
SOURCE_COMPUTED = "Tính từ dữ liệu nền tảng"
SOURCE_OVERRIDDEN = "Điều chỉnh: "
SOURCE_SUMMED = "Tổng hợp từ báo cáo các đơn vị"


@dataclass
class Section:
    code: str
    number: str
    title: str
    narrative: bool
    figures: dict[str, Decimal | int] = field(default_factory=dict)
    rows: list[queries.Row] = field(default_factory=list)
    results: str = ""
    limitations: str = ""
    causes: str = ""
    contributions: list[tuple[str, str]] = field(default_factory=list)  # (unit, text)

    @property
    def text(self) -> str:
        return "\n\n".join(p for p in (self.results, self.limitations, self.causes) if p)


@dataclass
class ReportData:
    unit: OrgUnit | None  # None: the city's consolidation without a stored report
    year: int
    period: ReportPeriod
    window: Window
    sections: list[Section]
    rows: list[queries.Row]
    report: PeriodicReport | None = None
    missing: list[str] = field(default_factory=list)
    accepted: int = 0

    @property
    def is_city(self) -> bool:
        return self.unit is None or self.unit.kind == OrgUnit.Kind.PROVINCE

    def annex(self) -> dict[str, Decimal | None]:
        return {row.indicator.code: row.value for row in self.rows}

    def as_json(self) -> dict[str, Any]:
        """The report as `manage.py par_report --json` and the API give it."""
        return {
            "year": self.year,
            "period": self.period.code,
            "unit": self.unit.code if self.unit else None,
            "status": self.report.status if self.report else None,
            "from": self.window.first.isoformat(),
            "to": self.window.last.isoformat(),
            "due": self.window.due.isoformat(),
            "internal_due": self.window.internal_due.isoformat(),
            "sections": [
                {
                    "code": s.code,
                    "title": f"{s.number}. {s.title}",
                    "figures": {k: _plain(v) for k, v in s.figures.items()},
                    "text": s.text,
                }
                for s in self.sections
            ],
            "annex": {code: _plain(value) for code, value in self.annex().items()},
        }

    def filename(self, extension: str) -> str:
        """ASCII only: bao-cao-cchc-2026-q3-00004.docx."""
        who = self.unit.code if self.unit else "city"
        safe = "".join(c if c.isascii() and c.isalnum() else "-" for c in who)
        return f"bao-cao-cchc-{self.year}-{self.period.code}-{safe}.{extension}"

    def official(self) -> OfficialDocument:
        """The report as a Decree 30 document."""
        return official_document(self)


def _plain(value: Decimal | int | None) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _sections(rows: list[queries.Row]) -> list[Section]:
    result = []
    for s in queries.sections():
        section = Section(code=s.code, number=s.number, title=s.title, narrative=s.narrative)
        section.rows = [row for row in rows if row.indicator.section_id == s.pk]
        for row in section.rows:
            section.figures[row.indicator.code] = row.value if row.value is not None else 0
        result.append(section)
    return result


def build(report: PeriodicReport) -> ReportData:
    """The stored report as data (a few queries). Changes nothing."""
    rows = queries.annex_rows(report)
    sections = _sections(rows)
    texts = {t.section.code: t for t in report.texts.select_related("section")}
    for section in sections:
        text = texts.get(section.code)
        if text:
            section.figures = {**text.figures, **section.figures}
            section.results, section.limitations = text.results, text.limitations
            section.causes = text.causes
    data = ReportData(
        unit=report.unit,
        year=report.year,
        period=report.period,
        window=report.window(),
        sections=sections,
        rows=rows,
        report=report,
    )
    if queries.is_city_report(report):
        _add_contributions(data)
    return data


def _add_contributions(data: ReportData) -> None:
    _apply(data, queries.consolidate(data.year, data.period, list(queries.reporting_units())))


def _apply(data: ReportData, consolidation: queries.Consolidation) -> None:
    """The accepted units' texts under each section, and who has not reported."""
    codes = {s.pk: s.code for s in queries.sections()}
    by_code = {section.code: section for section in data.sections}
    for contribution in consolidation.contributions:
        for section_id, text in contribution.texts.items():
            by_code[codes[section_id]].contributions.append((contribution.unit, text))
    data.missing = consolidation.missing
    data.accepted = len(consolidation.contributions)


def build_consolidated(year: int, period: ReportPeriod) -> ReportData:
    """The city's report assembled on the fly from the units' accepted reports and every
    record of the window, for when the city has not started its own report: figures as
    computed, typed-in rows summed, each section's text the units' texts. Changes nothing."""
    window = period.window(year)
    consolidation = queries.consolidate(year, period, list(queries.reporting_units()))
    rows = [
        queries.Row(
            indicator=i,
            value=consolidation.totals[i.code],
            computed=consolidation.totals[i.code] if i.source else None,
            reason="",
            link=queries.source_link(i.source),
        )
        for i in queries.active_indicators()
    ]
    data = ReportData(
        unit=home_province(),
        year=year,
        period=period,
        window=window,
        sections=_sections(rows),
        rows=rows,
    )
    areas = {s.code: s.area_code for s in queries.sections()}
    city_tasks = queries.section_figures(window, None)
    for section in data.sections:
        if areas[section.code]:
            section.figures = {**city_tasks[areas[section.code]].as_dict(), **section.figures}
    _apply(data, consolidation)
    for section in data.sections:
        section.results = "\n\n".join(f"{unit}: {text}" for unit, text in section.contributions)
    return data


def _dated(data: ReportData) -> str:
    report = data.report
    moment = report.submitted_at if report and report.submitted_at else timezone.now()
    return place_date(timezone.localtime(moment).date())


def _figure_sentence(section: Section) -> str:
    parts = [
        f"{label} {number(section.figures[key])}"
        for key, label in TASK_LABELS.items()
        if key in section.figures
    ]
    parts += [
        f"{row.indicator.label.lower()}: {number(row.value, 0 if _whole(row.value) else 2)}"
        f" {row.indicator.measure.lower()}"
        for row in section.rows
        if row.value is not None
    ]
    return ("Số liệu: " + "; ".join(parts) + ".") if parts else ""


def _whole(value: Decimal | None) -> bool:
    return value is None or value == value.to_integral_value()


def source_text(row: queries.Row, city: bool) -> str:
    if row.overridden:
        return SOURCE_OVERRIDDEN + row.reason
    if row.indicator.source:
        return SOURCE_COMPUTED
    return SOURCE_SUMMED if city else SOURCE_TYPED


def annex_table(data: ReportData) -> list[list[str]]:
    return [
        [
            str(n),
            row.indicator.code,
            row.indicator.label,
            row.indicator.measure,
            "" if row.value is None else number(row.value, 0 if _whole(row.value) else 2),
            source_text(row, data.is_city),
        ]
        for n, row in enumerate(data.rows, start=1)
    ]


def official_document(data: ReportData) -> OfficialDocument:
    report = data.report
    body = issuing_body(data.unit)
    committee_kind = issuer_symbol(body["issuer"]) == "UBND"
    blocks: list[Block] = [
        Block(
            "paragraph",
            f"Thời gian chốt số liệu: từ ngày {data.window.first:%d/%m/%Y} "
            f"đến ngày {data.window.last:%d/%m/%Y}.",
        )
    ]
    for section in data.sections:
        blocks.append(Block("heading", f"{section.number}. {section.title.upper()}"))
        sentence = _figure_sentence(section)
        if sentence:
            blocks.append(Block("paragraph", sentence))
        if section.results:
            blocks.append(Block("paragraph", section.results))
        if section.limitations:
            blocks.append(Block("paragraph", "Hạn chế: " + section.limitations))
        if section.causes:
            blocks.append(Block("paragraph", "Nguyên nhân: " + section.causes))
    blocks.append(Block("heading", "PHỤ LỤC: SỐ LIỆU THỐNG KÊ"))
    blocks.append(
        Block(
            "table",
            headers=ANNEX_HEADERS,
            rows=annex_table(data),
            widths=[1.0, 1.8, 6.5, 1.9, 2.1, 3.2],
            right=[4],
        )
    )
    default_recipients = ["Bộ Nội vụ"] if data.is_city else ["Sở Nội vụ"]
    recipients = [
        line.strip().rstrip(";")
        for line in (report.recipients if report else "").splitlines()
        if line.strip()
    ] or [*default_recipients, "Lưu: VT"]
    position = (report.signer_position if report else "") or (
        "CHỦ TỊCH" if committee_kind else "GIÁM ĐỐC"
    )
    return OfficialDocument(
        **body,
        number=f"Số: {report.number}"
        if report and report.number
        else blank_number("BÁO CÁO", body["issuer"]),
        place_date=_dated(data),
        kind="BÁO CÁO",
        summary="Tình hình, kết quả thực hiện công tác cải cách hành chính "
        + data.period.heading_for(data.year),
        blocks=blocks,
        signer_authority="TM. ỦY BAN NHÂN DÂN" if committee_kind else "",
        signer_position=position.upper(),
        signer_name=report.signer_name if report else "",
        recipients=recipients,
        title=f"Báo cáo CCHC {data.period.heading_for(data.year)}",
    )
