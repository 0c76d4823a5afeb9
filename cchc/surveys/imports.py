"""Paper survey forms typed into a workbook: the template of a campaign and its import.

One row per paper form: the unit's code, then one column per question, headed by the question's
code (C1, C2 …): a rating as its number on the scale, a choice as the option's value, several
values of a multiple choice separated by ";", a text as it is; an empty cell is an unanswered
question. The rows are checked with the survey's own answer cleaning (actions.clean_answers),
all of them before anything is stored: one wrong cell refuses the whole file, with every error
listed by row and column. A good file is stored as responses of the "paper" channel, received
for review like any other.
"""

import io
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from cchc.accounts.models import User
from cchc.core import audit, xlsx
from cchc.core.xlsx import Column, ImportResult, RowError, append_row
from cchc.surveys.actions import clean_answers, record_response
from cchc.surveys.models import Campaign, CampaignUnit, Question, Response

UNIT = Column("unit", "Mã đơn vị", required=True, width=14)
MAX_FORMS = 5000
TEMPLATE_ROWS = 500
SEPARATOR = ";"


def _questions(campaign: Campaign) -> list[Question]:
    return list(
        campaign.questionnaire.questions.select_related("section").prefetch_related("options")
    )


def columns(questions: list[Question]) -> list[Column]:
    """The unit column, then one per question keyed by its code in lower case (the header is
    the bare code, which `xlsx.header_positions` recognises case-insensitively)."""
    return [UNIT] + [Column(q.code.lower(), q.code, width=8) for q in questions]


def _hint(question: Question, points: int) -> str:
    if question.type == Question.Type.RATING:
        return f"Số từ 1 đến {points}"
    if question.type == Question.Type.TEXT:
        return "Văn bản"
    values = ", ".join(f"{o.value} = {o.label_vi}" for o in question.options.all())
    if question.type == Question.Type.MULTIPLE:
        return f"Một hoặc nhiều giá trị, cách nhau bởi dấu “;”: {values}"
    return f"Một giá trị: {values}"


def template(campaign: Campaign, units: Iterable[CampaignUnit]) -> bytes:
    """The workbook to type paper forms into: the form sheet (header: "Mã đơn vị (unit)" and
    the question codes, each with the question as a comment) and a guide sheet listing the
    questions, what to write for each, and the units of the campaign."""
    questionnaire = campaign.questionnaire
    questions = _questions(campaign)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Phiếu giấy"
    append_row(sheet, [UNIT.header] + [q.code for q in questions])
    for index, question in enumerate(questions, start=2):
        cell = sheet.cell(1, index)
        cell.comment = Comment(
            f"{question.text_vi}\n{_hint(question, questionnaire.scale_points)}", "CCHC"
        )
    for index in range(1, len(questions) + 2):
        cell = sheet.cell(1, index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = 16 if index == 1 else 8
    for row in range(2, TEMPLATE_ROWS + 2):  # unit codes keep their leading zeros ("00004")
        sheet.cell(row, 1).number_format = "@"
    sheet.freeze_panes = "B2"
    guide = workbook.create_sheet("Hướng dẫn")
    append_row(guide, ["Mã câu hỏi", "Câu hỏi", "Bắt buộc", "Cách ghi"])
    for question in questions:
        append_row(
            guide,
            [
                question.code,
                question.text_vi,
                "Có" if question.required else "",
                _hint(question, questionnaire.scale_points),
            ],
        )
    append_row(guide, [])
    append_row(guide, ["Mã đơn vị", "Đơn vị"])
    for campaign_unit in units:
        append_row(guide, [campaign_unit.unit.code, campaign_unit.unit.name])
    for index, width in enumerate([14, 70, 10, 70], start=1):
        guide.column_dimensions[get_column_letter(index)].width = width
        guide.cell(1, index).font = Font(bold=True)
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()


def _value(question: Question, cell: Any) -> Any:
    """A cell as the answer clean_answers expects: None when empty, a list of option values
    for a choice, text otherwise (a rating "4" is checked there)."""
    if question.type == Question.Type.TEXT:
        return None if cell is None else str(cell).strip()
    text = xlsx.cell_text(cell)
    if text == "":
        return None
    if question.has_options:  # "1;2" for a single choice is refused there: one option only
        return [xlsx.cell_text(part) for part in text.split(SEPARATOR) if part.strip()]
    return text


def import_paper_forms(
    campaign: Campaign,
    upload: UploadedFile,
    *,
    actor: User,
    units: Iterable[CampaignUnit],
) -> ImportResult[Response]:
    """Record the paper forms of a workbook as responses of `campaign` (channel "paper", entered
    by `actor`), all or nothing. `units` are the surveyed units `actor` may enter forms for; a
    row naming another unit is an error. Writes one "surveys.record_response" per form and
    "surveys.import_paper_forms" with the count, the file name and its SHA-256.

    Refuses (ValidationError) a file that is not a valid .xlsx, lacks the unit column, has no
    rows or more than MAX_FORMS, and a closed campaign. Returns the rows' errors, with nothing
    stored, for an unknown unit code and any answer the questionnaire refuses."""
    if campaign.status != Campaign.Status.OPEN:
        raise ValidationError(_("This survey is closed: it no longer accepts responses."))
    checked = xlsx.check_workbook_upload(upload)
    questions = _questions(campaign)
    rows = xlsx.read_rows(
        upload, name=checked.original_name, columns=columns(questions), max_rows=MAX_FORMS
    )
    if not rows:
        raise ValidationError(_("The file has no filled-in forms."))
    allowed = {campaign_unit.unit.code: campaign_unit for campaign_unit in units}
    errors: list[RowError] = []
    forms: list[tuple[CampaignUnit, dict[str, Any]]] = []
    for number, cells in rows:
        code = xlsx.cell_text(cells.get("unit"))
        campaign_unit = allowed.get(code)
        if campaign_unit is None:
            message = (
                _("Write the code of a unit of this campaign.")
                if code == ""
                else _("%(code)s is not a unit of this campaign you may enter forms for.")
                % {"code": code}
            )
            errors.append(RowError(number, UNIT.label, message))
        answers = {
            q.code: value
            for q in questions
            if (value := _value(q, cells.get(q.code.lower()))) is not None
        }
        try:
            clean_answers(campaign.questionnaire, answers, questions)
        except ValidationError as error:
            for question_code, messages in error.message_dict.items():
                errors += [RowError(number, question_code, m) for m in messages]
        if campaign_unit is not None:
            forms.append((campaign_unit, answers))
    if errors:
        return ImportResult(rows=len(rows), errors=errors)
    return ImportResult(rows=len(rows), created=_store(campaign, forms, actor, checked))


@transaction.atomic
def _store(
    campaign: Campaign, forms: list[tuple[CampaignUnit, dict[str, Any]]], actor: User, checked: Any
) -> list[Response]:
    created = [
        record_response(campaign_unit, answers, channel=Response.Channel.PAPER, actor=actor)
        for campaign_unit, answers in forms
    ]
    audit.record(
        actor,
        "surveys.import_paper_forms",
        campaign,
        details={
            "responses": len(created),
            "file": checked.original_name,
            "sha256": checked.sha256,
        },
    )
    return created
