"""The row checks of the standard exchange format, as polars expressions over whole columns (pure: no ORM).

Each check is a `Rule`: the rows that break it and how to word the reason. `validate` applies them to the frame
and reports the failing rows; Python only words the messages and calls core.ids once per distinct suspicious code.
"""

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from foodcredit.collection.formats import Column, ColumnType, Format
from foodcredit.collection.readers import EXTRA, ROW
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


@dataclasses.dataclass(frozen=True)
class Rule:
    """One check: `fails` marks the rows that break it; `reason` words the message from `detail`.

    `detail` is evaluated on the failing rows only (so a window over them sees just the culprits).
    """

    column: Column | None  # None: the row as a whole
    code: str
    fails: pl.Expr
    reason: Callable[[Any], str]
    detail: pl.Expr = dataclasses.field(default_factory=lambda: pl.lit(None))
    warning: bool = False


def cell_rules(column: Column, text: pl.Expr, parsed: pl.Expr) -> list[Rule]:
    """Required, length and type checks of one column."""
    name = column.header
    rules = []
    if column.required:
        missing = text.is_null()
        if column.type == ColumnType.MULTI_CHOICE:
            missing |= parsed.list.len() == 0  # only separators, e.g. "、"
        message = str(_("“%(c)s”为必填项 / “%(c)s” is required")) % {"c": name}
        rules.append(Rule(column, "import.required", missing, always(message)))
    if column.max_length:
        message = str(_("“%(c)s”超过 %(n)d 个字 / “%(c)s” is longer than %(n)d characters")) % {
            "c": name,
            "n": column.max_length,
        }
        too_long = text.str.len_chars() > column.max_length
        rules.append(Rule(column, "import.too_long", too_long, always(message)))
    unparsed = text.is_not_null() & parsed.is_null()
    match column.type:
        case ColumnType.DATE:
            message = str(
                _(
                    "“%(c)s”不是有效日期，应为 YYYY-MM-DD 或 YYYY/M/D / “%(c)s” is not a valid date (YYYY-MM-DD or YYYY/M/D)"
                )
            ) % {"c": name}
            rules.append(Rule(column, "import.bad_date", unparsed, always(message)))
        case ColumnType.CHOICE | ColumnType.BOOL:
            allowed = "、".join(column.choices) if column.type == ColumnType.CHOICE else "是、否"
            message = str(_("“%(c)s”应为以下之一：%(a)s / “%(c)s” must be one of: %(a)s")) % {"c": name, "a": allowed}
            rules.append(Rule(column, "import.bad_choice", unparsed, always(message)))
        case ColumnType.MULTI_CHOICE:
            allowed = "、".join(column.choices)
            unknown = parsed.list.eval(pl.element().filter(~pl.element().is_in(list(column.choices))))

            def reason(bad: list[str]) -> str:
                return str(_("“%(c)s”含不允许的值“%(bad)s”，应为：%(a)s / “%(c)s” has “%(bad)s”; allowed: %(a)s")) % {
                    "c": name,
                    "bad": "、".join(bad),
                    "a": allowed,
                }

            rules.append(Rule(column, "import.bad_choice", unknown.list.len() > 0, reason, detail=unknown))
        case ColumnType.DECIMAL:
            message = str(
                _(
                    "“%(c)s”应为不小于 0、最多两位小数的金额（元）/ “%(c)s” must be an amount in yuan, "
                    "not negative, at most two decimals"
                )
            ) % {"c": name}
            rules.append(Rule(column, "import.bad_amount", unparsed, always(message)))
        case ColumnType.USCC | ColumnType.LICENCE | ColumnType.TEXT:
            pass  # identifiers: uscc_rules and licence_rules; text is kept verbatim
    return rules


def uscc_rules(frame: pl.DataFrame, column: Column, code: pl.Expr, exceptions: frozenset[str]) -> list[Rule]:
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
        Rule(column, "import.bad_uscc", code.is_in(list(failed)), failed.__getitem__, detail=code),
        Rule(column, "import.uscc_doubt", first_of_doubted, doubt, detail=code, warning=True),
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


def licence_rules(frame: pl.DataFrame, fmt: Format, parsed: Mapping[str, pl.Expr]) -> tuple[list[Rule], pl.Expr]:
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
        Rule(column, "import.bad_licence_number", pair.is_in(list(failed)), failed.__getitem__, detail=pair),
        Rule(column, "import.legacy_licence", flagged, legacy.__getitem__, detail=pair, warning=True),
    ]
    return rules, flagged


def duplicate_key_rules(fmt: Format, parsed: Mapping[str, pl.Expr]) -> list[Rule]:
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
        rules.append(Rule(column, "import.duplicate_key", duplicated, reason, detail=others))
    return rules


def extra_cells_rule() -> Rule:
    """Cells beyond the last header: the row as a whole is refused."""
    message = str(
        _(
            "该行有单元格不在任何表头之下（CSV 中可能有未加引号的逗号）/ the row has cells outside the header "
            "(in a CSV, perhaps an unquoted comma)"
        )
    )
    return Rule(None, "import.extra_cells", pl.col(EXTRA).is_not_null(), always(message))


def always(message: str) -> Callable[[Any], str]:
    """A reason that does not depend on the failing value."""
    return lambda _detail: message
