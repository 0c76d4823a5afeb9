"""The import touches only what changed: an import (or a push) recounts the (unit, month) pairs
of the rows it writes and of the values they replace; the result equals a full recount. And
the column-wise checks accept the documented date forms."""

import datetime

from cchc.services.actions import refresh_months
from cchc.services.imports import import_source, json_source, path_source
from cchc.services.models import Dossier, DossierCount, ImportRun, MonthScore
from cchc.services.tests.helpers import dossier, write_csv

OCT = datetime.date(2024, 10, 1)
NOV = datetime.date(2024, 11, 1)
A, B = "00004", "00070"
COUNTS = ("unit_id", "month", "procedure_code", "handled", "on_time", "unsatisfied")


def _counts() -> set[tuple]:
    return set(DossierCount.objects.values_list(*COUNTS))


def _rows(unit) -> list[tuple]:
    return list(
        DossierCount.objects.filter(unit=unit).order_by("id").values_list("id", *COUNTS)
    ) + list(MonthScore.objects.filter(unit=unit).order_by("id").values_list("id", "computed_at"))


def _import_two_wards(tmp_path):
    rows = [
        dossier("A1", A, "2024-10-02 08:00", "2024-10-10", "2024-10-09 10:00"),
        dossier("A2", A, "2024-10-05", "2024-10-15"),
        dossier("B1", B, "2024-10-03", "2024-10-12", "2024-10-20 09:00"),
        dossier("B2", B, "2024-11-03", "2024-11-12", "2024-11-10"),
    ]
    import_source(
        path_source(write_csv(tmp_path / "d.csv", rows)),
        ImportRun.Kind.DOSSIERS,
        name="d.csv",
        actor=None,
    )


def test_a_push_for_one_unit_leaves_the_other_units_counts_untouched(hanoi, tmp_path):
    _import_two_wards(tmp_path)
    before_b = _rows(hanoi.ward_b)
    before_a = _rows(hanoi.ward_a)
    assert before_b
    assert before_a
    push = [dossier("A2", A, "2024-10-05", "2024-10-15", "2024-10-14 17:00", so_hoa=1)]
    run = import_source(json_source(push), ImportRun.Kind.DOSSIERS, name="api", actor=None)
    assert (run.rows, run.created, run.updated) == (1, 0, 1)
    assert _rows(hanoi.ward_b) == before_b  # same rows, same ids, same computed_at
    assert _rows(hanoi.ward_a) != before_a
    october = MonthScore.objects.get(unit=hanoi.ward_a, month=OCT)
    assert october.rates["on_time_rate"] == "100.00"
    assert october.rates["digitised_rate"] == "50.00"
    incremental = _counts()
    refresh_months([OCT, NOV], actor=None, reason="test")
    assert _counts() == incremental


def test_a_dossier_moved_to_another_unit_recounts_both(hanoi, tmp_path):
    _import_two_wards(tmp_path)
    push = [dossier("A2", B, "2024-10-05", "2024-10-15", "2024-10-14 17:00")]
    import_source(json_source(push), ImportRun.Kind.DOSSIERS, name="api", actor=None)
    assert MonthScore.objects.get(unit=hanoi.ward_a, month=OCT).handled == 1
    assert MonthScore.objects.get(unit=hanoi.ward_b, month=OCT).handled == 2
    incremental = _counts()
    refresh_months([OCT, NOV], actor=None, reason="test")
    assert _counts() == incremental


def test_dates_with_seconds_a_due_date_alone_and_cells_as_numbers(hanoi):
    push = [
        {
            **dossier("S1", A, "2024-10-02 08:00:30", "2024-10-10"),
            "toan_trinh": 1,
            "so_hoa": 1.0,
        }
    ]
    import_source(json_source(push), ImportRun.Kind.DOSSIERS, name="api", actor=None)
    stored = Dossier.objects.get(code="S1")
    assert stored.received_at.second == 30
    due = stored.due_at.astimezone(datetime.timezone(datetime.timedelta(hours=7)))
    assert (due.day, due.hour, due.minute) == (10, 23, 59)  # a due date alone: its last moment
    assert stored.full_online
    assert stored.digitised
    assert not stored.paid_online
