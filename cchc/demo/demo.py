"""Hà Nội demo data, built through the actions so that it obeys the real rules.

The departments and public service units below are a realistic list for illustration, marked
`is_demo`; the wards and communes come from the vietnam-provinces package.
"""

import datetime

from django.db import transaction

from cchc.accounts.actions import create_user, grant_membership
from cchc.accounts.models import Membership, User
from cchc.demo.dialogues import seed_dialogues
from cchc.demo.indices import demo_wards, focal_point, seed_indices
from cchc.demo.inspections import seed_inspections
from cchc.demo.plans import seed_plans
from cchc.demo.procedures import seed_procedures
from cchc.demo.ratings import seed_ratings
from cchc.demo.staffing import seed_staffing
from cchc.demo.surveys import seed_surveys
from cchc.orgunits.actions import create_unit
from cchc.orgunits.models import OrgUnit

DEMO_PASSWORD = "cchc-demo-2026"  # noqa: S105 - published on purpose: demo accounts only

# (code, name, short name); codes are local to this installation.
DEPARTMENTS = [
    ("01-VP", "Văn phòng Ủy ban nhân dân Thành phố", "Văn phòng UBND TP"),
    ("01-SNV", "Sở Nội vụ", "Nội vụ"),
    ("01-STP", "Sở Tư pháp", "Tư pháp"),
    ("01-STC", "Sở Tài chính", "Tài chính"),
    ("01-SCT", "Sở Công Thương", "Công Thương"),
    ("01-SXD", "Sở Xây dựng", "Xây dựng"),
    ("01-SNNMT", "Sở Nông nghiệp và Môi trường", "Nông nghiệp và Môi trường"),
    ("01-SGDDT", "Sở Giáo dục và Đào tạo", "Giáo dục và Đào tạo"),
    ("01-SYT", "Sở Y tế", "Y tế"),
    ("01-SVHTT", "Sở Văn hóa và Thể thao", "Văn hóa và Thể thao"),
    ("01-SDL", "Sở Du lịch", "Du lịch"),
    ("01-SKHCN", "Sở Khoa học và Công nghệ", "Khoa học và Công nghệ"),
    ("01-SQHKT", "Sở Quy hoạch - Kiến trúc", "Quy hoạch - Kiến trúc"),
    ("01-SDTTG", "Sở Dân tộc và Tôn giáo", "Dân tộc và Tôn giáo"),
    ("01-TTTP", "Thanh tra Thành phố", "Thanh tra TP"),
    ("01-BQLKCN", "Ban Quản lý các khu công nghiệp và chế xuất Hà Nội", "BQL KCN-CX"),
]
# (code, parent code, name, short name)
PUBLIC_SERVICE_UNITS = [
    (
        "01-VP-TTPVHCC",
        "01-VP",
        "Trung tâm Phục vụ hành chính công Thành phố Hà Nội",
        "TT Phục vụ HCC",
    ),
    ("01-SKHCN-TTCĐS", "01-SKHCN", "Trung tâm Chuyển đổi số Thành phố", "TT Chuyển đổi số"),
    ("01-SYT-BVTT", "01-SYT", "Bệnh viện Đa khoa Xanh Pôn", "BV Xanh Pôn"),
    ("01-SGDDT-TTGDTX", "01-SGDDT", "Trung tâm Giáo dục thường xuyên Hà Nội", "TT GDTX"),
]
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


@transaction.atomic
def seed_demo() -> None:
    """Create Hà Nội's demo departments, public service units, users and memberships, then the
    2026 reform plan with its reports and two closed months (cchc.demo.plans)."""
    city = OrgUnit.objects.get(code="01", legacy=False)
    units = {"01": city}
    for code, name, short in DEPARTMENTS:
        units[code] = create_unit(
            actor=None,
            code=code,
            name=name,
            short_name=short,
            kind=OrgUnit.Kind.DEPARTMENT,
            parent=city,
            valid_from=city.valid_from,
            is_demo=True,
        )
    for code, parent, name, short in PUBLIC_SERVICE_UNITS:
        units[code] = create_unit(
            actor=None,
            code=code,
            name=name,
            short_name=short,
            kind=OrgUnit.Kind.PUBLIC_SERVICE,
            parent=units[parent],
            is_demo=True,
        )
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
