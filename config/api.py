"""The JSON API: one NinjaAPI, one router per domain. DomainError maps to 400/409 here, once."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import HttpRequest, HttpResponse, RawPostDataException
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.security import django_auth

from foodcredit.core.api_docs import AppSwagger
from foodcredit.core.errors import DomainError
from foodcredit.credit.api import router as credit_router

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="FoodCredit 食品安全信用监管平台 API",
    version="1",
    urls_namespace="api-v1",
    auth=django_auth,
    docs=AppSwagger(),  # Swagger UI from the app's static files: ninja's default page loads it from a CDN
)
api.add_router("/", credit_router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A model's full_clean() in a service refused the values: 400 naming each field and why (not a 500)."""
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    body = {
        "code": "invalid",
        "message": gettext("数据不符合要求：")
        + "；".join(f"{field}: {' '.join(map(str, msgs))}" for field, msgs in fields.items()),
        "context": {"fields": {field: [str(m) for m in msgs] for field, msgs in fields.items()}},
    }
    return api.create_response(request, body, status=400)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """In the caller's scope but not allowed (STYLE.md: 403), raised by a view as Django's own exception."""
    return api.create_response(request, {"code": "forbidden", "message": gettext("无权执行此操作")}, status=403)


@api.exception_handler(DataError)
def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    """The database refused a value (a number out of range, …): the request's fault, a 400 — a safety net behind the
    schemas' own bounds, logged so that the missing bound gets added."""
    logger.warning("DataError answered as 400 on %s: %s", request.path, exc)
    body = {"code": "invalid_value", "message": gettext("请求中的数值超出允许范围")}
    return api.create_response(request, body, status=400)


@api.exception_handler(MultiPartParserError)
def malformed_body(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    """A multipart body that cannot be parsed (no boundary, truncated): 400, as Django's own views answer."""
    body = {"code": "request.malformed", "message": gettext("请求体无法解析：%(reason)s") % {"reason": exc}}
    return api.create_response(request, body, status=400)


@api.exception_handler(RawPostDataException)
def body_not_json(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    """A JSON operation sent a form's Content-Type (multipart/form-data with a boundary): Django has read the body as
    a form, so it cannot be read again as JSON — the request's fault, a 400 that says what to send."""
    body = {"code": "request.malformed", "message": gettext("请求体应为 JSON，Content-Type 应为 application/json。")}
    return api.create_response(request, body, status=400)


def _routers() -> None:
    from foodcredit.collection.api import router as imports_router

    api.add_router("/imports", imports_router)
    from foodcredit.planning.api import router as planning_router

    api.add_router("/planning", planning_router)
    from foodcredit.risk.api import router as risk_router

    api.add_router("/risk", risk_router)
    from foodcredit.alerts.api import router as alerts_router

    api.add_router("/alerts", alerts_router)
    from foodcredit.sharing.api import router as sharing_router

    api.add_router("/", sharing_router)
    from foodcredit.portal.api import router as portal_router

    api.add_router("/", portal_router)


_routers()
