"""Writing dossier and feedback CSV files for the tests."""

import csv
import io
from pathlib import Path
from typing import Any

from cchc.services.imports import DOSSIER_COLUMNS, FEEDBACK_COLUMNS

W = "00004"  # Phường Ba Đình in the conftest's Hà Nội


def dossier(
    code: str, unit: str, received: str, due: str, returned: str = "", **extra: Any
) -> dict[str, Any]:
    row = {
        "ma_ho_so": code,
        "ma_tthc": extra.pop("ma_tthc", "1.000001"),
        "ma_don_vi": unit,
        "kenh_nop": extra.pop("kenh_nop", "truc_tiep"),
        "ngay_tiep_nhan": received,
        "han_xu_ly": due,
        "ngay_tra_ket_qua": returned,
        "toan_trinh": 0,
        "thanh_toan_truc_tuyen": 0,
        "ket_qua_dien_tu": 0,
        "so_hoa": 0,
        "danh_gia": "",
    }
    row.update(extra)
    return row


def write_csv(
    path: Path, rows: list[dict[str, Any]], columns: tuple[str, ...] = DOSSIER_COLUMNS
) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns))
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return str(path)


def write_feedback(path: Path, rows: list[dict[str, Any]]) -> str:
    return write_csv(path, rows, FEEDBACK_COLUMNS)


# The hand-computed October 2024 of docs/domain/service-index.md (test_month asserts its rates).
def october_rows() -> list[dict]:
    return [
        # completed before its due time: on time
        dossier(
            "D1",
            W,
            "2024-10-02 08:00",
            "2024-10-10",
            "2024-10-09 10:00",
            kenh_nop="truc_tuyen",
            danh_gia="hai_long",
        ),
        # completed after its due time: overdue
        dossier("D2", W, "2024-10-05", "2024-10-15", "2024-10-20 09:00"),
        # in progress, due after the month's end: in term, counted on time
        dossier("D3", W, "2024-10-25 14:00", "2024-11-05", kenh_nop="truc_tuyen"),
        # in progress past its due time at the month's end: overdue
        dossier("D4", W, "2024-10-01", "2024-10-20"),
        # received in September, in progress at October's start, on time, rated dissatisfied
        dossier("D5", W, "2024-09-20", "2024-10-03", "2024-10-02 16:00", danh_gia="khong_hai_long"),
        # completed in September: not handled in October
        dossier("D6", W, "2024-09-10", "2024-09-25", "2024-09-20"),
        # on time, but a feedback is about it
        dossier("D7", W, "2024-10-12", "2024-10-30", "2024-10-28"),
    ]
