"""Files of the procedures module: the catalogue as XLSX (the import's columns, so an export
re-imports unchanged), the import template and error report, and a workflow as DOCX
(python-docx) and PDF (typst, `procedures/workflow.typ`, with the swimlane diagram).

The workflow documents are the annex of the decision that issues the workflow: the header of
Decree 30/2020 (the issuing body, the national name and motto, place and date; no number and no
signature of their own, the decision has them), A4 landscape for the step table, then the usual
table layout (Bước | Trách nhiệm | Nội dung công việc | Thời gian | Hồ sơ/biểu mẫu), which exists
only in Vietnamese: their wording is fixed Vietnamese text here, not translatable strings.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH

from cchc.core.listexport import table_xlsx
from cchc.core.officialdoc import OfficialDocument, begin_docx, end_docx
from cchc.core.typeset import typeset_pdf
from cchc.orgunits.queries import issuing_body, place_date
from cchc.procedures.models import COLUMNS, Procedure, Workflow, WorkflowStep

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEMPLATE = Path(__file__).resolve().parent / "templates" / "procedures" / "workflow.typ"
LEVELS = {Procedure.Level.PROVINCE: "Cấp tỉnh", Procedure.Level.COMMUNE: "Cấp xã"}
ONLINE = {
    Procedure.Online.FULL: "Toàn trình",
    Procedure.Online.PARTIAL: "Một phần",
    Procedure.Online.NONE: "Không",
}
STEP_HEADER = ["Bước", "Trách nhiệm", "Nội dung công việc", "Thời gian", "Hồ sơ/biểu mẫu"]


# --- swimlane ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lane:
    actor: str
    cells: list[WorkflowStep | None]  # one per step: the step when this actor does it


def swimlane(steps: list[WorkflowStep]) -> list[Lane]:
    """One lane per actor, in the order they first act; each lane has a cell per step, filled
    where the actor does that step. The page and the PDF draw the same grid."""
    actors = list(dict.fromkeys(step.actor for step in steps))
    return [Lane(actor, [s if s.actor == actor else None for s in steps]) for actor in actors]


def number_text(value: Decimal) -> str:
    """8.50 → "8,5"; 16.00 → "16"."""
    return f"{value.normalize():f}".replace(".", ",")


def hours_text(hours: Decimal) -> str:
    return f"{number_text(hours)} giờ"


# --- XLSX ---------------------------------------------------------------------------------------


def _documents_text(documents: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{d['name']} ({d.get('originals', 0):02d} bản chính, {d.get('copies', 0):02d} bản sao)"
        for d in documents
    )


def catalogue_xlsx(procedures: Iterable[Procedure]) -> bytes:
    """The procedures in the import's layout (rows carry prefetched units), then the version
    and status. Changes nothing."""
    columns = [(c.header, c.width) for c in COLUMNS] + [
        ("Phiên bản (version)", 10),
        ("Trạng thái (status)", 14),
    ]

    def row(p: Procedure) -> list[Any]:
        return [
            p.code,
            p.name,
            p.field,
            LEVELS[Procedure.Level(p.level)],
            "; ".join(unit.code for unit in p.units.all()),
            float(p.processing_days),
            p.fee_text or (p.fees or ""),
            _documents_text(p.documents),
            ONLINE[Procedure.Online(p.online_level)],
            p.legal_basis,
            f"{p.effective_from:%d/%m/%Y}" if p.effective_from else "",
            f"{p.effective_to:%d/%m/%Y}" if p.effective_to else "",
            p.version,
            "Đã bãi bỏ" if p.is_abolished else "Đang hiệu lực",
        ]

    return table_xlsx("Thủ tục hành chính", columns, (row(p) for p in procedures))


def template_xlsx() -> bytes:
    """An empty workbook with the import's header row and one example row."""
    example = [
        "1.000001",
        "Đăng ký khai sinh",
        "Hộ tịch",
        "Cấp xã",
        "00004",
        "3",
        "0",
        "Tờ khai đăng ký khai sinh (01 bản chính)\nGiấy chứng sinh (01 bản chính)",
        "Toàn trình",
        "Luật Hộ tịch 2014",
        "01/07/2025",
        "",
    ]
    return table_xlsx("Thủ tục hành chính", [(c.header, c.width) for c in COLUMNS], [example])


# --- workflow documents -----------------------------------------------------------------------


def _annex(workflow: Workflow) -> OfficialDocument:
    """The header of the workflow's documents: the unit's issuing body, dated the decision."""
    procedure = workflow.procedure
    return OfficialDocument(
        **issuing_body(workflow.unit),
        place_date=place_date(workflow.decision_date or timezone.localdate()),
        kind="QUY TRÌNH NỘI BỘ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
        summary=f"{procedure.code} — {procedure.name}",
    )


def workflow_data(workflow: Workflow) -> dict[str, Any]:
    """Everything the workflow documents show, as JSON-ready Vietnamese text. Changes nothing."""
    steps = list(workflow.steps.all())
    procedure = workflow.procedure
    decision = (
        f"Ban hành kèm theo Quyết định số {workflow.decision_number} ngày "
        f"{workflow.decision_date:%d/%m/%Y}"
        if workflow.decision_number and workflow.decision_date
        else "Dự thảo"
    )
    return {
        "doc": _annex(workflow).as_data(),
        "unit": workflow.unit.name,
        "decision": decision,
        "version": f"Phiên bản {workflow.version}",
        "legal": (
            f"Thời hạn giải quyết theo quy định: {number_text(procedure.processing_days)} ngày "
            f"làm việc ({hours_text(procedure.legal_hours)})"
        ),
        "header": STEP_HEADER,
        "rows": [
            [str(s.order), s.actor, s.work, hours_text(s.hours), s.documents or "—"] for s in steps
        ],
        "total": f"Tổng thời gian: {hours_text(workflow.total_hours)}",
        "steps": len(steps),
        "lanes": [
            {"actor": lane.actor, "cells": [str(c.order) if c else "" for c in lane.cells]}
            for lane in swimlane(steps)
        ],
    }


def workflow_pdf(workflow: Workflow) -> bytes:
    """The PDF bytes of a workflow: the step table and the swimlane diagram. Changes nothing."""
    return typeset_pdf(TEMPLATE, workflow_data(workflow))


def workflow_docx(workflow: Workflow) -> bytes:
    """The DOCX bytes of a workflow (the step table, then the lanes as a table). Changes
    nothing."""
    data = workflow_data(workflow)
    annex = _annex(workflow)
    document = begin_docx(annex, landscape=True)
    for line in (f"{data['decision']} · {data['version']}", data["legal"]):
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    _docx_table(document, data["header"], data["rows"])
    document.add_paragraph().add_run(data["total"]).bold = True
    document.add_paragraph().add_run("SƠ ĐỒ QUY TRÌNH (theo trách nhiệm)").bold = True
    lane_header = ["Trách nhiệm"] + [f"Bước {n}" for n in range(1, data["steps"] + 1)]
    lanes = [
        [lane["actor"]] + ["■ " + c if c else "" for c in lane["cells"]] for lane in data["lanes"]
    ]
    _docx_table(document, lane_header, lanes)
    return end_docx(document, annex)


def _docx_table(document: Any, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def filename(workflow: Workflow, extension: str) -> str:
    """ASCII only: quy-trinh-noi-bo-12-v2.pdf."""
    return f"quy-trinh-noi-bo-{workflow.pk}-v{workflow.version}.{extension}"
