"""The policy periods (docs/domain/staffing-targets.md):

- 2015–2021, Resolution 39-NQ/TW (17/4/2015): at least 10% fewer posts against 2015, civil
  servants and public employees alike;
- 2022–2026, Conclusion 40-KL/TW (18/7/2022): at least 5% fewer cadre and civil-servant posts and
  at least 10% fewer public-employee posts paid from the state budget, against those assigned
  in 2021. The base being the 2021 figure, a cut beyond target before 2021 is already out of
  the base and does not carry (carries_excess False).
"""

from decimal import Decimal

from django.db import migrations

PERIODS = [
    {
        "first_year": 2015,
        "last_year": 2021,
        "baseline_year": 2015,
        "civil_target": Decimal("10.00"),
        "public_target": Decimal("10.00"),
        "public_budget_only": False,
        "carries_excess": False,
        "source": "Nghị quyết 39-NQ/TW ngày 17/4/2015",
    },
    {
        "first_year": 2022,
        "last_year": 2026,
        "baseline_year": 2021,
        "civil_target": Decimal("5.00"),
        "public_target": Decimal("10.00"),
        "public_budget_only": True,
        "carries_excess": False,
        "source": "Kết luận 40-KL/TW ngày 18/7/2022",
    },
]


def create(apps, schema_editor):
    StaffingPeriod = apps.get_model("staffing", "StaffingPeriod")
    for period in PERIODS:
        StaffingPeriod.objects.get_or_create(first_year=period["first_year"], defaults=period)


def remove(apps, schema_editor):
    StaffingPeriod = apps.get_model("staffing", "StaffingPeriod")
    StaffingPeriod.objects.filter(first_year__in=[p["first_year"] for p in PERIODS]).delete()


class Migration(migrations.Migration):
    dependencies = [("staffing", "0003_periods_budget_split_successor_shares")]
    operations = [migrations.RunPython(create, remove)]
