"""The few SQL differences between PostgreSQL and SQLite that the set-based paths need."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Expression, Field
from django.utils.deconstruct import deconstructible

_PG_TYPES = {"text": "text", "date": "date", "bool": "boolean", "decimal": "numeric", "json": "jsonb", "int": "bigint"}
_SQLITE_TYPES = {"text": "TEXT", "date": "TEXT", "bool": "INTEGER", "decimal": "REAL", "json": "TEXT", "int": "INTEGER"}


@dataclass(frozen=True)
class Dialect:
    """SQL fragments for one database vendor."""

    is_postgres: bool

    @property
    def true(self) -> str:
        return "true" if self.is_postgres else "1"

    def type(self, typ: str) -> str:
        return (_PG_TYPES if self.is_postgres else _SQLITE_TYPES)[typ]

    def drop_temp(self, name: str) -> str:
        return f"DROP TABLE IF EXISTS {name}"

    def create_temp(self, name: str, cols_sql: str) -> str:
        return f"CREATE TEMPORARY TABLE {name} ({cols_sql})"

    def create_temp_as(self, name: str, select_sql: str) -> str:
        return f"CREATE TEMPORARY TABLE {name} AS {select_sql}"

    def distinct(self, a: str, b: str, typ: str) -> str:
        """a differs from b, NULL-safe."""
        if self.is_postgres:
            return f"{a} IS DISTINCT FROM {b}"
        if typ == "json":
            return f"json({a}) IS NOT json({b})"
        return f"{a} IS NOT {b}"

    def date_param(self, name: str) -> str:
        """A named date parameter (SQLite has no date type: CAST AS DATE would make it a number)."""
        return f"CAST(%({name})s AS DATE)" if self.is_postgres else f"%({name})s"

    def to_text(self, expr: str) -> str:
        return f"CAST({expr} AS TEXT)"

    def json_value(self, expr: str, typ: str) -> str:
        """A typed SQL value as a JSON value."""
        if self.is_postgres:
            return expr  # jsonb_build_object/jsonb_build_array take any type: no per-value to_jsonb call
        if typ == "json":
            return f"json({expr})"
        if typ == "bool":
            return f"(CASE WHEN {expr} IS NULL THEN NULL WHEN {expr} THEN json('true') ELSE json('false') END)"
        return expr

    def json_object(self, pairs: list[tuple[str, str, str]]) -> str:
        """A JSON object from (key, expression, type) triples."""
        if self.is_postgres:
            body = ", ".join(f"'{k}', {self.json_value(e, t)}" for k, e, t in pairs)
            return f"jsonb_build_object({body})"
        body = ", ".join(f"'{k}', {self.json_value(e, t)}" for k, e, t in pairs)
        return f"json_object({body})"

    def json_array_pair(self, a: str, b: str, typ: str) -> str:
        """[a, b] as JSON (used for audit diffs)."""
        if self.is_postgres:
            return f"jsonb_build_array({self.json_value(a, typ) if a != 'NULL' else 'NULL'}, {self.json_value(b, typ)})"
        return f"json_array({a if a == 'NULL' else self.json_value(a, typ)}, {self.json_value(b, typ)})"

    def json_object_changed(
        self, fields: list[tuple[str, str, str, str]], shown: dict[str, tuple[str, str]] | None = None
    ) -> str:
        """{field: [old, new]} for the fields whose old and new values differ; `shown` gives other expressions to
        write for a field's [old, new] (e.g. masked copies) while the comparison stays on the values themselves."""
        shown = shown or {}
        body = ", ".join(
            f"'{f}', CASE WHEN {self.distinct(o, n, t)} THEN {self.json_array_pair(*shown.get(f, (o, n)), t)} END"
            for f, o, n, t in fields
        )
        if self.is_postgres:
            return f"jsonb_strip_nulls(jsonb_build_object({body}))"
        # json_patch drops members whose value is null (RFC 7396), leaving only the changed fields.
        return f"json_patch('{{}}', json_object({body}))"


def dialect_for(connection: Any) -> Dialect:
    """The dialect of a Django connection."""
    return Dialect(is_postgres=connection.vendor == "postgresql")


@deconstructible(path="foodcredit.core.sql.VendorSQL")
class VendorSQL(Expression):
    """A fixed SQL expression written once per vendor: for generated columns whose rule needs JSON functions that
    differ between PostgreSQL and SQLite. The SQL is ours (never user text) and takes no parameters."""

    def __init__(self, *, postgresql: str, sqlite: str, output_field: Field) -> None:
        super().__init__(output_field=output_field)
        self.postgresql = postgresql
        self.sqlite = sqlite

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[str | int, ...]]:
        if connection.vendor == "postgresql":
            return f"({self.postgresql})", ()
        if connection.vendor == "sqlite":
            return f"({self.sqlite})", ()
        raise NotImplementedError(f"VendorSQL has no SQL for {connection.vendor}")
