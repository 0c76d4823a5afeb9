"""The demo's service index (issue #21): a year of generated dossiers (December 2025 to
November 2026) for Hà Nội's wards and communes and the demo departments, generated set-wise with
numpy and written with bulk_create, then counted and scored through `services.actions.
refresh_months`; Ba Đình's on-time rate falls over the last three months, two other wards are
late all year, and Ba Đình's focal point has issued apology letters for some of its late
dossiers. Volumes are scaled down (about 30 dossiers per unit and month; the real city handles
some 800,000 a month) so that `seed_demo` stays quick."""

import datetime
from typing import Any

import numpy as np
from django.utils import timezone

from cchc.accounts.models import User
from cchc.orgunits.models import OrgUnit
from cchc.services.actions import issue_apology, refresh_months
from cchc.services.models import Channel, Dossier, DossierRating
from cchc.services.queries import late_dossiers, months_between

FIRST, LAST = datetime.date(2025, 12, 1), datetime.date(2026, 11, 1)
PER_UNIT_MONTH = 30
FALLING = "00004"  # Ba Đình: late more and more from September 2026
LATE_ALL_YEAR = 0.2


def _units() -> list[OrgUnit]:
    return list(
        OrgUnit.objects.filter(
            legacy=False,
            path__startswith="/01/",
            kind__in=[*OrgUnit.LOWER_KINDS, OrgUnit.Kind.DEPARTMENT],
        ).order_by("path")
    )


def seed_services(focal_point: User, *, seed: int = 766) -> dict[str, int]:
    """Generate and score the year; returns the numbers written."""
    rng = np.random.default_rng(seed)
    units = _units()
    tz = timezone.get_default_timezone()
    months = months_between(FIRST, LAST)
    late_units = {u.pk for u in units[1:3]}  # two wards visibly late all year
    falling = {u.pk for u in units if u.code == FALLING}
    dossiers: list[Dossier] = []
    n = 0
    for index, month in enumerate(months):
        start = datetime.datetime.combine(month, datetime.time(7), tzinfo=tz)
        for unit in units:
            size = int(rng.poisson(PER_UNIT_MONTH))
            late_share = 0.04
            if unit.pk in late_units:
                late_share = LATE_ALL_YEAR
            if unit.pk in falling and index >= len(months) - 3:
                late_share = 0.1 + 0.12 * (index - len(months) + 4)
            offsets = rng.integers(0, 27 * 24 * 60, size)
            terms = rng.integers(3, 16, size)
            late = rng.random(size) < late_share
            took = np.where(late, rng.uniform(1.1, 1.6, size), rng.uniform(0.2, 0.95, size))
            online = rng.random(size) < 0.65
            flags = rng.random((size, 4))
            rated = rng.random(size)
            for i in range(size):
                received = start + datetime.timedelta(minutes=int(offsets[i]))
                due = received + datetime.timedelta(days=int(terms[i]))
                finished = received + (due - received) * float(took[i])
                returned = finished if finished <= timezone.now() else None
                n += 1
                dossiers.append(
                    Dossier(
                        code=f"DEMO-{month:%Y%m}-{n:07d}",
                        procedure_code=f"1.{100000 + int(terms[i]) * 7:06d}",
                        unit=unit,
                        channel=Channel.ONLINE if online[i] else Channel.IN_PERSON,
                        received_at=received,
                        due_at=due,
                        returned_at=returned,
                        full_online=bool(online[i] and flags[i, 0] < 0.5),
                        paid_online=bool(online[i] and flags[i, 1] < 0.45),
                        e_result=bool(flags[i, 2] < 0.55),
                        digitised=bool(flags[i, 3] < 0.75),
                        rating=DossierRating.DISSATISFIED
                        if rated[i] < 0.02
                        else (DossierRating.SATISFIED if rated[i] < 0.5 else ""),
                    )
                )
    Dossier.objects.bulk_create(dossiers, batch_size=5000)
    refresh_months(months, actor=None, reason="demo")
    letters = _apologies(focal_point)
    return {"dossiers": len(dossiers), "units": len(units), "letters": letters}


def _apologies(focal_point: User) -> int:
    """Ba Đình's focal point apologises for the first five late dossiers of October 2026."""
    ward = OrgUnit.objects.get(code=FALLING, legacy=False)
    issued = 0
    for number, dossier in enumerate(late_dossiers(ward, datetime.date(2026, 10, 1))[:5], 1):
        due = timezone.localtime(dossier.due_at).date()
        issue_apology(
            dossier,
            actor=focal_point,
            number=f"{number:02d}/PXL-UBND",
            issued_on=due,
            new_due_on=due + datetime.timedelta(days=3),
            reason="Hồ sơ cần xác minh thêm với cơ quan liên quan.",
            signer="Vũ Đức Bình",
        )
        issued += 1
    return issued


def describe(result: dict[str, Any]) -> str:
    return (
        f"services: {result['dossiers']:,} dossiers of {result['units']} units, "
        f"{result['letters']} apology letters"
    )
