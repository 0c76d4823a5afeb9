"""History panels and the audit page read in words: event names, field labels, formatted values."""

import ast
import datetime
import re
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.utils import translation

from cchc.accounts.models import User
from cchc.core.history import VERBS, describe
from cchc.core.models import AuditEvent
from cchc.plans.actions import update_task
from cchc.plans.models import ContentArea
from cchc.plans.tests.factories import issued_city_plan, task_in

# Verbs chosen at run time, with every value they take.
DYNAMIC = {
    ("cchc/demo/demo.py", "removal.SEED_VERB"): {"demo.seed"},
    ("cchc/plans/actions/progress.py", "verb"): {
        "plans.approve_extension",
        "plans.refuse_extension",
    },
    ("cchc/reports/actions.py", "verb"): {"reports.override", "reports.set_value"},
}


def recorded_verbs() -> set[str]:
    """Every verb passed to `audit.record` in the production code."""
    verbs: set[str] = set()
    root = Path(settings.BASE_DIR)
    for path in (root / "cchc").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = getattr(node, "func", None)
            if not (
                isinstance(func, ast.Attribute)
                and func.attr == "record"
                and getattr(func.value, "id", None) == "audit"
            ):
                continue
            verb = node.args[1]  # type: ignore[attr-defined]
            if isinstance(verb, ast.Constant):
                verbs.add(verb.value)
            else:
                key = (str(path.relative_to(root)), ast.unparse(verb))
                assert key in DYNAMIC, f"a verb chosen at run time: {key}; list its values"
                verbs |= DYNAMIC[key]
    return verbs


def test_every_recorded_verb_has_words() -> None:
    verbs = recorded_verbs()
    assert len(verbs) > 100
    assert sorted(verbs - set(VERBS)) == []


def test_a_task_edit_reads_as_labelled_formatted_changes(hanoi, city_admin: User) -> None:
    plan = issued_city_plan(hanoi.city, city_admin)
    task = task_in(plan, hanoi.ward_a, city_admin, deadline=datetime.date(2026, 12, 17))
    update_task(
        task,
        actor=city_admin,
        version=task.version,
        area=ContentArea.objects.get(code="TCBM"),
        title="Rà soát thủ tục",
    )
    event = AuditEvent.objects.get(verb="plans.update_task")
    with translation.override("vi"):
        (line,) = describe([event])
        assert line.action == "cập nhật nhiệm vụ"
        changes = {change.label: (change.before, change.after) for change in line.changes}
    assert changes["Lĩnh vực CCHC"][1] == str(ContentArea.objects.get(code="TCBM"))
    assert changes["Tên"] == ("Nhiệm vụ T1", "Rà soát thủ tục")


def test_history_panel_and_audit_page_show_no_codes(hanoi, city_admin: User) -> None:
    plan = issued_city_plan(hanoi.city, city_admin)
    task = task_in(plan, hanoi.ward_a, city_admin)
    client = Client()
    client.force_login(city_admin)
    page = client.get(f"/plans/tasks/{task.pk}/").content.decode()
    assert "plans.create_task" not in page
    assert "tạo nhiệm vụ" in page
    stamps = re.findall(r'<time[^>]* datetime="([^"]+)"', page)
    assert stamps
    for stamp in stamps:  # valid HTML: seconds at most, an offset, no microseconds
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}", stamp), stamp
    audit = client.get("/audit/").content.decode()
    panel = audit.split("<tbody>")[1].split("</tbody>")[0]
    visible = re.sub(r"<details>.*?</details>", "", panel, flags=re.S)
    assert "ban hành kế hoạch" in visible
    assert "plans.issue_plan" not in visible
    assert "plans.issue_plan" in panel  # the raw code stays, folded away
