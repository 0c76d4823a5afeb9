"""Hà Nội's reform-index framework for wards and communes, 2026, for the demo: the eight
contents of Decision 5666/QĐ-UBND (2025) and a bonus/penalty content, 70 appraisal + 30 survey
points. ILLUSTRATIVE: the official per-criterion maxima are not public (DOMAIN.md §3); the
area maxima are the older province method's (10, 10, 14.5, 11, 16, 7, 16, 15.5) scaled to 70."""

from decimal import Decimal

from cchc.accounts.models import User
from cchc.indices.actions import Node, create_framework, publish_framework
from cchc.indices.models import Criterion, TargetGroup

D = Decimal
COMPUTED = Criterion.Method.COMPUTED
SURVEY = Criterion.Method.SURVEY
# (code, title, maximum, [(sub-criterion, maximum, method)])
AREAS = [
    (
        "1",
        "Công tác chỉ đạo, điều hành cải cách hành chính",
        "7",
        [
            ("Ban hành và thực hiện kế hoạch CCHC năm", "2.5", ""),
            ("Kiểm tra, tự kiểm tra công tác CCHC", "2", ""),
            ("Tỷ lệ nhiệm vụ CCHC hoàn thành đúng hạn", "2.5", COMPUTED),
        ],
    ),
    (
        "2",
        "Cải cách thể chế",
        "7",
        [
            ("Rà soát, hệ thống hóa văn bản", "3.5", ""),
            ("Tổ chức thi hành văn bản quy phạm pháp luật", "3.5", ""),
        ],
    ),
    (
        "3",
        "Cải cách thủ tục hành chính, thực hiện cơ chế một cửa, một cửa liên thông",
        "10.15",
        [
            ("Công khai thủ tục hành chính", "3", ""),
            ("Tỷ lệ hồ sơ giải quyết đúng hạn", "4.15", ""),
            ("Tiếp nhận, xử lý phản ánh, kiến nghị", "3", ""),
        ],
    ),
    (
        "4",
        "Cải cách tổ chức bộ máy hành chính nhà nước",
        "7.7",
        [
            ("Sắp xếp tổ chức bộ máy", "4", ""),
            ("Thực hiện quy định về biên chế", "3.7", ""),
        ],
    ),
    (
        "5",
        "Cải cách chế độ công vụ",
        "11.2",
        [
            ("Vị trí việc làm và cơ cấu ngạch", "4", ""),
            ("Đánh giá, xếp loại cán bộ, công chức", "4", ""),
            ("Kỷ luật, kỷ cương hành chính", "3.2", ""),
        ],
    ),
    (
        "6",
        "Cải cách tài chính công",
        "4.9",
        [
            ("Quản lý, sử dụng ngân sách", "2.45", ""),
            ("Thực hành tiết kiệm, chống lãng phí", "2.45", ""),
        ],
    ),
    (
        "7",
        "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
        "11.2",
        [
            ("Tỷ lệ hồ sơ trực tuyến toàn trình", "4", ""),
            ("Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "4", ""),
            ("Hệ thống quản lý văn bản điện tử", "3.2", ""),
        ],
    ),
    (
        "8",
        "Tác động của cải cách hành chính đến phát triển kinh tế - xã hội",
        "10.85",
        [
            ("Thu hút đầu tư, phát triển doanh nghiệp", "5", ""),
            ("Thực hiện chỉ tiêu phát triển kinh tế - xã hội", "5.85", ""),
        ],
    ),
]
SURVEY_ELEMENTS = [
    "Tiếp cận dịch vụ",
    "Thủ tục hành chính",
    "Công chức giải quyết công việc",
    "Kết quả giải quyết",
    "Tiếp nhận, xử lý góp ý, phản ánh",
]


def demo_nodes() -> list[Node]:
    """The tree: areas 1–8 with their sub-criteria, the survey (9) and bonus/penalty (10)."""
    nodes = []
    for code, title, maximum, subs in AREAS:
        nodes.append(Node(code, title, D(maximum)))
        for n, (sub, points, method) in enumerate(subs, start=1):
            nodes.append(
                Node(
                    f"{code}.{n}",
                    sub,
                    D(points),
                    code,
                    method=method or Criterion.Method.MANUAL,
                    evidence_required=method != COMPUTED,
                )
            )
    nodes.append(Node("9", "Sự hài lòng của người dân, tổ chức", D(30), method=SURVEY))
    nodes += [
        Node(f"9.{n}", element, D(6), "9", method=SURVEY)
        for n, element in enumerate(SURVEY_ELEMENTS, start=1)
    ]
    nodes.append(Node("10", "Điểm thưởng, điểm trừ", D(3), min_points=D(-3), is_bonus_penalty=True))
    return nodes


def seed_indices(admin: User) -> None:
    """The published 2026 framework for wards and communes."""
    framework = create_framework(
        actor=admin,
        year=2026,
        group=TargetGroup.WARDS,
        title="Bộ Chỉ số cải cách hành chính cấp xã năm 2026 (minh họa)",
        nodes=demo_nodes(),
        is_illustrative=True,
        notes=__doc__ or "",
    )
    publish_framework(framework, actor=admin)
