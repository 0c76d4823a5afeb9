"""Inspections for the tests, built through the actions."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.accounts.models import User
from cchc.inspections.actions import (
    RecommendationInput,
    create_inspection,
    issue_conclusion,
    record_finding,
    start_inspection,
)
from cchc.inspections.models import ChecklistItem, Conclusion, Finding, Inspection, Recommendation
from cchc.orgunits.models import OrgUnit

START = datetime.date(2026, 3, 2)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def photo(name: str = "anh-hien-truong.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def item(code: str = "GIO") -> ChecklistItem:
    return ChecklistItem.objects.get(code=code)


def inspection_of(
    unit: OrgUnit,
    head: User,
    *,
    targets: list[OrgUnit],
    kind: str = Inspection.Kind.PLANNED,
    start: datetime.date = START,
    title: str = "Kiểm tra công vụ quý I",
) -> Inspection:
    return create_inspection(
        actor=head,
        unit=unit,
        title=title,
        kind=kind,
        decision_number="15/QĐ-TTTP",
        decision_date=start - datetime.timedelta(days=5),
        decision_signer="Chánh Thanh tra Thành phố",
        start_date=start,
        end_date=start + datetime.timedelta(days=4),
        targets=targets,
        checklist=list(ChecklistItem.objects.all()),
        head=head,
    )


def started(unit: OrgUnit, head: User, **kwargs) -> Inspection:
    return start_inspection(inspection_of(unit, head, **kwargs), actor=head)


def finding(inspection: Inspection, actor: User, unit: OrgUnit, **kwargs) -> Finding:
    return record_finding(
        inspection,
        actor=actor,
        unit=unit,
        item=kwargs.pop("item", item()),
        severity=kwargs.pop("severity", Finding.Severity.MODERATE),
        description=kwargs.pop("description", "Cán bộ một cửa đi muộn 30 phút"),
        **kwargs,
    )


def concluded(
    inspection: Inspection,
    actor: User,
    units: list[OrgUnit],
    *,
    date: datetime.date | None = None,
    deadline: datetime.date = datetime.date(2026, 5, 31),
) -> Conclusion:
    date = date or inspection.end_date
    return issue_conclusion(
        inspection,
        actor=actor,
        number="20/TB-TTTP",
        date=date,
        signer="Chánh Thanh tra Thành phố",
        text="Đơn vị cơ bản chấp hành tốt kỷ luật, kỷ cương hành chính.",
        recommendations=[
            RecommendationInput(
                text=f"Chấn chỉnh việc chấp hành giờ làm việc tại {unit.name}",
                unit=unit,
                deadline=deadline,
            )
            for unit in units
        ],
    )


def reinspection(
    inspecting: OrgUnit,
    head: User,
    target: OrgUnit,
    *,
    start: datetime.date = datetime.date(2026, 6, 15),
) -> tuple[Inspection, Recommendation]:
    """A concluded inspection of `target` with one recommendation, and a later re-inspection
    (phúc tra) of the same unit, started on `start`: (the re-inspection, the recommendation)."""
    first = started(inspecting, head, targets=[target])
    rec = concluded(first, head, [target]).recommendations.get()
    later = started(inspecting, head, targets=[target], start=start, title="Phúc tra")
    return later, rec


def file_bytes(content: bytes, name: str) -> io.BytesIO:
    buffer = io.BytesIO(content)
    buffer.name = name
    return buffer
