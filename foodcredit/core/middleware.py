"""Request id for audit rows and logs."""

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .audit import current_request_id


class RequestIdMiddleware:
    """Gives every request an id (or takes X-Request-ID) so audit rows name the request that made them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        token = current_request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = rid
        return response
