"""The chart import: row errors, all or nothing, idempotence, the dry run, CSV and XLSX."""

import datetime
import io
from collections.abc import Iterator

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from cchc.core.models import AuditEvent
from cchc.orgunits.imports import import_chart_file, template_xlsx
from cchc.orgunits.models import OrgUnit
from conftest import Hanoi

HEADER = ["code", "name", "kind", "parent_code", "valid_from", "short_name"]
CHART = [
    ["01-STP", "Sở Tư pháp", "department", "01", "2025-07-01", "Tư pháp"],
    ["01-SYT", "Sở Y tế", "Sở, ban, ngành", "01", "01/07/2025", ""],
    ["01-SYT-BVXP", "Bệnh viện Đa khoa Xanh Pôn", "Đơn vị sự nghiệp", "01-SYT", "", "BV Xanh Pôn"],
    ["01-SNV-TTLT", "Trung tâm Lưu trữ lịch sử", "public_service", "01-SNV", "", ""],
]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def csv_file(rows: list[list[str]], name: str = "chart.csv") -> SimpleUploadedFile:
    text = "\n".join(",".join(f'"{cell}"' for cell in row) for row in [HEADER, *rows])
    return SimpleUploadedFile(name, ("\ufeff" + text).encode())


def xlsx_file(rows: list[list[object]]) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    for row in [HEADER, *rows]:
        workbook.active.append(row)
    content = io.BytesIO()
    workbook.save(content)
    return SimpleUploadedFile("chart.xlsx", content.getvalue())


def test_import_creates_the_chart_with_codes_or_vietnamese_kinds(hanoi: Hanoi) -> None:
    result = import_chart_file(csv_file(CHART), actor=None)

    assert result.ok
    assert (result.created, result.updated, result.moved, result.unchanged) == (4, 0, 0, 0)
    justice = OrgUnit.objects.get(code="01-STP")
    assert (justice.kind, justice.parent, justice.valid_from, justice.short_name) == (
        "department",
        hanoi.city,
        datetime.date(2025, 7, 1),
        "Tư pháp",
    )
    assert OrgUnit.objects.get(code="01-SYT").valid_from == datetime.date(2025, 7, 1)
    hospital = OrgUnit.objects.get(code="01-SYT-BVXP")
    assert (hospital.kind, hospital.path) == ("public_service", "/01/01-SYT/01-SYT-BVXP/")
    assert OrgUnit.objects.get(code="01-SNV-TTLT").parent == hanoi.home_affairs
    # Each unit's own history, and one event with the counts.
    assert AuditEvent.objects.filter(verb="orgunits.create").count() == 4
    event = AuditEvent.objects.get(verb="orgunits.import")
    assert event.details == {
        "file": "chart.csv",
        "created": 4,
        "updated": 0,
        "moved": 0,
        "unchanged": 0,
    }


def test_import_again_changes_nothing_then_updates_names_and_moves(hanoi: Hanoi) -> None:
    import_chart_file(xlsx_file(CHART), actor=None)
    events = AuditEvent.objects.count()

    again = import_chart_file(xlsx_file(CHART), actor=None)

    assert (again.created, again.updated, again.moved, again.unchanged) == (0, 0, 0, 4)
    assert AuditEvent.objects.count() == events
    changed = [row[:] for row in CHART]
    changed[0][1] = "Sở Tư pháp Thành phố Hà Nội"
    changed[3][3] = "01-STP"  # the archive centre moves under Justice
    result = import_chart_file(xlsx_file(changed), actor=None)
    assert (result.created, result.updated, result.moved, result.unchanged) == (0, 1, 1, 2)
    assert OrgUnit.objects.get(code="01-STP").name == "Sở Tư pháp Thành phố Hà Nội"
    assert OrgUnit.objects.get(code="01-SNV-TTLT").path == "/01/01-STP/01-SNV-TTLT/"


def test_the_template_is_the_current_chart_and_imports_back_unchanged(hanoi: Hanoi) -> None:
    import_chart_file(csv_file(CHART), actor=None)
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "Mã đơn vị (code: duy nhất, không có “/” hay dấu cách)"
    codes = [row[0] for row in rows[1:]]
    assert codes[0] == "01"
    assert "01-SYT-BVXP" in codes
    assert "00004" not in codes

    result = import_chart_file(SimpleUploadedFile("chart.xlsx", template_xlsx()), actor=None)
    assert result.ok
    assert result.changed is False


def test_row_errors_refuse_the_whole_file(hanoi: Hanoi) -> None:
    OrgUnit.objects.create(code="79", kind="province", name="TP HCM", path="/79/", search_name="")
    rows = [
        ["01-STP", "Sở Tư pháp", "department", "01", "", ""],
        ["01 SXD", "Sở Xây dựng", "department", "01", "", ""],
        ["01-SCT", "", "bộ", "01", "31/02/2025", ""],
        ["01-STP", "Sở Tư pháp (lặp)", "department", "01", "", ""],
        ["01-SDL", "Sở Du lịch", "department", "01-KHONG", "", ""],
        ["79", "TP HCM", "province", "", "", ""],
        ["00099", "Phường Mới", "ward", "01-SNV", "", ""],
        ["01-A", "A", "department", "01-B", "", ""],
        ["01-B", "B", "department", "01-A", "", ""],
    ]

    result = import_chart_file(csv_file(rows), actor=None)

    assert not result.ok
    found = {(e.row, e.column.split(" (")[1].rstrip(")")) for e in result.errors}
    assert {
        (3, "code"),
        (4, "name"),
        (4, "kind"),
        (4, "valid_from"),
        (5, "code"),
        (6, "parent_code"),
        (7, "code"),
        (8, "parent_code"),
    } <= found
    messages = " ".join(e.message for e in result.errors)
    assert "“bộ” is not a kind of unit" in messages
    assert "“31/02/2025” is not a date" in messages
    assert "row 2 has it already" in messages
    assert "outside Thành phố Hà Nội" in messages
    assert not OrgUnit.objects.filter(code="01-STP").exists()
    assert not AuditEvent.objects.exists()
    loop = import_chart_file(csv_file(rows[-2:]), actor=None)
    assert [e.message for e in loop.errors] == ["The parents of these rows form a loop."] * 2


def test_a_rule_of_the_actions_is_a_row_error_and_rolls_back(hanoi: Hanoi) -> None:
    import_chart_file(csv_file(CHART), actor=None)
    rows = [
        ["01-SNV-TTLT2", "Trung tâm mới", "public_service", "01", "", ""],
        ["01-SYT", "Sở Y tế", "department", "01-SYT-BVXP", "", ""],  # under its own sub-unit
    ]
    result = import_chart_file(csv_file(rows), actor=None)
    assert [(e.row, e.column) for e in result.errors] == [(3, "Mã đơn vị cấp trên (parent_code)")]
    assert not OrgUnit.objects.filter(code="01-SNV-TTLT2").exists()
    assert result.created == 0


def test_dry_run_counts_and_writes_nothing(hanoi: Hanoi) -> None:
    units = OrgUnit.objects.count()
    result = import_chart_file(csv_file(CHART), actor=None, dry_run=True)
    assert (result.ok, result.created, result.dry_run) == (True, 4, True)
    assert OrgUnit.objects.count() == units
    assert not AuditEvent.objects.exists()


def test_files_that_cannot_be_read_are_refused(hanoi: Hanoi) -> None:
    with pytest.raises(ValidationError, match="not a UTF-8 CSV"):
        import_chart_file(SimpleUploadedFile("c.csv", "code\nSở".encode("utf-16")), actor=None)
    with pytest.raises(ValidationError, match="lacks the columns"):
        import_chart_file(SimpleUploadedFile("c.csv", b"code,name\n01-X,X\n"), actor=None)
    with pytest.raises(ValidationError, match="no unit rows"):
        import_chart_file(csv_file([]), actor=None)
    with pytest.raises(ValidationError, match=r"\(\.xlsx\) or a CSV file"):
        import_chart_file(SimpleUploadedFile("c.pdf", b"%PDF-1.4"), actor=None)


def test_import_units_command_with_dry_run_then_for_real(
    hanoi: Hanoi, tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    path = f"{tmp_path}/chart.csv"
    with open(path, "wb") as handle:
        handle.write(csv_file(CHART).read())

    call_command("import_units", path, "--dry-run")
    assert "4 unit(s) would be created" in capsys.readouterr().out
    assert not OrgUnit.objects.filter(code="01-STP").exists()

    call_command("import_units", path)
    assert "4 unit(s) were created" in capsys.readouterr().out
    call_command("import_units", path)
    assert "0 unit(s) were created, 0 updated, 0 moved, 4 unchanged" in capsys.readouterr().out

    with open(path, "w") as handle:
        handle.write("code,name,kind,parent_code\n01-X,X,bộ,01\n")
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_units", path)
    assert "row 2, Loại (kind)" in capsys.readouterr().err
