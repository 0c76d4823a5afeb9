"""Hà Nội's reform-index framework for wards and communes, 2026, for the demo: the eight
contents of Decision 5666/QĐ-UBND (2025) and a bonus/penalty content, 70 appraisal + 30 survey
points. ILLUSTRATIVE: the official per-criterion maxima are not public
(docs/domain/par-index.md); the area maxima are the older province method's (10, 10, 14.5, 11,
16, 7, 16, 15.5) scaled to 70."""

import datetime
import io
import random
from decimal import ROUND_DOWN, Decimal

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cchc.accounts.actions import create_user, grant_membership
from cchc.accounts.models import Membership, User
from cchc.core.models import Notification
from cchc.indices.actions import (
    Node,
    attach_evidence,
    create_framework,
    finalise,
    import_survey_points,
    open_round,
    propose,
    publish_framework,
    publish_round,
    respond,
    score_criterion,
    send_appraisal,
    set_council,
    submit_assessment,
)
from cchc.indices.actions.survey import COLUMNS
from cchc.indices.models import Assessment, AssessmentRound, Criterion, Framework, TargetGroup
from cchc.indices.queries import appraised_leaves, scored_by_units
from cchc.orgunits.models import OrgUnit

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


WARDS = 12  # the demo's rounds: the first twelve wards by code (Ba Đình and Hoàn Kiếm among them)
OWN_USERS = {"00004": "badinh.canbo", "00070": "hoankiem.canbo"}
STEP = D("0.25")
LAST_YEAR = datetime.date(2025, 12, 10)  # the days the 2025 round's steps happened
FINALISED_LAST_YEAR = LAST_YEAR + datetime.timedelta(days=6)
SENT_BEFORE_FINAL = datetime.timedelta(days=10)  # 2026: longer than the response window
PLAN_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"  # a stand-in for the plan


def seed_indices(admin: User, *, password: str) -> None:
    """The published 2026 framework for wards and communes and its 2025 twin; the 2025 round of
    twelve wards appraised by a three-member council and published (with survey points); the
    2026 round under way: wards scoring, submitted, appraised, one response, two finalised."""
    framework = create_framework(
        actor=admin,
        year=2026,
        group=TargetGroup.WARDS,
        title="Bộ Chỉ số cải cách hành chính cấp xã năm 2026 (minh họa)",
        nodes=demo_nodes(),
        is_illustrative=True,
        notes=__doc__ or "",
    )
    framework = publish_framework(framework, actor=admin)
    last_year = create_framework(
        actor=admin,
        year=2025,
        group=TargetGroup.WARDS,
        title="Bộ Chỉ số cải cách hành chính cấp xã năm 2025 (minh họa)",
        nodes=demo_nodes(),
        is_illustrative=True,
        notes=__doc__ or "",
    )
    last_year = publish_framework(last_year, actor=admin)
    wards = demo_wards()
    scorers = {ward.pk: _scorer(ward, admin, password) for ward in wards}
    council = [
        User.objects.get(username=name) for name in ("snv.giamdoc", "snv.chuyenvien", "thanhtra")
    ]
    rng = random.Random(766)  # noqa: S311 - a deterministic demo, not cryptography
    _seed_2025(last_year, admin, wards, scorers, council, rng)
    _seed_2026(framework, admin, wards, scorers, council, rng)


def demo_wards() -> list[OrgUnit]:
    """The twelve wards of the demo's index rounds and survey."""
    city = OrgUnit.objects.get(code="01", legacy=False)
    lower = OrgUnit.objects.current().filter(
        kind__in=OrgUnit.LOWER_KINDS, legacy=False, path__startswith=city.path
    )
    chosen = list(lower.filter(code__in=OWN_USERS))
    chosen += list(lower.exclude(code__in=OWN_USERS).order_by("code")[: WARDS - len(chosen)])
    return sorted(chosen, key=lambda unit: unit.code)


def focal_point(ward: OrgUnit) -> User:
    """The ward's focal point (created by seed_indices for the wards without a demo account)."""
    return User.objects.get(username=OWN_USERS.get(ward.code, f"cb{ward.code}"))


def _scorer(ward: OrgUnit, admin: User, password: str) -> User:
    """The ward's focal point: a demo account for Ba Đình and Hoàn Kiếm, else one created."""
    if ward.code in OWN_USERS:
        return User.objects.get(username=OWN_USERS[ward.code])
    user = create_user(
        actor=admin,
        username=f"cb{ward.code}",
        password=password,
        full_name=f"Cán bộ đầu mối {ward.name}",
        email=f"cb{ward.code}@demo.cchc.invalid",
    )
    grant_membership(actor=admin, user=user, unit=ward, role=Membership.Role.FOCAL_POINT)
    return user


def _points(criterion: Criterion, rng: random.Random, low: int) -> Decimal:
    """A self-score between `low` and 100 percent of the maximum (bonus/penalty: -1 to +2)."""
    if criterion.is_bonus_penalty:
        return STEP * rng.randint(-4, 8)
    share = D(rng.randint(low, 100)) / 100
    return (criterion.max_points * share / STEP).quantize(D(1), rounding=ROUND_DOWN) * STEP


def _self_assess(
    assessment: Assessment, scorer: User, rng: random.Random, *, upto: int | None = None
) -> None:
    """Score the first `upto` leaves (all by default), each with an explanation; the first
    leaf also gets the unit's plan as an evidence document."""
    leaves = scored_by_units(assessment.round.framework)[:upto]
    low = rng.choice([45, 60, 75, 85, 92, 96])  # how well the ward did this year
    for number, criterion in enumerate(leaves):
        score = score_criterion(
            assessment,
            criterion,
            actor=scorer,
            points=_points(criterion, rng, low),
            explanation=f"Theo báo cáo kết quả năm của đơn vị: {criterion.title}.",
        )
        if number == 0:
            name = f"ke-hoach-cchc-{assessment.round.framework.year}.pdf"
            attach_evidence(score, actor=scorer, upload=SimpleUploadedFile(name, PLAN_PDF))


def _appraise(
    assessment: Assessment, council: list[User], rng: random.Random, *, upto: int | None = None
) -> None:
    """The chair and one member agree on every leaf: mostly the self-score, sometimes less
    with a reason; the third member proposes a point more on some leaves."""
    own = dict(assessment.scores.values_list("criterion_id", "points"))
    chair, member, third = council
    for criterion in appraised_leaves(assessment.round.framework)[:upto]:
        points = own[criterion.pk]
        reason = ""
        if rng.random() < 0.2 and points - 2 * STEP >= criterion.min_points:
            points -= 2 * STEP
            reason = "Tài liệu kiểm chứng chưa đầy đủ so với hướng dẫn chấm điểm."
        for who in (chair, member):
            propose(assessment, criterion, actor=who, points=points, reason=reason)
        if rng.random() < 0.1 and points + STEP <= criterion.max_points:
            propose(
                assessment,
                criterion,
                actor=third,
                points=points + STEP,
                reason="Đơn vị đã bổ sung kết quả sau thời điểm báo cáo.",
            )


def _seed_2025(
    framework: Framework,
    admin: User,
    wards: list[OrgUnit],
    scorers: dict[int, User],
    council: list[User],
    rng: random.Random,
) -> None:
    """Every step of last year's round, published with the survey team's points."""
    opened = datetime.date(2025, 11, 3)
    rating_round = open_round(
        framework,
        actor=admin,
        title="Đánh giá Chỉ số CCHC cấp xã năm 2025",
        deadline=datetime.date(2025, 11, 28),
        units=wards,
        today=opened,
    )
    set_council(rating_round, actor=admin, members=council, chair=council[0])
    for assessment in _assessments(rating_round):
        scorer = scorers[assessment.unit_id]
        _self_assess(assessment, scorer, rng)
        submit_assessment(assessment, actor=scorer, today=opened)
        _appraise(assessment, council, rng)
        send_appraisal(assessment, actor=council[0], today=LAST_YEAR)
        if assessment.unit.code in OWN_USERS:
            respond(
                assessment,
                actor=scorer,
                text="Đơn vị xin bổ sung kế hoạch kiểm tra và báo cáo kết quả số hóa hồ sơ.",
                today=LAST_YEAR,
            )
        finalise(assessment, actor=council[0], today=FINALISED_LAST_YEAR)
    _import_survey(framework, admin, wards, rng)
    publish_round(rating_round, actor=admin)
    _read_last_year(rating_round)


def _read_last_year(rating_round: AssessmentRound) -> None:
    """The 2025 round's notifications were sent, e-mailed and read in December 2025. The
    actions date a step by `today` but stamp its notifications with the clock: without this,
    the wards would find unread today a notice that they "may respond until 15/12/2025"."""
    assessments = list(rating_round.assessments.values_list("pk", flat=True))
    for step, day in (("sent", LAST_YEAR), ("response", LAST_YEAR), ("final", FINALISED_LAST_YEAR)):
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
        Notification.objects.filter(key__in=[f"index:{pk}:{step}" for pk in assessments]).update(
            created_at=moment, emailed_at=moment, read_at=moment
        )


def _seed_2026(
    framework: Framework,
    admin: User,
    wards: list[OrgUnit],
    scorers: dict[int, User],
    council: list[User],
    rng: random.Random,
) -> None:
    """This year's round under way: two wards finalised, two appraised (one responded), two
    submitted, the rest still scoring — Ba Đình halfway, ready for its focal point."""
    rating_round = open_round(
        framework,
        actor=admin,
        title="Đánh giá Chỉ số CCHC cấp xã năm 2026",
        deadline=datetime.date(2026, 12, 15),
        units=wards,
    )
    set_council(rating_round, actor=admin, members=council, chair=council[0])
    others = [a for a in _assessments(rating_round) if a.unit.code not in OWN_USERS]
    finalised, appraised, submitted = others[:2], others[2:4], others[4:6]
    for assessment in finalised + appraised + submitted:
        scorer = scorers[assessment.unit_id]
        _self_assess(assessment, scorer, rng)
        submit_assessment(assessment, actor=scorer)
    today = timezone.localdate()
    for assessment in finalised + appraised:
        _appraise(assessment, council, rng)
    # Finalised today after the response window ended; the others may still respond.
    for assessment in finalised:
        send_appraisal(assessment, actor=council[0], today=today - SENT_BEFORE_FINAL)
    for assessment in appraised:
        send_appraisal(assessment, actor=council[0])
    respond(
        appraised[0],
        actor=scorers[appraised[0].unit_id],
        text="Đơn vị đề nghị Hội đồng xem xét lại tiêu chí 3.2: đã có báo cáo số 45/BC-UBND.",
    )
    for assessment in finalised:
        finalise(assessment, actor=council[0], today=today)
    for assessment in others[6:]:
        _self_assess(assessment, scorers[assessment.unit_id], rng, upto=8)
    ba_dinh = rating_round.assessments.get(unit__code="00004")
    _self_assess(ba_dinh, scorers[ba_dinh.unit_id], rng, upto=10)


def _assessments(rating_round: AssessmentRound) -> list[Assessment]:
    return list(rating_round.assessments.select_related("unit").order_by("unit__code"))


def _import_survey(
    framework: Framework, admin: User, wards: list[OrgUnit], rng: random.Random
) -> None:
    """Last year's survey points, imported from the survey team's workbook."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([column.header for column in COLUMNS])
    for ward in wards:
        sheet.append([ward.code, float(D(rng.randint(1800, 2950)) / 100), ward.name])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("dieu-tra-xhh-2025.xlsx", buffer.getvalue())
    import_survey_points(upload, actor=admin, framework=framework)
