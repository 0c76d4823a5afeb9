"""The scorecard of a rating as a PDF (the printable form), typeset by typst from
`ratings/scorecard.typ`, and the year's classification (`ratings/year.typ`).

The documents follow the layout of Decree 30/2020 (core/decree30.typ): the scorecard is a form
(phiếu: the issuing body and the national motto at the top, no number, the assessor's and the
approver's signatures at the bottom); the year's classification a report of the Department
("Số: …/BC-SNV", signature and "Nơi nhận"; A4 landscape for its wide table). Vietnamese only: the
wording is
fixed Vietnamese text kept here rather than translatable strings, and its numbers are in the
Vietnamese format (1.754,50) whatever the reader's language. The data goes to typst as
`data.json` in a temporary directory removed afterwards (typst reads files only from its
project root); fonts are the vendored TTFs and system fonts are ignored, so the output is the
same on every server.
"""

import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import formats, timezone, translation

from cchc.core.officialdoc import OfficialDocument
from cchc.core.typeset import typeset_pdf
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.queries import (
    HOME_AFFAIRS,
    TO_COMMITTEE,
    department_document,
    issuing_body,
    place_date,
)
from cchc.ratings.models import Band, PeerGroup, Rating, RatingPolicy, Responsibility
from cchc.ratings.queries import Scorecard

if TYPE_CHECKING:
    from cchc.ratings.yearly import YearLine, YearResult

TEMPLATE = Path(__file__).resolve().parent / "templates" / "ratings" / "scorecard.typ"

BANDS = {
    Band.EXCELLENT: "Hoàn thành xuất sắc nhiệm vụ",
    Band.GOOD: "Hoàn thành tốt nhiệm vụ",
    Band.COMPLETE: "Hoàn thành nhiệm vụ",
    Band.NOT_COMPLETE: "Không hoàn thành nhiệm vụ",
}
SUBJECTS = {
    Rating.Kind.UNIT: "Đối với tập thể đơn vị",
    Rating.Kind.HEAD: "Đối với người đứng đầu đơn vị",
    Rating.Kind.PERSON: "Đối với cá nhân được giao nhiệm vụ",
}
PEER_GROUPS = {
    PeerGroup.DEPARTMENTS: "Các sở, ban, ngành",
    PeerGroup.WARDS: "Các phường, xã",
    PeerGroup.PUBLIC_SERVICE: "Các đơn vị sự nghiệp công lập",
    PeerGroup.OTHER: "Các đơn vị khác",
}
STATUSES = {
    Rating.Status.COMPUTED: "Chờ đánh giá",
    Rating.Status.ASSESSED: "Đã đánh giá, chờ phê duyệt",
    Rating.Status.APPROVED: "Đã phê duyệt",
}
HANDLING = {
    Responsibility.Handling.UNDECIDED: "Chưa quyết định",
    Responsibility.Handling.REMINDER: "Nhắc nhở",
    Responsibility.Handling.EXPLANATION: "Yêu cầu giải trình bằng văn bản",
    Responsibility.Handling.SELF_CRITICISM: "Kiểm điểm",
    Responsibility.Handling.DISCIPLINE: "Đề nghị xử lý kỷ luật",
}


def number(value: Decimal | float | int | None, decimals: int = 2) -> str:
    """1.754,50 — Vietnamese grouping and decimal comma; "—" for no value."""
    if value is None:
        return "—"
    with translation.override("vi"):
        return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)


def compact(value: Decimal) -> str:
    """A weight or a rule's figure: 70, 1, 7,75 (no decimals when it is whole)."""
    return number(value, 0 if value == value.to_integral_value() else 2)


def day(value: datetime.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else "—"


def filename(rating: Rating) -> str:
    """ASCII only, so that every browser keeps it: phieu-xep-loai-2026-09-123.pdf."""
    return f"phieu-xep-loai-{rating.round.month:%Y-%m}-{rating.pk}.pdf"


def _person(user: Any) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _info(rating: Rating) -> list[list[str]]:
    rows = [["Đơn vị", rating.unit.name]]
    if rating.person_id:
        rows.append(["Người được đánh giá", _person(rating.person)])
    if rating.days_held is not None:
        rows.append(
            [
                "Thời gian giữ chức vụ",
                f"{rating.days_held}/{rating.month_days} ngày trong tháng",
            ]
        )
    rows += [
        ["Nhóm xếp loại", PEER_GROUPS[PeerGroup(rating.peer_group)]],
        ["Trạng thái", STATUSES[Rating.Status(rating.status)]],
        ["Quy định áp dụng", str(rating.round.policy)],
    ]
    return rows


def _rate(value: Decimal | None) -> str:
    """A rate as computed (two decimals, half-up); "—" when nothing was due."""
    return "—" if value is None else f"{number(value, 2)}%"


def _tally(card: Scorecard) -> list[list[str]]:
    """The tasks the calculation counted (as on the page), then the unit's row of the month's
    close: the plan year to date, as the briefing shows it."""
    summary = card.summary
    rows = [
        ["Nhiệm vụ tính điểm trong tháng", number(summary.tasks, 0)],
        ["Hoàn thành đúng hạn", number(summary.on_time, 0)],
        ["Hoàn thành quá hạn", number(summary.late, 0)],
        ["Chưa hoàn thành đến cuối tháng", number(summary.not_completed, 0)],
    ]
    row = card.tally
    if row is None:
        return rows
    year = [
        ["Lũy kế năm: nhiệm vụ được giao", number(row.assigned, 0)],
        ["Lũy kế năm: nhiệm vụ đến hạn", number(row.due, 0)],
        ["Lũy kế năm: đã hoàn thành", number(row.completed, 0)],
        ["Lũy kế năm: quá hạn chưa hoàn thành", number(row.overdue, 0)],
        ["Tỷ lệ hoàn thành (lũy kế năm)", _rate(row.completion_rate)],
        ["Tỷ lệ đúng hạn (lũy kế năm)", _rate(row.on_time_rate)],
        ["Tỷ lệ đạt chất lượng", _rate(row.quality_rate)],
        ["Năm trước chuyển sang, chưa hoàn thành", number(row.carried_over, 0)],
    ]
    return rows + year


def _steps(rating: Rating, policy: RatingPolicy) -> list[list[str]]:
    """[name, calculation, result] of each step from the weights to the task points."""
    assigned = compact(rating.weight_assigned)
    weights = policy.weight_quantity + policy.weight_quality + policy.weight_progress
    extensions = (
        f"{rating.extensions} lần gia hạn, tính là chậm"
        if policy.extension_is_delay
        else f"{rating.extensions} lần gia hạn, không tính là chậm"
    )
    mean = (
        f"{compact(policy.weight_quantity)} × {number(rating.quantity_pct)} + "
        f"{compact(policy.weight_quality)} × {number(rating.quality_pct)} + "
        f"{compact(policy.weight_progress)} × {number(rating.progress_pct)}"
    )
    return [
        [
            "a) Số lượng",
            f"Tổng trọng số hoàn thành / tổng trọng số được giao × 100 = "
            f"{compact(rating.weight_completed)} / {assigned} × 100",
            f"{number(rating.quantity_pct)}%",
        ],
        [
            "b) Chất lượng",
            f"Điểm chất lượng / tổng trọng số được giao × 100 = "
            f"{compact(rating.weight_quality)} / {assigned} × 100; mỗi lần không đạt yêu cầu "
            f"trừ {compact(policy.review_deduction * 100)}% phần chất lượng của nhiệm vụ "
            f"({rating.failed_reviews} lần không đạt)",
            f"{number(rating.quality_pct)}%",
        ],
        [
            "c) Tiến độ",
            f"Điểm tiến độ / tổng trọng số được giao × 100 = "
            f"{compact(rating.weight_progress)} / {assigned} × 100; mỗi lần chậm trừ "
            f"{compact(policy.delay_deduction * 100)}% phần tiến độ của nhiệm vụ "
            f"({rating.late} lần hoàn thành quá hạn; {extensions})",
            f"{number(rating.progress_pct)}%",
        ],
        [
            "Điểm kết quả thực hiện nhiệm vụ",
            f"{compact(policy.task_max)} × ({mean}) / {compact(weights)} / 100",
            number(rating.task_points),
        ],
    ]


def _general(card: Scorecard) -> list[list[str]]:
    return [
        [s.criterion.code, s.criterion.title, number(s.criterion.max_points), number(s.points)]
        for s in card.scores
    ]


def _verdict(rating: Rating, policy: RatingPolicy) -> list[str]:
    """Why the band is what it is: the score's band, then discipline and the cap."""
    notes = [
        f"Theo điểm số: {BANDS[Band(rating.score_band)]} (xuất sắc từ "
        f"{number(policy.excellent_min)}, tốt từ {number(policy.good_min)}, hoàn thành từ "
        f"{number(policy.complete_min)} điểm)."
    ]
    if rating.discipline_id and rating.discipline is not None:
        decision = rating.discipline
        notes.append(
            f"Bị xử lý kỷ luật trong kỳ (Quyết định số {decision.number} ngày "
            f"{day(decision.decided_on)}): xếp loại không hoàn thành nhiệm vụ."
        )
    if rating.cap_applied:
        notes.append(
            "Chuyển xuống hoàn thành tốt nhiệm vụ: số được xếp loại hoàn thành xuất sắc không "
            f"vượt quá {number(policy.excellent_cap_pct, 0)}% số được xếp loại hoàn thành tốt "
            "trong cùng nhóm."
        )
    return notes


def _form(rating: Rating) -> OfficialDocument:
    """The scorecard's header and signatures, dated the day the rating was approved (else
    assessed); the issuing body: the person's unit, or the Department."""
    signed = timezone.localtime(rating.approved_at or rating.assessed_at or timezone.now())
    body = (
        issuing_body(rating.unit)
        if rating.kind == Rating.Kind.PERSON
        else issuing_body(None, HOME_AFFAIRS)
    )
    return OfficialDocument(
        **body,
        place_date=place_date(signed.date()),
        kind=f"PHIẾU ĐÁNH GIÁ, XẾP LOẠI THÁNG {rating.round.month:%m/%Y}",
        summary=SUBJECTS[Rating.Kind(rating.kind)],
        signer_position="THỦ TRƯỞNG PHÊ DUYỆT",
        signer_name=_person(rating.approved_by),
        second_signer_position="NGƯỜI ĐÁNH GIÁ",
        second_signer_name=_person(rating.assessed_by),
    )


def _data(card: Scorecard) -> dict[str, Any]:
    rating = card.rating
    policy = rating.round.policy
    return {
        "doc": _form(rating).as_data(),
        "info": _info(rating),
        "tally": _tally(card),
        "steps": _steps(rating, policy),
        "general": _general(card),
        "general_max": compact(policy.general_max),
        "general_points": number(rating.general_points),
        "task_points": number(rating.task_points),
        "total": number(rating.total),
        "band": BANDS[Band(rating.band)],
        "verdict": _verdict(rating, policy),
        "trend": [
            [f"{r.round.month:%m/%Y}", number(r.total), BANDS[Band(r.band)]] for r in card.trend
        ],
        "responsibilities": [
            [
                r.task.code,
                r.task.title,
                number(r.days_overdue, 0),
                HANDLING[Responsibility.Handling(r.handling)],
            ]
            for r in card.responsibilities
        ],
        "commitments": [
            [t.code, t.title, day(t.deadline), _person(t.responsible) or "—"]
            for t in card.commitments
        ],
        "comment": rating.assessor_comment,
        "response": rating.response,
    }


def scorecard_pdf(card: Scorecard) -> bytes:
    """The PDF bytes of the scorecard. Changes nothing."""
    return typeset_pdf(TEMPLATE, _data(card))


YEAR_TEMPLATE = TEMPLATE.parent / "year.typ"
KINDS = {
    Rating.Kind.UNIT: "Cơ quan, đơn vị",
    Rating.Kind.HEAD: "Người đứng đầu",
    Rating.Kind.PERSON: "Công chức",
}


def year_pdf(result: "YearResult", lines: "list[YearLine]") -> bytes:
    """The yearly classification as a PDF (tổng hợp kết quả xếp loại chất lượng năm): the lines
    the reader sees, the provisional mark, the cap and the forced cases."""
    policy = result.policy
    assert policy is not None  # noqa: S101 - the view answers 404 first
    names = dict(
        OrgUnit.objects.filter(pk__in={line.unit_id for line in lines}).values_list("pk", "name")
    )
    with translation.override("vi"):
        rows = [
            [
                KINDS[Rating.Kind(line.kind)],
                line.label,
                names.get(line.unit_id, ""),
                line.group or "—",
                number(line.total),
                BANDS[Band(line.band)]
                + (f" ({policy.band_labels[line.band]})" if policy.band_labels else ""),
                " · ".join(
                    note
                    for note in (
                        f"Giảm do giới hạn tỷ lệ {compact(policy.excellent_cap_pct)}%"
                        if line.cap_applied
                        else "",
                        f"Theo {line.discipline_number}" if line.discipline_number else "",
                        "Ngoại lệ điểm 5(b)" if line.exception_id else "",
                    )
                    if note
                ),
            ]
            for line in lines
        ]
    document = department_document(
        timezone.localdate(),
        kind="BÁO CÁO",
        summary=f"Tổng hợp xếp loại chất lượng năm {result.year}",
        recipients=[TO_COMMITTEE, "Các cơ quan, đơn vị"],
    )
    data = {
        "doc": document.as_data(),
        "subtitle": policy.name,
        "provisional": result.provisional,
        "months": len(result.months),
        "rows": rows,
    }
    return typeset_pdf(YEAR_TEMPLATE, data)
