"""The 2026 satisfaction survey of the demo's twelve wards: a campaign of the default SIPAS
questionnaire (the template), answers typed in by each ward's focal point as interviewer, most
of them accepted, a few waiting for review, one rejected and two flagged as repeats. The
reform index of 2026 reads its survey points from these responses."""

import datetime
import random
from decimal import Decimal
from typing import Any

from cchc.accounts.models import User
from cchc.orgunits.models import OrgUnit
from cchc.surveys.actions import create_campaign, record_response, review_response
from cchc.surveys.models import Questionnaire

RATED = [f"C{n}" for n in range(1, 19)] + ["B1", "B2", "B3", "B4"]
PER_WARD = 18  # answers per ward: some wards stay below their required sample


def seed_surveys(admin: User, wards: list[OrgUnit], interviewers: dict[int, User]) -> None:
    rng = random.Random(2026)  # noqa: S311 - a deterministic demo, not cryptography
    campaign = create_campaign(
        actor=admin,
        questionnaire=Questionnaire.objects.get(code="sipas-default", version=1),
        title="Khảo sát sự hài lòng cấp xã năm 2026",
        start=datetime.date(2026, 7, 1),
        end=datetime.date(2026, 12, 31),  # still collecting in December: a live public form
        margin=Decimal("0.15"),
        units_with_population=[(ward, rng.randint(300, 1500)) for ward in wards],
    )
    for number, campaign_unit in enumerate(campaign.units.select_related("unit").order_by("pk")):
        interviewer = interviewers[campaign_unit.unit_id]
        mood = rng.choice([(2, 5), (3, 5), (3, 5), (4, 5)])  # how the ward's service is felt
        for n in range(PER_WARD - number % 4):
            response = record_response(
                campaign_unit, _answers(rng, *mood), channel="interviewer", actor=interviewer
            )
            if n < 2 and number % 3 == 0:
                continue  # waits for review
            if n == 2 and number == 0:
                review_response(
                    response,
                    actor=interviewer,
                    decision="rejected",
                    reason="Người trả lời không sử dụng dịch vụ trong kỳ khảo sát.",
                )
                continue
            review_response(response, actor=interviewer, decision="accepted")
    first = campaign.units.order_by("pk")[0]
    repeated = _answers(rng, 4, 5)
    for _time in range(2):  # the same answers twice from one telephone: the second is flagged
        record_response(first, repeated, channel="web", client_hash=campaign.hash_client("demo"))


def _answers(rng: random.Random, low: int, high: int) -> dict[str, Any]:
    values: dict[str, Any] = {code: rng.randint(low, high) for code in RATED}
    values |= {
        "A1": sorted(rng.sample(["1", "2", "3", "4", "5", "6"], rng.randint(1, 2))),
        "A2": rng.choice(["1", "2", "3"]),
        "A3": rng.choice(["1", "1", "2", "3"]),
        "A4": rng.choice(["1", "1", "1", "2"]),
    }
    return values
