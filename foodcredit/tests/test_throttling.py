"""SECURITY.md C5: requests are counted per client address when nobody is logged in and per user
otherwise (django-ratelimit's counters in the cache); past the rate of the first THROTTLE_RULES entry whose path
matches, the answer is 429 with Retry-After. The production figures are settings; these tests set small ones."""

import re

import pytest
from django.core.cache import caches
from django.test import Client

from foodcredit.accounts.models import User
from foodcredit.credit.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ID_NUMBER = "500105198001011234"


@pytest.fixture
def throttled(settings):
    settings.THROTTLE_ENABLED = True
    settings.THROTTLE_RULES = [
        {"name": "eligibility_persons", "path": r"^/api/v1/eligibility/persons$", "anonymous": "2/m", "user": "2/h"},
        {"name": "api", "path": r"^/api/", "anonymous": "3/m", "user": "5/m"},
        {"name": "public", "path": r"^/", "anonymous": "3/m", "user": "5/m"},
    ]
    caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")].clear()
    return settings


def _ask(client: Client, **extra):
    return client.post(
        "/api/v1/eligibility/persons", {"id_number": ID_NUMBER}, content_type="application/json", **extra
    )


def test_public_search_is_limited_per_client_address_with_retry_after(throttled):
    client = Client()
    for _ in range(3):
        assert client.get("/", {"q": "观音桥"}, REMOTE_ADDR="10.0.0.1").status_code == 200
    refused = client.get("/", {"q": "观音桥"}, REMOTE_ADDR="10.0.0.1")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "请求过于频繁" in refused.content.decode()
    assert client.get("/", {"q": "观音桥"}, REMOTE_ADDR="10.0.0.2").status_code == 200  # another client


def test_public_api_answers_429_as_json(throttled):
    client = Client()
    statuses = [client.get("/api/v1/planning/public/plans").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/planning/public/plans")
    assert refused.json()["code"] == "request.throttled" and int(refused["Retry-After"]) >= 1


def test_id_number_probing_is_limited_per_user(throttled):
    """The person-ban check answers whether an ID number is banned: tight, per user, whatever the address."""
    prober, other = (UserFactory(role=User.Role.DISTRICT_REGULATOR) for _ in range(2))
    client = Client()
    client.force_login(prober)
    assert [_ask(client, REMOTE_ADDR=f"10.0.1.{i}").status_code for i in range(3)] == [200, 200, 429]
    client.force_login(other)
    assert _ask(client).status_code == 200


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(throttled):
    client = Client()
    throttled.TRUSTED_PROXY_COUNT = 0  # no proxy in front: X-Forwarded-For is the client's own claim, ignored
    statuses = [
        client.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=f"172.16.0.{i}").status_code for i in range(4)
    ]
    assert statuses[-1] == 429
    throttled.TRUSTED_PROXY_COUNT = 1  # one proxy (nginx) appends the address it saw: that is the client
    caches[getattr(throttled, "RATELIMIT_USE_CACHE", "default")].clear()
    statuses = [
        client.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=f"6.6.6.6, 172.16.0.{i}").status_code
        for i in range(4)
    ]
    assert statuses == [200, 200, 200, 200]


def test_production_figures_cover_the_public_site_the_api_and_the_person_check():
    from django.conf import settings

    rules = settings.THROTTLE_RULES
    for path in ["/", "/operators/91500105MA5U000001/", "/api/v1/public/cases", "/api/v1/eligibility/persons"]:
        rule = next(r for r in rules if re.search(r["path"], path))
        assert rule["anonymous"] and rule["user"]
    persons = next(r for r in rules if re.search(r["path"], "/api/v1/eligibility/persons"))
    assert persons["name"] == "eligibility_persons"


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=0.5).ping())
    except redis.exceptions.RedisError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="needs a Redis server on 127.0.0.1:6379 (make run's REDIS_URL)")
def test_counts_kept_in_redis_refuse_as_in_memory(throttled):
    """Production counts in Redis (REDIS_URL), shared by every worker: Django's RedisCache under django-ratelimit."""
    throttled.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/15"}
    }
    caches["default"].clear()
    client = Client()
    statuses = [client.get("/api/v1/planning/public/plans").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    caches["default"].clear()


def test_the_site_stays_up_when_the_cache_is_down(throttled):
    """SECURITY.md F6: without Redis the public site still answers (the request is not counted, and it is logged)."""
    throttled.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    client = Client()
    assert [client.get("/api/v1/planning/public/plans").status_code for _ in range(4)] == [200] * 4
