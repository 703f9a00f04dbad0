"""What every browser test needs: Debian's Chromium, launched as this machine allows (no sandbox as root, no GPU, no
background connections: the network is closed), and a watch that collects what the Content-Security-Policy refused."""

from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium(playwright: Any) -> Any:
    """Debian's Chromium under Playwright's sync API."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)


def csp_refusals(page: Any, into: list[str]) -> list[str]:
    """Collect into `into` every console message of a Content-Security-Policy refusal on `page`; returns `into`."""
    page.on("console", lambda m: into.append(m.text) if "Content Security Policy" in m.text else None)
    return into
