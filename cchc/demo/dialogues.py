"""Demo dialogue conferences, built through the dialogues actions: Ba Đình ward's conference
with citizens and businesses in two weeks, announced on the public page, with petitions sent
through the public form (one repeats another and is flagged, then merged); staff screen and
route them; one is answered in writing with a commitment whose task Ba Đình has completed, one
with a commitment still under way, one without; the answers are published, so the public
journey pages show every step. A city-level conference next month has one petition received.
"""

import datetime

from django.utils import timezone

from cchc.accounts.models import User
from cchc.dialogues.actions import (
    CommitmentSpec,
    announce_conference,
    answer_petition,
    merge_petition,
    publish_answers,
    route_petition,
    screen_petition,
    submit_petition,
)
from cchc.dialogues.models import Audience, Conference, Field, IssueGroup, Petition
from cchc.orgunits.models import OrgUnit
from cchc.plans.actions import accept_report, submit_report
from cchc.plans.models import ContentArea

SATURDAY = 5  # date.weekday(): Saturday and Sunday are not working days
PETITIONS = [
    # (submitter type, name, title, content, field, issue group)
    (
        "citizen",
        "Nguyễn Văn Hùng",
        "Đèn chiếu sáng ngõ 12 phố Đội Cấn hỏng",
        "Đèn chiếu sáng ngõ 12 phố Đội Cấn hỏng đã ba tuần, buổi tối rất nguy hiểm.",
        "XH",
        "XH-MT",
    ),
    (
        "business",
        "Công ty TNHH Thương mại An Phát",
        "Thời gian giải quyết hồ sơ đăng ký kinh doanh hộ cá thể",
        "Hồ sơ đăng ký hộ kinh doanh nộp trực tuyến phải chờ 7 ngày, quá thời hạn quy định.",
        "TTHC",
        "TTHC-HS",
    ),
    (
        "citizen",
        "Trần Thị Mai",
        "Thái độ tiếp dân tại bộ phận một cửa",
        "Đề nghị chấn chỉnh thái độ của cán bộ tiếp nhận hồ sơ buổi chiều.",
        "TTHC",
        "TTHC-TD",
    ),
]


def seed_dialogues(admin: User, focal_point: User) -> None:
    """The demo conferences and petitions (see the module docstring); `focal_point` is Ba
    Đình's, who screens, routes, answers and reports; `admin` accepts the completion."""
    badinh = OrgUnit.objects.get(code="00004", legacy=False)
    conference = announce_conference(
        actor=focal_point,
        title="Hội nghị đối thoại của Chủ tịch UBND phường Ba Đình với Nhân dân và doanh nghiệp",
        level=Conference.Level.WARD,
        host_unit=badinh,
        starts_at=_office_hours(14, datetime.time(8)),
        audiences=[Audience.CITIZENS, Audience.BUSINESSES],
        chair_name="Chủ tịch UBND phường Ba Đình",
        place="Hội trường UBND phường Ba Đình, 25 Liễu Giai",
        description="Đối thoại về cải cách hành chính và chất lượng phục vụ của phường.",
    )
    petitions = [_submit(conference, *row) for row in PETITIONS]
    repeat = submit_petition(
        conference,
        title="Đèn ngõ 12 Đội Cấn",
        content=PETITIONS[0][3],  # the same content: flagged as a repeat
        submitter_type="citizen",
    )
    merge_petition(repeat, actor=focal_point, into=petitions[0])
    _handle(petitions, focal_point, badinh, admin)
    city = announce_conference(
        actor=admin,
        title="Hội nghị đối thoại giữa Chủ tịch UBND Thành phố với doanh nghiệp năm 2026",
        level=Conference.Level.CITY,
        host_unit=OrgUnit.objects.get(code="01-VP"),
        starts_at=_office_hours(35, datetime.time(14)),
        audiences=[Audience.BUSINESSES],
        chair_name="Chủ tịch UBND Thành phố",
        place="Trung tâm Hội nghị Quốc gia",
    )
    submit_petition(
        city,
        title="Thủ tục hoàn thuế giá trị gia tăng kéo dài",
        content="Hồ sơ hoàn thuế GTGT của doanh nghiệp xuất khẩu chờ hơn 40 ngày.",
        submitter_type="business",
        submitter_name="Công ty CP Dệt may Thăng Long",
    )


def _office_hours(days: int, at: datetime.time) -> datetime.datetime:
    """`at` (office hours, 08:00–11:30 or 13:30–17:00) on the first working day `days` from
    today: a conference is not announced for a Sunday or for the hour the demo was seeded."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    while day.weekday() >= SATURDAY:
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, at))


def _submit(
    conference: Conference,
    submitter_type: str,
    name: str,
    title: str,
    content: str,
    field: str,
    issue_group: str,
) -> Petition:
    return submit_petition(
        conference,
        title=title,
        content=content,
        submitter_type=submitter_type,
        submitter_name=name,
        field=Field.objects.get(code=field),
    )


def _handle(petitions: list[Petition], focal_point: User, unit: OrgUnit, admin: User) -> None:
    today = timezone.localdate()
    area = ContentArea.objects.get(code="TCC")
    for petition, row in zip(petitions, PETITIONS, strict=True):
        screen_petition(
            petition,
            actor=focal_point,
            field=Field.objects.get(code=row[4]),
            issue_group=IssueGroup.objects.get(code=row[5]),
        )
        route_petition(
            petition, actor=focal_point, unit=unit, deadline=today + datetime.timedelta(days=10)
        )
    lights, dossiers, conduct = petitions
    answer_petition(
        lights,
        actor=focal_point,
        text="UBND phường giao Tổ dân phố và đơn vị chiếu sáng thay đèn trong tuần.",
        given_at="writing",
        answered_on=today,
        document_number="245/UBND-VP",
        commitment=CommitmentSpec(
            title="Thay đèn chiếu sáng ngõ 12 phố Đội Cấn",
            deadline=today + datetime.timedelta(days=7),
            area=area,
            responsible=focal_point,
            expected_output="Biên bản nghiệm thu",
        ),
    )
    answer_petition(
        dossiers,
        actor=focal_point,
        text="Phường rà soát quy trình nội bộ, rút ngắn thời gian xử lý còn 3 ngày làm việc.",
        given_at="writing",
        answered_on=today,
        commitment=CommitmentSpec(
            title="Rút ngắn thời gian giải quyết hồ sơ đăng ký hộ kinh doanh",
            deadline=today + datetime.timedelta(days=45),
            area=area,
            responsible=focal_point,
        ),
    )
    answer_petition(
        conduct,
        actor=focal_point,
        text="Phường đã nhắc nhở cán bộ liên quan và sẽ bố trí thêm người vào buổi chiều.",
        given_at="writing",
        answered_on=today,
    )
    publish_answers([lights, dossiers, conduct], actor=focal_point)
    task = lights.commitments.get().task
    report = submit_report(
        task,
        actor=focal_point,
        percent=100,
        narrative="Đã thay 6 bóng đèn LED trong ngõ 12.",
        is_completion=True,
        output="Biên bản nghiệm thu",
    )
    accept_report(report, actor=admin)
