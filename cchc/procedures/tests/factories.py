"""Procedures for the tests, built through the actions (the catalogue through the import)."""

import datetime
import io
from decimal import Decimal
from typing import Any

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.accounts.models import User
from cchc.orgunits.models import OrgUnit
from cchc.procedures.actions import (
    PlanFigures,
    StepInput,
    approve_review_campaign,
    create_simplification_plan,
    create_workflow,
    open_review_campaign,
    record_review,
)
from cchc.procedures.imports import COLUMNS
from cchc.procedures.models import Procedure, ReviewCampaign, SimplificationPlan, Workflow

DECISION_DATE = datetime.date(2026, 3, 2)


def row(code: str = "1.000001", **values: Any) -> dict[str, Any]:
    """One import row: a commune-level civil-status procedure of ward A unless told."""
    return {
        "code": code,
        "name": "Đăng ký khai sinh",
        "field": "Hộ tịch",
        "level": "Cấp xã",
        "units": "00004",
        "days": "3",
        "fees": "",
        "documents": (
            "Tờ khai đăng ký khai sinh (01 bản chính)\nGiấy chứng sinh (01 bản chính, 01 bản sao)"
        ),
        "online": "Toàn trình",
        "legal_basis": "Luật Hộ tịch 2014",
        "effective_from": "01/07/2025",
        "effective_to": "",
        **values,
    }


def workbook(rows: list[dict[str, Any]], *, name: str = "thu-tuc.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([column.header for column in COLUMNS])
    for values in rows:
        sheet.append([values.get(column.key, "") for column in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def catalogue(admin: User, rows: list[dict[str, Any]] | None = None) -> list[Procedure]:
    from cchc.procedures.imports import import_procedures

    result = import_procedures(actor=admin, upload=workbook(rows or [row()]))
    assert result.ok, result.errors
    return list(Procedure.objects.order_by("code"))


def procedure_of(
    admin: User, unit: OrgUnit, *, code: str = "1.000001", days: str = "3"
) -> Procedure:
    catalogue(admin, [row(code, units=unit.code, days=days)])
    return Procedure.objects.get(code=code)


def campaign_over(
    admin: User, procedures: list[Procedure], reviewers: list[OrgUnit], *, year: int = 2026
) -> ReviewCampaign:
    return open_review_campaign(
        actor=admin,
        title=f"Rà soát thủ tục hành chính năm {year}",
        year=year,
        unit=reviewers[0].parent or reviewers[0],
        procedures=procedures,
        reviewer_units=reviewers,
        deadline=datetime.date(year, 9, 30),
    )


def reviewed(
    admin: User, procedure: Procedure, unit: OrgUnit, proposal: str, *, approve: bool = True
) -> ReviewCampaign:
    campaign = campaign_over(admin, [procedure], [unit])
    record_review(
        campaign,
        actor=admin,
        procedure=procedure,
        unit=unit,
        findings="Thành phần hồ sơ còn trùng lặp",
        proposal=proposal,
        reasons="Giấy chứng sinh đã có trên cơ sở dữ liệu",
    )
    if approve:
        approve_review_campaign(
            campaign, actor=admin, decision_number="12/QĐ-UBND", decision_date=DECISION_DATE
        )
    return campaign


FIGURES = PlanFigures(
    hours_before=Decimal(120),
    hours_after=Decimal(80),
    fees_before=100_000,
    fees_after=50_000,
    times_per_year=1,
    subjects_per_year=1200,
    documents_before=3,
    documents_after=2,
    steps_before=5,
    steps_after=4,
)


def plan_for(
    actor: User, procedure: Procedure, unit: OrgUnit, figures: PlanFigures = FIGURES
) -> SimplificationPlan:
    return create_simplification_plan(procedure, actor=actor, unit=unit, year=2026, figures=figures)


def plan_data(**change: str) -> dict[str, str]:
    """The plan form's fields as posted: 15 working days cut to 10 for 1,200 subjects a year."""
    return {
        "unit": "",
        "year": "2026",
        "time_unit": "days",
        "time_before": "15",
        "time_after": "10",
        "documents_before": "3",
        "documents_after": "2",
        "steps_before": "5",
        "steps_after": "4",
        "fees_before": "100000",
        "fees_after": "50000",
        "other_before": "0",
        "other_after": "0",
        "times_per_year": "1",
        "subjects_per_year": "1200",
        "notes": "Bỏ giấy chứng sinh bản sao",
        **change,
    }


STEPS = [
    StepInput("Bộ phận Một cửa", "Tiếp nhận, kiểm tra hồ sơ", Decimal(4), "Phiếu tiếp nhận"),
    StepInput("Công chức Tư pháp - Hộ tịch", "Thẩm định, trình ký", Decimal(12), "Dự thảo"),
    StepInput("Chủ tịch UBND phường", "Ký giấy khai sinh", Decimal(4), "Giấy khai sinh"),
    StepInput("Bộ phận Một cửa", "Trả kết quả", Decimal(4), "Sổ theo dõi"),
]


def workflow_for(actor: User, procedure: Procedure, unit: OrgUnit) -> Workflow:
    return create_workflow(procedure, actor=actor, unit=unit, steps=list(STEPS))
