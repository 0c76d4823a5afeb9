"""The demo's periodic reform reports of 2026 (issue #19), through the reports' actions: Ba
Đình, Hoàn Kiếm and the Department of Home Affairs write, submit and have accepted their
quarter I, six-month and quarter III reports (Hoàn Kiếm's quarter III is returned once and
submitted again); the city's report of each of those periods is assembled from them and
submitted; the year report is in progress (Ba Đình's draft and the city's)."""

from decimal import Decimal

from cchc.accounts.models import User
from cchc.orgunits.models import OrgUnit
from cchc.reports.actions import (
    accept_report,
    consolidate_report,
    return_report,
    set_annex_value,
    start_report,
    submit_report,
    update_report,
)
from cchc.reports.models import Indicator, PeriodicReport, ReportPeriod

YEAR = 2026
# unit code, author, signer's position, signer, full-process online public services provided
# (typed in: annex row CĐS.01)
UNITS = [
    ("00004", "badinh.canbo", "Chủ tịch", "Vũ Đức Bình", 154),
    ("00070", "hoankiem.canbo", "Chủ tịch", "Trần Thị Hoa", 121),
    ("01-SNV", "snv.chuyenvien", "Giám đốc", "Lê Minh Giám", 38),
]
TEXTS = {
    "direction": (
        "Ban hành kế hoạch cải cách hành chính năm {year}, phân công rõ trách nhiệm từng bộ "
        "phận; tổ chức kiểm tra công vụ, chấn chỉnh kỷ luật, kỷ cương hành chính.",
        "Một số nhiệm vụ còn chậm so với thời hạn.",
        "Khối lượng công việc lớn sau sắp xếp đơn vị hành chính.",
    ),
    "procedures": (
        "Rà soát, đề xuất đơn giản hóa thủ tục hành chính; niêm yết công khai đầy đủ; giải "
        "quyết hồ sơ đúng hạn đạt tỷ lệ cao.",
        "Tỷ lệ hồ sơ nộp trực tuyến toàn trình chưa cao.",
        "Người dân còn quen nộp hồ sơ trực tiếp.",
    ),
    "digital": (
        "Duy trì hệ thống quản lý văn bản và điều hành, chữ ký số; cung cấp dịch vụ công "
        "trực tuyến toàn trình.",
        "",
        "",
    ),
    "next_tasks": ("Tiếp tục thực hiện các nhiệm vụ của kế hoạch năm {year}.", "", ""),
}
PERIOD_WORDS = {"q1": "quý I", "h1": "6 tháng", "q3": "quý III", "year": "năm"}


def _write(report: PeriodicReport, actor: User, unit_name: str, signer: tuple[str, str]) -> None:
    ids = {t.section.code: t.section_id for t in report.texts.select_related("section")}
    words = PERIOD_WORDS[report.period.code]
    texts = {
        ids[code]: {
            "results": f"{unit_name} ({words}): " + results.format(year=report.year),
            "limitations": limitations,
            "causes": causes,
        }
        for code, (results, limitations, causes) in TEXTS.items()
    }
    update_report(
        report,
        actor=actor,
        version=report.version,
        header={
            "number": "",
            "signer_position": signer[0],
            "signer_name": signer[1],
            "recipients": "Sở Nội vụ\nLưu: VT",
        },
        texts=texts,
    )


def _unit_report(
    code: str, author: User, period: ReportPeriod, signer: tuple[str, str], services: int
) -> PeriodicReport:
    unit = OrgUnit.objects.get(code=code, legacy=False)
    report = start_report(unit, actor=author, year=YEAR, period=period)
    _write(report, author, unit.name, signer)
    set_annex_value(
        report,
        Indicator.objects.get(code="CĐS.01"),
        actor=author,
        version=report.version,
        value=Decimal(services * period.order),
    )
    return report


def seed_reports(admin: User) -> None:
    periods = {p.code: p for p in ReportPeriod.objects.all()}
    city = OrgUnit.objects.get(kind=OrgUnit.Kind.PROVINCE, legacy=False, code="01")
    for code in ("q1", "h1", "q3"):
        period = periods[code]
        for unit_code, username, position, name, services in UNITS:
            author = User.objects.get(username=username)
            report = _unit_report(unit_code, author, period, (position, name), services)
            submit_report(report, actor=author, version=report.version)
            if code == "q3" and unit_code == "00070":
                return_report(
                    report,
                    actor=admin,
                    reason="Đề nghị bổ sung số liệu hồ sơ tiếp nhận trực tuyến.",
                )
                submit_report(report, actor=author, version=report.version)
            accept_report(report, actor=admin)
        city_report = start_report(city, actor=admin, year=YEAR, period=period)
        consolidate_report(city_report, actor=admin, version=city_report.version)
        update_report(
            city_report,
            actor=admin,
            version=city_report.version,
            header={
                "signer_position": "Chủ tịch",
                "signer_name": "Đinh Tiến Trưởng",
                "recipients": "Bộ Nội vụ\nThường trực Thành ủy\nLưu: VT, SNV",
            },
            texts={},
        )
        submit_report(city_report, actor=admin, version=city_report.version)
    author = User.objects.get(username="badinh.canbo")
    _unit_report("00004", author, periods["year"], ("Chủ tịch", "Vũ Đức Bình"), 154)
    start_report(city, actor=admin, year=YEAR, period=periods["year"])
