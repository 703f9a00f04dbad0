"""Every label in the language chosen (issue 15 §10): on a demo district (seed_demo, the production writers), the
portal's and the back office's pages crawled in English show no Chinese outside data — operators' names and
addresses, decision numbers, legal bases, people's names and the source systems' free text (core/tests/cjk_text.py).

The same crawl in Chinese finds the labels in Chinese (the check sees labels), and a planted untranslated label is
found: the check can fail."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from foodcredit.accounts.models import User
from foodcredit.core.choice_labels import CHOICE_LABELS
from foodcredit.core.tests.cjk_text import crawl, data_strings, leftover_cjk

pytestmark = pytest.mark.django_db
PAGES_EACH = 70  # pages per crawl (one per path shape): every list, form and detail page the links reach


@pytest.fixture
def district() -> User:
    call_command(
        "seed_demo",
        "--operators",
        "150",
        "--years",
        "2",
        "--seed",
        "42",
        "--as-of",
        "2026-11-25",
        verbosity=0,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    call_command("demo_accounts", stdout=io.StringIO())
    return User.objects.get(username="district")


def _client(language: str, user: User | None = None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


def _leftovers(client: Client, start: str, data: set[str]) -> dict[str, list[str]]:
    found = {}
    pages = list(crawl(client, [start], limit=PAGES_EACH))
    assert len(pages) >= 10, [url for url, _html in pages]  # the crawl reached the site, not a login page alone
    for url, html in pages:
        left = sorted(set(leftover_cjk(html, data)))
        if left:
            found[url] = left
    return found


def test_english_pages_show_no_chinese_label(district):
    data = data_strings(labels=CHOICE_LABELS)
    assert _leftovers(_client("en"), "/", data) == {}
    assert _leftovers(_client("en", district), "/office/", data) == {}


def test_the_check_sees_chinese_labels(district):
    data = data_strings(labels=CHOICE_LABELS)
    chinese = _leftovers(_client("zh-hans", district), "/office/", data)
    assert len(chinese) >= 10  # in Chinese every page has labels the check finds
    planted = "<p>Sector: 餐饮 · 江北区鑫园网店</p>"
    assert leftover_cjk(planted, data | {"江北区鑫园网店"}) == ["餐饮"]
