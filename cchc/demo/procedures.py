"""Demo data of the procedures module, built through its actions: a small Hà Nội catalogue
imported from a generated workbook (then re-imported with one change, so a procedure has two
versions), the 2025 review campaign with its proposals approved by decision, approved
simplification plans with their savings, and approved (some published) internal workflows.

The three procedures related to production and business get their 2024 baseline figures
(Resolution 66/NQ-CP, docs/domain/procedure-targets.md), chosen so that the 2026 overview shows
a city that meets the 50% processing-time target (the liquor licence abolished, the building
permit down from 45 to 20 days, the practising certificate from 40 to 30: 100 → 50 days) and
misses the 50% compliance-cost target (22.86%): the practising certificate has no plan and the
building permit's plan cuts a quarter of its cost; these two hold the city back."""

import datetime
import io
from decimal import Decimal

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.accounts.models import User
from cchc.orgunits.models import OrgUnit
from cchc.procedures.actions import (
    BaselineInput,
    PlanFigures,
    StepInput,
    approve_review_campaign,
    approve_simplification_plan,
    approve_workflow,
    create_simplification_plan,
    create_workflow,
    open_review_campaign,
    publish_workflow,
    record_review,
    set_procedure_baseline,
)
from cchc.procedures.imports import import_procedures
from cchc.procedures.models import COLUMNS, Procedure

WARDS = ("00004", "00070")
# code, name, field, level, implementing unit codes, days, fees, documents, online
CATALOGUE = [
    (
        "1.001193",
        "Đăng ký khai sinh",
        "Hộ tịch",
        "Cấp xã",
        WARDS,
        "3",
        "",
        "Tờ khai đăng ký khai sinh (01 bản chính)\nGiấy chứng sinh (01 bản chính)",
        "Toàn trình",
    ),
    (
        "1.000894",
        "Đăng ký kết hôn",
        "Hộ tịch",
        "Cấp xã",
        WARDS,
        "3",
        "",
        "Tờ khai đăng ký kết hôn (01 bản chính)\nGiấy xác nhận tình trạng hôn nhân (01 bản chính)",
        "Một phần",
    ),
    (
        "1.001022",
        "Đăng ký khai tử",
        "Hộ tịch",
        "Cấp xã",
        WARDS,
        "3",
        "",
        "Tờ khai đăng ký khai tử (01 bản chính)\nGiấy báo tử (01 bản chính)",
        "Toàn trình",
    ),
    (
        "2.000908",
        "Chứng thực bản sao từ bản chính",
        "Chứng thực",
        "Cấp xã",
        WARDS,
        "1",
        "2000",
        "Bản chính giấy tờ (01 bản chính)\nBản sao cần chứng thực (01 bản sao)",
        "Một phần",
    ),
    (
        "1.003583",
        "Cấp phiếu lý lịch tư pháp",
        "Lý lịch tư pháp",
        "Cấp tỉnh",
        ("01-STP",),
        "10",
        "200000",
        "Tờ khai yêu cầu cấp phiếu (01 bản chính)\nCăn cước (01 bản sao)",
        "Toàn trình",
    ),
    (
        "1.009972",
        "Cấp giấy phép xây dựng mới đối với công trình cấp I, II",
        "Xây dựng",
        "Cấp tỉnh",
        ("01-SXD",),
        "20",
        "150000",
        "Đơn đề nghị (01 bản chính)\nBản vẽ thiết kế (02 bản chính)\nGiấy tờ đất (01 bản sao)",
        "Một phần",
    ),
    (
        "1.002701",
        "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh",
        "Khám bệnh, chữa bệnh",
        "Cấp tỉnh",
        ("01-SYT",),
        "30",
        "360000",
        "Đơn đề nghị (01 bản chính)\nVăn bằng chuyên môn (01 bản sao)",
        "Một phần",
    ),
    (
        "2.000207",
        "Cấp giấy phép kinh doanh bán lẻ sản phẩm rượu",
        "Lưu thông hàng hóa",
        "Cấp tỉnh",
        ("01-SCT",),
        "15",
        "1200000",
        "Đơn đề nghị (01 bản chính)",
        "Toàn trình",
    ),
]
YEAR = 2025
DECIDED = datetime.date(2025, 9, 15)
REVIEWS = {  # code → (proposal, findings, reasons)
    "1.001193": ("simplify", "Giấy chứng sinh đã được số hóa tại cơ sở y tế",
                 "Khai thác dữ liệu từ Cơ sở dữ liệu quốc gia về dân cư"),
    "1.000894": ("simplify", "Giấy xác nhận tình trạng hôn nhân trùng dữ liệu hộ tịch",
                 "Tra cứu Cơ sở dữ liệu hộ tịch điện tử"),
    "1.001022": ("keep", "Thủ tục đã tối giản", ""),
    "2.000908": ("merge", "Trùng với chứng thực điện tử",
                 "Hợp nhất với thủ tục cấp bản sao điện tử"),
    "1.003583": ("simplify", "Thời hạn 10 ngày dài so với khả năng kết nối dữ liệu",
                 "Rút ngắn còn 7 ngày làm việc"),
    "1.009972": ("simplify", "Nhiều thành phần hồ sơ trùng lặp", "Bỏ bản sao giấy tờ đất"),
    "1.002701": ("delegate", "Khối lượng hồ sơ lớn", "Phân cấp cho cơ sở đào tạo thẩm định"),
    "2.000207": ("abolish", "Quy định đã được thay thế bởi Nghị định mới",
                 "Bãi bỏ theo Nghị định 98/2020/NĐ-CP sửa đổi"),
}  # fmt: skip
# Illustrative yearly volumes ("minh họa"), of the size of the units that carry them: the civil
# status procedures of one ward of about 80,000 residents (about 15 births and 5.5 marriages
# a year per 1,000 residents, the order of Viet Nam's crude rates in the 2020s), the city's
# departments for the others. The plans' savings are computed from them (hours saved × the
# hourly value of 40,000 VND + fees saved, × times × subjects): 768 million VND a year for the
# birth registration, not tens of billions.
PLANS = {  # code → hours before/after, fees before/after, times/year, subjects/year
    "1.001193": (Decimal(24), Decimal(8), 0, 0, 1, 1_200),
    "1.000894": (Decimal(24), Decimal(16), 0, 0, 1, 450),
    "1.003583": (Decimal(80), Decimal(56), 200_000, 200_000, 1, 120_000),
    "1.009972": (Decimal(160), Decimal(120), 150_000, 150_000, 1, 240),
}
ILLUSTRATIVE = "Số đối tượng tuân thủ trong năm là số liệu minh họa"
WARD_SIZE = "quy mô một phường khoảng 80.000 dân"
# code → 2024 processing time (working days) and yearly compliance cost (VND): the building
# permit's is its plan's cost before; the others priced the same way (Article 27).
BASELINES = {
    "1.009972": (Decimal(45), 1_572_000_000),  # (160 h × 40,000 + 150,000) × 240
    "1.002701": (Decimal(40), 7_800_000_000),  # (30 h × 40,000 + 360,000) × 5,000
    "2.000207": (Decimal(15), 2_280_000_000),  # (8 h × 40,000 + 1,200,000) × 1,500
}
BASELINE_YEAR = 2024
STEPS = {  # unit code kind → steps of a commune civil-status workflow (24 h at most)
    "commune": [
        ("Bộ phận Một cửa", "Tiếp nhận, kiểm tra hồ sơ, chuyển xử lý", "2", "Phiếu tiếp nhận"),
        ("Công chức Tư pháp - Hộ tịch", "Thẩm định hồ sơ, dự thảo kết quả", "12", "Dự thảo"),
        ("Chủ tịch UBND phường", "Xem xét, ký kết quả", "6", "Kết quả"),
        ("Bộ phận Một cửa", "Trả kết quả, lưu hồ sơ", "4", "Sổ theo dõi"),
    ],
    "province": [
        ("Trung tâm Phục vụ hành chính công", "Tiếp nhận, kiểm tra hồ sơ", "4", "Phiếu tiếp nhận"),
        ("Phòng chuyên môn", "Thẩm định hồ sơ", "32", "Báo cáo thẩm định"),
        ("Lãnh đạo Sở", "Xem xét, ký kết quả", "8", "Kết quả"),
        ("Trung tâm Phục vụ hành chính công", "Trả kết quả", "4", "Sổ theo dõi"),
    ],
}


def _units(codes: tuple[str, ...]) -> str:
    """The codes that exist; the city itself when none does (a smaller test tree)."""
    found = list(
        OrgUnit.objects.current()
        .filter(legacy=False, code__in=codes)
        .values_list("code", flat=True)
    )
    return "; ".join(found or ["01"])


def _workbook(*, changed: bool = False) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([column.header for column in COLUMNS])
    for code, name, field, level, units, days, fees, documents, online in CATALOGUE:
        if changed and code == "1.003583":
            days = "7"  # the 2025 simplification shortened it: a second version
        sheet.append(
            [code, name, field, level, _units(units), days, fees, documents, online,
             "Quyết định công bố của Chủ tịch UBND Thành phố", "01/07/2025", ""]
        )  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("danh-muc-thu-tuc-ha-noi.xlsx", buffer.getvalue())


def seed_procedures(admin: User) -> None:
    """The catalogue, the 2025 campaign, plans and workflows (see the module docstring)."""
    result = import_procedures(actor=admin, upload=_workbook())
    if not result.ok:
        raise RuntimeError(f"the demo catalogue does not import: {result.errors}")
    procedures = {p.code: p for p in Procedure.objects.prefetch_related("units")}
    reviewers = {unit for p in procedures.values() for unit in p.units.all()}
    city = OrgUnit.objects.get(code="01", legacy=False)
    campaign = open_review_campaign(
        actor=admin,
        title=f"Rà soát, đánh giá thủ tục hành chính năm {YEAR}",
        year=YEAR,
        unit=OrgUnit.objects.filter(code="01-SNV", legacy=False).first() or city,
        procedures=list(procedures.values()),
        reviewer_units=sorted(reviewers, key=lambda u: u.path),
        deadline=datetime.date(YEAR, 8, 31),
    )
    for code, (proposal, findings, reasons) in REVIEWS.items():
        procedure = procedures[code]
        record_review(
            campaign,
            actor=admin,
            procedure=procedure,
            unit=procedure.units.all()[0],
            findings=findings,
            proposal=proposal,
            reasons=reasons,
        )
    approve_review_campaign(
        campaign, actor=admin, decision_number="3012/QĐ-UBND", decision_date=DECIDED
    )
    _plans(admin, procedures)
    _workflows(admin)
    import_procedures(actor=admin, upload=_workbook(changed=True))
    _baselines(admin)


def _baselines(admin: User) -> None:
    """The business procedures' scope flag and 2024 figures (the module docstring)."""
    for procedure in Procedure.objects.filter(code__in=BASELINES).order_by("code"):
        days, cost = BASELINES[procedure.code]
        set_procedure_baseline(
            procedure, actor=admin, baseline=BaselineInput(True, BASELINE_YEAR, days, cost)
        )


def _plans(admin: User, procedures: dict[str, Procedure]) -> None:
    for number, (code, (before, after, fees_b, fees_a, times, subjects)) in enumerate(
        PLANS.items(), start=1
    ):
        procedure = procedures[code]
        review = procedure.reviews.first()
        plan = create_simplification_plan(
            procedure,
            actor=admin,
            unit=procedure.units.all()[0],
            year=YEAR,
            figures=PlanFigures(
                hours_before=before,
                hours_after=after,
                fees_before=fees_b,
                fees_after=fees_a,
                times_per_year=times,
                subjects_per_year=subjects,
                documents_before=procedure.document_count,
                documents_after=max(procedure.document_count - 1, 1),
                steps_before=5,
                steps_after=4,
            ),
            review=review,
            notes="\n".join([review.reasons if review else "", _volume_note(procedure)]).strip(),
        )
        approve_simplification_plan(
            plan, actor=admin, decision_number=f"{3100 + number}/QĐ-UBND", decision_date=DECIDED
        )


def _volume_note(procedure: Procedure) -> str:
    """Says on the plan's page that its yearly volume is illustrative, and of what size."""
    if procedure.level == Procedure.Level.COMMUNE:
        return f"{ILLUSTRATIVE} ({WARD_SIZE})."
    return f"{ILLUSTRATIVE}."


def _workflows(admin: User) -> None:
    procedures = Procedure.objects.prefetch_related("units").order_by("code")
    for number, procedure in enumerate(procedures, start=1):
        if procedure.is_abolished:
            continue
        kind = "commune" if procedure.level == Procedure.Level.COMMUNE else "province"
        for unit in procedure.units.all():
            steps = [StepInput(a, w, Decimal(h), d) for a, w, h, d in STEPS[kind]]
            if procedure.legal_hours < sum(step.hours for step in steps):
                continue  # a one-day procedure: its workflow is written by hand
            workflow = create_workflow(procedure, actor=admin, unit=unit, steps=steps)
            approve_workflow(
                workflow,
                actor=admin,
                decision_number=f"{3200 + number}/QĐ-UBND",
                decision_date=DECIDED,
            )
            if number % 2:
                publish_workflow(workflow, actor=admin)
