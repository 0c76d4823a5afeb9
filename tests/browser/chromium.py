"""Where Chromium is and how it is launched; shared by the browser tests' fixtures.

Chromium comes from the distribution (`apt-get install -y chromium`), not from
`playwright install`, which cannot download browsers here; CHROMIUM points elsewhere when needed.
"""

import os
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_missing_reason() -> str | None:
    """Why the browser tests cannot run, or None when Chromium is there."""
    if Path(CHROMIUM).exists():
        return None
    return (
        f"Chromium not found at {CHROMIUM}; install it with `apt-get install -y chromium` "
        "or set CHROMIUM"
    )
