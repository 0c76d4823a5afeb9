"""The reform index in Chromium, end to end: Ba Đình's focal point self-scores with an
evidence document and submits; two council members appraise, one differing on 1.1 with a
reason that the chair then accepts; the chair sends the appraisal; the ward responds; the chair
finalises; the city administrator publishes; the public page, without logging in, shows Ba
Đình's rank and group.

Hoàn Kiếm went through the same steps by the actions beforehand, so there is a ranking.
Selectors use data-testid, data-criterion and URLs, so the test holds in either language.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cchc.accounts.models import User
from cchc.accounts.tests.factories import UserFactory
from cchc.indices.actions import (
    create_framework,
    finalise,
    open_round,
    propose,
    publish_framework,
    score_criterion,
    send_appraisal,
    set_council,
    submit_assessment,
)
from cchc.indices.models import Assessment, Result
from cchc.indices.queries import appraised_leaves
from cchc.indices.tests.factories import tree
from tests.browser.chromium import chromium_missing_reason
from tests.browser.test_journeys import log_in, log_out

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SELF_SCORES = {"1.1": "14,5", "1.2": "12", "4": "1"}  # typed the Vietnamese way


def _done_by_actions(assessment: Assessment, scorer: User, council: list[User]) -> None:
    """Hoàn Kiếm: scored, submitted, appraised, sent and finalised without a response."""
    framework = assessment.round.framework
    for code, points in (("1.1", 10), ("1.2", 10), ("4", 0)):
        score_criterion(
            assessment,
            framework.criteria.get(code=code),
            actor=scorer,
            points=Decimal(points),
            explanation="Báo cáo số 7/BC-UBND",
        )
    submit_assessment(assessment, actor=scorer)
    own = dict(assessment.scores.values_list("criterion_id", "points"))
    for criterion in appraised_leaves(framework):
        for member in council:
            propose(assessment, criterion, actor=member, points=own[criterion.pk])
    send_appraisal(assessment, actor=council[0])
    later = timezone.localdate() + datetime.timedelta(days=10)
    finalise(assessment, actor=council[0], today=later)


def _propose_all(page: Page, assessment: Assessment, points: dict[str, tuple[str, str]]) -> None:
    """On the appraisal page, propose on every leaf: the prefilled self-score, or the given
    (points, reason)."""
    page.goto(f"/indices/assessments/{assessment.pk}/appraise/")
    for code in ("1.1", "1.2", "2.1", "4"):
        leaf = page.locator(f"section[data-criterion='{code}']")
        form = leaf.get_by_test_id("proposal-form")
        if code in points:
            value, why = points[code]
            form.locator("input[name$='-points']").fill(value)
            form.locator("textarea[name$='-reason']").fill(why)
        form.locator("button[type=submit]").click()
        expect(
            page.locator(f"section[data-criterion='{code}'] [data-testid=proposals] li")
        ).not_to_have_count(0)


def test_self_assess_appraise_respond_finalise_publish(
    page: Page, hanoi, city_admin: User, officer_a: User, officer_b: User, tmp_path
) -> None:
    chair = UserFactory(username="hd.chutich", full_name="Lê Minh Giám")
    member = UserFactory(username="hd.uyvien", full_name="Trần Văn Chuyên")
    framework = create_framework(
        actor=city_admin, year=2026, group="wards", title="Bộ chỉ số 2026", nodes=tree()
    )
    framework = publish_framework(framework, actor=city_admin)
    rating_round = open_round(
        framework,
        actor=city_admin,
        title="Đánh giá Chỉ số CCHC 2026",
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        units=[hanoi.ward_a, hanoi.ward_b],
    )
    set_council(rating_round, actor=city_admin, members=[chair, member], chair=chair)
    _done_by_actions(rating_round.assessments.get(unit=hanoi.ward_b), officer_b, [chair, member])
    ba_dinh = rating_round.assessments.get(unit=hanoi.ward_a)

    # Ba Đình's focal point scores its leaves, attaches the plan to 1.1 and submits.
    log_in(page, "officer_a")
    page.goto("/indices/rounds/")
    page.locator(f"a[href='/indices/rounds/{rating_round.pk}/']").first.click()
    page.locator(f"a[href='/indices/assessments/{ba_dinh.pk}/']").click()
    for code, points in SELF_SCORES.items():
        leaf = page.locator(f"[id^=c-][data-criterion='{code}']")
        form = leaf.get_by_test_id("score-form")
        form.locator("input[name=points]").fill(points)
        form.locator("textarea[name=explanation]").fill(f"Kết quả tiêu chí {code}")
        form.locator("button[type=submit]").click()
        expect(
            page.locator(f"[id^=c-][data-criterion='{code}'] [data-testid=saved]")
        ).to_be_visible()
    plan = tmp_path / "ke-hoach-cchc-2026.pdf"
    plan.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    leaf = page.locator("[id^=c-][data-criterion='1.1']")
    leaf.locator("details summary").first.click()
    leaf.get_by_test_id("evidence-form").locator("input[type=file]").set_input_files(plan)
    leaf.get_by_test_id("evidence-form").locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("[data-criterion='1.1'] [data-testid=evidence]")).to_contain_text(
        "ke-hoach-cchc-2026.pdf"
    )
    page.get_by_test_id("submit-form").locator("button[type=submit]").click()
    page.wait_for_load_state()
    ba_dinh.refresh_from_db()
    assert ba_dinh.status == Assessment.Status.SUBMITTED
    log_out(page)

    # The chair agrees with the self-scores; the member differs on 1.1, with a reason.
    log_in(page, "hd.chutich")
    _propose_all(page, ba_dinh, {})
    log_out(page)
    log_in(page, "hd.uyvien")
    _propose_all(page, ba_dinh, {"1.1": ("13,5", "Kế hoạch ban hành muộn 10 ngày.")})
    expect(page.locator("section[data-criterion='1.1'] [data-testid=decided]")).not_to_contain_text(
        "13"
    )
    log_out(page)

    # The chair accepts the member's reason on 1.1, then sends the appraisal to the ward.
    log_in(page, "hd.chutich")
    _propose_all(page, ba_dinh, {"1.1": ("13,5", "Đồng ý: kế hoạch ban hành muộn.")})
    expect(page.locator("section[data-criterion='1.1'] [data-testid=decided]")).to_have_text(
        "13,50"
    )
    page.get_by_test_id("send").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("status")).to_have_text(re.compile("gửi|sent", re.I))
    log_out(page)

    # The ward responds once.
    log_in(page, "officer_a")
    page.goto(f"/indices/assessments/{ba_dinh.pk}/")
    expect(page.locator("[data-criterion='1.1'] [data-testid=decided]")).to_contain_text("13,5")
    form = page.get_by_test_id("respond-form")
    form.locator("textarea").fill("Đơn vị tiếp thu, sẽ ban hành kế hoạch đúng hạn năm sau.")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("respond-form")).to_have_count(0)
    log_out(page)

    # The chair finalises.
    log_in(page, "hd.chutich")
    page.goto(f"/indices/assessments/{ba_dinh.pk}/appraise/")
    expect(page.get_by_test_id("response")).to_contain_text("Đơn vị tiếp thu")
    page.get_by_test_id("finalise").click()
    page.wait_for_load_state()
    ba_dinh.refresh_from_db()
    assert ba_dinh.is_finalised
    log_out(page)

    # The administrator publishes the round's results.
    log_in(page, "city_admin")
    page.goto(f"/indices/rounds/{rating_round.pk}/")
    page.get_by_test_id("results-link").click()
    publish = page.get_by_test_id("publish")
    publish.locator("input[name=confirm]").check()
    publish.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("round-status")).to_have_text(re.compile("công bố|Published"))
    log_out(page)

    # Anyone, without logging in, sees Ba Đình's rank and group.
    result = Result.objects.get(round=rating_round, unit=hanoi.ward_a)
    # 13.5 + 12 + 1 + 40 computed (no task due) = 66.5 of 70, rescaled: 95.00 percent.
    assert (result.appraised, result.percent, result.rank, result.group) == (
        Decimal("66.50"),
        Decimal("95.00"),
        1,
        "A",
    )
    page.goto(f"/indices/public/{rating_round.pk}/")
    row = page.locator(f"tr[data-unit='{hanoi.ward_a.pk}']")
    expect(row.get_by_test_id("rank")).to_have_text("1")
    expect(row.get_by_test_id("group")).to_have_attribute("data-group", "A")
    expect(page.locator(f"tr[data-unit='{hanoi.ward_b.pk}'] [data-testid=rank]")).to_have_text("2")
    # The rank interval frozen with the result, shown in Vietnamese under the unit's name.
    assert result.rank_q05 is not None
    assert result.rank_q95 is not None
    assert result.rank_q05 <= result.rank <= result.rank_q95
    expect(row.get_by_test_id("rank-interval")).to_have_text(
        re.compile(r"Thứ hạng có thể từ 1 đến [12]")
    )
