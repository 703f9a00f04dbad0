"""Suite-wide pytest wiring (foodcredit/ and bench/): PostgreSQL-only tests skip on SQLite with their reason."""

import pytest
from django.db import connection


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`@pytest.mark.pg_only("why")` skips on SQLite with "needs PostgreSQL: why" (shown by `pytest -rs`)."""
    if connection.vendor == "postgresql":
        return
    for item in items:
        marker = item.get_closest_marker("pg_only")
        if marker is None:
            continue
        if not marker.args:
            raise pytest.UsageError(f'{item.nodeid}: pg_only needs its reason, e.g. @pytest.mark.pg_only("COPY")')
        item.add_marker(pytest.mark.skip(reason=f"needs PostgreSQL: {marker.args[0]}"))
