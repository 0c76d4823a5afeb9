"""Hà Nội's 2025 and 2026 reform plans for the demo, built through the plans actions.

Illustrative: the tasks are typical of Hà Nội's yearly plans, not the official text. Reports,
reviews and an extension are entered as paper reports received on their dates (received_on),
then September and October 2026 are closed (which rates them: cchc.demo.ratings goes on).
Two tasks of the 2025 plan are still unfinished: the 2026 tallies carry them over, apart
(docs/domain/tally.md). In September most wards complete their task due 30/09 on time, a few
late, and one (Phường Láng) reports why it could not.
"""

import datetime
import random
from decimal import Decimal

from cchc.accounts.models import User
from cchc.orgunits.models import OrgUnit
from cchc.plans.actions import (
    accept_report,
    assign_task_to_units,
    close_month,
    create_plan,
    create_task,
    decide_extension,
    issue_plan,
    request_extension,
    return_report,
    submit_report,
)
from cchc.plans.models import ContentArea, Task

YEAR = 2026
PLAN_DATE = datetime.date(YEAR, 1, 5)
PREVIOUS_PLAN_DATE = datetime.date(YEAR - 1, 1, 6)
# The 2025 city plan: (code, area, lead unit, deadline, title, output, completed on or None).
PREVIOUS_TASKS = [
    (
        "01",
        "TCBM",
        "01-SNV",
        "30/06/2025",
        "Sắp xếp các đơn vị sự nghiệp công lập trực thuộc các sở",
        "Đề án sắp xếp",
        "20/06/2025",
    ),
    (
        "02",
        "TC",
        "01-STP",
        "30/09/2025",
        "Rà soát văn bản quy phạm pháp luật sau sắp xếp đơn vị hành chính",
        "Báo cáo rà soát",
        "15/10/2025",
    ),
    (
        "03",
        "CĐS",
        "01-SKHCN",
        "30/11/2025",
        "Xây dựng kho dữ liệu điện tử của tổ chức, cá nhân trên Cổng dịch vụ công Thành phố",
        "Kho dữ liệu vận hành",
        None,
    ),
    (
        "04",
        "TTHC",
        "01-VP",
        "31/12/2025",
        "Chuẩn hóa quy trình nội bộ giải quyết thủ tục hành chính cấp xã sau sắp xếp",
        "Quyết định phê duyệt quy trình",
        None,
    ),
]
SEPTEMBER_DUE = datetime.date(YEAR, 9, 30)
# The ward that could not complete its task due 30/09/2026, and what it reported.
NOT_COMPLETE_WARD = "Phường Láng"
NOT_COMPLETE_REASON = (
    "Đạt 64% hồ sơ tiếp nhận trực tuyến, chưa đạt chỉ tiêu 80%: hệ thống tiếp nhận của phường "
    "gián đoạn 12 ngày trong tháng 9 do chuyển đổi máy chủ; phường đề nghị kéo dài đến 31/10."
)
CLOSED_MONTHS = [datetime.date(YEAR, 9, 1), datetime.date(YEAR, 10, 1)]
# (code, area, lead unit code, deadline, title, expected output)
CITY_TASKS = [
    (
        "01",
        "CD",
        "01-SNV",
        "31/01/2026",
        "Ban hành Kế hoạch kiểm tra công tác cải cách hành chính năm 2026",
        "Kế hoạch kiểm tra",
    ),
    (
        "02",
        "CD",
        "01-SNV",
        "30/06/2026",
        "Báo cáo sơ kết 6 tháng công tác cải cách hành chính",
        "Báo cáo sơ kết",
    ),
    (
        "03",
        "TC",
        "01-STP",
        "31/03/2026",
        "Rà soát, hệ thống hóa văn bản quy phạm pháp luật của Thành phố",
        "Danh mục văn bản hết hiệu lực",
    ),
    (
        "04",
        "TC",
        "01-STP",
        "30/09/2026",
        "Đánh giá tình hình thi hành pháp luật tại các sở, ngành",
        "Báo cáo đánh giá",
    ),
    (
        "05",
        "TTHC",
        "01-VP",
        "30/04/2026",
        "Công bố danh mục thủ tục hành chính được chuẩn hóa",
        "Quyết định công bố",
    ),
    (
        "06",
        "TTHC",
        "01-VP",
        "31/08/2026",
        "Cắt giảm 30% thời gian và chi phí tuân thủ thủ tục hành chính lĩnh vực kinh doanh",
        "Phương án đơn giản hóa",
    ),
    (
        "07",
        "TCBM",
        "01-SNV",
        "31/05/2026",
        "Kiện toàn tổ chức bộ máy các cơ quan chuyên môn sau sắp xếp",
        "Quyết định kiện toàn",
    ),
    (
        "08",
        "TCBM",
        "01-SNV",
        "31/10/2026",
        "Rà soát vị trí việc làm trong các cơ quan, đơn vị",
        "Đề án vị trí việc làm",
    ),
    (
        "09",
        "CV",
        "01-SNV",
        "31/07/2026",
        "Tổ chức thi tuyển công chức năm 2026",
        "Kết quả thi tuyển",
    ),
    (
        "10",
        "CV",
        "01-TTTP",
        "30/09/2026",
        "Kiểm tra công vụ đột xuất tại các phường, xã",
        "Thông báo kết luận kiểm tra",
    ),
    (
        "11",
        "TCC",
        "01-STC",
        "30/06/2026",
        "Giao quyền tự chủ tài chính cho các đơn vị sự nghiệp công lập",
        "Quyết định giao tự chủ",
    ),
    (
        "12",
        "TCC",
        "01-STC",
        "31/12/2026",
        "Công khai ngân sách các cấp theo quy định",
        "Báo cáo công khai",
    ),
    (
        "13",
        "CĐS",
        "01-SKHCN",
        "31/05/2026",
        "Nâng cấp Cổng dịch vụ công Thành phố kết nối Cổng dịch vụ công quốc gia",
        "Hệ thống vận hành",
    ),
    (
        "14",
        "CĐS",
        "01-SKHCN",
        "30/11/2026",
        "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        "Kho dữ liệu số hóa",
    ),
    (
        "15",
        "TĐ",
        "01-SNV",
        "31/12/2026",
        "Khảo sát sự hài lòng của người dân, doanh nghiệp (SIPAS) năm 2026",
        "Báo cáo chỉ số hài lòng",
    ),
    (
        "16",
        "TĐ",
        "01-SCT",
        "30/10/2026",
        "Đối thoại với doanh nghiệp về thủ tục hành chính",
        "Biên bản hội nghị đối thoại",
    ),
]
# Tasks assigned to every ward and commune: (code, area, deadline, title, output).
COMMUNE_TASKS = [
    (
        "20",
        "TTHC",
        "30/06/2026",
        "Niêm yết công khai thủ tục hành chính tại Bộ phận Một cửa cấp xã",
        "Ảnh chụp niêm yết",
    ),
    (
        "21",
        "CĐS",
        "30/09/2026",
        "Đạt tỷ lệ 80% hồ sơ thủ tục hành chính được tiếp nhận trực tuyến",
        "Báo cáo số liệu",
    ),
    (
        "22",
        "CV",
        "31/12/2026",
        "Tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2026",
        "Báo cáo tự đánh giá kèm tài liệu kiểm chứng",
    ),
]


def seed_plans(admin: User) -> None:
    """Create the 2025 plan (two tasks still unfinished), the 2026 plan, its tasks, reports,
    reviews and two closed months."""
    rng = random.Random(YEAR)  # noqa: S311 - a deterministic demo, not cryptography
    city = OrgUnit.objects.get(code="01", legacy=False)
    areas = {a.code: a for a in ContentArea.objects.all()}
    _previous_plan(admin, city, areas)
    plan = create_plan(
        actor=admin,
        unit=city,
        year=YEAR,
        title="Kế hoạch cải cách hành chính năm 2026 của Thành phố Hà Nội",
    )
    officer = User.objects.get(username="snv.chuyenvien")
    tasks = [
        create_task(
            plan,
            actor=admin,
            code=code,
            title=title,
            area=areas[area],
            expected_output=output,
            lead_unit=OrgUnit.objects.get(code=unit, legacy=False),
            deadline=_date(deadline),
            responsible=officer if unit == "01-SNV" else None,
            weight=Decimal("2") if area == "TTHC" else Decimal("1"),
        )
        for code, area, unit, deadline, title, output in CITY_TASKS
    ]
    commitment = create_task(
        plan,
        actor=admin,
        code="GB09",
        title="Hoàn thành số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn tồn đọng",
        area=areas["CĐS"],
        expected_output="Báo cáo kết quả số hóa",
        lead_unit=OrgUnit.objects.get(code="01-SNV", legacy=False),
        deadline=datetime.date(YEAR, 10, 20),
        responsible=officer,
        source=Task.Source.BRIEFING,
        source_ref="Kết luận giao ban tháng 9/2026",
    )
    communes = list(
        OrgUnit.objects.current().filter(parent=city, kind__in=OrgUnit.LOWER_KINDS).order_by("code")
    )
    for code, area, deadline, title, output in COMMUNE_TASKS:
        parent = create_task(
            plan,
            actor=admin,
            code=code,
            title=title,
            area=areas[area],
            expected_output=output,
            lead_unit=city,
            deadline=_date(deadline),
        )
        tasks += assign_task_to_units(parent, actor=admin, units=communes)
    # Issued after drafting: every task counts from the plan's date.
    issue_plan(
        plan,
        actor=admin,
        document_number="01/KH-UBND",
        document_date=PLAN_DATE,
        signer="Chủ tịch UBND Thành phố",
    )
    for task in tasks:
        task.refresh_from_db()
    _report(tasks, admin, rng)
    # The September briefing's commitment is still open: overdue at the October close.
    submit_report(
        commitment,
        actor=officer,
        percent=60,
        narrative="Đã số hóa 60% hồ sơ tồn đọng.",
        received_on=datetime.date(YEAR, 10, 25),
    )
    for month in CLOSED_MONTHS:
        close_month(month, actor=admin)


def _previous_plan(admin: User, city: OrgUnit, areas: dict[str, ContentArea]) -> None:
    """The city's 2025 plan, issued 06/01/2025: two tasks done in 2025, two still unfinished
    (one with a progress report in 2026), carried over into the 2026 tallies."""
    plan = create_plan(
        actor=admin,
        unit=city,
        year=YEAR - 1,
        title="Kế hoạch cải cách hành chính năm 2025 của Thành phố Hà Nội",
    )
    made = []
    for code, area, unit, deadline, title, output, done in PREVIOUS_TASKS:
        task = create_task(
            plan,
            actor=admin,
            code=code,
            title=title,
            area=areas[area],
            expected_output=output,
            lead_unit=OrgUnit.objects.get(code=unit, legacy=False),
            deadline=_date(deadline),
        )
        made.append((task, output, done))
    issue_plan(
        plan,
        actor=admin,
        document_number="02/KH-UBND",
        document_date=PREVIOUS_PLAN_DATE,
        signer="Chủ tịch UBND Thành phố",
    )
    for task, output, done in made:
        task.refresh_from_db()
        if done is None:
            continue
        report = submit_report(
            task,
            actor=admin,
            percent=100,
            narrative="Đã hoàn thành nhiệm vụ.",
            is_completion=True,
            output=output,
            received_on=_date(done),
        )
        accept_report(report, actor=admin, comment="Đạt yêu cầu.")
    submit_report(
        made[2][0],
        actor=admin,
        percent=70,
        narrative="Đã số hóa dữ liệu của 70% thủ tục; phần còn lại chờ kết nối cơ sở dữ liệu "
        "quốc gia về dân cư.",
        received_on=datetime.date(YEAR, 8, 20),
    )


def _september(task: Task, admin: User, rng: random.Random) -> None:
    """A ward's task due 30/09/2026: on time for most (Phường Ba Đình on 25/09), late in
    October for about one in twelve, and not complete, with its reason, for one ward."""
    if task.lead_unit.name == NOT_COMPLETE_WARD:
        submit_report(
            task,
            actor=admin,
            percent=64,
            narrative=NOT_COMPLETE_REASON,
            received_on=datetime.date(YEAR, 9, 28),
        )
        return
    if task.lead_unit.code == "00004":
        day = datetime.date(YEAR, 9, 25)
    elif rng.random() < 0.08:
        day = SEPTEMBER_DUE + datetime.timedelta(days=rng.choice([4, 9, 15]))
    else:
        day = SEPTEMBER_DUE - datetime.timedelta(days=rng.choice([0, 2, 5, 8, 12, 20]))
    _complete(task, admin, day)


def _report(tasks: list[Task], admin: User, rng: random.Random) -> None:
    """Paper reports: most tasks due before November were done, a few late or still open."""
    last = datetime.date(YEAR, 10, 31)
    for task in tasks:
        if task.deadline == SEPTEMBER_DUE and task.lead_unit.kind in OrgUnit.LOWER_KINDS:
            _september(task, admin, rng)
            continue
        if task.deadline > last:
            if rng.random() < 0.5:
                submit_report(
                    task,
                    actor=admin,
                    percent=rng.choice([30, 50, 70]),
                    narrative="Đang triển khai theo kế hoạch.",
                    received_on=datetime.date(YEAR, 10, 15),
                )
            continue
        fate = rng.random()
        if fate < 0.08:
            continue  # overdue, not reported
        if fate < 0.14:
            extension = request_extension(
                task,
                actor=admin,
                reason="Chờ hướng dẫn của Bộ",
                new_deadline=task.deadline + datetime.timedelta(days=30),
            )
            decide_extension(extension, actor=admin, approve=True)
            task.refresh_from_db()
        shift = rng.choice([-20, -10, -5, -1, 0, 0, 3, 12]) if fate < 0.85 else 25
        day = min(task.deadline + datetime.timedelta(days=shift), last)
        if fate > 0.9:  # first completion returned, then accepted
            first = submit_report(
                task,
                actor=admin,
                percent=100,
                narrative="Đã hoàn thành.",
                is_completion=True,
                output=task.expected_output or "Báo cáo",
                received_on=day - datetime.timedelta(days=3),
            )
            return_report(first, actor=admin, reason="Thiếu tài liệu kiểm chứng.")
        _complete(task, admin, day)


def _complete(task: Task, admin: User, day: datetime.date) -> None:
    """The task's completion report, received on `day` and accepted."""
    report = submit_report(
        task,
        actor=admin,
        percent=100,
        narrative="Đã hoàn thành nhiệm vụ.",
        is_completion=True,
        output=task.expected_output or "Báo cáo",
        received_on=day,
    )
    accept_report(report, actor=admin, comment="Đạt yêu cầu.")


def _date(text: str) -> datetime.date:
    return datetime.datetime.strptime(text, "%d/%m/%Y").date()
