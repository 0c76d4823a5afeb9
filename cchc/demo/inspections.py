"""Demo public-duty inspections of 2026, built through the inspections actions: the City
Inspectorate's yearly plan; a planned inspection of Ba Đình and Hoàn Kiếm in March with
findings (one against Ba Đình's head) and a conclusion whose two recommendations became
remediation tasks; a surprise re-inspection in September that found Ba Đình's recommendation
remedied and Hoàn Kiếm's not (overdue, so escalated to its head), concluded with a new
recommendation; and a surprise inspection planned for December that its target cannot see yet.
"""

import datetime

from cchc.accounts.models import User
from cchc.inspections.actions import (
    RecommendationInput,
    add_team_member,
    create_inspection,
    create_inspection_plan,
    issue_conclusion,
    record_finding,
    record_verdict,
    start_inspection,
)
from cchc.inspections.models import ChecklistItem, Inspection, InspectionPlan, Recommendation
from cchc.orgunits.models import OrgUnit

SIGNER = "Chánh Thanh tra Thành phố"


def seed_inspections(inspector: User) -> None:
    """The inspections of the demo (see the module docstring), by `inspector` of the City
    Inspectorate, who heads each team."""
    inspectorate = OrgUnit.objects.get(code="01-TTTP")
    badinh = OrgUnit.objects.get(code="00004", legacy=False)
    hoankiem = OrgUnit.objects.get(code="00070", legacy=False)
    items = {item.code: item for item in ChecklistItem.objects.all()}
    plan = create_inspection_plan(
        actor=inspector,
        unit=inspectorate,
        year=2026,
        title="Kế hoạch kiểm tra công vụ năm 2026",
        document_number="15/KH-TTTP",
        document_date=datetime.date(2026, 1, 12),
    )
    march = _march(plan, inspector, items, badinh, hoankiem)
    _september(plan, inspector, items, march, badinh, hoankiem)
    create_inspection(
        actor=inspector,
        unit=inspectorate,
        title="Kiểm tra đột xuất việc chấp hành giờ làm việc tại phường Ba Đình",
        kind=Inspection.Kind.SURPRISE,
        decision_number="112/QĐ-TTTP",
        decision_date=datetime.date(2026, 11, 20),
        decision_signer=SIGNER,
        start_date=datetime.date(2026, 12, 8),
        end_date=datetime.date(2026, 12, 8),
        targets=[badinh],
        checklist=[items["GIO"], items["THAIDO"]],
        plan=plan,
        head=inspector,
    )


def _march(
    plan: InspectionPlan,
    inspector: User,
    items: dict[str, ChecklistItem],
    badinh: OrgUnit,
    hoankiem: OrgUnit,
) -> list[Recommendation]:
    inspection = create_inspection(
        actor=inspector,
        unit=plan.unit,
        title="Kiểm tra công vụ quý I/2026 tại phường Ba Đình và phường Hoàn Kiếm",
        kind=Inspection.Kind.PLANNED,
        decision_number="25/QĐ-TTTP",
        decision_date=datetime.date(2026, 3, 2),
        decision_signer=SIGNER,
        start_date=datetime.date(2026, 3, 5),
        end_date=datetime.date(2026, 3, 6),
        targets=[badinh, hoankiem],
        checklist=list(items.values()),
        plan=plan,
        head=inspector,
    )
    add_team_member(
        inspection,
        actor=inspector,
        role="member",
        name="Nguyễn Văn Đoàn",
        position="Thanh tra viên",
    )
    inspection = start_inspection(inspection, actor=inspector)
    record_finding(
        inspection,
        actor=inspector,
        unit=badinh,
        item=items["TTHC"],
        severity="serious",
        description="Chưa niêm yết công khai 12 thủ tục hành chính mới tại bộ phận một cửa.",
        against_head=True,
    )
    record_finding(
        inspection,
        actor=inspector,
        unit=hoankiem,
        item=items["GIO"],
        severity="moderate",
        description="2 công chức bộ phận một cửa đến muộn 20 phút, không có lý do.",
    )
    conclusion = issue_conclusion(
        inspection,
        actor=inspector,
        number="30/TB-TTTP",
        date=datetime.date(2026, 3, 20),
        signer=SIGNER,
        text="Hai phường cơ bản chấp hành kỷ luật, kỷ cương hành chính; còn tồn tại cần khắc phục.",
        recommendations=[
            RecommendationInput(
                text="Niêm yết đầy đủ thủ tục hành chính tại bộ phận một cửa",
                unit=badinh,
                deadline=datetime.date(2026, 4, 30),
            ),
            RecommendationInput(
                text="Kiểm điểm công chức vi phạm giờ làm việc, báo cáo kết quả",
                unit=hoankiem,
                deadline=datetime.date(2026, 5, 31),
            ),
        ],
    )
    return list(conclusion.recommendations.order_by("number"))


def _september(
    plan: InspectionPlan,
    inspector: User,
    items: dict[str, ChecklistItem],
    march: list[Recommendation],
    badinh: OrgUnit,
    hoankiem: OrgUnit,
) -> None:
    inspection = create_inspection(
        actor=inspector,
        unit=plan.unit,
        title="Phúc tra việc thực hiện kết luận kiểm tra công vụ quý I/2026",
        kind=Inspection.Kind.SURPRISE,
        decision_number="88/QĐ-TTTP",
        decision_date=datetime.date(2026, 9, 10),
        decision_signer=SIGNER,
        start_date=datetime.date(2026, 9, 15),
        end_date=datetime.date(2026, 9, 15),
        targets=[badinh, hoankiem],
        checklist=[items["GIO"], items["TTHC"]],
        plan=plan,
        head=inspector,
    )
    inspection = start_inspection(inspection, actor=inspector)
    remedied, not_remedied = march
    record_verdict(
        inspection,
        remedied,
        actor=inspector,
        verdict="remedied",
        evidence="Đã niêm yết đủ 12 thủ tục; ảnh chụp bảng niêm yết ngày 15/9.",
    )
    record_verdict(
        inspection,
        not_remedied,
        actor=inspector,
        verdict="not_remedied",
        evidence="Chưa tổ chức kiểm điểm; không có báo cáo kết quả.",
    )
    record_finding(
        inspection,
        actor=inspector,
        unit=hoankiem,
        item=items["GIO"],
        severity="serious",
        description="Tái diễn việc đến muộn tại bộ phận một cửa.",
        against_head=True,
    )
    issue_conclusion(
        inspection,
        actor=inspector,
        number="95/TB-TTTP",
        date=datetime.date(2026, 9, 25),
        signer=SIGNER,
        text="Phường Ba Đình đã khắc phục; phường Hoàn Kiếm chưa khắc phục, tái diễn vi phạm.",
        recommendations=[
            RecommendationInput(
                text="Chủ tịch UBND phường Hoàn Kiếm kiểm điểm trách nhiệm người đứng đầu",
                unit=hoankiem,
                deadline=datetime.date(2026, 12, 31),
            )
        ],
    )
