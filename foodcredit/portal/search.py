"""The public search (公示查询): name substring, USCC or licence-number fragment, filters, count, pages, sorting.

Every text match goes through portal_searchgram (SearchGram): a name query of two or more characters takes the
operators holding all its bigrams, then keeps those whose name really contains it; a code fragment of four or more
letters and digits does the same with four-character pieces of USCCs and licence numbers. A two-character query is
its own bigram, so its postings are the answer with no second look — the common case in Chinese, which trigram
indexes (pg_trgm, SQLite FTS5) cannot serve. A one-character query reads every name: rare, and still right.
"""

import math
import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, QuerySet
from django.db.models.expressions import RawSQL

from foodcredit.credit.models import ListEntry
from foodcredit.credit.selectors import lists as list_selectors
from foodcredit.operators.models import Operator
from foodcredit.risk import selectors as risk_selectors

from .models import SearchGram

QUERY_MAX = 100
CODE_MIN = 4  # a fragment of a USCC or licence number: at least four characters (issue 15)
PER_PAGE = 20
PAGES_MAX = 50  # deeper pages cost an ever larger OFFSET; past 1,000 results the reader narrows the search
_CODE = re.compile(r"[0-9A-Za-z]+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

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
    """One page of matching operators and the total count."""

    operators: list[Operator]
    total: int
    page: int
    pages: int
    capped: bool  # more matches than PAGES_MAX pages show


def _grams_sql(grams: list[str]) -> tuple[str, list[str]]:
    """Operators holding every gram: one index-only scan per gram, intersected."""
    one = "SELECT operator_id FROM portal_searchgram WHERE gram = %s"
    return " INTERSECT ".join([one] * len(grams)), grams


def _name_grams(text: str) -> list[str]:
    lowered = text.translate(_ASCII_LOWER)
    return sorted({lowered[i : i + 2] for i in range(len(lowered) - 1)})


def _code_grams(text: str) -> list[str]:
    """Pieces covering the fragment without overlap (and its last four): enough to narrow, the LIKE decides."""
    upper = text.upper()
    starts = {*range(0, len(upper) - CODE_MIN + 1, CODE_MIN), len(upper) - CODE_MIN}
    return sorted({"#" + upper[i : i + CODE_MIN] for i in starts})


def _lowered(column: str) -> str:
    """The column lower-cased in ASCII only, as the trigger that wrote the bigrams did."""
    if connection.vendor == "postgresql":
        return f"translate({column}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
    return f"lower({column})"


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def text_match_sql(text: str) -> tuple[str, list[str]] | None:
    """SQL selecting the ids of operators whose name contains `text` (ASCII case ignored), or whose USCC or a
    licence number contains it when it is a code fragment; None for an empty text."""
    if not text:
        return None
    parts: list[str] = []
    params: list[str] = []
    name = _lowered("o.name")
    if len(text) == 1:
        parts.append(f"SELECT o.id FROM operators_operator o WHERE {name} LIKE %s ESCAPE '\\'")
        params.append(_like(text.translate(_ASCII_LOWER)))
    elif len(text) == 2:  # a bigram is its own posting list: no second look
        parts.append("SELECT operator_id FROM portal_searchgram WHERE gram = %s")
        params.append(text.translate(_ASCII_LOWER))
    else:
        grams_sql, grams = _grams_sql(_name_grams(text))
        parts.append(
            f"SELECT o.id FROM operators_operator o WHERE o.id IN ({grams_sql}) AND {name} LIKE %s ESCAPE '\\'"
        )
        params += [*grams, _like(text.translate(_ASCII_LOWER))]
    if len(text) == CODE_MIN and _CODE.fullmatch(text):  # one piece: its postings are the answer
        parts.append("SELECT operator_id FROM portal_searchgram WHERE gram = %s")
        params.append("#" + text.upper())
    elif len(text) > CODE_MIN and _CODE.fullmatch(text):
        grams_sql, grams = _grams_sql(_code_grams(text))
        fragment = f"%{text.upper()}%"  # letters and digits only: nothing to escape
        parts.append(
            f"SELECT o.id FROM operators_operator o WHERE o.id IN ({grams_sql}) AND (upper(o.uscc) LIKE %s OR EXISTS ("
            "SELECT 1 FROM licences_licence l WHERE l.operator_id = o.id AND upper(l.number) LIKE %s))"
        )
        params += [*grams, fragment, fragment]
    return " UNION ".join(parts), params


def _filtered(query: SearchQuery, *, as_of: date) -> QuerySet[Operator]:
    operators = Operator.objects.all()
    match = text_match_sql(query.text)
    if match is not None:
        operators = operators.filter(pk__in=RawSQL(*match))
    if query.street:
        operators = operators.filter(street=query.street)
    if query.sector:
        operators = operators.filter(sector=query.sector)
    if query.business_type:
        operators = operators.filter(business_type=query.business_type)
    if query.list_kind == "serious":
        operators = operators.filter(pk__in=sorted(list_selectors.serious_listed_operator_ids(as_of=as_of)))
    elif query.list_kind == "abnormal":
        # Read, not written, from credit: an abnormal listing has no period, it lasts until removed.
        listed = ListEntry.objects.filter(
            list_kind=ListEntry.ListKind.ABNORMAL, status=ListEntry.Status.LISTED, decided_on__lte=as_of
        )
        operators = operators.filter(pk__in=listed.values("operator_id"))
    if query.risk_class and settings.DISCLOSE_RISK_CLASS:
        operators = risk_selectors.operators_of_class(
            operators=operators, risk_class=query.risk_class, as_of=as_of, default=""
        )
    return operators


def _one_posting_list(query: SearchQuery, *, per_page: int) -> SearchResult:
    """Two characters, no filter, default order — the commonest search: its bigram's postings are the answer, so the
    count and the page are read from the index alone (no join with a million operators)."""
    postings = SearchGram.objects.filter(gram=query.text.translate(_ASCII_LOWER))
    total = postings.count()
    pages = min(math.ceil(total / per_page), PAGES_MAX)
    page = max(1, min(query.page, pages or 1))
    start = (page - 1) * per_page
    ids = list(postings.order_by("operator_id").values_list("operator_id", flat=True)[start : start + per_page])
    found = Operator.objects.in_bulk(ids)
    rows = [found[i] for i in ids if i in found]
    return SearchResult(operators=rows, total=total, page=page, pages=pages, capped=total > PAGES_MAX * per_page)


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
    if len(query.text) == 2 and query == SearchQuery(text=query.text, page=query.page):
        return _one_posting_list(query, per_page=per_page)
    operators = _filtered(query, as_of=as_of)
    total = operators.count()
    pages = min(math.ceil(total / per_page), PAGES_MAX)
    page = max(1, min(query.page, pages or 1))
    start = (page - 1) * per_page
    rows = list(operators.order_by(*SORTS.get(query.sort, SORTS[""]))[start : start + per_page])
    return SearchResult(operators=rows, total=total, page=page, pages=pages, capped=total > PAGES_MAX * per_page)
