"""API shapes for import jobs."""

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class ImportIn(Schema):
    """A batch of records in the standard exchange format, with the English field names (DOMAIN.md §3)."""

    source: str = Field(..., min_length=1, max_length=100, description="已登记的来源系统名称")
    skip_bad_rows: bool = False
    records: list[dict[str, Any]] = Field(..., max_length=100_000)


class RowErrorOut(Schema):
    file: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None
    value: Any = None
    code: str
    reason: str


class ImportJobOut(Schema):
    id: int
    kind: str
    source: str
    status: str
    error_code: str
    total_rows: int
    new: int
    updated: int
    unchanged: int
    rejected: int
    queued: int
    attached: int
    progress: int
    notices: list[str]
    errors: list[RowErrorOut]
    created_at: datetime
    repeated: bool = False
