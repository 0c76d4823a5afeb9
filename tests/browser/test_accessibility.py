"""axe-core over the main pages of the demo (issue #17): no violation of impact "critical" or
"serious" on any of them.

axe-core is vendored for the tests only (tests/browser/vendor/axe-core/, never served) and put
into each page through Playwright's evaluate, which the Content-Security-Policy does not see.
The demo is seeded once (the test is one function: a transactional test's flush would empty
it), then each persona's home and the pages of each module are checked; the failure lists
every page with the rule ids, their impact and the first nodes."""

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cchc.demo.demo import DEMO_PASSWORD
from cchc.dialogues.models import Conference
from cchc.indices.models import AssessmentRound
from cchc.plans.models import MonthClose, Task
from cchc.procedures.models import Procedure
from cchc.ratings.models import RatingRound
from cchc.reports.models import PeriodicReport
from cchc.surveys.models import Campaign, CampaignUnit
from tests.browser.chromium import chromium_missing_reason
from tests.demo_pages import seed_collecting_demo

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
BLOCKING = {"critical", "serious"}
RUN_AXE = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")), count: v.nodes.length,
        why: v.nodes[0].failureSummary.split("\\n").slice(1, 2).join(" ").slice(0, 200),
    }));
}"""
PERSONAS = ["admin", "chutich", "badinh.canbo", "badinh.chutich", "thanhtra", "xem"]


def sign_in(page: Page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))


def violations(page: Page, path: str) -> list[dict[str, Any]]:
    """The blocking violations axe finds on `path` once it has loaded (htmx parts included)."""
    page.goto(path)
    page.wait_for_load_state("networkidle")
    page.evaluate(AXE)
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]


def main_pages() -> list[str]:
    """The pages of each module, with the demo's records."""
    closed = MonthClose.objects.filter(is_open=False).order_by("-month").first()
    rating_round = RatingRound.objects.order_by("-month").first()
    campaign = Campaign.objects.order_by("pk").first()
    assessment_round = AssessmentRound.objects.order_by("-pk").first()
    assert closed
    assert rating_round
    assert campaign
    assert assessment_round
    pages = [
        "/plans/workspace/",
        Task.objects.order_by("pk").first().get_absolute_url(),  # type: ignore[union-attr]
        f"/briefing/{closed.month.year}/{closed.month.month}/",
        f"/ratings/{rating_round.month.year}/{rating_round.month.month}/",
        "/inspections/",
        "/inspections/overview/",
        "/procedures/",
        "/procedures/overview/",
        Procedure.objects.order_by("pk").first().get_absolute_url(),  # type: ignore[union-attr]
        "/dialogues/petitions/",
        "/dialogues/conferences/",
        "/staffing/",
        f"/surveys/{campaign.pk}/",
        f"/surveys/{campaign.pk}/results/",
        f"/indices/rounds/{assessment_round.pk}/",
        "/indices/rounds/",
        "/services/",
        "/periodic/",
        "/audit/",
    ]
    report = PeriodicReport.objects.order_by("pk").first()
    if report:
        pages.append(f"/periodic/{report.pk}/")
    return pages


def public_pages() -> list[str]:
    unit = CampaignUnit.objects.filter(campaign__status="open").order_by("pk").first()
    conference = Conference.objects.filter(status=Conference.Status.ANNOUNCED).first()
    assert unit
    assert conference
    return [
        f"/surveys/f/{unit.token}/",
        f"/dialogues/c/{conference.pk}/petition/",
        "/dialogues/",
        "/indices/public/",
        "/privacy/",
        "/accounts/login/",
    ]


def test_the_main_pages_have_no_critical_or_serious_axe_violation(page: Page) -> None:
    seed_collecting_demo()
    found: dict[str, list[dict[str, Any]]] = {}
    for path in public_pages():
        found[f"anonymous {path}"] = violations(page, path)
    for username in PERSONAS:
        sign_in(page, username)
        found[f"{username} /"] = violations(page, "/")
    sign_in(page, "admin")
    for path in main_pages():
        found[f"admin {path}"] = violations(page, path)
    failing = {where: rules for where, rules in found.items() if rules}
    lines = [
        f"{where}: {rule['id']} ({rule['impact']}, {rule['count']} nodes: {rule['nodes']}) "
        f"{rule['why']}"
        for where, rules in failing.items()
        for rule in rules
    ]
    assert not failing, "axe-core violations:\n" + "\n".join(lines)
