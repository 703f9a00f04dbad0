"""The request layer's guards and context: a request id and the client's address for
audit rows, bodies refused before they are read, throttling, NUL characters and out-of-range values answered as 400s
instead of server errors, refusals and logouts audited, responses to logged-in users kept out of caches, and the
absolute lifetime of a login session.

Order in settings.MIDDLEWARE: RejectNulCookieMiddleware before the session is loaded; the others after
authentication (they ask whether someone is logged in), the throttle and the body limit before anything reads the
body (CSRF's process_view reads it later)."""

import ipaddress
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import logout
from django.db import DatabaseError, DataError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from . import audit

logger = logging.getLogger(__name__)

Handler = Callable[[HttpRequest], HttpResponse]


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or — behind TRUSTED_PROXY_COUNT proxies that each append the address they
    saw to X-Forwarded-For — the entry the outermost trusted proxy wrote. Entries further left are the client's own
    claim and never trusted (ASVS 5 §15.3.4). Used by throttling, the lockout (AXES_CLIENT_IP_CALLABLE) and audit."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    count = int(settings.TRUSTED_PROXY_COUNT)
    if count > 0:
        hops = [hop.strip() for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
        if len(hops) >= count:
            try:
                return str(ipaddress.ip_address(hops[-count]))
            except ValueError:
                logger.warning("X-Forwarded-For from a trusted proxy holds no address: %r", hops[-count][:100])
    return remote


def refusal(
    request: HttpRequest, *, status: int, code: str, heading: str, message: str, context: dict[str, Any] | None = None
) -> HttpResponse:
    """A refused request: the API answers {code, message, context} as its errors do, pages show the branded error page
    with the message."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"code": code, "message": message, "context": context or {}}, status=status)
    return render(
        request, "errors/refused.html", {"status": status, "heading": heading, "message": message}, status=status
    )


# A request id sent by a client (a proxy, another system) is kept only when it looks like one: letters, digits and
# . _ - only, 8-64 characters — it is written into audit rows and logs, so no markup, spaces or control characters.
REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")


class RequestIdMiddleware:
    """Gives every request an id (X-Request-ID when it matches REQUEST_ID, else a new one) and records the client's
    address, so that audit rows name the request and the address that made them."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.headers.get("X-Request-ID", "")
        rid = sent if REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex
        rid_token = audit.current_request_id.set(rid)
        address_token = audit.current_client_address.set(client_address(request))
        try:
            response = self.get_response(request)
        finally:
            audit.current_request_id.reset(rid_token)
            audit.current_client_address.reset(address_token)
        response["X-Request-ID"] = rid
        return response


def _logged_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _printable(text: str) -> str:
    """Text as it may be stored (PostgreSQL refuses NUL) and read in a log."""
    return text.replace("\x00", "\\x00")[:500]


class RefusalAuditMiddleware:
    """A refusal of a logged-in user's request (AUDIT_REFUSED_STATUSES: 400, 403, 404 outside scope, 413, 429) is an
    audit row (等保 §8.1.4.3 b: events that failed). Refusals of anonymous requests are not: a crawler would write a
    row per request; they are counted by the throttle and left in the web server's access log."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in settings.AUDIT_REFUSED_STATUSES and _logged_in(request):
            try:
                with transaction.atomic():
                    audit.record(
                        actor=request.user,
                        action="request_refused",
                        object_type="request",
                        object_id=audit.current_request_id.get(),
                        success=False,
                        changes=audit.diff(
                            {},
                            {
                                "method": request.method,
                                "path": _printable(request.path),
                                "status": response.status_code,
                            },
                        ),
                    )
            except DatabaseError:  # the refusal stands; a failed audit write is logged, not turned into a 500
                logger.exception("refusal not audited: %s %s", request.method, _printable(request.path))
        return response


class NoStoreMiddleware:
    """Responses to a logged-in user are kept by no browser or proxy cache (SECURITY.md E4): credit files, repair
    applications, error reports are personal to the reader and its scope."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _logged_in(request):
            add_never_cache_headers(response)  # Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private
        return response


def _throttle_rule(path: str) -> dict[str, Any] | None:
    rules = cast("list[dict[str, Any]]", settings.THROTTLE_RULES)
    return next((rule for rule in rules if re.search(rule["path"], path)), None)


class ThrottleMiddleware:
    """Requests per client address (nobody logged in) or per user, per window, by the first THROTTLE_RULES entry whose
    path matches; past the rate a 429 with Retry-After (SECURITY.md C5). django-ratelimit keeps the counts in the
    cache named RATELIMIT_USE_CACHE (Redis when REDIS_URL is set). When the cache cannot be reached the request goes
    on, logged: the public site stays up without Redis (SECURITY.md F6)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rule = _throttle_rule(request.path_info) if settings.THROTTLE_ENABLED else None
        if rule is not None:
            logged_in = _logged_in(request)
            rate = rule["user"] if logged_in else rule["anonymous"]
            key = f"user:{request.user.pk}" if logged_in else f"address:{client_address(request)}"
            usage = None
            if rate:
                try:
                    usage = get_usage(
                        request, group=f"throttle:{rule['name']}", key=lambda _g, _r: key, rate=rate, increment=True
                    )
                except Exception:  # the cache is down: serve rather than refuse everyone
                    logger.exception("throttle cache unavailable; %s not counted", rule["name"])
            if usage and usage["should_limit"]:
                retry_after = max(1, int(usage["time_left"]))
                response = refusal(
                    request,
                    status=429,
                    code="request.throttled",
                    heading=_("请求过于频繁"),
                    message=_("请求过于频繁，请在 %(seconds)d 秒后再试。") % {"seconds": retry_after},
                    context={"retry_after": retry_after},
                )
                response["Retry-After"] = str(retry_after)
                return response
        return self.get_response(request)


def _body_limit(request: HttpRequest) -> int:
    """The most bytes of body this request may send: REQUEST_BODY_MAX_BYTES_ANONYMOUS for someone not logged in, else
    the longest REQUEST_BODY_MAX_BYTES path prefix that matches (its "default" otherwise)."""
    if not _logged_in(request):
        return int(settings.REQUEST_BODY_MAX_BYTES_ANONYMOUS)
    limits = settings.REQUEST_BODY_MAX_BYTES
    prefixes = [p for p in limits if p != "default" and request.path_info.startswith(p)]
    return int(limits[max(prefixes, key=len)] if prefixes else limits["default"])


class BodySizeLimitMiddleware:
    """Refuses a body larger than its limit before a byte of it is read (413): by its announced Content-Length. A body
    without one (chunked) is read by Django's WSGIRequest no further than Content-Length, i.e. not at all; a body
    longer than it announced is cut at the announced length — so an anonymous request costs at most 64 KB of reading.
    (Under WSGI: Django's ASGI handler spools the whole body before any middleware runs.)"""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            announced = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            announced = 0
        if announced > 0:
            limit = _body_limit(request)
            if announced > limit:
                return refusal(
                    request,
                    status=413,
                    code="request.too_large",
                    heading=_("请求体过大"),
                    message=_("请求体过大：%(size)s 字节，此处最多接受 %(limit)s 字节。")
                    % {"size": announced, "limit": limit},
                    context={"size": announced, "limit": limit},
                )
        return self.get_response(request)


def _nul_refusal(request: HttpRequest, where: str) -> HttpResponse:
    return refusal(
        request,
        status=400,
        code="request.nul_character",
        heading=_("请求无效"),
        message=_("请求中含有空字符（NUL），已拒绝。"),
        context={"where": where},
    )


class RejectNulCookieMiddleware:
    """A cookie with a NUL character (a quoted cookie may spell it "\\000") is refused before the session is looked up
    with it: PostgreSQL cannot compare text holding NUL and would answer with a server error."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in name or "\x00" in value for name, value in request.COOKIES.items()):
            return _nul_refusal(request, "cookie")
        return self.get_response(request)


# An escaped NUL in JSON text: \u0000 not itself escaped (an even number of backslashes before it).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def _has_nul(data: Any) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())


class RejectNulMiddleware:
    """Every path refuses a NUL character in the path, a query parameter, a form field or a JSON body with a 400 that
    says so: PostgreSQL cannot store or compare NUL in text, so it would otherwise surface as a
    500 in a search, a login attempt's audit row or a service. Form fields are looked at in process_view, after
    CSRF's own reading of them, and not for views exempt from CSRF: those (the upload page, the API) install their
    own upload handlers or parse their bodies themselves, and the parts of an upload may hold NULs (the readers
    validate them)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = ""
        if "\x00" in request.path_info:
            where = "path"
        elif _has_nul(request.GET):
            where = "query"
        elif request.content_type == "application/json" and (b"\x00" in request.body or _JSON_NUL.search(request.body)):
            where = "body"
        if where:
            return _nul_refusal(request, where)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if request.method == "POST" and not getattr(view_func, "csrf_exempt", False) and _has_nul(request.POST):
            return _nul_refusal(request, "form")
        return None


class RequestFaultMiddleware:
    """A value the database cannot hold (DataError: a number past bigint, text it refuses; OverflowError: SQLite's
    integers) that a page's view passed on unchecked is the request's fault: a 400, logged so that the missing bound
    gets added — not a 500. The API has its own handler for DataError (config/api.py)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DataError | OverflowError):
            return None
        logger.warning("%s answered as 400 on %s: %s", type(exception).__name__, _printable(request.path), exception)
        return refusal(
            request,
            status=400,
            code="invalid_value",
            heading=_("请求无效"),
            message=_("请求中的数值超出允许范围。"),
        )


LOGIN_STARTED = "_login_started_at"


class SessionLifetimeMiddleware:
    """Ends a login session SESSION_ABSOLUTE_AGE seconds after it began, however active it has been (SECURITY.md A4:
    idle ≤ 30 min is SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST; absolute ≤ 12 h is this). The request that
    finds its session too old goes on as anonymous: the office sends it to the login page, the API answers 401.
    """

    def __init__(self, get_response: Handler) -> None:
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
