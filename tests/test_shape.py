"""The shape every app keeps (docs/decisions/0026-one-anatomy-for-every-app.md): no module over
600 lines outside tests and migrations, no domain app importing another domain app's forms or
views, no reference to a document outside the repository. These read the source files only."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 600
# The apps that hold a domain (pages, forms, actions). core is below them all; accounts and
# orgunits are the base pair under them (one layer, `accounts : orgunits` in pyproject.toml: the
# unit page offers accounts' role form); api and demo sit above and may use any app's forms (the
# API reuses a page's filter form).
DOMAIN_APPS = {
    "plans",
    "surveys",
    "inspections",
    "dialogues",
    "procedures",
    "staffing",
    "indices",
    "ratings",
    "composites",
    "reports",
    "privacy",
}
PAGE_MODULES = {"forms", "views"}
# Files naming the team's documents outside the repository; the names are assembled here so that
# this file does not match itself.
OUTSIDE = re.compile(
    r"\b(?:" + "|".join(["DOMAIN", "PRODUCT", "CONVENTIONS", "STACK"]) + r")\.md\b"
    r"|\.\./shared\b|/work/" + r"shared\b"
)
TEXT_SUFFIXES = {".py", ".html", ".txt", ".md", ".toml", ".cfg", ".ini", ".sh", ".yml", ".yaml"}


def _excluded(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return "tests" in parts or "migrations" in parts


def _source_modules() -> list[Path]:
    """The application's Python modules: cchc/ and config/, tests and migrations aside."""
    files = [*(ROOT / "cchc").rglob("*.py"), *(ROOT / "config").rglob("*.py")]
    return sorted(p for p in files if not _excluded(p))


def test_no_module_over_600_lines() -> None:
    long = {}
    for path in _source_modules():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            long[str(path.relative_to(ROOT))] = lines
    assert long == {}, f"split these by noun into a package (decision 0026): {long}"


def _app_of(path: Path) -> str | None:
    parts = path.relative_to(ROOT).parts
    return parts[1] if len(parts) > 2 and parts[0] == "cchc" else None


def _imported_modules(tree: ast.AST) -> set[str]:
    """Every module an import statement names, including `from cchc.x import forms`."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _page_imports_across_apps() -> list[str]:
    found = []
    for path in _source_modules():
        app = _app_of(path)
        if app not in DOMAIN_APPS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for module in sorted(_imported_modules(tree)):
            parts = module.split(".")
            if (
                len(parts) >= 3
                and parts[0] == "cchc"
                and parts[1] in DOMAIN_APPS
                and parts[1] != app
                and parts[2] in PAGE_MODULES
            ):
                found.append(f"{path.relative_to(ROOT)} imports {module}")
    return found


def test_no_domain_app_imports_another_apps_forms_or_views() -> None:
    found = _page_imports_across_apps()
    assert found == [], "shared form helpers belong in cchc.core (decision 0026):\n" + "\n".join(
        found
    )


def test_the_page_import_check_sees_a_cross_app_import() -> None:
    """The check above would catch the imports it forbids (both spellings)."""
    tree = ast.parse("from cchc.plans.forms import X\nfrom cchc.orgunits import views\n")
    assert {"cchc.plans.forms", "cchc.orgunits.views"} <= _imported_modules(tree)


def _repository_text_files() -> list[Path]:
    roots = ["cchc", "config", "docs", "templates", "scripts", "bench", "tests", "static"]
    files = [p for root in roots for p in (ROOT / root).rglob("*") if p.is_file()]
    files += [p for p in ROOT.glob("*") if p.is_file()]
    return sorted(
        p
        for p in files
        if p.suffix in TEXT_SUFFIXES
        and "migrations" not in p.relative_to(ROOT).parts
        and p.name != "CHANGELOG.md"
    )


def test_no_reference_to_a_document_outside_the_repository() -> None:
    found = []
    for path in _repository_text_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert found == [], "write the rule into docs/domain/*.md and cite that:\n" + "\n".join(found)


def test_the_reference_check_matches_the_outside_documents() -> None:
    doc = "DOMAIN" + ".md §3"
    assert OUTSIDE.search(f"the rule ({doc})")
    assert OUTSIDE.search("see ../" + "shared/docs/STACK" + ".md")
    assert not OUTSIDE.search("see docs/domain/tally.md")
