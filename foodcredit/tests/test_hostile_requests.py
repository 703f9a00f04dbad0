"""No request from outside can cause a server error. Every URL pattern is called with hostile
path values and query strings (NUL characters, numbers past 2^63, broken UTF-8, very long text) and hostile bodies,
anonymously and as a logged-in regulator; on SQLite and PostgreSQL alike (PostgreSQL refuses NUL in text and
numbers past bigint: the DataError of the penetration test)."""

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from foodcredit.accounts.models import User
from foodcredit.credit.tests.factories import OperatorFactory, UserFactory

pytestmark = pytest.mark.django_db

PATH_VALUES = ["ABC%00", "9" * 30, "-1", "%ED%A0%80%FF", "A" * 3000]
QUERIES = [
    "q=%00",
    "street=%00&class=%00&cursor=%00&sort=%00",
    "page=99999999999999999999&offset=99999999999999999999&limit=99999999999999999999",
    "q=%FF%FE&cursor=%ED%A0%80",
    "q=" + "A" * 5000,
    "%00=1",
]
BODIES = [
    ("application/x-www-form-urlencoded", "q=%00&username=a%00&password=b%00&name=%00"),
    ("application/json", '{"name": "\\u0000", "uscc": "\\u0000", "id_number": "\\u0000", "records": []}'),
    ("application/json", '{"offset": 99999999999999999999999, "street_quotas": {"x": 99999999999999999999}}'),
    ("application/json", '{"name": "\\ud800"}'),
    ("multipart/form-data; boundary=xyz", '{"name": "x"}'),
]


def _concrete_paths() -> Iterator[str]:
    """Every URL pattern of the project with hostile values in place of its parameters."""

    def walk(patterns: list, prefix: str) -> Iterator[str]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    seen = set()
    for route in walk(get_resolver().url_patterns, "/"):
        if "(?P" in route or "^" in route:  # the admin's catch-all regexes: covered by the admin routes themselves
            continue
        params = re.findall(r"<(?:\w+:)?\w+>", route)
        values = PATH_VALUES if params else [""]
        for value in values:
            path = route
            for param in params:
                path = path.replace(param, value)
            if path not in seen:
                seen.add(path)
                yield path


def _sweep(client: Client) -> list[str]:
    server_errors = []
    for path in _concrete_paths():
        for query in ["", *QUERIES]:
            url = f"{path}?{query}" if query else path
            response = client.get(url)
            if response.status_code >= 500:
                server_errors.append(f"GET {url[:120]} → {response.status_code}")
        for content_type, body in BODIES:
            response = client.post(path, body, content_type=content_type)
            if response.status_code >= 500:
                server_errors.append(f"POST {path[:120]} [{content_type}] → {response.status_code}")
    return server_errors


@pytest.fixture
def world(db):
    """Operators to find, so that searches reach the database rather than stopping at an empty table."""
    OperatorFactory(name="观音桥餐饮店")
    OperatorFactory(name="五里店超市", street="五里店街道")


@pytest.mark.slow  # every URL pattern x 12 hostile requests (7 GET, 5 POST): about 50 s on SQLite
def test_no_anonymous_request_causes_a_server_error(world):
    client = Client(raise_request_exception=False)
    assert _sweep(client) == []


@pytest.mark.slow  # every URL pattern x 12 hostile requests (7 GET, 5 POST): about 50 s on SQLite
def test_no_request_of_a_logged_in_regulator_causes_a_server_error(world):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(role=User.Role.DISTRICT_REGULATOR))
    assert _sweep(client) == []


@pytest.mark.parametrize(
    "url", ["/?q=%00", "/operators/ABC%00/", "/operators/ABC%00/timeline/", "/%00/", "/api/v1/public/cases?q=%00"]
)
def test_a_nul_character_anywhere_is_a_400_page_that_says_so(world, url):
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json()["code"] == "request.nul_character"
    else:
        assert "空字符" in response.content.decode()


@pytest.mark.parametrize("url", ["/office/operators/?q=%00", "/office/planning/frequency/?street=%00"])
def test_a_nul_character_in_the_office_search_and_filters_is_a_400(world, url):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(role=User.Role.DISTRICT_REGULATOR))
    response = client.get(url)
    assert response.status_code == 400 and "空字符" in response.content.decode()


def test_a_nul_character_in_a_login_form_is_a_400(world):
    response = Client(raise_request_exception=False).post("/office/login/", {"username": "a\x00", "password": "b"})
    assert response.status_code == 400


def test_a_nul_character_in_the_session_cookie_is_a_400(world):
    """A quoted cookie may spell NUL as \\000: the session would be looked up with it (a DataError on PostgreSQL)."""
    client = Client(raise_request_exception=False, HTTP_COOKIE='sessionid="abcdefgh\\000ijklmnop"')
    for path in ["/", "/office/", "/api/v1/repair-applications"]:
        assert client.get(path).status_code == 400
