"""The public search as an API: the portal's search, paginated, with ETag and Last-Modified so that a client polling
the same page gets 304 Not Modified; anonymous, throttled by THROTTLE_RULES "public_api"."""

import hashlib
import json
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import http_date
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from . import search
from .forms import SearchForm

router = Router(tags=["公示查询"])


class SearchItemOut(Schema):
    uscc: str
    name: str
    sector: str
    business_type: str
    street: str
    status: str
    registered_on: date


class SearchPageOut(Schema):
    count: int
    count_exact: bool = Field(description="false: more than `count` match (counted one by one up to that bound)")
    page: int
    pages: int
    items: list[SearchItemOut]


@router.get(
    "/public/search", auth=None, response={200: SearchPageOut, 304: None}, operation_id="public_operator_search"
)
def public_search(
    request: HttpRequest,
    response: HttpResponse,
    q: str = "",
    street: str = "",
    sector: str = "",
    business_type: str = "",
    list_kind: str = "",
    risk_class: str = "",
    sort: str = "",
    page: int = 1,
) -> object:
    """Operators by name, USCC or licence-number fragment (≥ 4 characters) and filters, 20 a page, with the count;
    the same rules as the portal's search page (registration data only)."""
    form = SearchForm(
        {
            "q": q,
            "street": street,
            "sector": sector,
            "business_type": business_type,
            "list_kind": list_kind,
            "risk_class": risk_class,
            "sort": sort,
            "page": page,
        }
    )
    if not form.is_valid():
        raise HttpError(422, json.dumps(form.errors.get_json_data(), ensure_ascii=False))
    result = search.operators_search_public(query=form.search_query(), as_of=timezone.localdate())
    items = [
        SearchItemOut(
            uscc=o.uscc,
            name=o.name,
            sector=o.sector,
            business_type=o.business_type,
            street=o.street,
            status=o.status,
            registered_on=o.registered_on,
        )
        for o in result.operators
    ]
    body = SearchPageOut(
        count=result.total, count_exact=result.exact, page=result.page, pages=result.pages, items=items
    )
    etag = '"' + hashlib.sha256(body.model_dump_json().encode()).hexdigest()[:32] + '"'
    response["ETag"] = etag
    if result.operators:
        response["Last-Modified"] = http_date(max(o.updated_at for o in result.operators).timestamp())
    if request.headers.get("If-None-Match") == etag:
        return Status(304, None)
    return body
