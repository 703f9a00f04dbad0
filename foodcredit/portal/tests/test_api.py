"""The public search API: the page's rules as JSON, with a count, pages, ETag and Last-Modified."""

import pytest

from foodcredit.credit.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    for n, name in enumerate(["观音桥老火锅店", "鸿恩小火锅店", "五里店小面馆"], start=91):
        f.operator_register(uscc=f.make_uscc(n), name=name)


def test_search_api_counts_pages_and_answers_304_when_unchanged(client, world):
    response = client.get("/api/v1/public/search", {"q": "火锅"})
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["pages"]) == (2, 1)
    assert [i["name"] for i in body["items"]] == ["观音桥老火锅店", "鸿恩小火锅店"]
    assert set(body["items"][0]) == {"uscc", "name", "sector", "business_type", "street", "status", "registered_on"}
    assert response["Last-Modified"]
    again = client.get("/api/v1/public/search", {"q": "火锅"}, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    other = client.get("/api/v1/public/search", {"q": "面馆"}, headers={"If-None-Match": response["ETag"]})
    assert other.status_code == 200 and other["ETag"] != response["ETag"]


def test_search_api_refuses_bad_filters_and_keeps_injections_inert(client, world):
    assert client.get("/api/v1/public/search", {"street": "<script>alert(1)</script>"}).status_code == 422
    response = client.get("/api/v1/public/search", {"q": "火锅' OR '1'='1"})
    assert response.status_code == 200 and response.json()["count"] == 0
