"""A framework's annex as an XLSX workbook: import (all or nothing, row by row) and export.

The layout follows the official annexes: one row per criterion with its code and its parent's
code, the title, the maximum (and minimum, below zero only for bonus/penalty), the scoring
method, the flags and the guidance. Export writes the same columns, so a framework exported
and imported again is the same tree (tests/test_imports.py).
"""

import io
from decimal import Decimal
from typing import Any

import openpyxl
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from cchc.accounts.models import User
from cchc.core import xlsx
from cchc.core.text import fold
from cchc.core.xlsx import Column, ImportResult, RowError, append_row
from cchc.indices.actions import Node, check_tree, create_framework, nodes_of
from cchc.indices.models import Criterion, Framework

COLUMNS = [
    Column("code", "Mã", required=True, width=10),
    Column("parent", "Mã cha", width=10),
    Column("title", "Nội dung", required=True, width=60),
    Column("max", "Điểm tối đa", required=True, width=12),
    Column("min", "Điểm tối thiểu", "âm chỉ với điểm thưởng, điểm trừ", width=14),
    Column("method", "Phương pháp", "Tự chấm, Tự động, Điều tra", width=16),
    Column("bonus", "Thưởng, trừ", "x nếu là điểm thưởng, điểm trừ", width=12),
    Column("evidence", "Kiểm chứng", "x nếu bắt buộc", width=12),
    Column("guidance", "Hướng dẫn chấm điểm", width=60),
]
LABEL = {column.key: column.label for column in COLUMNS}
METHODS = {
    "": Criterion.Method.MANUAL,
    "tu cham": Criterion.Method.MANUAL,
    "manual": Criterion.Method.MANUAL,
    "tu dong": Criterion.Method.COMPUTED,
    "computed": Criterion.Method.COMPUTED,
    "dieu tra": Criterion.Method.SURVEY,
    "survey": Criterion.Method.SURVEY,
    "ho so": Criterion.Method.SERVICES,
    "services": Criterion.Method.SERVICES,
}
METHOD_NAMES: dict[str, str] = {
    Criterion.Method.MANUAL: "Tự chấm",
    Criterion.Method.COMPUTED: "Tự động",
    Criterion.Method.SURVEY: "Điều tra",
    Criterion.Method.SERVICES: "Hồ sơ",
}
YES = {"x", "co", "yes", "1", "true"}


def import_framework(
    upload: UploadedFile, *, actor: User, year: int, group: str, title: str, **fields: Any
) -> ImportResult[Framework]:
    """Create a draft framework from an annex workbook (create_framework), all or nothing.

    Refuses (ValidationError) a file that is not a valid .xlsx within the limits, lacks a
    required column or has no rows, and a year and group that already have a framework.
    Returns the errors, with nothing created, when a cell is wrong (a missing code or title, a
    maximum or minimum that is not a number, an unknown method) or the tree is broken (each
    error on the row of the criterion it is about; totals on the first row)."""
    checked = xlsx.check_workbook_upload(upload)
    rows = xlsx.read_rows(upload, name=checked.original_name, columns=COLUMNS)
    if not rows:
        raise ValidationError(_("The file has no criteria."))
    nodes, errors = _nodes(rows)
    if not errors:
        errors = _tree_errors(nodes, rows, fields)
    if errors:
        return ImportResult(rows=len(rows), errors=errors)
    framework = create_framework(
        actor=actor, year=year, group=group, title=title, nodes=nodes, **fields
    )
    return ImportResult(rows=len(rows), created=[framework])


def _nodes(rows: list[xlsx.Row]) -> tuple[list[Node], list[RowError]]:
    nodes, errors = [], []
    for number, cells in rows:
        problems = []
        text = {key: xlsx.cell_text(cells.get(key)) for key in ("code", "parent", "title")}
        for key in ("code", "title"):
            if not text[key]:
                problems.append(RowError(number, LABEL[key], _("This cell is required.")))
        points = {}
        for key, default in (("max", None), ("min", Decimal(0))):
            value = xlsx.cell_decimal(cells.get(key))
            if value is None and default is not None:
                value = default
            if value is None or not value.is_finite():
                problems.append(RowError(number, LABEL[key], _("Write a number of points.")))
            points[key] = value
        method = METHODS.get(fold(xlsx.cell_text(cells.get("method"))))
        if method is None:
            problems.append(
                RowError(number, LABEL["method"], _("Write Tự chấm, Tự động or Điều tra."))
            )
        errors += problems
        if not problems:
            nodes.append(
                Node(
                    code=text["code"],
                    title=text["title"][:500],
                    max_points=points["max"] or Decimal(0),
                    parent_code=text["parent"],
                    min_points=points["min"] or Decimal(0),
                    method=method or Criterion.Method.MANUAL,
                    is_bonus_penalty=_yes(cells.get("bonus")),
                    evidence_required=_yes(cells.get("evidence")),
                    guidance=xlsx.cell_text(cells.get("guidance")),
                )
            )
    return nodes, errors


def _yes(value: Any) -> bool:
    return fold(xlsx.cell_text(value)) in YES


def _tree_errors(nodes: list[Node], rows: list[xlsx.Row], fields: dict[str, Any]) -> list[RowError]:
    """check_tree's messages on the row of the code each names (totals on the first row)."""
    defaults = Framework(year=0, group="", **fields)
    row_of = {node.code: number for node, (number, _cells) in zip(nodes, rows, strict=True)}
    errors = []
    for message in check_tree(
        nodes, appraisal_max=defaults.appraisal_max, survey_max=defaults.survey_max
    ):
        code = message.split(":", 1)[0]
        errors.append(RowError(row_of.get(code, rows[0][0]), LABEL["code"], message))
    return errors


def framework_workbook(framework: Framework) -> bytes:
    """The framework's annex as an .xlsx, in the import's layout."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Bộ chỉ số"
    append_row(sheet, [column.header for column in COLUMNS])
    for node in nodes_of(framework):
        append_row(
            sheet,
            [
                node.code,
                node.parent_code,
                node.title,
                node.max_points,
                node.min_points,
                METHOD_NAMES[node.method],
                "x" if node.is_bonus_penalty else "",
                "x" if node.evidence_required else "",
                node.guidance,
            ],
        )
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = column.width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
