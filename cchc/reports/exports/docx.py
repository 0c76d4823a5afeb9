"""The briefing as a Word report in the layout of Decree 30/2020 (cchc.core.officialdoc: the
header and title, the body here, then the signature and "Nơi nhận").

Built directly with python-docx rather than from a docxtpl template: the tables have a variable
number of rows and the charts are images, which are simpler to write in code than to loop over
in a template, and there is no binary template to keep in step with the code.
"""

from io import BytesIO

from docx.document import Document as DocumentObject
from docx.shared import Cm

from cchc.core import docx
from cchc.core.officialdoc import begin_docx, end_docx
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


def _ranged(headers: list[str], first: int) -> set[int]:
    """The indexes of the numeric columns: `first` and those after it."""
    return set(range(first, len(headers)))


def _totals(document: DocumentObject, briefing: Briefing) -> None:
    docx.heading(document, "I. KẾT QUẢ CHUNG")
    document.add_paragraph(scope_note(briefing))
    document.add_paragraph(headline(briefing))
    docx.table(
        document, ["Chỉ tiêu", "Số liệu"], totals_rows(briefing), numeric={1}, widths=[12, 4.5]
    )
    document.add_picture(BytesIO(charts.trend_chart(briefing)), width=Cm(16))
    document.add_picture(BytesIO(charts.categories_chart(briefing)), width=Cm(16))


def _ranking(document: DocumentObject, briefing: Briefing) -> None:
    docx.heading(document, "II. XẾP HẠNG ĐƠN VỊ")
    rows = ranking_rows(briefing)
    # 16.5 cm: the text width between Decree 30's margins; 9 pt for twelve columns.
    widths = [0.9, 3.3, 1.1, 1.2, 1.2, 1.2, 1.1, 1.1, 1.4, 1.4, 1.4, 1.2]
    numeric = _ranged(RANKING_HEADERS, 2)
    docx.table(document, RANKING_HEADERS, rows, numeric=numeric, widths=widths, size=9)


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
    document.add_paragraph(not_reported_note(briefing))


def briefing_docx(briefing: Briefing) -> bytes:
    document_data = official(briefing)
    document = begin_docx(document_data)
    if briefing.is_reopened:
        docx.text(document.add_paragraph(), reopened_note(briefing), italic=True)
    _totals(document, briefing)
    _ranking(document, briefing)
    _overdue(document, briefing)
    _not_reported(document, briefing)
    return end_docx(document, document_data)
