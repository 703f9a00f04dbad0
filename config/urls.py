"""URL configuration."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from .api import api


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and the CI smoke test."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# No Django admin site: it would be a way round the three administrators' separation (DOMAIN.md §5), the
# services' rules and their audit rows, and a login without the second factor (SECURITY.md A3). Every change has a page.
urlpatterns = [
    path("healthz", healthz),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("office/", include("foodcredit.office.urls")),
    path("", include("foodcredit.portal.urls")),
]
