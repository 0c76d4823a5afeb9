"""Writing dossier and feedback CSV files for the tests."""

import csv
import io
from pathlib import Path
from typing import Any

from cchc.services.imports import DOSSIER_COLUMNS, FEEDBACK_COLUMNS


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
