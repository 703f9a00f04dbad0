"""A staff account whose password has expired (SECURITY.md A2) can do nothing but change it or log out."""

from collections.abc import Callable
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

OPEN_PATHS = ("/office/password/", "/office/logout/", "/static/")


class PasswordExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        expired = getattr(user, "password_expired", None)
        blocked = user is not None and user.is_authenticated and expired is not None and expired()
        if blocked and not request.path.startswith(OPEN_PATHS):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "accounts.password_expired",
                     "detail": "密码已过期，请先修改密码 / the password has expired: change it first"},
                    status=403,
                )  # fmt: skip
            return redirect(f"{reverse('office:password_change')}?next={quote(request.get_full_path())}")
        return self.get_response(request)
