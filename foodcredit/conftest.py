"""Suite-wide pytest wiring: PostgreSQL-only tests skip on SQLite with their reason."""

import pytest
from django.db import connection


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="pg_only: needs PostgreSQL (the test says why)")
    for item in items:
        if item.get_closest_marker("pg_only"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """A request with Accept-Language: en leaves English active in its thread; every test starts in Chinese."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
