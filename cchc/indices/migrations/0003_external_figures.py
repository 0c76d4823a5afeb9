"""The four external indices and ONLY the published figures quoted in DOMAIN.md (§1, §3–§6).

Values the document does not give (a score, a rank or the number of provinces) stay empty.
Province codes are those of the vietnam-provinces package; "00" is a national figure.
"""

from decimal import Decimal

from django.db import migrations

PAR_AREAS = [
    "Công tác chỉ đạo, điều hành cải cách hành chính",
    "Cải cách thể chế",
    "Cải cách thủ tục hành chính",
    "Cải cách tổ chức bộ máy hành chính nhà nước",
    "Cải cách chế độ công vụ",
    "Cải cách tài chính công",
    "Xây dựng, phát triển Chính phủ điện tử, Chính phủ số",
    "Tác động của cải cách hành chính đến phát triển kinh tế - xã hội",
]
SIPAS_PARTS = [
    "Hài lòng về xây dựng, tổ chức thực hiện chính sách",
    "Hài lòng về cung ứng dịch vụ hành chính công",
]
PAPI_DIMENSIONS = [
    "Tham gia của người dân ở cấp cơ sở",
    "Công khai, minh bạch",
    "Trách nhiệm giải trình với người dân",
    "Kiểm soát tham nhũng trong khu vực công",
    "Thủ tục hành chính công",
    "Cung ứng dịch vụ công",
    "Quản trị môi trường",
    "Quản trị điện tử",
]
D766_GROUPS = [
    "Công khai, minh bạch",
    "Tiến độ giải quyết",
    "Dịch vụ công trực tuyến",
    "Số hóa hồ sơ",
    "Mức độ hài lòng",
]

INDICES = [
    {
        "code": "par_index",
        "name": "PAR INDEX",
        "publisher": "Bộ Nội vụ",
        "period": "year",
        "unit": "%",
        "components": PAR_AREAS,
        "notes": "Quyết định 876/QĐ-BNV (2022–2024): 8 lĩnh vực, 37 tiêu chí, 88 tiêu chí thành "
        "phần; thang 100 điểm, 68 điểm thẩm định + 32 điểm điều tra xã hội học. Nhóm A ≥ 90%, "
        "B 80–90%, C 70–80%.",
    },
    {
        "code": "sipas",
        "name": "SIPAS",
        "publisher": "Bộ Nội vụ",
        "period": "year",
        "unit": "%",
        "components": SIPAS_PARTS,
        "notes": "Quyết định 1001/QĐ-BNV (2023–2026); công bố theo tỷ lệ % hài lòng.",
    },
    {
        "code": "papi",
        "name": "PAPI",
        "publisher": "UNDP / CECODES",
        "period": "year",
        "unit": "points",
        "components": PAPI_DIMENSIONS,
        "notes": "8 chỉ số nội dung, mỗi chỉ số 1–10 điểm, tổng tối đa 80; xếp nhóm theo tứ phân vị.",
    },
    {
        "code": "d766",
        "name": "Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)",
        "publisher": "Văn phòng Chính phủ",
        "period": "month",
        "unit": "points",
        "components": D766_GROUPS,
        "notes": "Thang 100 điểm: công khai, minh bạch 18; tiến độ giải quyết 20; dịch vụ trực "
        "tuyến 22 (dịch vụ công trực tuyến 12, thanh toán trực tuyến 10); số hóa hồ sơ 22; mức độ "
        "hài lòng 18.",
    },
]

HANOI, HAIPHONG, NATION = ("01", "Hà Nội"), ("31", "Hải Phòng"), ("00", "Cả nước")
# (index, province, year, month, score, rank, out_of, components, source)
RESULTS = [
    ("par_index", HANOI, 2020, None, None, 8, 63, {}, "DOMAIN.md §1"),
    ("par_index", HANOI, 2022, None, "89.58", 3, None, {}, "DOMAIN.md §3"),
    ("par_index", HANOI, 2023, None, "91.43", 3, None, {}, "DOMAIN.md §3"),
    ("par_index", HANOI, 2024, None, "92.57", 3, None, {}, "DOMAIN.md §3"),
    ("par_index", HAIPHONG, 2024, None, "96.17", 1, None, {}, "DOMAIN.md §3"),
    ("par_index", NATION, 2024, None, "88.37", None, None, {}, "DOMAIN.md §3"),
    ("sipas", HANOI, 2024, None, "86.5", 11, None, {}, "DOMAIN.md §4"),
    (
        "sipas",
        NATION,
        2024,
        None,
        "83.94",
        None,
        None,
        {SIPAS_PARTS[0]: "83.84", SIPAS_PARTS[1]: "84.09"},
        "DOMAIN.md §4",
    ),
    ("papi", HANOI, 2024, None, "43.7", 29, 63, {}, "DOMAIN.md §5"),
    ("d766", HANOI, 2024, 10, "61.18", 60, 63, {}, "DOMAIN.md §6"),
]


def load(apps, schema_editor):
    ExternalIndex = apps.get_model("indices", "ExternalIndex")
    ExternalResult = apps.get_model("indices", "ExternalResult")
    indices = {row["code"]: ExternalIndex.objects.create(**row) for row in INDICES}
    for code, (province, name), year, month, score, rank, out_of, parts, source in RESULTS:
        ExternalResult.objects.create(
            index=indices[code],
            province_code=province,
            province_name=name,
            year=year,
            month=month,
            score=Decimal(score) if score else None,
            rank=rank,
            out_of=out_of,
            components=parts,
            source=source,
        )


def unload(apps, schema_editor):
    apps.get_model("indices", "ExternalIndex").objects.filter(
        code__in=[row["code"] for row in INDICES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("indices", "0002_external_indices")]

    operations = [migrations.RunPython(load, unload)]
