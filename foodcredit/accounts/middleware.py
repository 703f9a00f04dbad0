"""Staff accounts: a second factor before anything else (SECURITY.md A3), and a password that has expired
(SECURITY.md A2) can only be changed. Either way the office sends the user to the page that settles it and the API
answers with a code that names the reason."""

from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext

from .models import User

OPEN_PATHS = ("/office/password/", "/office/otp/", "/office/logout/", "/static/")
TWO_FACTOR_PATHS = ("/office/otp/", "/office/logout/", "/static/")


def _settle_first(request: HttpRequest, *, page: str, status: int, code: str, detail: str) -> HttpResponse:
    """The API: `status` with a code naming what to settle first; the office: the page that settles it, then back."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "detail": detail}, status=status)
    return redirect(f"{reverse(page)}?next={quote(request.get_full_path())}")


class TwoFactorMiddleware:
    """After the password, a staff account's session counts only once a TOTP code has verified it (django-otp's
    `is_verified`); business and association users log in with a password alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        pending = (
            settings.STAFF_TWO_FACTOR and isinstance(user, User) and not user.is_external and not user.is_verified()  # type: ignore[attr-defined]  # installed by django-otp's middleware
        )
        if pending and not request.path.startswith(TWO_FACTOR_PATHS):
            return _settle_first(
                request,
                page="office:otp",
                status=401,
                code="accounts.two_factor_required",
                detail=gettext("请先输入动态验证码"),
            )
        return self.get_response(request)


class PasswordExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        blocked = isinstance(user, User) and user.password_expired()
        if blocked and not request.path.startswith(OPEN_PATHS):
            return _settle_first(
                request,
                page="office:password_change",
                status=403,
                code="accounts.password_expired",
                detail=gettext("密码已过期，请先修改密码"),
            )
        return self.get_response(request)
