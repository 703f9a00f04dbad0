"""The JSON API: one NinjaAPI, one router per domain. DomainError maps to 400/409 here, once."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from foodcredit.core.errors import DomainError

api = NinjaAPI(
    title="FoodCredit 食品安全信用监管平台 API",
    version="1",
    urls_namespace="api-v1",
    auth=django_auth,
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)
