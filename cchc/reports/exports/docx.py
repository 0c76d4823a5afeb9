"""The briefing as a Word report in the Vietnamese administrative layout (Decree 30/2020).

Built directly with python-docx rather than from a docxtpl template: the tables have a variable
number of rows and the charts are images, which are simpler to write in code than to loop over
in a template, and there is no binary template to keep in step with the code.
"""

from io import BytesIO

from django.utils import timezone
from docx.document import Document as DocumentObject
from docx.shared import Cm

from cchc.core import docx
from cchc.orgunits.queries import letterhead
from cchc.reports.briefing import Briefing
from cchc.reports.exports import (
    DEPARTMENT,
    OVERDUE_HEADERS,
    RANKING_HEADERS,
    RATE_FIELDS,
    TITLE,
    TOTAL_LABELS,
    charts,
    day,
    headline,
    number,
    overdue_note,
    percent,
    reopened_note,
    scope_note,
    subtitle,
)


def _ranged(headers: list[str], first: int) -> set[int]:
    """The indexes of the numeric columns: `first` and those after it."""
    return set(range(first, len(headers)))


def _totals(document: DocumentObject, briefing: Briefing) -> None:
    docx.heading(document, "I. KẾT QUẢ CHUNG")
    document.add_paragraph(scope_note(briefing))
    document.add_paragraph(headline(briefing))
    rows = []
    for name, label in TOTAL_LABELS:
        value = getattr(briefing.totals, name)
        rows.append([label, percent(value) if name in RATE_FIELDS else number(value)])
    docx.table(document, ["Chỉ tiêu", "Số liệu"], rows, numeric={1}, widths=[12, 4.5])
    document.add_picture(BytesIO(charts.trend_chart(briefing)), width=Cm(16))
    document.add_picture(BytesIO(charts.categories_chart(briefing)), width=Cm(16))


def _ranking(document: DocumentObject, briefing: Briefing) -> None:
    docx.heading(document, "II. XẾP HẠNG ĐƠN VỊ")
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
    docx.table(document, RANKING_HEADERS, rows, numeric=_ranged(RANKING_HEADERS, 2), widths=widths)


def _overdue(document: DocumentObject, briefing: Briefing) -> None:
    docx.heading(document, "III. NHIỆM VỤ QUÁ HẠN")
    document.add_paragraph(overdue_note(briefing))
    if briefing.overdue:
        rows = [
            [t.code, t.title, t.lead_unit, t.responsible, day(t.deadline), number(t.days_overdue)]
            for t in briefing.overdue
        ]
        widths = [1.8, 5.6, 3.0, 2.5, 2.1, 1.5]
        docx.table(
            document, OVERDUE_HEADERS, rows, numeric=_ranged(OVERDUE_HEADERS, 4), widths=widths
        )


def _not_reported(document: DocumentObject, briefing: Briefing) -> None:
    docx.heading(document, "IV. ĐƠN VỊ CHƯA BÁO CÁO")
    if not briefing.not_reported:
        document.add_paragraph("Tất cả các đơn vị đã báo cáo trong tháng.")
    for line in briefing.not_reported:
        document.add_paragraph(f"- {line.label}")


def briefing_docx(briefing: Briefing) -> bytes:
    document = docx.a4_document()
    closed = timezone.localtime(briefing.close.closed_at)
    docx.letterhead_block(
        document,
        letterhead(closed.date()),
        department=DEPARTMENT,
        title=TITLE,
        subtitle=subtitle(briefing),
    )
    if briefing.is_reopened:
        docx.text(document.add_paragraph(), reopened_note(briefing), italic=True)
    _totals(document, briefing)
    _ranking(document, briefing)
    _overdue(document, briefing)
    _not_reported(document, briefing)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
