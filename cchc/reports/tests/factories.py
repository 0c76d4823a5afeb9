"""Test helpers for periodic reports: the reference data (periods, sections, annex rows) comes
from the data migration."""

from cchc.reports.models import ReportPeriod


def period(code: str) -> ReportPeriod:
    return ReportPeriod.objects.get(code=code)
