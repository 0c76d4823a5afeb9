"""The briefing as a Word report in the Vietnamese administrative layout (Decree 30/2020).

Built directly with python-docx rather than from a docxtpl template: the tables have a variable
number of rows and the charts are images, which are simpler to write in code than to loop over
in a template, and there is no binary template to keep in step with the code.
"""

from collections.abc import Sequence
from io import BytesIO

from django.utils import timezone
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.shared import Cm, Pt
from docx.table import Table

from cchc.core.officialdoc import centred, row_xml, run, set_widths, setup
from cchc.reports.briefing import Briefing
from cchc.reports.exports import (
    DEPARTMENT,
    MOTTO,
    NATION,
    OVERDUE_HEADERS,
    RANKING_HEADERS,
    RATE_FIELDS,
    TITLE,
    TOTAL_LABELS,
    charts,
    day,
    headline,
    issuer,
    number,
    overdue_note,
    percent,
    reopened_note,
    scope_note,
    subtitle,
)


def _header(document: DocumentObject, briefing: Briefing) -> None:
    table = document.add_table(rows=1, cols=2)
    set_widths(table, [7.5, 9])
    left, right = table.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(9)
    committee, place = issuer()
    run(centred(left.paragraphs[0]), committee, size=10)
    run(centred(left.add_paragraph()), DEPARTMENT, bold=True, size=12)
    run(centred(left.add_paragraph()), "________", size=10)
    run(centred(right.paragraphs[0]), NATION, bold=True, size=11)
    run(centred(right.add_paragraph()), MOTTO, bold=True, size=12)
    run(centred(right.add_paragraph()), "________________", size=10)
    closed = timezone.localtime(briefing.close.closed_at)
    dated = run(
        document.add_paragraph(),
        f"{place}, ngày {closed:%d} tháng {closed:%m} năm {closed:%Y}",
        italic=True,
    )
    dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run(centred(document.add_paragraph()), TITLE, bold=True, size=14)
    run(centred(document.add_paragraph()), subtitle(briefing), bold=True)
    document.add_paragraph()


def _heading(document: DocumentObject, text: str) -> None:
    paragraph = run(document.add_paragraph(), text, bold=True)
    paragraph.paragraph_format.space_before = Pt(8)
    paragraph.paragraph_format.keep_with_next = True


def _table(
    document: DocumentObject,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: int,
    widths: Sequence[float],
) -> Table:
    """A bordered table, 10 pt; columns from `numeric` on are right-aligned.

    The rows are written as XML: python-docx's cell, paragraph and run objects re-scan their
    element's children on every property set, which took 10 s for a ranking of 600 units.
    """
    table = document.add_table(rows=0, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, widths)
    body = table._tbl
    right = range(numeric, len(widths))
    body.append(parse_xml(row_xml(headers, header=True, right=right, widths=widths, size=10)))
    for values in rows:
        body.append(parse_xml(row_xml(values, header=False, right=right, widths=widths, size=10)))
    return table


def _totals(document: DocumentObject, briefing: Briefing) -> None:
    _heading(document, "I. KẾT QUẢ CHUNG")
    document.add_paragraph(scope_note(briefing))
    document.add_paragraph(headline(briefing))
    rows = []
    for name, label in TOTAL_LABELS:
        value = getattr(briefing.totals, name)
        rows.append([label, percent(value) if name in RATE_FIELDS else number(value)])
    _table(document, ["Chỉ tiêu", "Số liệu"], rows, numeric=1, widths=[12, 4.5])
    document.add_picture(BytesIO(charts.trend_chart(briefing)), width=Cm(16))
    document.add_picture(BytesIO(charts.categories_chart(briefing)), width=Cm(16))


def _ranking(document: DocumentObject, briefing: Briefing) -> None:
    _heading(document, "II. XẾP HẠNG ĐƠN VỊ")
    rows = [
        [
            number(line.rank),
            line.label,
            number(line.counts.assigned),
            number(line.counts.due_in_month),
            number(line.counts.on_time),
            number(line.counts.late),
            number(line.counts.in_term),
            number(line.counts.overdue),
            percent(line.counts.completion_rate),
            percent(line.counts.on_time_rate),
            percent(line.counts.quality_rate),
            number(line.counts.carried_over),
        ]
        for line in briefing.units
    ]
    widths = [1.0, 3.4, 1.2, 1.3, 1.2, 1.3, 1.1, 1.1, 1.4, 1.4, 1.4, 1.3]
    _table(document, RANKING_HEADERS, rows, numeric=2, widths=widths)


def _overdue(document: DocumentObject, briefing: Briefing) -> None:
    _heading(document, "III. NHIỆM VỤ QUÁ HẠN")
    document.add_paragraph(overdue_note(briefing))
    if briefing.overdue:
        rows = [
            [t.code, t.title, t.lead_unit, t.responsible, day(t.deadline), number(t.days_overdue)]
            for t in briefing.overdue
        ]
        widths = [1.8, 5.6, 3.0, 2.5, 2.1, 1.5]
        _table(document, OVERDUE_HEADERS, rows, numeric=4, widths=widths)


def _not_reported(document: DocumentObject, briefing: Briefing) -> None:
    _heading(document, "IV. ĐƠN VỊ CHƯA BÁO CÁO")
    if not briefing.not_reported:
        document.add_paragraph("Tất cả các đơn vị đã báo cáo trong tháng.")
    for line in briefing.not_reported:
        document.add_paragraph(f"- {line.label}")


def briefing_docx(briefing: Briefing) -> bytes:
    document = Document()
    setup(document)
    _header(document, briefing)
    if briefing.is_reopened:
        run(document.add_paragraph(), reopened_note(briefing), italic=True)
    _totals(document, briefing)
    _ranking(document, briefing)
    _overdue(document, briefing)
    _not_reported(document, briefing)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
