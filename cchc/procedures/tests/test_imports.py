"""The catalogue import: all or nothing, row errors, re-import with versions."""

import pytest
from django.core.exceptions import ValidationError

from cchc.core.models import AuditEvent
from cchc.procedures.imports import import_procedures, parse_documents
from cchc.procedures.models import Procedure, ProcedureVersion
from cchc.procedures.tests.factories import catalogue, row, workbook

pytestmark = pytest.mark.django_db


def test_import_creates_procedures_with_units_documents_and_version_one(hanoi, city_admin):
    rows = [
        row(),
        row(
            "2.000100",
            name="Cấp giấy phép xây dựng",
            field="Xây dựng",
            level="Cấp tỉnh",
            units="01-SNV; 00070",
            days="15 ngày làm việc",
            fees="150.000 đồng",
            online="Một phần",
            effective_from="",
        ),
    ]
    result = import_procedures(actor=city_admin, upload=workbook(rows))
    assert result.ok
    assert len(result.created) == 2
    assert result.updated == []
    birth, permit = Procedure.objects.order_by("code")
    assert birth.level == Procedure.Level.COMMUNE
    assert birth.online_level == "full"
    assert birth.documents == [
        {"name": "Tờ khai đăng ký khai sinh", "originals": 1, "copies": 0},
        {"name": "Giấy chứng sinh", "originals": 1, "copies": 1},
    ]
    assert birth.fees == 0
    assert str(birth.effective_from) == "2025-07-01"
    assert list(birth.units.all()) == [hanoi.ward_a]
    assert permit.processing_days == 15
    assert permit.fees == 150_000
    assert permit.fee_text == "150.000 đồng"
    assert permit.online_level == "partial"
    assert set(permit.units.all()) == {hanoi.home_affairs, hanoi.ward_b}
    assert permit.search_name == "2.000100 cap giay phep xay dung"
    assert ProcedureVersion.objects.filter(number=1).count() == 2
    event = AuditEvent.objects.get(verb="procedures.import")
    assert event.details["created"] == 2
    assert event.details["updated"] == 0


def test_reimport_updates_changed_rows_and_keeps_versions(hanoi, city_admin):
    catalogue(city_admin, [row(), row("1.000002", name="Đăng ký kết hôn")])
    upload = workbook([row(days="2", units="00004;00070"), row("1.000002", name="Đăng ký kết hôn")])
    result = import_procedures(actor=city_admin, upload=upload)
    assert result.ok
    assert result.created == []
    assert result.unchanged == 1
    birth = Procedure.objects.get(code="1.000001")
    assert result.updated == [birth]
    assert birth.version == 2
    assert birth.processing_days == 2
    assert set(birth.units.all()) == {hanoi.ward_a, hanoi.ward_b}
    first, second = birth.versions.order_by("number")
    assert first.data["processing_days"] == "3.0"
    assert first.data["units"] == [hanoi.ward_a.pk]
    assert second.changed == ["units", "processing_days"]
    assert Procedure.objects.get(code="1.000002").version == 1
    assert AuditEvent.objects.filter(verb="procedures.import").first().details["updated"] == 1


def test_a_broken_row_writes_nothing_and_names_every_error(hanoi, city_admin):
    rows = [
        row(),
        row("1.000002", level="Cấp huyện", days="-3", units="99999", fees="miễn giảm 50%"),
        row("1.000001", name="", effective_from="31/02/2025"),
        row("1.000003", effective_from="01/07/2025", effective_to="01/01/2025"),
    ]
    result = import_procedures(actor=city_admin, upload=workbook(rows))
    assert not result.ok
    assert Procedure.objects.count() == 0
    assert ProcedureVersion.objects.count() == 0
    assert not AuditEvent.objects.filter(verb="procedures.import").exists()
    found = {(e.row, e.column.split(" (")[0], e.message) for e in result.errors}
    assert found == {
        (3, "Cấp thực hiện", "“Cấp huyện” is not accepted here (use Cấp tỉnh, Cấp xã)."),
        (3, "Thời hạn giải quyết", "“-3” is not a number of working days of zero or more."),
        (
            3,
            "Phí, lệ phí",
            "“miễn giảm 50%” is not an amount in dong (a whole number of zero or more).",
        ),
        (3, "Cơ quan thực hiện", "“99999” is not the code of a current unit."),
        (4, "Mã thủ tục", "The code 1.000001 is repeated: row 2 has it already."),
        (4, "Tên thủ tục", "This cell is required."),
        (4, "Ngày hiệu lực", "“31/02/2025” is not a date dd/mm/yyyy."),
        (5, "Ngày hết hiệu lực", "The end date is before the effective date."),
    }


def test_missing_column_and_empty_file_are_refused(hanoi, city_admin):
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    book = openpyxl.Workbook()
    book.active.append(["Mã thủ tục (code)", "Tên thủ tục (name)"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ValidationError, match="lacks the columns"):
        import_procedures(actor=city_admin, upload=SimpleUploadedFile("a.xlsx", buffer.getvalue()))
    with pytest.raises(ValidationError, match="no procedure rows"):
        import_procedures(actor=city_admin, upload=workbook([]))


def test_parse_documents_counts() -> None:
    assert parse_documents("Đơn (02 bản sao); Ảnh 4x6 (2 bản chính)\nCCCD") == [
        {"name": "Đơn", "originals": 0, "copies": 2},
        {"name": "Ảnh 4x6", "originals": 2, "copies": 0},
        {"name": "CCCD", "originals": 1, "copies": 0},
    ]


def test_national_export_bare_headers_are_recognised(hanoi, city_admin):
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    book = openpyxl.Workbook()
    book.active.append(
        ["STT", "Mã TTHC", "Tên TTHC", "Lĩnh vực", "Cấp thực hiện", "Cơ quan thực hiện",
         "Thời hạn giải quyết", "Phí, lệ phí", "Mức độ trực tuyến"]
    )  # fmt: skip
    book.active.append(
        [1, "1.000001", "Đăng ký khai sinh", "Hộ tịch", "Cấp xã", "00004", 3, 0, "Toàn trình"]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_procedures(
        actor=city_admin, upload=SimpleUploadedFile("xuat-csdl.xlsx", buffer.getvalue())
    )
    assert result.ok, result.errors
    procedure = Procedure.objects.get()
    assert (procedure.code, procedure.field, procedure.processing_days) == (
        "1.000001",
        "Hộ tịch",
        3,
    )
    assert procedure.online_level == "full"
    book.active.delete_cols(4)  # no "Lĩnh vực"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ValidationError, match=r"lacks the columns: Lĩnh vực \(field\)"):
        import_procedures(actor=city_admin, upload=SimpleUploadedFile("b.xlsx", buffer.getvalue()))


@pytest.mark.parametrize("fee", ["...", ".", "100000000000000000000", 10**20])
def test_a_fee_that_is_no_amount_is_a_row_error_not_a_crash(hanoi, city_admin, fee):
    result = import_procedures(actor=city_admin, upload=workbook([row(fees=fee)]))
    assert not result.ok
    assert [e.message for e in result.errors] == [
        f"“{fee}” is not an amount in dong (a whole number of zero or more)."
    ]
    assert Procedure.objects.count() == 0
