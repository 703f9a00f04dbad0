"""Office login: Django's LoginView with every attempt audited, and the page shown while an account is locked out
(django-axes calls `login_locked_out`; SECURITY.md A1, D3). Thin: the audit rows are written by accounts.services."""

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from foodcredit.accounts import services as account_services


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "")


class OfficeLoginView(auth_views.LoginView):
    template_name = "office/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        account_services.login_attempt_record(
            username=form.get_user().get_username(), address=_address(self.request), outcome="success",
            user=form.get_user(),
        )  # fmt: skip
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        account_services.login_attempt_record(
            username=str(form.data.get("username", "")), address=_address(self.request), outcome="failure"
        )
        return super().form_invalid(form)


@never_cache
def login_locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes' lockout response: audited, in the user's language, 429 with a Retry-After of the cool-off."""
    from django.conf import settings

    username = str((credentials or {}).get("username") or request.POST.get("username", ""))
    account_services.login_attempt_record(username=username, address=_address(request), outcome="locked")
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(request, "office/login_locked.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
