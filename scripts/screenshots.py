"""Take screenshots of the main pages at desktop and phone width, for a person to look at.

Usage: .venv/bin/python scripts/screenshots.py [base_url] [out_dir]
Needs a running server with the demo data (make run) and Chromium (/usr/bin/chromium or $CHROMIUM).
"""

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = [
    ("login", "", "/accounts/login/"),
    ("home-admin", "admin", "/"),
    ("tree-admin", "admin", "/units/"),
    ("tree-ward", "badinh.canbo", "/units/"),
    ("search", "admin", "/units/?q=ba+dinh"),
    ("audit", "admin", "/audit/"),
    ("tokens", "admin", "/accounts/tokens/"),
    ("api-docs", "admin", "/api/v1/docs"),
    ("users", "admin", "/accounts/users/"),
    # (name, user, path, link to click there)
    ("unit-ward", "admin", "/units/?q=00004", "#tree a"),
    ("unit-city", "admin", "/units/?q=thanh+pho+ha+noi", "#tree a"),
    ("unit-edit", "badinh.canbo", "/units/?q=00004", "#tree a"),
]


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for width, height, suffix in [(1366, 900, "desktop"), (390, 844, "phone")]:
            for name, user, path, *click in PAGES:
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                if user:
                    page.goto(f"{BASE}/accounts/login/")
                    page.fill("#id_username", user)
                    page.fill("#id_password", "cchc-demo-2026")
                    page.click("button[type=submit].btn-primary")
                page.goto(f"{BASE}{path}")
                if click:
                    page.click(click[0])
                    page.wait_for_load_state()
                if name == "unit-edit":
                    page.click("text=Sửa")
                page.wait_for_timeout(400)
                page.screenshot(path=str(OUT / f"{name}-{suffix}.png"), full_page=True)
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
