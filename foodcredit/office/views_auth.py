"""Office login: Django's LoginView with every attempt audited, and the page shown while an account is locked out
(django-axes calls `login_locked_out`; SECURITY.md A1, D3). Thin: the audit rows are written by accounts.services."""

from base64 import b32encode
from typing import Any

import django_otp
import segno
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from foodcredit.accounts import selectors as account_selectors
from foodcredit.accounts import services as account_services
from foodcredit.accounts.models import User
from foodcredit.core import audit


def _address(request: HttpRequest) -> str:
    """The client address as the lockout sees it (django-axes' own resolution), so both name the same address."""
    return str(get_client_ip_address(request) or "")


class OfficeLoginView(auth_views.LoginView):
    template_name = "office/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        account_services.login_attempt_record(
            username=form.get_user().get_username(),
            address=_address(self.request),
            outcome="success",
            user=form.get_user(),
        )
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        account_services.login_attempt_record(
            username=str(form.data.get("username", "")), address=_address(self.request), outcome="failure"
        )
        return super().form_invalid(form)


class OfficePasswordChangeView(auth_views.PasswordChangeView):
    """Change one's password (also where an expired staff password sends its owner); audited by the service."""

    template_name = "office/password_change.html"
    success_url = reverse_lazy("office:home")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            max_age_days=settings.PASSWORD_MAX_AGE_DAYS, help_texts=password_validators_help_texts(), **kwargs
        )

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        account_services.password_set(user=form.user, new_password=form.cleaned_data["new_password1"], actor=form.user)
        update_session_auth_hash(self.request, form.user)  # this session stays logged in, the others end
        messages.success(self.request, _("密码已修改。"))
        target = self.request.GET.get("next", "")
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()}):
            return redirect(target)
        return redirect(self.success_url)


class OfficeLogoutView(auth_views.LogoutView):
    """Log out (POST only, Django's view) and leave an audit row of it (等保 §8.1.4.3): who, from
    which address (core.audit takes it from the request), before the session ends."""

    next_page = "office:login"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            with transaction.atomic():
                audit.record(actor=user, action="logout", object_type="user", object_id=user.pk)
        return super().post(request, *args, **kwargs)


@never_cache
def login_locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes' lockout response: audited, in the user's language, 429 with a Retry-After of the cool-off."""
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))
    account_services.login_attempt_record(username=username, address=_address(request), outcome="locked")
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(request, "office/login_locked.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


ENROLMENT_DEVICE = "otp_enrolment_device"  # session key: the authenticator being set up after an enrolment code


@never_cache
@login_required
def otp(request: HttpRequest) -> HttpResponse:
    """The second factor: a code from the authenticator app. The first time, the user types the one-time enrolment
    code the security administrator handed over (a password alone enrols no device), then sets
    the app up here with a QR code and confirms it with a first code."""
    user = request.user
    if not isinstance(user, User):  # login_required lets only users in
        raise PermissionDenied
    confirmed = account_selectors.totp_device_confirmed(user=user)
    pending = None
    if confirmed is None:
        pending = account_services.totp_device_pending(user=user, device_id=request.session.get(ENROLMENT_DEVICE))
    error = ""
    if request.method == "POST" and confirmed is None and pending is None:
        device = account_services.enrolment_code_redeem(
            user=user, code=str(request.POST.get("enrolment_code", ""))[:32], address=_address(request)
        )
        if device is not None:
            request.session[ENROLMENT_DEVICE] = device.pk
            return redirect(request.get_full_path())
        error = _("绑定码不正确、已使用或已过期。请向安全管理员索取新的绑定码。")
    elif request.method == "POST":
        verified = account_services.totp_verify(
            user=user,
            token=str(request.POST.get("token", ""))[:16],
            address=_address(request),
            pending_device_id=pending.pk if pending is not None else None,
        )
        if verified is not None:
            request.session.pop(ENROLMENT_DEVICE, None)
            django_otp.login(request, verified)
            target = request.GET.get("next", "")
            if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                return redirect(target)
            return redirect("office:home")
        error = _("验证码不正确或已使用。请输入身份验证器上的新验证码；连续输错后须稍等片刻再试。")
    context: dict[str, Any] = {
        "needs_enrolment_code": confirmed is None and pending is None,
        "setting_up": pending is not None,
        "error": error,
    }
    if pending is not None:
        # segno's own SVG markup (paths and attributes, no script, no inline style): safe to embed as is
        context["qr"] = mark_safe(segno.make(pending.config_url, error="m").svg_inline(scale=4))
        context["secret"] = b32encode(pending.bin_key).decode()
    return render(request, "office/otp.html", context, status=400 if error else 200)
