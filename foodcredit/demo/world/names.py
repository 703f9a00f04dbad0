"""Names and words of the simulated population: word lists laid end to end, a word picked per group, and operator
names filled in from the lexicon's patterns."""

import re
from typing import Any

import numpy as np
import polars as pl

from . import lexicon
from .common import pick

_TOKEN = re.compile(r"\{(\w+)\}")


def words_flat(lists: list[list[str]]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Lists laid end to end: the words, each list's offset and length."""
    lengths = np.array([len(x) for x in lists])
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return [w for x in lists for w in x], offsets, lengths


def pick_within(rng: np.random.Generator, lists: list[list[str]], group: np.ndarray) -> pl.Series:
    """For each row, a uniformly drawn word from the list of its group."""
    words, offsets, lengths = words_flat(lists)
    idx = offsets[group] + np.floor(rng.random(len(group)) * lengths[group]).astype(np.int64)
    return pick(words, idx)


def _fill(pattern: str) -> pl.Expr:
    """A name pattern such as "重庆{brand}{industry}" as a string expression over token columns."""
    parts: list[pl.Expr] = []
    pos = 0
    for m in _TOKEN.finditer(pattern):
        if m.start() > pos:
            parts.append(pl.lit(pattern[pos : m.start()]))
        parts.append(pl.col(m.group(1)))
        pos = m.end()
    if pos < len(pattern):
        parts.append(pl.lit(pattern[pos:]))
    return pl.concat_str(parts)


def operator_names(rng: np.random.Generator, *, tokens: pl.DataFrame, name_kind: np.ndarray) -> pl.Series:
    """Operator names from the lexicon's patterns; repeated names become numbered branches."""
    kinds = list(lexicon.NAME_PATTERNS)
    patterns, offsets, lengths = words_flat([lexicon.NAME_PATTERNS[k] for k in kinds])
    pid = offsets[name_kind] + np.floor(rng.random(len(name_kind)) * lengths[name_kind]).astype(np.int64)
    expr: Any = pl.when(pl.col("_pid") == 0).then(_fill(patterns[0]))
    for i, pattern in enumerate(patterns[1:], start=1):
        expr = expr.when(pl.col("_pid") == i).then(_fill(pattern))
    named = tokens.with_columns(_pid=pl.Series(pid)).select(name=expr.otherwise(pl.lit("")))
    return named.select(
        pl.when(pl.int_range(pl.len()).over("name") == 0)
        .then(pl.col("name"))
        .when(pl.col("name").str.ends_with("公司"))
        .then(pl.format("{}江北第{}分公司", pl.col("name"), pl.int_range(pl.len()).over("name") + 1))
        .otherwise(pl.format("{}{}号店", pl.col("name"), pl.int_range(pl.len()).over("name") + 1))
        .alias("name")
    ).to_series()
