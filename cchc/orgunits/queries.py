"""Reads for the unit browser: tree levels with child counts."""

import datetime
from typing import TypedDict

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, Value, When

from cchc.core.officialdoc import MOTTO, NATION, OfficialDocument, blank_number
from cchc.orgunits.models import OrgUnit, OrgUnitQuerySet

KIND_RANK = Case(
    *[When(kind=kind, then=Value(rank)) for rank, kind in enumerate(OrgUnit.Kind.values)],
    output_field=IntegerField(),
)


def tree_level(units: OrgUnitQuerySet, *, include_ended: bool) -> OrgUnitQuerySet:
    """`units` with the number of (current, unless `include_ended`) children of each, ordered
    departments first, then by kind and folded name. One query. Changes nothing."""
    child_filter = Q()
    if not include_ended:
        units = units.current()
        child_filter = Q(children__valid_to__isnull=True)
    return units.annotate(child_count=Count("children", filter=child_filter)).order_by(
        "legacy", KIND_RANK, "search_name"
    )


def tree_roots(visible: OrgUnitQuerySet) -> OrgUnitQuerySet:
    """The topmost units a user sees: those whose parent is not visible to them."""
    return visible.filter(Q(parent__isnull=True) | ~Q(parent__in=visible))


def home_province() -> OrgUnit | None:
    """The province or city this installation serves (CCHC_HOME_PROVINCE, default "01")."""
    return OrgUnit.objects.filter(code=settings.CCHC_HOME_PROVINCE, legacy=False).first()


def chart_units(province: OrgUnit) -> list[OrgUnit]:
    """The organisation chart of `province`: the province and its current units other than
    wards, communes and special zones (departments, their sub-divisions, public service
    units, the city's own offices), in tree order, siblings by kind then name, each with
    `level` (0 for the province). One query. Changes nothing."""
    units = list(
        OrgUnit.objects.subtree_of(province).current().exclude(kind__in=OrgUnit.LOWER_KINDS)
    )
    rank = {kind: index for index, kind in enumerate(OrgUnit.Kind.values)}
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[OrgUnit] = []

    def visit(unit: OrgUnit, level: int) -> None:
        unit.level = level  # type: ignore[attr-defined]
        ordered.append(unit)
        for child in sorted(children.get(unit.pk, []), key=lambda u: (rank[u.kind], u.search_name)):
            visit(child, level + 1)

    visit(province, 0)
    return ordered


def committee(province: OrgUnit | None) -> str:
    """The issuing authority of the home province's documents: "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ
    NỘI" (or the bare title when no province is loaded)."""
    return f"ỦY BAN NHÂN DÂN {province.name.upper()}" if province else "ỦY BAN NHÂN DÂN"


class IssuingBody(TypedDict):
    parent_body: str
    issuer: str


def issuing_body(unit: OrgUnit | None, department: str = "") -> IssuingBody:
    """The issuing body of a document (Decree 30/2020, Appendix I): `{"parent_body",
    "issuer"}`. A `department` of the home province's committee ("SỞ NỘI VỤ") under the
    committee; else the province's committee for the province (or None); a department unit
    under the committee; any other unit's own People's Committee."""
    province = home_province()
    if department:
        return {"parent_body": committee(province), "issuer": department}
    if unit is None or unit.kind == OrgUnit.Kind.PROVINCE:
        return {"parent_body": "", "issuer": committee(province)}
    if unit.kind == OrgUnit.Kind.DEPARTMENT:
        return {"parent_body": committee(province), "issuer": unit.name.upper()}
    return {"parent_body": "", "issuer": f"ỦY BAN NHÂN DÂN {unit.name.upper()}"}


HOME_AFFAIRS = "SỞ NỘI VỤ"  # the department that keeps the reform's records and reports
TO_COMMITTEE = "Ủy ban nhân dân Thành phố (để báo cáo)"


def department_document(
    day: datetime.date, *, kind: str, summary: str, recipients: list[str]
) -> OfficialDocument:
    """The header and signature of a document of the Department of Home Affairs dated `day`
    (its body is the caller's): under the committee, the number left for the clerk, signed
    for the director ("KT. GIÁM ĐỐC", the name written by hand), "Lưu: VT" last."""
    body = issuing_body(None, HOME_AFFAIRS)
    return OfficialDocument(
        **body,
        number=blank_number(kind, body["issuer"]),
        place_date=place_date(day),
        kind=kind,
        summary=summary,
        signer_authority="KT. GIÁM ĐỐC",
        signer_position="PHÓ GIÁM ĐỐC",
        recipients=[*recipients, "Lưu: VT"],
        title=f"{kind} {summary}",
    )


def place_date(day: datetime.date) -> str:
    """The place and date of a document: "Hà Nội, ngày 05 tháng 12 năm 2026"."""
    province = home_province()
    place = (province.short_name or province.name) if province else ""
    dated = f"ngày {day:%d} tháng {day:%m} năm {day:%Y}"
    return f"{place}, {dated}" if place else dated.capitalize()


def letterhead(day: datetime.date) -> dict[str, str]:
    """The heading of an administrative document dated `day`: the People's Committee of the
    home province, the national name and motto, and its place and date."""
    return {
        "city": committee(home_province()),
        "nation": NATION,
        "motto": MOTTO,
        "dated": place_date(day),
    }


def summary_by_province() -> dict:
    """{"provinces": n, "lower_units": n, "by_province": {"01": {"total", "ward", "commune",
    "special_zone"}, …}} over current, non-legacy units. Changes nothing."""
    provinces = OrgUnit.objects.current().filter(kind=OrgUnit.Kind.PROVINCE, legacy=False)
    by_province: dict[str, dict[str, int]] = {
        code: {"total": 0, "ward": 0, "commune": 0, "special_zone": 0}
        for code in provinces.order_by("code").values_list("code", flat=True)
    }
    rows = (
        OrgUnit.objects.current()
        .filter(legacy=False, kind__in=OrgUnit.LOWER_KINDS, parent__kind=OrgUnit.Kind.PROVINCE)
        .values_list("parent__code", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for code, kind, n in rows:
        counts = by_province.setdefault(
            code, {"total": 0, "ward": 0, "commune": 0, "special_zone": 0}
        )
        counts[kind] += n
        counts["total"] += n
    return {
        "provinces": len(by_province),
        "lower_units": sum(c["total"] for c in by_province.values()),
        "by_province": by_province,
    }
