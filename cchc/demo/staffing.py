"""Hà Nội's headcount, 2015–2026, imported through the staffing import like a real file, so it
obeys the real rules. It reproduces what the city reported (docs/domain/reform-programme.md):
for 2021 against 2015, 1,473 fewer civil-servant posts (9,442 → 7,969, 15.60%) and 12,890
fewer public-employee posts (128,900 → 116,010, 10.00%).

The posts are spread over the city's departments and public service units by fixed weights,
with each unit's own 2021 cut drawn around the city's (a few units stay below the 10% target),
and the two totals are allotted by largest remainder, so they come out exact whatever units
exist. The pre-2025 wards that became Ba Đình and Hoàn Kiếm carry their commune civil-servant
posts from 2015 to 2024; from 2025 every new ward that received a part of them reports its own,
so the roll-up carries the old wards' history across the merger by their shares. The first old
ward split among several new wards gets confirmed shares (60% to its first successor, the rest
shared equally); the others keep the equal default, which the summary asks to confirm.

From 2021 the public-employee posts carry the budget-paid / self-financed split (Conclusion
40-KL/TW measures 2022–2026 on the budget-paid posts against 2021): the budget-paid part of
each unit shrinks faster than its posts as units move to self-financing.
"""

import io
import random
from collections.abc import Sequence
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from cchc.accounts.models import User
from cchc.orgunits.models import OrgUnit
from cchc.staffing.actions import set_successor_shares
from cchc.staffing.imports import COLUMNS, import_headcount, unit_code
from cchc.staffing.queries import shares_of

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


def _units() -> tuple[list[OrgUnit], list[OrgUnit], list[OrgUnit]]:
    """The city's current departments, its public service units, and the old wards that went
    (wholly or in part) to the merged wards."""
    city = OrgUnit.objects.get(code="01", legacy=False)
    below = OrgUnit.objects.current().filter(path__startswith=city.path, legacy=False)
    departments = list(below.filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("code"))
    services = list(below.filter(kind=OrgUnit.Kind.PUBLIC_SERVICE).order_by("code"))
    old_wards = list(
        OrgUnit.objects.filter(
            valid_to__isnull=False, successors__code__in=MERGED_WARDS, successors__legacy=False
        )
        .distinct()
        .order_by("code")
    )
    return departments, services, old_wards


def confirm_a_split(admin: User, old_wards: list[OrgUnit]) -> None:
    """Confirm the shares of the first old ward split among several new wards: 60% to its
    first successor, the rest equally among the others."""
    for old in old_wards:
        successors = list(old.successors.order_by("path"))
        if len(successors) < 2:
            continue
        rest = (Decimal(40) / (len(successors) - 1)).quantize(Decimal("0.01"))
        shares = {unit.pk: rest for unit in successors[1:]}
        shares[successors[0].pk] = Decimal(100) - rest * (len(successors) - 1)
        set_successor_shares(old, actor=admin, shares=shares)
        return


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
    for old in old_wards:
        civil_weights[unit_code(old)] = OLD_WARD_WEIGHT
        names[unit_code(old)] = old.name
    public_weights = {
        unit_code(u): PUBLIC_WEIGHTS.get(u.code, 0.5) for u in [*departments, *services]
    }
    civil = _reported(CIVIL, civil_weights, rng, low=0.78, high=0.96)
    public = _reported(PUBLIC, public_weights, rng, low=0.86, high=0.95)
    old_codes = {unit_code(o) for o in old_wards}
    rows: list[list[object]] = []
    for code in sorted(names):
        civil_years = _series(civil[0].get(code, 0), civil[1].get(code, 0))
        public_years = _series(public[0].get(code, 0), public[1].get(code, 0))
        last = 2024 if code in old_codes else LAST  # the old wards ended on 01/07/2025
        budget_share = rng.uniform(0.82, 0.95)
        for year in range(BASE, last + 1):
            row = _row(code, year, civil_years[year], public_years[year], names[code], rng)
            if year >= REPORTED:  # the split is reported from 2021 on
                paid = budget_share - 0.025 * (year - REPORTED)
                row[-2] = round(public_years[year] * paid)
            rows.append(row)
    rows.extend(_new_ward_rows(old_wards, civil, rng))
    return rows


def _new_ward_rows(
    old_wards: list[OrgUnit], civil: tuple[Figures, Figures], rng: random.Random
) -> list[list[object]]:
    """2025 and 2026 rows of every new ward that received a part of an old ward: its shares
    of the old wards' 2024 posts, 2% and 3% fewer."""
    carried: dict[int, float] = {}
    successors: dict[int, OrgUnit] = {}
    for shares in shares_of(old_wards).values():
        for share in shares:
            code = unit_code(share.predecessor)
            before = _series(civil[0][code], civil[1][code])[2024]
            carried[share.successor.pk] = (
                carried.get(share.successor.pk, 0) + before * float(share.share) / 100
            )
            successors[share.successor.pk] = share.successor
    rows = []
    for pk, posts in sorted(carried.items(), key=lambda item: successors[item[0]].path):
        ward = successors[pk]
        for year, kept in ((2025, 0.98), (2026, 0.97)):
            rows.append(_row(unit_code(ward), year, round(posts * kept), 0, ward.name, rng))
    return rows


def _row(
    code: str, year: int, civil: int, public: int, name: str, rng: random.Random
) -> list[object]:
    """One row; the staff in post a few percent under the posts assigned; the budget-paid
    posts (the column before the name) left empty."""
    return [
        code,
        year,
        civil,
        round(civil * rng.uniform(0.93, 0.99)),
        public,
        round(public * rng.uniform(0.92, 0.99)),
        None,
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
    """Confirm one split's shares, then import the demo's headcount as the city
    administrator (all or nothing)."""
    confirm_a_split(admin, _units()[2])
    result = import_headcount(actor=admin, upload=workbook(headcount_rows()))
    if not result.ok:  # pragma: no cover - the demo's own rows are valid
        raise RuntimeError(f"demo headcount refused: {result.errors[:5]}")
