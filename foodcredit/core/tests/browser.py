"""What every browser test needs: Debian's Chromium, launched as this machine allows (no sandbox as root, no GPU, no
background connections: the network is closed), and a watch that collects what the Content-Security-Policy refused."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connections

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


@contextmanager
def sync_playwright() -> Iterator[Any]:
    """Playwright's sync API, closing on the way out the database connections the test opened inside it.

    The sync API runs the test's code in a greenlet, where Django's connections (context-local) are other objects than
    the test's own: a query there opens a connection that nothing else closes, and PostgreSQL then refuses to drop the
    test database at the end of the run ("is being accessed by other users").
    """
    from playwright.sync_api import sync_playwright as playwright_sync

    with playwright_sync() as playwright:
        try:
            yield playwright
        finally:
            connections.close_all()
