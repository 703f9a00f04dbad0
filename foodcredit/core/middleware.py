"""Request id for audit rows and logs; the absolute lifetime of a login session."""

import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
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
