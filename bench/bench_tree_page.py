"""Server time and query count of the unit tree, the page every user opens first.

Set-up: a fresh SQLite database with the current administrative units (34 provinces, 3,321
wards and communes) and the Hà Nội demo departments and users (`seed_demo`). The city
administrator ("admin") opens /units/, which lists the provinces with Hà Nội expanded (its wards,
communes and departments), and the HTMX fragment /units/<Hà Nội>/children/; a ward officer
opens /units/ too (one node: the own ward).

Server time: django.test.Client through the whole middleware stack, DEBUG=False, median of
REPEAT requests after WARMUP. Baseline in the same process: GET /healthz, the cheapest view
there is (one `SELECT 1`), so the ratio says how much the tree costs over the framework's floor.

Run: .venv/bin/python bench/bench_tree_page.py (or `make bench` for all benchmarks).
"""

import re
import sys
from pathlib import Path
from typing import Any

from _common import emit, median_seconds, setup_django
from _common import workdir as make_workdir

BENCH = "tree_page"
WARMUP = 5
REPEAT = 30
TREE_TARGET_MS = 100.0
TREE_MAX_QUERIES = 10
WARD_OFFICER = "badinh.canbo"  # a demo focal point of Phường Ba Đình
HTMX = {"HX-Request": "true"}
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # set-up speed only


def seed() -> None:
    """Current units and the Hà Nội demo data. The demo passwords are hashed with MD5 here: the
    benchmark logs in with force_login, and PBKDF2 for eight users would only slow set-up."""
    from django.test.utils import override_settings

    from cchc.demo.demo import seed_demo
    from cchc.orgunits.actions import load_admin_units

    load_admin_units(actor=None, legacy=False)
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        seed_demo()


def client_for(username: str) -> Any:
    from django.test import Client

    from cchc.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def fetch(client: Any, url: str, headers: dict[str, str] | None = None) -> Any:
    response = client.get(url, headers=headers or {})
    assert response.status_code == 200, (url, response.status_code)
    return response


def query_count(client: Any, url: str, headers: dict[str, str] | None = None) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        fetch(client, url, headers)
    return len(queries.captured_queries)


def tree_nodes(response: Any) -> int:
    return len(re.findall(rb'class="tree-node"', response.content))


def measure(client: Any, url: str, headers: dict[str, str] | None = None) -> float:
    """Median milliseconds of GET `url`."""
    return 1000 * median_seconds(lambda: fetch(client, url, headers), repeat=REPEAT, warmup=WARMUP)


def run(workdir: Path) -> None:
    setup_django(workdir)
    from cchc.orgunits.models import OrgUnit

    seed()
    hanoi = OrgUnit.objects.get(code="01", legacy=False)
    children_url = f"/units/{hanoi.pk}/children/"
    admin = client_for("admin")
    nodes = tree_nodes(fetch(admin, "/units/"))
    child_nodes = tree_nodes(fetch(admin, children_url, HTMX))
    assert child_nodes == hanoi.children.current().count(), (child_nodes, hanoi)
    print(f"{BENCH}: /units/ shows {nodes} nodes, Hà Nội expanded with {child_nodes} children")

    healthz_ms = measure(admin, "/healthz")
    tree_ms = measure(admin, "/units/")
    children_ms = measure(admin, children_url, HTMX)
    tree_queries = query_count(admin, "/units/")
    children_queries = query_count(admin, children_url, HTMX)
    ward = client_for(WARD_OFFICER)
    assert tree_nodes(fetch(ward, "/units/")) == 1, "a ward officer sees one node, the own ward"
    ward_ms = measure(ward, "/units/")
    ward_queries = query_count(ward, "/units/")

    emit(BENCH, f"baseline: GET /healthz, median of {REPEAT}", healthz_ms, "ms")
    emit(
        BENCH,
        f"GET /units/ as admin, median of {REPEAT}",
        tree_ms,
        "ms",
        target=f"< {TREE_TARGET_MS:g} ms",
        ok=tree_ms < TREE_TARGET_MS,
        ratio=f"tree/healthz = {tree_ms / healthz_ms:.1f}x",
    )
    emit(
        BENCH,
        "  queries, admin tree",
        tree_queries,
        "",
        target=f"<= {TREE_MAX_QUERIES}",
        ok=tree_queries <= TREE_MAX_QUERIES,
    )
    emit(
        BENCH,
        f"GET /units/ as a ward officer, median of {REPEAT}",
        ward_ms,
        "ms",
        target=f"< {TREE_TARGET_MS:g} ms",
        ok=ward_ms < TREE_TARGET_MS,
        ratio=f"tree/healthz = {ward_ms / healthz_ms:.1f}x",
    )
    emit(
        BENCH,
        "  queries, ward officer tree",
        ward_queries,
        "",
        target=f"<= {TREE_MAX_QUERIES}",
        ok=ward_queries <= TREE_MAX_QUERIES,
    )
    emit(
        BENCH,
        f"GET /units/{hanoi.pk}/children/ (HTMX), median of {REPEAT}",
        children_ms,
        "ms",
        target=f"< {TREE_TARGET_MS:g} ms",
        ok=children_ms < TREE_TARGET_MS,
        ratio=f"children/healthz = {children_ms / healthz_ms:.1f}x",
    )
    emit(
        BENCH,
        "  queries, children fragment",
        children_queries,
        "",
        target=f"<= {TREE_MAX_QUERIES}",
        ok=children_queries <= TREE_MAX_QUERIES,
    )


def main() -> int:
    with make_workdir() as workdir:
        run(workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
