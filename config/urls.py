"""URL configuration."""

from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from .api import api


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and the CI smoke test."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("healthz", healthz),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("office/", include("foodcredit.office.urls")),
    path("", include("foodcredit.portal.urls")),
]
