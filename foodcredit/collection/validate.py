"""Check a read table against the standard exchange format and type its good rows (DOMAIN.md Part I §3).

Header problems refuse the whole file (DomainError). Row problems are reported per cell — file, row, column,
field, the raw text and a bilingual reason — and keep only that row out. All row checks are polars
expressions over whole columns; Python only formats the messages of the rows that fail, and calls the
identifier checks of core.ids once per distinct suspicious value.
"""

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

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
from foodcredit.core.ids import (
    LICENCE_BUSINESS,
    LICENCE_PRODUCTION,
    USCC_ALPHABET,
    USCC_TYPES,
    USCC_WEIGHTS,
    IdCheck,
    licence_validate,
    uscc_validate,
)

# Vectorised mirror of core.ids.uscc_validate, used only to pick the codes worth a closer look;
# the verdict and its message always come from uscc_validate itself (test_validate cross-checks both).
_USCC_FORMAT = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"
_USCC_TYPE_PAIRS = sorted(first + second for first, seconds in USCC_TYPES.items() for second in seconds)
_USCC_INDEX = {c: i for i, c in enumerate(USCC_ALPHABET)}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714, DOMAIN.md II §7.1
_BASE36 = {c: int(c, 36) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_DATE = r"^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$"
_AMOUNT = r"^([0-9]+)(?:\.([0-9]{1,2}))?$"
_AMOUNT_MAX_DIGITS = 12  # Penalty.amount: max_digits=14, decimal_places=2


@dataclasses.dataclass(frozen=True)
class Validated:
    """The rows that passed (typed, English field names, plus `_row`), and what was wrong with the others."""

    good: pl.DataFrame
    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]


@dataclasses.dataclass(frozen=True)
class _Rule:
    """One check: `fails` marks the rows that break it; `reason` words the message from `detail`.

    `detail` is evaluated on the failing rows only (so a window over them sees just the culprits).
    """

    column: Column | None  # None: the row as a whole
    code: str
    fails: pl.Expr
    reason: Callable[[Any], str]
    detail: pl.Expr = dataclasses.field(default_factory=lambda: pl.lit(None))
    warning: bool = False


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
    rules = [rule for c in fmt.columns for rule in _cell_rules(c, text[c.field], parsed[c.field])]
    rules += _uscc_rules(frame, fmt.by_field("uscc"), parsed["uscc"], uscc_exceptions)
    extra_outputs: dict[str, pl.Expr] = {}
    if any(c.type == ColumnType.LICENCE for c in fmt.columns):
        licence_rules, extra_outputs["legacy_format"] = _licence_rules(frame, fmt, parsed)
        rules += licence_rules
    rules += _duplicate_key_rules(fmt, parsed)
    if EXTRA in frame.columns:
        rules.append(_extra_cells_rule())

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


# --- rules -----------------------------------------------------------------------------------------------


def _cell_rules(column: Column, text: pl.Expr, parsed: pl.Expr) -> list[_Rule]:
    """Required, length and type checks of one column."""
    name = column.header
    rules = []
    if column.required:
        missing = text.is_null()
        if column.type == ColumnType.MULTI_CHOICE:
            missing |= parsed.list.len() == 0  # only separators, e.g. "、"
        message = str(_("“%(c)s”为必填项 / “%(c)s” is required")) % {"c": name}
        rules.append(_Rule(column, "import.required", missing, _always(message)))
    if column.max_length:
        message = str(_("“%(c)s”超过 %(n)d 个字 / “%(c)s” is longer than %(n)d characters")) % {
            "c": name,
            "n": column.max_length,
        }
        too_long = text.str.len_chars() > column.max_length
        rules.append(_Rule(column, "import.too_long", too_long, _always(message)))
    unparsed = text.is_not_null() & parsed.is_null()
    match column.type:
        case ColumnType.DATE:
            message = str(
                _(
                    "“%(c)s”不是有效日期，应为 YYYY-MM-DD 或 YYYY/M/D / “%(c)s” is not a valid date (YYYY-MM-DD or YYYY/M/D)"
                )
            ) % {"c": name}
            rules.append(_Rule(column, "import.bad_date", unparsed, _always(message)))
        case ColumnType.CHOICE | ColumnType.BOOL:
            allowed = "、".join(column.choices) if column.type == ColumnType.CHOICE else "是、否"
            message = str(_("“%(c)s”应为以下之一：%(a)s / “%(c)s” must be one of: %(a)s")) % {"c": name, "a": allowed}
            rules.append(_Rule(column, "import.bad_choice", unparsed, _always(message)))
        case ColumnType.MULTI_CHOICE:
            allowed = "、".join(column.choices)
            unknown = parsed.list.eval(pl.element().filter(~pl.element().is_in(list(column.choices))))

            def reason(bad: list[str]) -> str:
                return str(_("“%(c)s”含不允许的值“%(bad)s”，应为：%(a)s / “%(c)s” has “%(bad)s”; allowed: %(a)s")) % {
                    "c": name,
                    "bad": "、".join(bad),
                    "a": allowed,
                }

            rules.append(_Rule(column, "import.bad_choice", unknown.list.len() > 0, reason, detail=unknown))
        case ColumnType.DECIMAL:
            message = str(
                _(
                    "“%(c)s”应为不小于 0、最多两位小数的金额（元）/ “%(c)s” must be an amount in yuan, "
                    "not negative, at most two decimals"
                )
            ) % {"c": name}
            rules.append(_Rule(column, "import.bad_amount", unparsed, _always(message)))
        case ColumnType.USCC | ColumnType.LICENCE | ColumnType.TEXT:
            pass  # identifiers: _uscc_rules and _licence_rules; text is kept verbatim
    return rules


def _uscc_rules(frame: pl.DataFrame, column: Column, code: pl.Expr, exceptions: frozenset[str]) -> list[_Rule]:
    """Bad codes are row errors; exception-listed codes and inner-code or type-code doubts are warnings.

    A doubt is reported once per code (at its first row, with the number of rows), not once per row.
    """
    distinct = frame.select(code.drop_nulls().unique().alias("code")).to_series()
    checks = {c: _uscc_check(c, exceptions) for c in _uscc_suspects(distinct)}
    failed = {c: "；".join(k.errors) for c, k in checks.items() if k.errors}
    doubted = {c: "；".join(k.warnings) for c, k in checks.items() if k.warnings and not k.errors}
    counts = dict(
        frame.select(code.filter(code.is_in(list(doubted))).value_counts()).unnest(code.meta.output_name()).iter_rows()
    )

    def doubt(value: str) -> str:
        rows = counts[value]
        return doubted[value] + (str(_("（该代码共 %(n)d 行")) % {"n": rows} if rows > 1 else "")

    first_of_doubted = code.is_in(list(doubted)) & code.is_first_distinct()
    return [
        _Rule(column, "import.bad_uscc", code.is_in(list(failed)), failed.__getitem__, detail=code),
        _Rule(column, "import.uscc_doubt", first_of_doubted, doubt, detail=code, warning=True),
    ]


def _uscc_check(code: str, exceptions: frozenset[str]) -> IdCheck:
    """core.ids.uscc_validate, shielded from non-ASCII digits: its format check lets them through to a KeyError."""
    if code.isascii():
        return uscc_validate(code, exceptions=exceptions)
    bad = "".join(sorted({c for c in code if not c.isascii()}))
    reason = str(_("统一社会信用代码含非法字符 %(bad)s")) % {"bad": bad}
    return IdCheck(code, errors=[reason])


def _uscc_suspects(codes: pl.Series) -> list[str]:
    """The codes that the vectorised mirror of core.ids.uscc_validate does not find entirely clean."""
    code = pl.col(codes.name)
    index = [code.str.slice(i, 1).replace_strict(_USCC_INDEX, default=None, return_dtype=pl.Int64) for i in range(18)]
    total = pl.sum_horizontal(*(v * w for v, w in zip(index[:17], USCC_WEIGHTS, strict=True)))
    org_values = [
        code.str.slice(8 + i, 1).replace_strict(_BASE36, default=None, return_dtype=pl.Int64) for i in range(8)
    ]
    org = 11 - pl.sum_horizontal(*(v * w for v, w in zip(org_values, _ORG_WEIGHTS, strict=True))) % 11
    org_char = pl.when(org == 10).then(pl.lit("X")).when(org == 11).then(pl.lit("0")).otherwise(org.cast(pl.String))
    clean = (
        code.str.contains(_USCC_FORMAT)
        & ((31 - total % 31) % 31 == index[17])
        & code.str.slice(0, 2).is_in(_USCC_TYPE_PAIRS)
        & (org_char == code.str.slice(16, 1))
    )
    return codes.to_frame().filter(~clean.fill_null(False)).to_series().to_list()


def _licence_rules(frame: pl.DataFrame, fmt: Format, parsed: Mapping[str, pl.Expr]) -> tuple[list[_Rule], pl.Expr]:
    """Licence numbers: JY… for business, SC… for production; legacy formats pass, flagged.

    Returns the rules and the `legacy_format` flag expression.
    """
    number, kind = parsed["number"], parsed["kind"]
    fits = (
        pl.when(kind == "production")
        .then(number.str.contains(LICENCE_PRODUCTION.pattern))
        .otherwise(number.str.contains(LICENCE_BUSINESS.pattern))
    )
    pair = pl.concat_str(kind, number, separator="\x1f")
    suspects = frame.select(pair.filter(~fits).unique().drop_nulls()).to_series().to_list()
    checks = {p: licence_validate(p.split("\x1f", 1)[1], kind=p.split("\x1f", 1)[0]) for p in suspects}
    failed = {p: "；".join(c.errors) for p, c in checks.items() if c.errors}
    legacy = {p: "；".join(c.warnings) for p, c in checks.items() if c.legacy}
    column = fmt.by_field("number")
    flagged = pair.is_in(list(legacy)).fill_null(False)
    rules = [
        _Rule(column, "import.bad_licence_number", pair.is_in(list(failed)), failed.__getitem__, detail=pair),
        _Rule(column, "import.legacy_licence", flagged, legacy.__getitem__, detail=pair, warning=True),
    ]
    return rules, flagged


def _duplicate_key_rules(fmt: Format, parsed: Mapping[str, pl.Expr]) -> list[_Rule]:
    """The same identity twice in one file: every such row is rejected and names the others."""
    rules = []
    for field in fmt.key:
        column = fmt.by_field(field)
        key = parsed[field]
        others = pl.col(ROW).over(key, mapping_strategy="join").list.set_difference(pl.concat_list(ROW)).list.sort()

        def reason(rows: list[int], header: str = column.header) -> str:
            return str(_("与第 %(rows)s 行的“%(c)s”重复")) % {
                "c": header,
                "rows": "、".join(map(str, rows)),
            }

        duplicated = key.is_not_null() & key.is_duplicated()
        rules.append(_Rule(column, "import.duplicate_key", duplicated, reason, detail=others))
    return rules


def _extra_cells_rule() -> _Rule:
    message = str(
        _(
            "该行有单元格不在任何表头之下（CSV 中可能有未加引号的逗号）/ the row has cells outside the header "
            "(in a CSV, perhaps an unquoted comma)"
        )
    )
    return _Rule(None, "import.extra_cells", pl.col(EXTRA).is_not_null(), _always(message))


def _always(message: str) -> Callable[[Any], str]:
    """A reason that does not depend on the failing value."""
    return lambda _detail: message


# --- reporting -------------------------------------------------------------------------------------------


def _report(failing: pl.DataFrame, rule: _Rule, file_name: str) -> list[dict[str, Any]]:
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
