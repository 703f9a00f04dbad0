"""Check a read table against the standard exchange format and type its good rows (DOMAIN.md Part I §3).

Header problems refuse the whole file (DomainError). Row problems are reported per cell — file, row, column,
field, the raw text and a bilingual reason — and keep only that row out. The row checks are polars
expressions over whole columns (`collection/rules.py`); Python only formats the messages of the rows that fail.
"""

import dataclasses
from collections.abc import Mapping
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from foodcredit.collection import rules as row_rules
from foodcredit.collection.formats import (
    BOOL_VALUES,
    FORMATS,
    MULTI_SEPARATORS,
    REQUIRED_HEADER_KEYS,
    Column,
    ColumnType,
    Format,
    header_key,
)
from foodcredit.collection.models import RecordKind
from foodcredit.collection.readers import EXTRA, ROW, RawTable
from foodcredit.core.errors import DomainError

_DATE = r"^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$"
_AMOUNT = r"^([0-9]+)(?:\.([0-9]{1,2}))?$"
_AMOUNT_MAX_DIGITS = 12  # Penalty.amount: max_digits=14, decimal_places=2


@dataclasses.dataclass(frozen=True)
class Validated:
    """The rows that passed (typed, English field names, plus `_row`), and what was wrong with the others."""

    good: pl.DataFrame
    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]


def validate(
    raw: RawTable,
    *,
    kind: str,
    file_name: str,
    mapping_columns: Mapping[str, str] | None = None,
    mapping_values: Mapping[str, Mapping[str, str]] | None = None,
    uscc_exceptions: frozenset[str] = frozenset(),
) -> Validated:
    """Map a source's headers and values onto the standard format, check every row, and type the good ones.

    `mapping_columns` renames source headers to standard headers; `mapping_values` replaces values per
    standard header. Refuses the file (DomainError) for a repeated or missing required header; an unknown
    column is ignored with a warning.
    """
    fmt = FORMATS[kind]
    frame, warnings = _standard_frame(raw, fmt, file_name, mapping_columns or {})
    text = {c.field: _mapped_text(c, (mapping_values or {}).get(c.header, {})) for c in fmt.columns}
    parsed = {c.field: _parse(c, text[c.field]) for c in fmt.columns}
    rules = [rule for c in fmt.columns for rule in row_rules.cell_rules(c, text[c.field], parsed[c.field])]
    rules += row_rules.uscc_rules(frame, fmt.by_field("uscc"), parsed["uscc"], uscc_exceptions)
    extra_outputs: dict[str, pl.Expr] = {}
    if any(c.type == ColumnType.LICENCE for c in fmt.columns):
        licence_rules, extra_outputs["legacy_format"] = row_rules.licence_rules(frame, fmt, parsed)
        rules += licence_rules
    rules += row_rules.duplicate_key_rules(fmt, parsed)
    if EXTRA in frame.columns:
        rules.append(row_rules.extra_cells_rule())

    outputs = {c.field: _output(c, parsed[c.field]) for c in fmt.columns} | extra_outputs
    fail = [f"_fail{i}" for i in range(len(rules))]
    checked = frame.with_columns(
        *(r.fails.fill_null(False).alias(name) for r, name in zip(rules, fail, strict=True)),
        *(expr.alias(f"_out_{field}") for field, expr in outputs.items()),
    )
    flagged = checked.filter(pl.any_horizontal(fail))  # usually a few rows: report from those only
    errors: list[dict[str, Any]] = []
    for rule, name in zip(rules, fail, strict=True):
        (warnings if rule.warning else errors).extend(_report(flagged.filter(pl.col(name)), rule, file_name))
    order = {c.field: i for i, c in enumerate(fmt.columns)}
    errors.sort(key=lambda e: (e["row"], order.get(e["field"], len(order))))
    warnings.sort(key=lambda w: (w["row"] or 0, order.get(w["field"], len(order))))

    rejected = [name for rule, name in zip(rules, fail, strict=True) if not rule.warning]
    good = checked.filter(~pl.any_horizontal(rejected)).select(
        *(pl.col(f"_out_{field}").alias(field) for field in outputs), ROW
    )
    return Validated(good=good, errors=errors, warnings=warnings)


# --- headers ---------------------------------------------------------------------------------------------


def _standard_frame(
    raw: RawTable, fmt: Format, file_name: str, mapping_columns: Mapping[str, str]
) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    """The raw text under English field names (null where an optional column is absent), plus warnings."""
    by_key = {header_key(c.header): c for c in fmt.columns}
    renamed = {header_key(source): target for source, target in mapping_columns.items()}
    found: dict[str, list[tuple[str, str]]] = {}  # field → [(header in the file, frame column)]
    present: set[str] = set()
    warnings = []
    for header, name in zip(raw.headers, raw.frame.columns, strict=False):
        key = header_key(renamed.get(header_key(header), header))
        present.add(key)
        column = by_key.get(key)
        if column is None:
            reason = str(_("未知列“%(h)s”，已忽略")) % {"h": header}
            warnings.append(_problem(file_name, None, header, None, None, "import.unknown_column", reason))
        else:
            found.setdefault(column.field, []).append((header, name))
    for field, sources in found.items():
        if len(sources) > 1:
            header = fmt.by_field(field).header
            raise DomainError(
                "import.duplicate_header",
                str(_("表头“%(h)s”出现多次（%(s)s）/ header “%(h)s” appears more than once (%(s)s)"))
                % {"h": header, "s": "、".join(s for s, _name in sources)},
                file=file_name,
                column=header,
                sources=[s for s, _name in sources],
            )
    missing = [c.header for c in fmt.columns if c.required and c.field not in found]
    if missing:
        # A clerk who picked the wrong kind gets told which kind the file looks like.
        looks_like = next(
            (k for k, req in zip(FORMATS, REQUIRED_HEADER_KEYS, strict=True) if k != fmt.kind and req <= present), ""
        )
        message = str(_("缺少必填列：%(m)s")) % {"m": "、".join(missing)}
        if looks_like:
            message += str(_("（看起来是“%(k)s”文件）/ (looks like a “%(k)s” file)")) % {
                "k": RecordKind(looks_like).label
            }
        raise DomainError(
            "import.missing_header",
            message,
            file=file_name,
            column="、".join(missing),
            missing=missing,
            looks_like=looks_like,
        )
    frame = raw.frame.select(
        *(
            pl.col(found[c.field][0][1]).alias(c.field) if c.field in found else pl.lit(None, pl.String).alias(c.field)
            for c in fmt.columns
        ),
        *([EXTRA] if EXTRA in raw.frame.columns else []),
        ROW,
    )
    return frame, warnings


# --- parsing ---------------------------------------------------------------------------------------------


def _mapped_text(column: Column, values: Mapping[str, str]) -> pl.Expr:
    """The cell text after the source's value mapping; an empty result counts as missing."""
    text = pl.col(column.field)
    if values:
        text = text.replace(list(values), list(values.values()))
    return pl.when(text != "").then(text)


def _parse(column: Column, text: pl.Expr) -> pl.Expr:
    """The typed value, null where the text is missing or does not parse."""
    match column.type:
        case ColumnType.DATE:
            parts = text.str.extract_groups(_DATE)
            iso = pl.concat_str(
                parts.struct.field("1"),
                parts.struct.field("2").str.zfill(2),
                parts.struct.field("3").str.zfill(2),
                separator="-",
            )
            return iso.str.to_date("%Y-%m-%d", strict=False)  # null for impossible dates such as 2025-02-30
        case ColumnType.CHOICE:
            # Files give the Chinese label; the API may give the stored value: accept both.
            lookup = {**column.choices, **{v: v for v in column.choices.values()}}
            return text.replace_strict(lookup, default=None, return_dtype=pl.String)
        case ColumnType.MULTI_CHOICE:
            parts = text.str.replace_all(f"[{MULTI_SEPARATORS}]", MULTI_SEPARATORS[0]).str.split(MULTI_SEPARATORS[0])
            labels = parts.list.eval(pl.element().str.strip_chars()).list.eval(pl.element().filter(pl.element() != ""))
            return labels.list.unique(maintain_order=True)
        case ColumnType.DECIMAL:
            parts = text.str.extract_groups(_AMOUNT)
            whole = parts.struct.field("1").str.strip_chars_start("0")
            fraction = parts.struct.field("2").fill_null("").str.pad_end(2, "0")
            whole = pl.when(whole == "").then(pl.lit("0")).otherwise(whole)
            return pl.when(whole.str.len_chars() <= _AMOUNT_MAX_DIGITS).then(
                pl.concat_str(whole, fraction, separator=".")
            )
        case ColumnType.BOOL:
            return text.str.to_lowercase().replace_strict(BOOL_VALUES, default=None, return_dtype=pl.Boolean)
        case ColumnType.USCC | ColumnType.LICENCE:
            # As core.ids checks them; NFKC also folds the full-width characters a Chinese IME types.
            return text.str.normalize("NFKC").str.to_uppercase()
        case ColumnType.TEXT:
            return text


def _output(column: Column, parsed: pl.Expr) -> pl.Expr:
    """A good row's value: optional text and choices become "" and optional flags False, never null."""
    if column.required or column.type in (ColumnType.DATE, ColumnType.DECIMAL):
        return parsed
    if column.type == ColumnType.BOOL:
        return parsed.fill_null(False)
    return parsed.fill_null("")


# --- reporting -------------------------------------------------------------------------------------------


def _report(failing: pl.DataFrame, rule: row_rules.Rule, file_name: str) -> list[dict[str, Any]]:
    """One problem per failing row of a rule."""
    if failing.is_empty():
        return []
    value = pl.col(rule.column.field) if rule.column else pl.col(EXTRA)
    rows = failing.select(pl.col(ROW), value.fill_null("").alias("_value"), rule.detail.alias("_detail"))
    field = rule.column.field if rule.column else None
    header = rule.column.header if rule.column else None
    return [
        _problem(file_name, row, header, field, text, rule.code, rule.reason(detail))
        for row, text, detail in rows.iter_rows()
    ]


def _problem(
    file_name: str, row: int | None, column: str | None, field: str | None, value: str | None, code: str, reason: str
) -> dict[str, Any]:
    return {
        "file": file_name,
        "row": row,
        "column": column,
        "field": field,
        "value": value,
        "code": code,
        "reason": reason,
    }
