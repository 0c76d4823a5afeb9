"""Hà Nội's headcount, 2015–2026, imported through the staffing import like a real file, so it
obeys the real rules. It reproduces what the city reported (DOMAIN.md §1 item 7): for 2021
against 2015, 1,473 fewer civil-servant posts (9,442 → 7,969, 15.60%) and 12,890 fewer
public-employee posts (128,900 → 116,010, 10.00%).

The posts are spread over the city's departments and public service units by fixed weights,
with each unit's own 2021 cut drawn around the city's (a few units stay below the 10% target),
and the two totals are allotted by largest remainder, so they come out exact whatever units
exist. The pre-2025 wards that became Ba Đình and Hoàn Kiếm carry their commune civil-servant
posts from 2015 to 2024; from 2025 the two new wards report their own, so the roll-up carries
the old wards' history across the merger.
"""

import io
import random
from collections.abc import Sequence

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from cchc.accounts.models import User
from cchc.orgunits.models import OrgUnit
from cchc.staffing.imports import COLUMNS, import_headcount, unit_code

BASE, REPORTED, LAST = 2015, 2021, 2026
CIVIL = (9_442, 7_969)  # 2015, 2021
PUBLIC = (128_900, 116_010)
MERGED_WARDS = ("00004", "00070")  # Ba Đình, Hoàn Kiếm
# Relative weights of the civil-servant and public-employee posts; other units weigh 1 / 0.5.
CIVIL_WEIGHTS: dict[str, float] = {
    "01-VP": 9, "01-SNV": 8, "01-STP": 5, "01-STC": 10, "01-SCT": 7, "01-SXD": 12,
    "01-SNNMT": 14, "01-SGDDT": 6, "01-SYT": 6, "01-SVHTT": 6, "01-SDL": 3, "01-SKHCN": 5,
    "01-SQHKT": 4, "01-SDTTG": 3, "01-TTTP": 5, "01-BQLKCN": 3,
}  # fmt: skip
PUBLIC_WEIGHTS: dict[str, float] = {
    "01-SGDDT": 60, "01-SYT": 22, "01-SYT-BVTT": 5, "01-SGDDT-TTGDTX": 1, "01-SVHTT": 3,
    "01-SNNMT": 3, "01-SXD": 2, "01-VP-TTPVHCC": 0.3, "01-SKHCN-TTCĐS": 0.3,
}  # fmt: skip
OLD_WARD_WEIGHT = 0.25  # about 22 commune civil servants each
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Figures = dict[str, int]  # unit code in the file → posts


def allot(total: int, weights: dict[str, float]) -> Figures:
    """`total` shared in proportion to `weights`, whole numbers summing exactly to `total`
    (largest remainder)."""
    whole = sum(weights.values())
    exact = {key: total * weight / whole for key, weight in weights.items()}
    shares = {key: int(value) for key, value in exact.items()}
    left = total - sum(shares.values())
    for key in sorted(exact, key=lambda k: (shares[k] - exact[k], k))[:left]:
        shares[key] += 1
    return shares


def _units() -> tuple[list[OrgUnit], list[OrgUnit], dict[str, list[OrgUnit]]]:
    """The city's current departments, its public service units, and per merged ward the old
    wards whose figures go to it (those whose first successor it is)."""
    city = OrgUnit.objects.get(code="01", legacy=False)
    below = OrgUnit.objects.current().filter(path__startswith=city.path, legacy=False)
    departments = list(below.filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("code"))
    services = list(below.filter(kind=OrgUnit.Kind.PUBLIC_SERVICE).order_by("code"))
    old_wards: dict[str, list[OrgUnit]] = {}
    for ward in below.filter(code__in=MERGED_WARDS).order_by("code"):
        for old in ward.predecessors.filter(valid_to__isnull=False).order_by("code"):
            first = old.successors.order_by("path").first()
            if first is not None and first.pk == ward.pk:
                old_wards.setdefault(ward.code, []).append(old)
    return departments, services, old_wards


def _reported(
    totals: tuple[int, int],
    weights: dict[str, float],
    rng: random.Random,
    *,
    low: float,
    high: float,
) -> tuple[Figures, Figures]:
    """The baseline and 2021 posts per unit: the baseline by weight; 2021 by the baseline
    times a cut drawn between `low` and `high`, then allotted to hit the city's total."""
    base = allot(totals[0], weights)
    kept = {code: base[code] * rng.uniform(low, high) for code in sorted(base)}
    return base, allot(totals[1], kept)


def _series(base: int, reported: int) -> dict[int, int]:
    """2015–2026: straight from the baseline to 2021, then 1% fewer a year."""
    years = {}
    for year in range(BASE, LAST + 1):
        if year <= REPORTED:
            years[year] = round(base + (reported - base) * (year - BASE) / (REPORTED - BASE))
        else:
            years[year] = round(reported * (1 - 0.01 * (year - REPORTED)))
    return years


def headcount_rows() -> list[list[object]]:
    """The import rows (unit code, year, the four figures, name) of the whole demo."""
    rng = random.Random(2015)  # noqa: S311 - a deterministic demo, not cryptography
    departments, services, old_wards = _units()
    names = {unit_code(u): u.name for u in [*departments, *services]}
    civil_weights: dict[str, float] = {
        unit_code(u): CIVIL_WEIGHTS.get(u.code, 1) for u in departments
    }
    for olds in old_wards.values():
        for old in olds:
            civil_weights[unit_code(old)] = OLD_WARD_WEIGHT
            names[unit_code(old)] = old.name
    public_weights = {
        unit_code(u): PUBLIC_WEIGHTS.get(u.code, 0.5) for u in [*departments, *services]
    }
    civil = _reported(CIVIL, civil_weights, rng, low=0.78, high=0.96)
    public = _reported(PUBLIC, public_weights, rng, low=0.86, high=0.95)
    old_codes = {unit_code(o) for olds in old_wards.values() for o in olds}
    rows: list[list[object]] = []
    for code in sorted(names):
        civil_years = _series(civil[0].get(code, 0), civil[1].get(code, 0))
        public_years = _series(public[0].get(code, 0), public[1].get(code, 0))
        last = 2024 if code in old_codes else LAST  # the old wards ended on 01/07/2025
        for year in range(BASE, last + 1):
            rows.append(_row(code, year, civil_years[year], public_years[year], names[code], rng))
    for ward_code, olds in sorted(old_wards.items()):
        ward = OrgUnit.objects.get(code=ward_code, legacy=False)
        carried = sum(_series(civil[0][unit_code(o)], civil[1][unit_code(o)])[2024] for o in olds)
        for year, share in ((2025, 0.98), (2026, 0.97)):
            rows.append(_row(ward_code, year, round(carried * share), 0, ward.name, rng))
    return rows


def _row(
    code: str, year: int, civil: int, public: int, name: str, rng: random.Random
) -> list[object]:
    """One row; the staff in post a few percent under the posts assigned."""
    return [
        code,
        year,
        civil,
        round(civil * rng.uniform(0.93, 0.99)),
        public,
        round(public * rng.uniform(0.92, 0.99)),
        name,
    ]


def workbook(rows: Sequence[list[object]]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append([column.header for column in COLUMNS])
    for row in rows:
        sheet.append(row)
    content = io.BytesIO()
    book.save(content)
    return SimpleUploadedFile(
        "bien-che-ha-noi-2015-2026.xlsx", content.getvalue(), content_type=XLSX
    )


def seed_staffing(admin: User) -> None:
    """Import the demo's headcount as the city administrator (all or nothing)."""
    result = import_headcount(actor=admin, upload=workbook(headcount_rows()))
    if not result.ok:  # pragma: no cover - the demo's own rows are valid
        raise RuntimeError(f"demo headcount refused: {result.errors[:5]}")
