"""The reporting periods' windows and due days (guidance 581/BNV-CCHC, loaded as data)."""

import datetime

import pytest

from cchc.reports.tests.factories import period

D = datetime.date


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "first", "last", "due"),
    [
        # "Quý I: từ ngày 15 tháng 12 của năm trước kỳ báo cáo đến ngày 14 tháng 3"
        ("q1", D(2025, 12, 15), D(2026, 3, 14), D(2026, 3, 20)),
        ("h1", D(2025, 12, 15), D(2026, 6, 14), D(2026, 6, 20)),
        # Quarter III is the only window that starts in the report's own year.
        ("q3", D(2026, 6, 15), D(2026, 9, 14), D(2026, 9, 20)),
        ("year", D(2025, 12, 15), D(2026, 12, 14), D(2026, 12, 20)),
    ],
)
def test_windows_and_due_days(code: str, first: D, last: D, due: D) -> None:
    window = period(code).window(2026)
    assert (window.first, window.last, window.due) == (first, last, due)
    # The internal due day falls in the due month, between the cut-off and the Ministry's day.
    assert window.last < window.internal_due <= window.due


@pytest.mark.django_db
def test_year_boundary_and_a_changed_guidance_is_an_edit() -> None:
    year = period("year")
    # The year report of 2027 starts on 15/12/2026, the day after 2026's ended.
    assert year.window(2027).first == year.window(2026).last + datetime.timedelta(days=1)
    year.internal_due_day = 12
    year.to_day = 10
    year.save()
    window = year.window(2027)
    assert window.last == D(2027, 12, 10)
    assert window.internal_due == D(2027, 12, 12)
