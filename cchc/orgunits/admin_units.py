"""Reads Việt Nam's administrative units from the `vietnam-provinces` package into plain rows.

Current units (from 01/07/2025): 34 provinces and 3,321 wards, communes and special zones.
Legacy units (before 01/07/2025): 63 provinces, their districts and communes, ended on 30/06/2025,
each linked to the current unit(s) that replaced it.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from vietnam_provinces import Province, Ward
from vietnam_provinces import legacy as old

from cchc.orgunits.models import OrgUnit

REFORM_DATE = datetime.date(2025, 7, 1)
LEGACY_END = datetime.date(2025, 6, 30)

Key = tuple[str, bool]  # (code, legacy)

# Keyed by the division type's Vietnamese value: the current and legacy data use two enums.
KIND_BY_TYPE = {
    "tỉnh": OrgUnit.Kind.PROVINCE,
    "thành phố trung ương": OrgUnit.Kind.PROVINCE,
    "phường": OrgUnit.Kind.WARD,
    "xã": OrgUnit.Kind.COMMUNE,
    "đặc khu": OrgUnit.Kind.SPECIAL_ZONE,
    "thị trấn": OrgUnit.Kind.TOWNSHIP,
    "quận": OrgUnit.Kind.DISTRICT,
    "huyện": OrgUnit.Kind.DISTRICT,
    "thị xã": OrgUnit.Kind.DISTRICT,
    "thành phố": OrgUnit.Kind.DISTRICT,
}
PREFIXES = (
    "Thành phố ",
    "Tỉnh ",
    "Phường ",
    "Xã ",
    "Đặc khu ",
    "Thị trấn ",
    "Quận ",
    "Huyện ",
    "Thị xã ",
)


@dataclass(frozen=True)
class UnitRow:
    code: str
    legacy: bool
    kind: str
    name: str
    parent: Key | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None

    @property
    def key(self) -> Key:
        return (self.code, self.legacy)

    @property
    def short_name(self) -> str:
        for prefix in PREFIXES:
            if self.name.startswith(prefix):
                return self.name[len(prefix) :]
        return self.name


def province_code(code: int) -> str:
    return f"{int(code):02d}"


def district_code(code: int) -> str:
    return f"{int(code):03d}"


def ward_code(code: int) -> str:
    return f"{int(code):05d}"


def current_levels() -> list[list[UnitRow]]:
    """Rows of the current units, parents' level first."""
    provinces = [
        UnitRow(
            province_code(p.code),
            False,
            KIND_BY_TYPE[p.division_type.value],
            p.name,
            None,
            REFORM_DATE,
            None,
        )
        for p in Province.iter_all()
    ]
    wards = [
        UnitRow(
            ward_code(w.code),
            False,
            KIND_BY_TYPE[w.division_type.value],
            w.name,
            (province_code(w.province_code), False),
            REFORM_DATE,
            None,
        )
        for w in Ward.iter_all()
    ]
    return [provinces, wards]


def legacy_levels() -> list[list[UnitRow]]:
    """Rows of the pre-2025 three-tier units, ended on 30/06/2025."""
    provinces = [
        UnitRow(province_code(p.code), True, OrgUnit.Kind.PROVINCE, p.name, None, None, LEGACY_END)
        for p in old.Province.iter_all()
    ]
    districts = [
        UnitRow(
            district_code(d.code),
            True,
            OrgUnit.Kind.DISTRICT,
            d.name,
            (province_code(d.province_code), True),
            None,
            LEGACY_END,
        )
        for d in old.District.iter_all()
    ]
    wards = [
        UnitRow(
            ward_code(w.code),
            True,
            KIND_BY_TYPE[w.division_type.value],
            w.name,
            (district_code(w.district_code), True),
            None,
            LEGACY_END,
        )
        for w in old.Ward.iter_all()
    ]
    return [provinces, districts, wards]


def successor_links() -> Iterator[tuple[Key, Key]]:
    """(legacy unit, current unit that replaced it or part of it)."""
    for province in Province.iter_all():
        for source in province.get_legacy_sources():
            yield (province_code(source.code), True), (province_code(province.code), False)
    for ward in Ward.iter_all():
        for old_ward in ward.get_legacy_sources():
            yield (ward_code(old_ward.code), True), (ward_code(ward.code), False)
