"""The rates of hand-computed months (docs/domain/service-index.md): on time, in term, overdue
at the month's end, feedback about a dossier, a re-import that completes a dossier, the frozen
month, import errors per row."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from cchc.core.models import AuditEvent, Notification
from cchc.services.actions import close_month
from cchc.services.imports import ImportRefused, import_source, path_source
from cchc.services.models import Dossier, ImportRun, MonthScore
from cchc.services.queries import handling_results, late_dossiers
from cchc.services.tests.helpers import W, dossier, october_rows, write_csv, write_feedback

OCT = datetime.date(2024, 10, 1)
NOV = datetime.date(2024, 11, 1)


def feedback_rows() -> list[dict]:
    return [
        {
            "ma_pakn": "F1",
            "ma_don_vi": W,
            "ma_ho_so": "D7",
            "ngay_tiep_nhan": "2024-10-29",
            "han_xu_ly": "2024-11-08",
            "ngay_xu_ly": "2024-10-31",
            "danh_gia": "hai_long",
        },
        {
            "ma_pakn": "F2",
            "ma_don_vi": W,
            "ma_ho_so": "",
            "ngay_tiep_nhan": "2024-10-03",
            "han_xu_ly": "2024-10-10",
            "ngay_xu_ly": "2024-10-12",
            "danh_gia": "",
        },
    ]


@pytest.fixture
def october(hanoi, tmp_path):
    dossiers = write_csv(tmp_path / "d.csv", october_rows())
    feedback = write_feedback(tmp_path / "f.csv", feedback_rows())
    call_command("import_dossiers", dossiers, "--feedback", feedback, stdout=StringIO())
    return hanoi


def _score(unit, month):
    return MonthScore.objects.get(unit=unit, month=month)


def test_october_rates_as_computed_by_hand(october):
    score = _score(october.ward_a, OCT)
    # Handled = received in October (D1 D2 D3 D4 D7) + in progress at its start (D5) = 6.
    assert score.handled == 6
    # on_time_rate = (completed by the due time: D1 D5 D7 + in progress, not yet due: D3) ÷ 6
    assert score.rates["on_time_rate"] == "66.67"
    # dossier_satisfaction_rate = (6 − D2 overdue − D4 overdue − D5 dissatisfied − D7 feedback) ÷ 6
    assert score.rates["dossier_satisfaction_rate"] == "33.33"
    # feedback: F1 handled on time, F2 late → 1 of 2 on time; F2 late = dissatisfied
    assert score.rates["feedback_on_time_rate"] == "50.00"
    assert score.rates["feedback_satisfaction_rate"] == "50.00"
    # online_rate = filed online (D1 D3) ÷ handled
    assert score.rates["online_rate"] == "33.33"
    # progress group = the on-time share × 20 = 0.6667 × 20
    assert score.groups["TD"] == "13.33"
    # satisfaction = 6 × (0.3333 + 0.5 + 0.5)
    assert Decimal(score.groups["HL"]) == Decimal("8.00")
    # online: 33.33% of the 80% threshold × 6, twice the full-process share (0%)
    assert score.groups["TT"] == "2.50"
    assert score.total_points == sum(Decimal(v) for v in score.groups.values())


def test_late_dossiers_are_those_overdue_at_the_month_end(october):
    assert [d.code for d in late_dossiers(october.ward_a, OCT)] == ["D2", "D4"]


def test_reimport_completing_a_dossier_recomputes_its_month(october, tmp_path):
    # November: D3 (due 05/11) and D4 still in progress at its start; both overdue at its end.
    assert _score(october.ward_a, NOV).rates["on_time_rate"] == "0.00"
    rows = [
        dossier(
            "D3", W, "2024-10-25 14:00", "2024-11-05", "2024-11-04 09:30", kenh_nop="truc_tuyen"
        )
    ]
    run = import_source(
        path_source(write_csv(tmp_path / "again.csv", rows)),
        ImportRun.Kind.DOSSIERS,
        name="again.csv",
        actor=None,
    )
    assert (run.created, run.updated) == (0, 1)
    assert Dossier.objects.get(code="D3").returned_at is not None
    # D3 completed before its due time: 1 of 2 on time.
    assert _score(october.ward_a, NOV).rates["on_time_rate"] == "50.00"
    # October is unchanged: D3 was in progress and in term at its end either way.
    assert _score(october.ward_a, OCT).rates["on_time_rate"] == "66.67"


def test_a_closed_month_is_frozen(october, city_admin, tmp_path):
    close_month(OCT, actor=city_admin)
    assert AuditEvent.objects.filter(verb="services.close_month").exists()
    # D4 turns out to have been completed on 15/10, before its due time.
    rows = [dossier("D4", W, "2024-10-01", "2024-10-20", "2024-10-15")]
    import_source(
        path_source(write_csv(tmp_path / "late.csv", rows)),
        ImportRun.Kind.DOSSIERS,
        name="late.csv",
        actor=city_admin,
    )
    assert _score(october.ward_a, OCT).rates["on_time_rate"] == "66.67"  # frozen
    with pytest.raises(ValidationError, match="10/2024"):
        close_month(OCT, actor=city_admin)


def test_import_errors_are_reported_per_row_and_nothing_is_written(hanoi, tmp_path):
    rows = [
        dossier("E1", W, "2024-10-01", "2024-10-05"),
        dossier("E2", "99999", "2024-10-01", "2024-10-05"),
        dossier("E3", W, "01/10/2024", "2024-10-05", kenh_nop="fax"),
        dossier("E4", W, "2024-10-05", "2024-10-01", so_hoa="2"),
    ]
    with pytest.raises(ImportRefused) as refused:
        import_source(
            path_source(write_csv(tmp_path / "bad.csv", rows)),
            ImportRun.Kind.DOSSIERS,
            name="bad.csv",
            actor=None,
        )
    errors = {(row, column) for row, column, _m in refused.value.run.errors}
    assert errors == {
        (3, "ma_don_vi"),
        (4, "ngay_tiep_nhan"),
        (4, "kenh_nop"),
        (5, "han_xu_ly"),
        (5, "so_hoa"),
    }
    assert not Dossier.objects.exists()
    assert not refused.value.run.accepted


def test_feedback_about_an_unknown_dossier_is_refused(hanoi, tmp_path):
    rows = [
        {
            "ma_pakn": "F9",
            "ma_don_vi": W,
            "ma_ho_so": "NOPE",
            "ngay_tiep_nhan": "2024-10-01",
            "han_xu_ly": "2024-10-10",
            "ngay_xu_ly": "",
            "danh_gia": "",
        }
    ]
    with pytest.raises(ImportRefused) as refused:
        import_source(
            path_source(write_feedback(tmp_path / "f.csv", rows)),
            ImportRun.Kind.FEEDBACK,
            name="f.csv",
            actor=None,
        )
    ((row, column, message),) = refused.value.run.errors
    assert (row, column) == (2, "ma_ho_so")
    assert "NOPE" in message


def test_service_index_command_json(october):
    out = StringIO()
    call_command("service_index", "2024-10", "--unit", W, "--json", stdout=out)
    doc = json.loads(out.getvalue())
    assert doc["month"] == "2024-10"
    (unit,) = doc["units"]
    assert unit["code"] == W
    assert unit["dossiers"] == 6
    assert unit["rates"]["on_time_rate"] == "66.67"
    assert set(unit["groups"]) == {"CK", "TD", "TT", "SH", "HL"}


def test_feeds(october):
    handled, on_time, rate = handling_results([october.ward_a.pk], OCT, OCT)[october.ward_a.pk]
    assert (handled, on_time, rate) == (6, 4, Decimal("66.67"))


def test_a_unit_below_the_alert_threshold_is_told_in_vietnamese_numbers(hanoi, officer_a, tmp_path):
    """October's on-time rate of Ba Đình, 66.67% (computed by hand above), is below the
    illustrative 90% alert."""
    dossiers = write_csv(tmp_path / "d.csv", october_rows())
    call_command("import_dossiers", dossiers, stdout=StringIO())
    late = reverse("services:late", args=[hanoi.ward_a.pk, 2024, 10])
    notice = Notification.objects.get(user=officer_a, link=late)
    assert notice.message == (
        "Tỷ lệ hồ sơ đúng hạn tháng 10/2024 là 66,67%, dưới 90%: xem các hồ sơ trễ hạn."
    )
