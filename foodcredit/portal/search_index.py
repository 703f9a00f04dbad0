"""How the public search reads its index (portal_searchgram, kept by triggers: see SearchGram).

A text is matched by one or two *branches*: its name branch (the operators whose name contains it) and, for a code
fragment of four or more letters and digits, its code branch (those whose USCC or a licence number contains it).
A branch is a set of posting lists to intersect — the name's bigram (two characters) or trigrams (three or more),
or four-character pieces of the code, and the street and sector filters' lists — and, when the postings alone
cannot prove the match, a check on the operator's row (the substring itself, by LIKE).

The branch is read from its rarest posting list (counted first, each count stopped at a bound), in operator order,
probing the other lists for each posting, and only then the operator's row: the work follows the rarest list,
not the sum of them, and a page in the default order is the next ids of that one list.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

CODE_MIN = 4  # a fragment of a USCC or licence number: at least four characters (issue 15)
PROBES_MAX = 3  # text lists probed after the rarest when the row is checked anyway
RAREST_BOUNDS = (1_000, 10_000)  # a list's count stops here: enough to tell the rarest apart
CHUNK_FIRST, CHUNK_MAX = 500, 16_000  # postings read per round trip: doubling from the first
_CODE = re.compile(r"[0-9A-Za-z]+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class Branch:
    """Operators holding every gram of `grams` (none: every operator) whose row passes `check` (SQL on `o`)."""

    grams: tuple[str, ...]
    check: str = ""
    params: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()  # those of `grams` the check does not cover: always probed

    def probed(self, others: list[str]) -> list[str]:
        """The lists to probe after the driving one, rarest first: all of them without a check; with one, the
        filters' lists and the next PROBES_MAX of the text's (the check on the row decides the rest)."""
        if not self.check:
            return others
        texts = [g for g in others if g not in self.filters][:PROBES_MAX]
        return [g for g in others if g in self.filters or g in texts]

    @property
    def is_one_list(self) -> bool:
        """Its postings are the answer: one list, no row check."""
        return len(self.grams) == 1 and not self.check


def name_grams(text: str) -> list[str]:
    """Its bigram (two characters) or its trigrams (three or more), in the text's order, as the triggers wrote them."""
    lowered = text.translate(_ASCII_LOWER)
    size = 2 if len(lowered) == 2 else 3
    return list(dict.fromkeys(lowered[i : i + size] for i in range(len(lowered) - size + 1)))


def filter_grams(*, street: str = "", sector: str = "") -> tuple[str, ...]:
    """The posting list of the street and sector filters (both together are one list of their own)."""
    if street and sector:
        return (f"street={street}&sector={sector}",)
    if street:
        return (f"street={street}",)
    return (f"sector={sector}",) if sector else ()


def code_grams(text: str) -> list[str]:
    """Every four-character piece of the fragment, in its order: the rarest drive, the next narrow, the LIKE decides.
    (Pieces without overlap let through every code holding them apart: a licence's region and serial are common.)"""
    upper = text.upper()
    return list(dict.fromkeys("#" + upper[i : i + CODE_MIN] for i in range(len(upper) - CODE_MIN + 1)))


def _lowered(column: str) -> str:
    """The column lower-cased in ASCII only, as the trigger that wrote the bigrams did."""
    if connection.vendor == "postgresql":
        return f"translate({column}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
    return f"lower({column})"


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def branches(text: str, *, filters: tuple[str, ...] = ()) -> list[Branch]:
    """The branches of a text: its name branch, and its code branch when it is a code fragment; each also in the
    `filters`' lists (filter_grams). No text: the filters' lists alone (none without filters)."""
    if not text:
        return [Branch(grams=filters, filters=filters)] if filters else []
    lowered = text.translate(_ASCII_LOWER)
    name_like = f"{_lowered('o.name')} LIKE %s ESCAPE '\\'"
    if len(text) == 1:
        found = [Branch(grams=filters, check=name_like, params=(_like(lowered),), filters=filters)]
    elif len(text) <= 3:  # a bigram or a trigram is its own posting list: no second look
        found = [Branch(grams=(lowered, *filters), filters=filters)]
    else:
        grams = (*name_grams(text), *filters)
        found = [Branch(grams=grams, check=name_like, params=(_like(lowered),), filters=filters)]
    if len(text) >= CODE_MIN and _CODE.fullmatch(text):
        if len(text) == CODE_MIN:  # one piece: its postings are the answer
            found.append(Branch(grams=("#" + text.upper(), *filters), filters=filters))
        else:
            fragment = f"%{text.upper()}%"  # letters and digits only: nothing to escape
            check = (
                "(upper(o.uscc) LIKE %s OR (SELECT 1 FROM licences_licence l"
                " WHERE l.operator_id = o.id AND upper(l.number) LIKE %s LIMIT 1) IS NOT NULL)"
            )
            grams = (*code_grams(text), *filters)
            found.append(Branch(grams=grams, check=check, params=(fragment, fragment), filters=filters))
    return found


def rarest_first(grams: tuple[str, ...]) -> list[str]:
    """The grams ordered by the size of their posting lists, each counted up to a bound: one round trip per bound,
    the larger bound only when every list reached the smaller. A tie at the bound puts the text's later grams first:
    codes run from the region to the serial, names from place and owner to the trade and suffix, and their ends
    are the rarer."""
    if len(grams) < 2:
        return list(grams)
    sizes: list[int] = []
    for bound in RAREST_BOUNDS:
        one = "SELECT count(*) FROM (SELECT 1 FROM portal_searchgram WHERE gram = %s LIMIT {b}) AS g{i}"
        sql = "SELECT " + ", ".join(f"({one.format(b=bound, i=i)})" for i in range(len(grams)))
        with connection.cursor() as cursor:
            cursor.execute(sql, list(grams))
            sizes = list(cursor.fetchone())
        if min(sizes) < bound:
            break
    return [g for _, _, g in sorted(zip(sizes, range(len(grams), 0, -1), grams, strict=True))]


def branch_sql(branch: Branch, *, where: str = "", params: tuple[Any, ...] = ()) -> tuple[str, list[Any]]:
    """SQL of the branch's operator ids (column `id`) in ascending order, with `where` (SQL on `o`) ANDed."""
    conditions = [c for c in (branch.check, where) if c]
    args: list[Any] = []
    if not branch.grams:
        sql = "SELECT o.id AS id FROM operators_operator o"
        if conditions:
            sql += " WHERE " + " AND ".join(conditions)
        return sql + " ORDER BY o.id", [*branch.params, *params]
    first, *rest = rarest_first(branch.grams)
    others = branch.probed(rest)
    sql = "SELECT d.operator_id AS id FROM portal_searchgram d"
    if conditions:
        sql += " JOIN operators_operator o ON o.id = d.operator_id"
    sql += " WHERE d.gram = %s"
    args.append(first)
    for i, gram in enumerate(others):
        sql += (
            f" AND EXISTS (SELECT 1 FROM portal_searchgram x{i}"
            f" WHERE x{i}.gram = %s AND x{i}.operator_id = d.operator_id)"
        )
        args.append(gram)
    for condition in conditions:
        sql += f" AND {condition}"
    return sql + " ORDER BY d.operator_id", [*args, *branch.params, *params]


def branch_ids(branch: Branch, *, limit: int, where: str = "", params: tuple[Any, ...] = ()) -> list[int]:
    """The first `limit` ids of the branch (ascending), with `where` (SQL on `o`) ANDed.

    Its rarest list drives; the others are semi-joins (EXISTS) on it; the result is read in chunks of the
    intersection, in operator order, and only an intersected posting's operator row is read for the checks (in the
    select list: the planner cannot turn a LIKE, whose selectivity it misjudges, into a join of whole lists), so the
    work stops as soon as `limit` ids are found. SQLite probes each posting of the driving list in the others;
    PostgreSQL chooses from its statistics of each list's size a probe per posting or, where the lists are long, a
    merge join of index-only scans (hash joins and parallel workers are off for these queries: _streaming_joins)."""
    if not branch.grams:  # no list to drive: the operators in id order, the conditions as a plain filter
        plain = " AND ".join(c for c in (branch.check, where) if c) or "1 = 1"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT o.id FROM operators_operator o WHERE {plain} ORDER BY o.id LIMIT %s",
                [*branch.params, *params, limit],
            )
            return [row[0] for row in cursor.fetchall()]
    ordered = rarest_first(branch.grams)
    first, others = ordered[0], branch.probed(ordered[1:])
    probes = "".join(
        f" AND EXISTS (SELECT 1 FROM portal_searchgram x{i} WHERE x{i}.gram = %s AND x{i}.operator_id = d.operator_id)"
        for i in range(len(others))
    )
    conditions = [c for c in (branch.check, where) if c]
    check = (
        f"(SELECT 1 FROM operators_operator o WHERE o.id = d.operator_id AND {' AND '.join(conditions)}) IS NOT NULL"
        if conditions
        else "1 = 1"
    )
    sql = (
        f"SELECT d.operator_id, {check} FROM portal_searchgram d WHERE d.gram = %s AND d.operator_id > %s{probes}"
        " ORDER BY d.operator_id LIMIT %s"
    )
    found: list[int] = []
    last, chunk = 0, (CHUNK_FIRST if conditions else limit)
    with transaction.atomic(), _streaming_joins():
        while len(found) < limit:
            with connection.cursor() as cursor:
                cursor.execute(sql, [*branch.params, *params, first, last, *others, chunk])
                rows = cursor.fetchall()
            found += [row[0] for row in rows if row[1]]
            if len(rows) < chunk:
                break
            last, chunk = rows[-1][0], min(chunk * 2, CHUNK_MAX)
    return found[:limit]


# Joins that stream in operator order and stop at the LIMIT: no hash join (the planner multiplies the lists'
# selectivities, so for a text's trigrams, which come together, it expects a handful of rows and hashes whole lists
# of 150,000 postings), no parallel workers (starting them costs more than the chunk).
_SETTINGS = {"enable_hashjoin": "off", "max_parallel_workers_per_gather": "0"}


@contextmanager
def _streaming_joins() -> Iterator[None]:
    """The settings above for the current transaction (PostgreSQL), then back to what they were."""
    if connection.vendor != "postgresql":
        yield
        return
    names = list(_SETTINGS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
        before = dict(zip(names, cursor.fetchone(), strict=True))
        cursor.execute(
            "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)),
            [v for name in names for v in (name, _SETTINGS[name])],
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)),
                [v for name in names for v in (name, before[name])],
            )


def postings_count(gram: str, *, limit: int) -> int:
    """The size of one posting list, counted up to `limit` (read from the index alone)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM portal_searchgram WHERE gram = %s LIMIT %s) AS g", [gram, limit]
        )
        return int(cursor.fetchone()[0])
