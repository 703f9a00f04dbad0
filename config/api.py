"""The JSON API: one NinjaAPI, one router per domain. DomainError maps to 400/409 here, once."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from foodcredit.core.errors import DomainError
from foodcredit.credit.api import router as credit_router

api = NinjaAPI(
    title="FoodCredit 食品安全信用监管平台 API",
    version="1",
    urls_namespace="api-v1",
    auth=django_auth,
)
api.add_router("/", credit_router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _routers() -> None:
    from foodcredit.collection.api import router as imports_router

    api.add_router("/imports", imports_router)
    from foodcredit.planning.api import router as planning_router

    api.add_router("/planning", planning_router)
    from foodcredit.risk.api import router as risk_router

    api.add_router("/risk", risk_router)
    from foodcredit.sharing.api import router as sharing_router

    api.add_router("/", sharing_router)


_routers()
