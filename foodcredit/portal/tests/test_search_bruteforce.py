"""The public search against a brute-force scan: on a small world written by the import writers, every substring
of every name, code fragments and filters give exactly the operators a plain substring test finds, page by page in
the default order; past COUNT_MAX the count is exact or an honest lower bound, and the pages are still right."""

import random
import re
from datetime import date

import pytest
import time_machine

from foodcredit.credit.tests import factories as f
from foodcredit.operators.models import STREETS, Operator
from foodcredit.portal import search
from foodcredit.portal.search import SearchQuery

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 30)
PIECES = [
    "火锅",
    "小面",
    "重庆",
    "江北",
    "老",
    "火",
    "锅",
    "面",
    "店",
    "馆",
    "有限公司",
    "KFC",
    "kfc",
    "_",
    "%",
    "锅店",
]
SECTORS = [Operator.Sector.CATERING, Operator.Sector.CIRCULATION, Operator.Sector.PRODUCTION]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-06-30 10:00 +0800", tick=False):
        yield


@pytest.fixture
def world() -> list[Operator]:
    """60 operators whose names reuse a few pieces (so bigrams co-occur without the text being adjacent), some with
    a licence, on three streets and three sectors."""
    rnd = random.Random(7)
    operators = []
    for i in range(60):
        name = "".join(rnd.choice(PIECES) for _ in range(rnd.randint(2, 5)))
        operator = f.operator_register(
            uscc=f.make_uscc(10_000 + i * 7919),
            name=name,
            street=STREETS[i % 3],
            sector=SECTORS[i % 5 % 3],
            registered_on=date(2010, 1, 1 + i % 28),
        )
        if i % 2:
            f.licence_add(operator, on=date(2024, 1, 1), number=f"JY1500105{i * 104729 % 10_000_000:07d}")
        operators.append(operator)
    return operators


def expected(world: list[Operator], query: SearchQuery) -> list[int]:
    """The ids a plain scan finds, ascending: name contains the text (ASCII case ignored), or a code does."""
    licences = {o.pk: [lic.number for lic in o.licence_set.all()] for o in world}
    text = query.text
    found = []
    for o in world:
        hit = not text or text.lower() in o.name.lower()
        if text and len(text) >= 4 and re.fullmatch(r"[0-9A-Za-z]+", text):
            hit = hit or any(text.upper() in code.upper() for code in [o.uscc, *licences[o.pk]])
        if hit and all(not v or getattr(o, k) == v for k, v in (("street", query.street), ("sector", query.sector))):
            found.append(o.pk)
    return found


def all_pages(query: SearchQuery, per_page: int) -> tuple[search.SearchResult, list[int]]:
    first = search.operators_search_public(query=query, as_of=TODAY, per_page=per_page)
    ids = [o.pk for o in first.operators]
    for page in range(2, first.pages + 1):
        result = search.operators_search_public(
            query=SearchQuery(**{**query.__dict__, "page": page}), as_of=TODAY, per_page=per_page
        )
        assert result.page == page
        ids += [o.pk for o in result.operators]
    return first, ids


def queries(world: list[Operator]) -> list[SearchQuery]:
    texts = {o.name[i : i + n] for o in world[:20] for n in range(1, 7) for i in range(len(o.name) - n + 1)}
    texts |= {"锅火", "面店火锅", "kf", "Kfc", "%%", "_火", "无此名称"}
    codes = {o.uscc[s : s + n] for o in world[:8] for s, n in ((0, 4), (3, 6), (9, 9), (12, 6), (0, 18))}
    codes |= {"jy15", "1500105", "JY15001050999999"} | {
        "JY1500105" + f"{i * 104729 % 10_000_000:07d}"[2:] for i in (1, 3)
    }
    found = [SearchQuery(text=t) for t in sorted(texts | codes)]
    found += [SearchQuery(text=t, street=STREETS[1]) for t in ("火锅", "火锅店", "老", "JY15")]
    found += [SearchQuery(text=t, street=STREETS[0], sector=SECTORS[0]) for t in ("面", "小面", "重庆小", "面重庆_")]
    found += [SearchQuery(text=t, sector=SECTORS[2]) for t in ("有限公司", "锅店", world[3].uscc[5:11], "1500105")]
    found += [SearchQuery(text="锅", sector=SECTORS[1]), SearchQuery(street=STREETS[2]), SearchQuery(sector=SECTORS[0])]
    found += [SearchQuery(street=STREETS[0], sector=SECTORS[2])]
    return found


def test_every_query_finds_what_a_scan_finds_page_by_page(world):
    for query in queries(world):
        truth = expected(world, query)
        result, ids = all_pages(query, per_page=7)
        assert (result.total, result.exact, ids) == (len(truth), True, truth), query


def test_past_the_counting_bound_the_count_is_exact_or_a_lower_bound_and_pages_stay_right(world, monkeypatch):
    monkeypatch.setattr(search, "COUNT_MAX", 6)
    monkeypatch.setattr(search, "PAGES_MAX", 2)  # two pages of three: every reachable id is below the bound
    bounds = exact = 0
    for query in queries(world):
        truth = expected(world, query)
        result, ids = all_pages(query, per_page=3)
        assert ids == truth[:6], query
        if result.exact:
            exact += len(truth) > 6
            assert result.total == len(truth), query
        else:
            bounds += 1
            assert result.total == 6 < len(truth), query
    assert bounds and exact  # both kinds happened: two-character texts are counted exactly past the bound


def commonest(world: list[Operator], size: int) -> str:
    """The piece of `size` characters of the world's names that the most operators hold."""
    pieces = {o.name[i : i + size] for o in world for i in range(len(o.name) - size + 1)}
    return max(sorted(pieces), key=lambda t: len(expected(world, SearchQuery(text=t))))


def test_single_lists_are_counted_exactly_past_the_bound_and_the_rest_bounded(world, monkeypatch):
    monkeypatch.setattr(search, "COUNT_MAX", 2)
    monkeypatch.setattr(search, "PAGES_MAX", 1)
    one_list = [
        SearchQuery(text="火锅"),
        SearchQuery(text="9150"),
        SearchQuery(text=commonest(world, 3)),
        SearchQuery(street=STREETS[0]),
        SearchQuery(sector=SECTORS[0]),
        SearchQuery(street=STREETS[0], sector=SECTORS[0]),
    ]
    for query in one_list:  # a bigram, a code piece, a trigram, a street, a sector, the two filters: one list each
        assert len(expected(world, query)) > 2, query
        result = search.operators_search_public(query=query, as_of=TODAY, per_page=2)
        assert (result.total, result.exact) == (len(expected(world, query)), True), query
    common = commonest(world, 4)
    assert len(expected(world, SearchQuery(text=common))) > 2
    longer = search.operators_search_public(query=SearchQuery(text=common), as_of=TODAY, per_page=2)
    assert (longer.total, longer.exact) == (2, False)
    filtered = SearchQuery(text="火锅", street=STREETS[1])
    assert len(expected(world, filtered)) > 2
    within = search.operators_search_public(query=filtered, as_of=TODAY, per_page=2)
    assert (within.total, within.exact) == (2, False)


def test_other_orders_show_the_same_matches_sorted(world):
    query = SearchQuery(text="火锅", sort="registered_on")
    truth = sorted((o.registered_on, o.pk) for o in world if o.pk in set(expected(world, query)))
    _, ids = all_pages(query, per_page=5)
    assert ids == [pk for _, pk in truth]


def test_page_and_api_say_more_than_when_the_count_is_a_bound(client, world, monkeypatch):
    monkeypatch.setattr(search, "COUNT_MAX", 2)
    monkeypatch.setattr(search, "PAGES_MAX", 1)
    common = commonest(world, 4)
    html = client.get("/", {"q": common}).content.decode()
    assert 'data-count="2" data-count-exact="false"' in html and "找到超过 2 个经营主体" in html
    body = client.get("/api/v1/public/search", {"q": common}).json()
    assert (body["count"], body["count_exact"]) == (2, False)
    exact = client.get("/api/v1/public/search", {"q": "火锅"}).json()
    assert (exact["count"], exact["count_exact"]) == (len(expected(world, SearchQuery(text="火锅"))), True)
