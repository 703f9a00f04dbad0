"""Request id for audit rows and logs; the absolute lifetime of a login session."""

import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse

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


LOGIN_STARTED = "_login_started_at"


class SessionLifetimeMiddleware:
    """Ends a login session SESSION_ABSOLUTE_AGE seconds after it began, however active it has been (SECURITY.md A4:
    idle ≤ 30 min is SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST; absolute ≤ 12 h is this). The request that
    finds its session too old goes on as anonymous: the office sends it to the login page, the API answers 401.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            started = session.get(LOGIN_STARTED)
            if started is not None and time.time() - float(started) > settings.SESSION_ABSOLUTE_AGE:
                logout(request)  # flushes the session: the old cookie is worth nothing any more
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated and LOGIN_STARTED not in request.session:
            request.session[LOGIN_STARTED] = time.time()  # the first response of a login (login() keeps no stamp)
        return response


# An escaped NUL in JSON text: \u0000 not itself escaped (an even number of backslashes before it).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


class RejectNulMiddleware:
    """The API refuses a NUL character in a query parameter or a JSON body with a 400 that says so. PostgreSQL
    cannot store NUL in text, so it would otherwise surface as a 500 deep in a service (found by schemathesis);
    Django's forms already refuse it (ProhibitNullCharactersValidator). Uploaded files (xlsx, csv) are not looked at:
    their bytes may hold NULs and their readers validate them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            where = ""
            if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
                where = "query"
            elif request.content_type == "application/json" and (
                b"\x00" in request.body or _JSON_NUL.search(request.body)
            ):
                where = "body"
            if where:
                return JsonResponse(
                    {"code": "request.nul_character",
                     "message": "请求中含有空字符（NUL），已拒绝 / the request contains a NUL character",
                     "context": {"where": where}},
                    status=400,
                )  # fmt: skip
        return self.get_response(request)
