"""The body of a request from someone not logged in is refused before it is read when it is larger
than REQUEST_BODY_MAX_BYTES_ANONYMOUS (64 KB): 413 with a message that says so. A counter around wsgi.input shows
how many bytes the server read."""

import io
import json
from typing import Any

import pytest
from django.test import Client

from foodcredit.accounts.models import User
from foodcredit.credit.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KB = 1024


class CountingInput(io.BytesIO):
    """wsgi.input that counts the bytes read from it."""

    read_bytes = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.read_bytes += len(data)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        data = super().readline(size)
        self.read_bytes += len(data)
        return data


def _post(client: Client, path: str, body: bytes, content_type: str, *, content_length: int | None) -> tuple:
    stream = CountingInput(body)
    extra: dict[str, Any] = {
        "wsgi.input": stream,
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": "" if content_length is None else str(content_length),
    }
    response = client.generic("POST", path, b"", **extra)
    return response, stream.read_bytes


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/v1/imports/operators", "application/json"),
        ("/api/v1/eligibility/persons", "application/json"),
        ("/office/login/", "application/x-www-form-urlencoded"),
        ("/office/imports/upload/", "multipart/form-data; boundary=xyz"),
        ("/", "application/x-www-form-urlencoded"),
    ],
)
def test_a_large_anonymous_body_is_refused_unread(path, content_type):
    body = b"x" * (60 * KB * KB)
    response, read = _post(Client(raise_request_exception=False), path, body, content_type, content_length=len(body))
    assert response.status_code == 413
    assert read == 0
    text = response.json()["message"] if path.startswith("/api/") else response.content.decode()
    assert "请求体过大" in text


def test_an_anonymous_body_without_a_length_is_read_no_further_than_64_kb():
    """A chunked body (no Content-Length): the server reads at most the anonymous limit, then refuses or goes on."""
    body = json.dumps({"records": ["x" * 1000] * 2000}).encode()
    response, read = _post(
        Client(raise_request_exception=False),
        "/api/v1/imports/operators",
        body,
        "application/json",
        content_length=None,
    )
    assert response.status_code in (400, 401, 413)
    assert read <= 64 * KB


def test_a_body_that_lies_about_its_length_is_read_no_further_than_the_limit():
    body = b"username=a&password=" + b"b" * (5 * KB * KB)
    response, read = _post(
        Client(raise_request_exception=False),
        "/office/login/",
        body,
        "application/x-www-form-urlencoded",
        content_length=1000,
    )
    assert response.status_code < 500
    assert read <= 64 * KB


def test_a_small_anonymous_body_is_served_as_before():
    response, _read = _post(
        Client(),
        "/office/login/",
        b"username=nobody&password=wrong",
        "application/x-www-form-urlencoded",
        content_length=30,
    )
    assert response.status_code == 200  # the login form again, with its error


def test_the_api_answers_413_as_json_and_the_limit_is_a_setting(settings):
    settings.REQUEST_BODY_MAX_BYTES_ANONYMOUS = 100
    body = json.dumps({"id_number": "1" * 200}).encode()
    response, read = _post(Client(), "/api/v1/eligibility/persons", body, "application/json", content_length=len(body))
    assert response.status_code == 413 and read == 0
    assert response.json()["code"] == "request.too_large" and response.json()["context"]["limit"] == 100


def test_logged_in_users_have_limits_per_endpoint(settings):
    """An import may be large for a logged-in user; a search is not an import."""
    settings.REQUEST_BODY_MAX_BYTES = {"default": 10 * KB, "/api/v1/imports/": 200 * KB}
    client = Client()
    client.force_login(UserFactory(role=User.Role.DISTRICT_REGULATOR))
    body = b"{" + b" " * (100 * KB) + b"}"
    response, read = _post(client, "/api/v1/planning/plans", body, "application/json", content_length=len(body))
    assert response.status_code == 413 and read == 0
    response, read = _post(client, "/api/v1/imports/operators", body, "application/json", content_length=len(body))
    assert response.status_code != 413 and read == len(body)
