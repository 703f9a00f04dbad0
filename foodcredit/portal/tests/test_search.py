"""The public search: every kind of query right on both databases, through the production writers (imports)."""

from datetime import date

import pytest
import time_machine

from foodcredit.credit.tests import factories as f
from foodcredit.operators.models import Operator
from foodcredit.portal import search
from foodcredit.portal.search import SearchQuery

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 30)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-06-30 10:00 +0800", tick=False):
        yield


def names(query: SearchQuery, **kwargs) -> list[str]:
    return [o.name for o in search.operators_search_public(query=query, as_of=TODAY, **kwargs).operators]


@pytest.fixture
def world():
    ops = {
        "hotpot": f.operator_register(uscc=f.make_uscc(13572468), name="观音桥老火锅店"),
        "apart": f.operator_register(uscc=f.make_uscc(24681357), name="鸿恩小火锅、砂锅店", street="华新街街道"),
        "noodle": f.operator_register(
            uscc=f.make_uscc(36925814), name="五里店小面馆", sector=Operator.Sector.CIRCULATION
        ),
        "latin": f.operator_register(uscc=f.make_uscc(47182935), name="KFC肯德基餐厅"),
        "pct": f.operator_register(uscc=f.make_uscc(58293746), name="百分百100%鲜果"),
    }
    f.licence_add(ops["noodle"], on=date(2024, 1, 1), number="JY15001050012345")
    return ops


def test_two_characters_find_every_name_containing_them(world):
    assert names(SearchQuery(text="火锅")) == ["观音桥老火锅店", "鸿恩小火锅、砂锅店"]
    assert names(SearchQuery(text="面馆")) == ["五里店小面馆"]
    assert names(SearchQuery(text="锅火")) == []


def test_longer_text_is_a_true_substring_not_just_its_bigrams(world):
    # 鸿恩小火锅、砂锅店 holds 火锅 and 锅店 but not 火锅店
    assert names(SearchQuery(text="火锅店")) == ["观音桥老火锅店"]
    assert names(SearchQuery(text="观音桥老火锅店")) == ["观音桥老火锅店"]


def test_one_character_and_ascii_case(world):
    assert names(SearchQuery(text="面")) == ["五里店小面馆"]
    assert names(SearchQuery(text="kfc")) == ["KFC肯德基餐厅"]
    assert names(SearchQuery(text="Kf")) == ["KFC肯德基餐厅"]


def test_wildcards_are_plain_characters(world):
    assert names(SearchQuery(text="0%")) == ["百分百100%鲜果"]
    assert names(SearchQuery(text="%%")) == []
    assert names(SearchQuery(text="_")) == []


def test_uscc_and_licence_fragments_from_the_middle(world):
    uscc = world["apart"].uscc
    assert names(SearchQuery(text=uscc)) == ["鸿恩小火锅、砂锅店"]
    assert names(SearchQuery(text=uscc[9:15])) == ["鸿恩小火锅、砂锅店"]
    assert names(SearchQuery(text=uscc[11:17].lower())) == ["鸿恩小火锅、砂锅店"]
    assert names(SearchQuery(text=uscc[10:14])) == ["鸿恩小火锅、砂锅店"]  # four characters: one piece
    assert names(SearchQuery(text="00123")) == ["五里店小面馆"]
    assert names(SearchQuery(text="jy1500105001234")) == ["五里店小面馆"]
    assert names(SearchQuery(text="JY15001050099999")) == []


def test_a_renamed_operator_is_found_by_its_new_name_only(world):
    f.operator_register(uscc=world["hotpot"].uscc, name="观音桥烤鱼店")
    assert names(SearchQuery(text="火锅")) == ["鸿恩小火锅、砂锅店"]
    assert names(SearchQuery(text="烤鱼")) == ["观音桥烤鱼店"]
    assert names(SearchQuery(text=world["hotpot"].uscc[8:14])) == ["观音桥烤鱼店"]


def test_a_changed_licence_number_is_found_by_its_new_number_only(world):
    f.licence_add(world["hotpot"], on=date(2024, 2, 1), number="SC10650010500077")
    assert names(SearchQuery(text="SC1065")) == ["观音桥老火锅店"]
    assert names(SearchQuery(text="0500077")) == ["观音桥老火锅店"]


def test_a_moved_operator_is_found_in_its_new_street_and_sector_only(world):
    f.operator_register(
        uscc=world["apart"].uscc, name="鸿恩小火锅、砂锅店", street="五里店街道", sector=Operator.Sector.CIRCULATION
    )
    assert names(SearchQuery(text="火锅", street="华新街街道")) == []
    assert names(SearchQuery(street="华新街街道")) == []
    assert names(SearchQuery(text="火锅", street="五里店街道")) == ["鸿恩小火锅、砂锅店"]
    assert names(SearchQuery(text="小火锅", sector=Operator.Sector.CIRCULATION)) == ["鸿恩小火锅、砂锅店"]
    assert names(SearchQuery(street="五里店街道", sector=Operator.Sector.CIRCULATION)) == ["鸿恩小火锅、砂锅店"]
    assert names(SearchQuery(sector=Operator.Sector.CATERING, street="华新街街道")) == []
    assert names(SearchQuery(sector=Operator.Sector.CIRCULATION)) == ["鸿恩小火锅、砂锅店", "五里店小面馆"]


def test_filters_count_pages_and_sort(world):
    assert names(SearchQuery(text="火锅", street="华新街街道")) == ["鸿恩小火锅、砂锅店"]
    assert names(SearchQuery(text="店", sector=Operator.Sector.CIRCULATION)) == ["五里店小面馆"]
    assert names(SearchQuery(street="观音桥街道", sort="name")) == sorted(
        ["观音桥老火锅店", "五里店小面馆", "KFC肯德基餐厅", "百分百100%鲜果"]
    )
    first = search.operators_search_public(query=SearchQuery(text="店"), as_of=TODAY, per_page=2)
    second = search.operators_search_public(query=SearchQuery(text="店", page=2), as_of=TODAY, per_page=2)
    assert (first.total, first.pages, second.page) == (3, 2, 2)
    assert len(first.operators) == 2 and len(second.operators) == 1
    assert not {o.pk for o in first.operators} & {o.pk for o in second.operators}


def test_list_status_filter(world):
    assert names(SearchQuery(text="店", list_kind="serious")) == []
    assert names(SearchQuery(text="店", list_kind="abnormal")) == []


def test_empty_query_lists_nothing(world):
    result = search.operators_search_public(query=SearchQuery(), as_of=TODAY)
    assert (result.operators, result.total) == ([], 0)


INJECTIONS = [
    "火锅<script>alert('x')</script>店",
    "火锅' OR '1'='1",
    "火锅'; DROP TABLE operators_operator; --",
    '火锅" onmouseover="alert(1)',
    "火锅\\%' UNION SELECT id FROM accounts_user --",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_strings_are_inert_in_every_field(client, world, text):
    for field in ("q", "business_type"):
        response = client.get("/", {field: text})
        assert response.status_code == 200
        html = response.content.decode()
        assert "<script>alert" not in html and 'onmouseover="alert' not in html
        assert "没有找到符合条件的经营主体" in html or field == "business_type"
    for field in ("street", "sector", "list_kind", "risk_class", "sort", "page"):
        response = client.get("/", {"q": "火锅", field: text})
        assert response.status_code == 200
        assert "<script>alert" not in response.content.decode()
    assert Operator.objects.count() == len(world)


def test_search_page_shows_count_and_links(client, world):
    html = client.get("/", {"q": "火锅"}).content.decode()
    assert 'data-count="2"' in html
    assert f"/operators/{world['hotpot'].uscc}/" in html
    fragment = client.get("/", {"q": "火锅", "street": "华新街街道"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'data-count="1"' in fragment


def test_two_characters_alone_are_paged_from_the_index(world):
    first = search.operators_search_public(query=SearchQuery(text="火锅"), as_of=TODAY, per_page=1)
    second = search.operators_search_public(query=SearchQuery(text="火锅", page=2), as_of=TODAY, per_page=1)
    assert (first.total, first.pages, [o.name for o in first.operators]) == (2, 2, ["观音桥老火锅店"])
    assert [o.name for o in second.operators] == ["鸿恩小火锅、砂锅店"]
    assert names(SearchQuery(text="KF")) == ["KFC肯德基餐厅"]
