"""Test helpers for periodic reports: the reference data (periods, sections, annex rows) comes
from the data migration."""

from typing import Any

from cchc.reports import actions
from cchc.reports.models import PeriodicReport, ReportPeriod


def period(code: str) -> ReportPeriod:
    return ReportPeriod.objects.get(code=code)


def write(report: PeriodicReport, actor: Any, section: str = "procedures", text: str = "") -> None:
    section_id = report.texts.get(section__code=section).section_id
    actions.update_report(
        report,
        actor=actor,
        version=report.version,
        header={"number": "12/BC-UBND", "signer_name": "Nguyễn Văn A"},
        texts={section_id: {"results": text or "Đã rà soát 12 thủ tục hành chính."}},
    )
