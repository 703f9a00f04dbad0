"""The public search (公示查询): name substring, USCC or licence-number fragment, filters, count, pages and sorting.

Texts are matched through portal_searchgram, read as `search_index` describes: a two-character query (the common
case in Chinese, which trigram indexes cannot serve) is one posting list, a three-character one too (its trigram),
longer ones the intersection of their trigrams read from the rarest, checked against the name; code fragments
likewise with four-character pieces. The street and sector filters are posting lists intersected with the rest.

The count is exact up to COUNT_MAX matches (all that PAGES_MAX pages show), and beyond it whenever one posting list
is the answer (its index counts it) up to LIST_COUNT_MAX; otherwise the page says "more than" the bound — never a
guess — because an exact figure would mean checking every one of up to a million rows (or, for the one list of a
code piece every licence holds, reading a million postings).
"""

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import Count
from django.db.models.expressions import RawSQL

from foodcredit.credit import selectors as credit_selectors
from foodcredit.credit.models import ListEntry
from foodcredit.credit.selectors import lists as list_selectors
from foodcredit.operators.models import Operator
from foodcredit.risk import selectors as risk_selectors

from . import search_index as index
from .models import SearchGram

QUERY_MAX = 100
CODE_MIN = index.CODE_MIN
PER_PAGE = 20
PAGES_MAX = 50  # deeper pages cost an ever larger OFFSET; past 1,000 results the reader narrows the search
COUNT_MAX = 1_000  # counted one by one up to here (all the pages can show); beyond, exact when one list answers
LIST_COUNT_MAX = 100_000  # one list's postings counted up to here (~10 ms); past it, "more than"

SORTS = {
    "": ("pk",),
    "name": ("name", "pk"),
    "-registered_on": ("-registered_on", "-pk"),
    "registered_on": ("registered_on", "pk"),
}
LIST_KINDS = ("abnormal", "serious")
FIGURES_SECONDS = 600
RISK_CLASSES = ("A", "B", "C", "D")


@dataclass(frozen=True)
class SearchQuery:
    """What the reader asked: text, filters, sort and page (already checked by the form)."""

    text: str = ""
    street: str = ""
    sector: str = ""
    business_type: str = ""
    list_kind: str = ""
    risk_class: str = ""
    sort: str = ""
    page: int = 1

    @property
    def is_empty(self) -> bool:
        return not (self.text or self.street or self.sector or self.business_type or self.list_kind or self.risk_class)


@dataclass(frozen=True)
class SearchResult:
    """One page of matching operators and the count: exact, or (`exact` False) a lower bound — more than `total`."""

    operators: list[Operator]
    total: int
    page: int
    pages: int
    capped: bool  # more matches than PAGES_MAX pages show
    exact: bool = True


def _filters_sql(query: SearchQuery, *, as_of: date) -> tuple[str, tuple[Any, ...]]:
    """The filters other than street and sector (which are posting lists: `_branches`) as one SQL condition on the
    operator `o` ("" for none)."""
    parts: list[str] = []
    params: list[Any] = []
    if query.business_type:
        parts.append("o.business_type = %s")
        params.append(query.business_type)
    chosen = Operator.objects.none()
    if query.list_kind in LIST_KINDS:
        # As the public roster shows it: in force, disclosed, and not marked 不予公示 (credit decides).
        listed = credit_selectors.listed_operator_ids_public(list_kind=query.list_kind, as_of=as_of)
        chosen = Operator.objects.filter(pk__in=sorted(listed))
    if query.risk_class and settings.DISCLOSE_RISK_CLASS:
        chosen = risk_selectors.operators_of_class(
            operators=chosen if query.list_kind else Operator.objects.all(),
            risk_class=query.risk_class,
            as_of=as_of,
            default="",
        )
    if query.list_kind or (query.risk_class and settings.DISCLOSE_RISK_CLASS):
        try:
            sql, chosen_params = chosen.values("pk").query.sql_with_params()
        except EmptyResultSet:  # nobody on the list
            sql, chosen_params = "SELECT CAST(NULL AS bigint) WHERE 1 = 0", ()
        parts.append(f"o.id IN ({sql})")
        params += chosen_params
    return " AND ".join(parts), tuple(params)


@dataclass(frozen=True)
class _Matches:
    """What the index answered: the count (exact or a lower bound), matching ids in ascending order — one page
    (`ids_are_page`) or every id up to past the last reachable page — and the SQL of all matching ids."""

    total: int
    exact: bool
    ids: list[int]
    ids_are_page: bool


def _page_start(total: int, page: int, per_page: int) -> int:
    return (max(1, min(page, math.ceil(total / per_page), PAGES_MAX)) - 1) * per_page


def _branches(query: SearchQuery) -> list[index.Branch]:
    """The text's branches within the street and sector lists; no text and no such filter: every operator."""
    filters = index.filter_grams(street=query.street, sector=query.sector)
    return index.branches(query.text, filters=filters) or [index.Branch(grams=())]


def _every_id(query: SearchQuery, *, as_of: date) -> tuple[str, list[Any]]:
    """SQL of every matching id (for the other orders, which sort the whole match)."""
    where, params = _filters_sql(query, as_of=as_of)
    sqls = [index.branch_sql(b, where=where, params=params) for b in _branches(query)]
    return " UNION ".join(f"SELECT id FROM ({sql}) AS b{i}" for i, (sql, _) in enumerate(sqls)), [
        p for _, ps in sqls for p in ps
    ]


def _matches(query: SearchQuery, *, as_of: date, per_page: int) -> _Matches:
    where, params = _filters_sql(query, as_of=as_of)
    found = _branches(query)
    if len(found) == 1 and found[0].is_one_list and not where:  # the commonest search: one list, from the index
        total = index.postings_count(found[0].grams[0], limit=LIST_COUNT_MAX + 1)
        exact = total <= LIST_COUNT_MAX
        total = min(total, LIST_COUNT_MAX)
        start = _page_start(total, query.page, per_page)
        postings = SearchGram.objects.filter(gram=found[0].grams[0]).order_by("operator_id")
        ids = list(postings.values_list("operator_id", flat=True)[start : start + per_page])
        return _Matches(total, exact, ids, True)
    lists = [index.branch_ids(branch, limit=COUNT_MAX + 1, where=where, params=params) for branch in found]
    ids = sorted(set().union(*lists))
    cut = [len(branch_ids) > COUNT_MAX for branch_ids in lists]
    if not any(cut):
        return _Matches(len(ids), True, ids, False)
    last = min(branch_ids[-1] for branch_ids, was_cut in zip(lists, cut, strict=True) if was_cut)
    ids = [i for i in ids if i <= last]  # past a cut list's last id, the union is not all read
    answering = [branch for branch, branch_ids in zip(found, lists, strict=True) if branch_ids]
    if len(answering) == 1 and answering[0].is_one_list and not where:
        total = index.postings_count(answering[0].grams[0], limit=LIST_COUNT_MAX + 1)
        return _Matches(min(total, LIST_COUNT_MAX), total <= LIST_COUNT_MAX, ids, False)
    return _Matches(COUNT_MAX, False, ids, False)


@dataclass(frozen=True)
class DistrictFigures:
    """The district in figures, as far as they may be public: operators by sector, and each list's roster size."""

    operators: int
    by_sector: list[tuple[str, int]]
    abnormal: int
    serious: int


def district_figures(*, as_of: date) -> DistrictFigures:
    """Counted at most every ten minutes (a full count of a million operators is not for every home-page visit)."""
    key = f"portal:figures:{as_of.isoformat()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    counts = dict(
        Operator.objects.filter(status=Operator.Status.ACTIVE)
        .values_list("sector")
        .annotate(n=Count("pk"))
        .values_list("sector", "n")
    )
    figures = DistrictFigures(
        operators=sum(counts.values()),
        by_sector=[(str(label), counts.get(value, 0)) for value, label in Operator.Sector.choices],
        abnormal=len(list_selectors.list_roster_public(list_kind=ListEntry.ListKind.ABNORMAL, as_of=as_of)),
        serious=len(list_selectors.list_roster_public(list_kind=ListEntry.ListKind.SERIOUS, as_of=as_of)),
    )
    cache.set(key, figures, FIGURES_SECONDS)
    return figures


def operators_search_public(*, query: SearchQuery, as_of: date, per_page: int = PER_PAGE) -> SearchResult:
    """One page of the operators matching `query` (registration data is public) and how many match in all;
    nothing for an empty query."""
    if query.is_empty:
        return SearchResult(operators=[], total=0, page=1, pages=0, capped=False)
    found = _matches(query, as_of=as_of, per_page=per_page)
    pages = min(math.ceil(found.total / per_page), PAGES_MAX)
    page = max(1, min(query.page, pages or 1))
    start = _page_start(found.total, query.page, per_page)
    if query.sort in SORTS and query.sort:
        matching = Operator.objects.filter(pk__in=RawSQL(*_every_id(query, as_of=as_of)))
        rows = list(matching.order_by(*SORTS[query.sort])[start : start + per_page])
    else:
        shown = found.ids if found.ids_are_page else found.ids[start : start + per_page]
        in_bulk = Operator.objects.in_bulk(shown)
        rows = [in_bulk[i] for i in shown if i in in_bulk]
    capped = found.total > PAGES_MAX * per_page
    return SearchResult(operators=rows, total=found.total, page=page, pages=pages, capped=capped, exact=found.exact)
