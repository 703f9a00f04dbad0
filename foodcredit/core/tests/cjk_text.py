"""Finding Chinese text a reader of the English pages would see that is not data (issue 15 §10).

`visible_texts` collects what a page shows: text nodes, the attributes a reader sees or hears (title, placeholder,
aria-label, alt, button values) and the strings of the JSON data the charts draw from (legends, axis names). Data —
operators' names and addresses, decision numbers, legal bases, people's names, free text from the source systems — is
Chinese in every language and is removed first (`data_strings`: every text column of the database without choices,
except the columns listed in CONTROLLED, whose values are labels); whatever Chinese is left is a label shown untranslated.
"""

import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.apps import apps
from django.db import models

from foodcredit.core import masking

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
SKIPPED_TAGS = {"style", "textarea"}  # a textarea holds what the reader typed
# Text columns without choices whose values are not data from the records: labels of the application stored as text
# (penalty kinds, messages and explanations written in Chinese), or copies of everything (audit diffs, ledger facts,
# the search index's two-character grams — which would take any label out of any text).
CONTROLLED = {
    ("penalties.penalty", "kinds"),
    ("collection.importjob", "notices"),
    ("risk.classresult", "explanation"),
    ("credit.ledgerentry", "facts"),
    ("portal.searchgram", "gram"),
}
SKIPPED_APPS = {"auth", "contenttypes", "sessions", "admin", "axes", "otp_totp", "otp_static", "django_otp", "demo"}


class _Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self._page_lang = ""

    def _skipped(self) -> bool:
        return any(skipped for _tag, skipped in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self._page_lang = values.get("lang") or ""
            return
        # Text marked as Chinese on a page in another language is Chinese on purpose: a language's name in its own
        # language (the switcher's 简体中文), the import format's column names. aria-hidden: the brand's mark (信), a
        # logo glyph rather than a label.
        lang = values.get("lang") or ""
        skipped = (
            tag in SKIPPED_TAGS
            or (lang.startswith("zh") and not self._page_lang.startswith("zh"))
            or values.get("aria-hidden") == "true"
            or (tag == "script" and values.get("type") != "application/json")
        )
        if tag == "input" and values.get("type") in {"submit", "button"}:
            self.texts.append(values.get("value") or "")
        if not skipped and not self._skipped():
            self.texts.extend(v for k, v in attrs if k in SHOWN_ATTRIBUTES and v)
        if tag not in {"input", "br", "img", "meta", "link", "hr", "col", "source", "wbr"}:
            self._stack.append((tag, skipped))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._skipped() or not data.strip():
            return
        if self._stack and self._stack[-1][0] == "script":
            self.texts.extend(_json_strings(json.loads(data)))
        else:
            self.texts.append(data)


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def visible_texts(html: str) -> list[str]:
    """What a reader sees or hears of `html`, as strings."""
    parser = _Texts()
    parser.feed(html)
    return parser.texts


def data_strings(*, labels: Iterable[str] = ()) -> set[str]:
    """Every Chinese value of the database's text columns that have no choices (data), CONTROLLED aside, and none of
    `labels` (the application's labels: an audit diff, a JSON column may hold them beside data)."""
    found: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label in SKIPPED_APPS:
            continue
        for field in model._meta.concrete_fields:
            controlled = (model._meta.label_lower, field.name) in CONTROLLED
            if (
                controlled
                or field.choices
                or not isinstance(field, (models.CharField, models.TextField, models.JSONField))
            ):
                continue
            for value in model._default_manager.values_list(field.attname, flat=True).distinct():
                found.update(s for s in _json_strings(value) if HAN.search(s))
    masked = {
        mask(s) for s in found for mask in (masking.mask_person_name, masking.mask_address, masking.mask_free_text)
    }
    return (found | {s for s in masked if HAN.search(s)}) - set(labels)


def leftover_cjk(html: str, data: Iterable[str]) -> list[str]:
    """The Chinese runs of `html`'s visible text once every data string is taken out."""
    pattern = _data_pattern(tuple(sorted(set(data), key=len, reverse=True)))
    left: list[str] = []
    for text in visible_texts(html):
        if HAN.search(text):
            left.extend(HAN.findall(pattern.sub(" ", text) if pattern else text))
    return left


_patterns: dict[int, re.Pattern[str] | None] = {}


def _data_pattern(data: tuple[str, ...]) -> re.Pattern[str] | None:
    key = hash(data)
    if key not in _patterns:
        _patterns[key] = re.compile("|".join(map(re.escape, data))) if data else None
    return _patterns[key]


SKIPPED_PATHS = re.compile(r"/(logout|i18n|static|api|media)/|\.(csv|xlsx|pdf|json|png)$|/download")


def crawl(client: Any, start: list[str], *, limit: int) -> Iterator[tuple[str, str]]:
    """Breadth-first over the site's own links from `start` (GET only; one page per path shape, digits and query
    values aside): yields (url, html) of every HTML page answered 200."""
    queue = deque(start)
    seen_shapes: set[str] = set()
    pages = 0
    while queue and pages < limit:
        url = queue.popleft()
        parts = urlsplit(url)
        shape = (
            re.sub(r"\d+", "#", parts.path)
            + "?"
            + ",".join(sorted(q.split("=")[0] for q in parts.query.split("&") if q))
        )
        if shape in seen_shapes or SKIPPED_PATHS.search(parts.path):
            continue
        seen_shapes.add(shape)
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        pages += 1
        html = response.content.decode()
        yield url, html
        for href in re.findall(r'<a\s[^>]*href="([^"#]+)', html):
            target = urljoin(url, href.replace("&amp;", "&"))
            if target.startswith("/") and not target.startswith("//"):
                queue.append(target)
