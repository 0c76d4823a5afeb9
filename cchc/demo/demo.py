"""Hà Nội demo data, built through the actions so that it obeys the real rules.

The departments and public service units are a realistic list for illustration
(`data/hanoi-chart.csv`), entered through the organisation chart import as an operator would
and marked `is_demo`; the wards and communes come from the vietnam-provinces package.
"""

import datetime
from pathlib import Path

from django.db import transaction

from cchc.accounts.actions import create_user, grant_membership
from cchc.accounts.models import Membership, User
from cchc.core import audit
from cchc.demo import removal
from cchc.demo.dialogues import seed_dialogues
from cchc.demo.indices import demo_wards, focal_point, seed_indices
from cchc.demo.inspections import seed_inspections
from cchc.demo.plans import seed_plans
from cchc.demo.procedures import seed_procedures
from cchc.demo.ratings import seed_ratings
from cchc.demo.reports import seed_reports
from cchc.demo.services import seed_services
from cchc.demo.staffing import seed_staffing
from cchc.demo.surveys import seed_surveys
from cchc.orgunits.imports import import_chart, read_csv
from cchc.orgunits.models import OrgUnit

DEMO_PASSWORD = "cchc-demo-2026"  # noqa: S105 - published on purpose: demo accounts only

# The chart: code, name, kind, parent_code, valid_from, short_name; codes are local.
CHART_FILE = Path(__file__).parent / "data" / "hanoi-chart.csv"
# Heads hold their position from the start of the year (accounts.HeadTerm), so the closed
# months rate them.
HEADS_FROM = datetime.date(2026, 1, 1)
# (username, full name, unit code, role)
USERS = [
    ("admin", "Nguyễn Thị Quản Trị", "01-SNV", Membership.Role.CITY_ADMIN),
    ("chutich", "Đinh Tiến Trưởng", "01", Membership.Role.HEAD),
    ("snv.chuyenvien", "Trần Văn Chuyên", "01-SNV", Membership.Role.FOCAL_POINT),
    ("snv.giamdoc", "Lê Minh Giám", "01-SNV", Membership.Role.HEAD),
    ("thanhtra", "Phạm Quốc Thanh", "01-TTTP", Membership.Role.INSPECTOR),
    ("badinh.canbo", "Hoàng Thu Hà", "00004", Membership.Role.FOCAL_POINT),
    ("badinh.chutich", "Vũ Đức Bình", "00004", Membership.Role.HEAD),
    ("hoankiem.canbo", "Đỗ Thanh Kiếm", "00070", Membership.Role.FOCAL_POINT),
    ("xem", "Ngô Thị Xem", "01", Membership.Role.VIEWER),
]
DEMO_ACCOUNTS = [
    ("admin", "city administrator (Department of Home Affairs) — sees everything"),
    ("chutich", "head of the city (People's Committee) — approves ratings of units and heads"),
    ("snv.chuyenvien", "focal point, Department of Home Affairs"),
    ("snv.giamdoc", "head, Department of Home Affairs"),
    ("thanhtra", "inspector, City Inspectorate"),
    ("badinh.canbo", "focal point, Ba Đình ward"),
    ("badinh.chutich", "head, Ba Đình ward"),
    ("hoankiem.canbo", "focal point, Hoàn Kiếm ward"),
    ("xem", "viewer, whole city"),
]


def demo_exists() -> bool:
    return OrgUnit.objects.filter(is_demo=True).exists()


def seed_chart() -> None:
    """The demo's departments and public service units, through the chart import."""
    with CHART_FILE.open("rb") as handle:
        rows = read_csv(handle, name=CHART_FILE.name)
    result = import_chart(rows, actor=None, file_name=CHART_FILE.name, is_demo=True)
    if not result.ok:
        raise RuntimeError(f"The demo chart is wrong: {result.errors}")


@transaction.atomic
def seed_demo() -> None:
    """Create Hà Nội's demo departments, public service units, users and memberships, then the
    2026 reform plan with its reports and two closed months (cchc.demo.plans), and the other
    modules' records. Writes "demo.seed" with the primary keys it used per table, by which
    `manage.py remove_demo` recognises the demo's rows (cchc.demo.removal)."""
    before = removal.watermarks()
    seed_chart()
    units = {u.code: u for u in OrgUnit.objects.filter(is_demo=True)}
    admin: User | None = None
    for username, full_name, unit_code, role in USERS:
        unit = units.get(unit_code) or OrgUnit.objects.get(code=unit_code, legacy=False)
        user = create_user(
            actor=admin,
            username=username,
            password=DEMO_PASSWORD,
            full_name=full_name,
            email=f"{username}@demo.cchc.invalid",
        )
        grant_membership(
            actor=admin or user, user=user, unit=unit, role=role, started_on=HEADS_FROM
        )
        admin = admin or user
    admin = User.objects.get(username=USERS[0][0])
    seed_plans(admin)
    seed_ratings(admin, User.objects.get(username="chutich"))
    seed_indices(admin, password=DEMO_PASSWORD)
    wards = demo_wards()
    seed_surveys(admin, wards, {ward.pk: focal_point(ward) for ward in wards})
    seed_inspections(User.objects.get(username="thanhtra"))
    seed_dialogues(admin, User.objects.get(username="badinh.canbo"))
    seed_staffing(admin)
    seed_procedures(admin)
    seed_services(User.objects.get(username="badinh.canbo"))
    seed_reports(admin)
    ranges = removal.seed_ranges(before, removal.watermarks())
    audit.record(None, removal.SEED_VERB, details={"ranges": ranges})
