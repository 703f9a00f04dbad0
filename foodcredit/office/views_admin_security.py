"""Administration under 三权分立 (DOMAIN.md §5, SECURITY.md B4), the security administrator's pages: roles and
scopes, enrolment codes, second-factor resets, sessions, password expiry and lockouts (the same accounts as the
system administrator's list, other powers). Each role opens its own pages only (403 for the others)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import django_filters
import django_tables2 as tables
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_totp.models import TOTPDevice

from foodcredit.accounts import roles
from foodcredit.accounts import selectors as account_selectors
from foodcredit.accounts import services as account_services
from foodcredit.accounts.models import User
from foodcredit.core.errors import DomainError

from . import views_admin_forms as admin_forms
from .views_admin import R, UserFilter, UserListView, UserTable, _actor, _form_error, _role_label


class SecurityUserTable(UserTable):
    username = tables.Column(verbose_name=_("用户名"), linkify=("office:admin_security_user", [tables.A("pk")]))
    two_factor = tables.BooleanColumn(verbose_name=_("已绑定身份验证器"))
    password_changed_at = tables.DateTimeColumn(verbose_name=_("密码修改时间"), format="Y-m-d", default="—")
    password_must_change = tables.BooleanColumn(verbose_name=_("须修改密码"))

    class Meta(UserTable.Meta):
        exclude = ("last_login",)


class SecurityUserFilter(UserFilter):
    two_factor = django_filters.ChoiceFilter(
        label=_("身份验证器"),
        choices=[("yes", _("已绑定")), ("no", _("未绑定（工作人员）"))],
        empty_label=_("全部"),
        method="filter_two_factor",
    )
    password = django_filters.ChoiceFilter(
        label=_("密码"), choices=[("due", _("须修改或已过期"))], empty_label=_("全部"), method="filter_password"
    )

    def filter_two_factor(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        enrolled = Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
        if value == "yes":
            return queryset.filter(enrolled)
        return queryset.filter(~enrolled).exclude(role__in=[R.BUSINESS, R.ASSOCIATION])

    def filter_password(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        limit = timezone.now() - timedelta(days=int(settings.PASSWORD_MAX_AGE_DAYS))
        staff_expired = Q(password_changed_at__lt=limit) & ~Q(role__in=[R.BUSINESS, R.ASSOCIATION])
        return queryset.filter(Q(password_must_change=True) | staff_expired)


class SecurityUserListView(UserListView):
    table_class = SecurityUserTable
    filterset_class = SecurityUserFilter
    template_name = "office/list.html"
    title = _("角色与范围")
    intro = _("授予角色与范围（部门及其街道），签发身份验证器绑定码，重置动态验证码，结束会话，要求修改密码。")
    export_name = "roles"

    def allowed(self, user: Any) -> bool:
        return isinstance(user, User) and roles.can_administer_security(user)

    def rows(self) -> QuerySet[User]:
        return account_selectors.user_list(for_user=self.request.user, with_security=True)


@never_cache
@login_required
def security_user(request: HttpRequest, pk: int) -> HttpResponse:
    """One account for the security administrator: grant role and scope, issue an enrolment code (shown once, on
    this response only), reset the second factor, end sessions, force a password change."""
    actor = _actor(request, roles.can_administer_security)
    user = account_selectors.user_get(pk=pk, for_user=actor)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    grant_form = admin_forms.RoleGrantForm(
        request.POST if action == "grant" else None, initial={"role": user.role, "department": user.department_id}
    )
    reset_form = admin_forms.TwoFactorResetForm(request.POST if action == "two_factor_reset" else None)
    issued_code = ""
    status = 200
    if action:
        try:
            if action == "grant" and grant_form.is_valid():
                grant_form.save(user=user, actor=actor)
                messages.success(request, gettext("角色与范围已更新。"))
                return redirect("office:admin_security_user", pk=user.pk)
            if action == "two_factor_reset" and reset_form.is_valid():
                removed = reset_form.save(user=user, actor=actor)
                messages.success(request, gettext("已移除 %(n)s 个身份验证器；请签发新的绑定码。") % {"n": removed})
                return redirect("office:admin_security_user", pk=user.pk)
            if action == "enrolment_code":
                # Shown in this response alone (never in a message: messages may travel in a cookie).
                issued_code = account_services.enrolment_code_issue(user=user, actor=actor)
            elif action == "password_expire":
                account_services.password_force_change(user=user, actor=actor)
                messages.success(request, gettext("该用户下次操作前须修改密码。"))
                return redirect("office:admin_security_user", pk=user.pk)
            elif action == "sessions_end":
                refs = request.POST.getlist("ref") or None
                ended = account_services.sessions_end(user=user, refs=refs, actor=actor)
                messages.success(request, gettext("已结束 %(n)s 个会话。") % {"n": ended})
                return redirect("office:admin_security_user", pk=user.pk)
            elif action not in ("grant", "two_factor_reset"):
                raise PermissionDenied
        except DomainError as exc:
            _form_error(request, grant_form if action == "grant" else reset_form, exc)
            status = 400
    if grant_form.errors or reset_form.errors:
        status = 400
    context = {
        "subject": user,
        "role_label": _role_label(user.role),
        "grant_form": grant_form,
        "reset_form": reset_form,
        "issued_code": issued_code,
        "enrolled": account_selectors.totp_device_confirmed(user=user) is not None,
        "sessions": account_selectors.user_sessions(user=user, for_user=actor),
        "lockouts": [x for x in account_selectors.lockouts_current(for_user=actor) if x.username == user.username],
    }
    return render(request, "office/admin_security_user.html", context, status=status)  # never_cache: no-store


@never_cache
@login_required
def sessions(request: HttpRequest) -> HttpResponse:
    """Every live login session (user, start, expiry), each ended from its user's page."""
    actor = _actor(request, roles.can_administer_security)
    rows = account_selectors.sessions_live(for_user=actor)
    return render(request, "office/admin_sessions.html", {"rows": rows, "title": _("会话")})


@never_cache
@login_required
def lockouts(request: HttpRequest) -> HttpResponse:
    """Usernames locked after failed logins, and their unlocking (django-axes' reset, audited)."""
    actor = _actor(request, roles.can_administer_security)
    if request.method == "POST":
        username = str(request.POST.get("username", ""))[:150]
        try:
            cleared = account_services.lockout_reset(username=username, actor=actor)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request, gettext("已解除 %(u)s 的锁定（清除 %(n)s 条失败记录）。") % {"u": username, "n": cleared}
            )
        return redirect("office:admin_lockouts")
    rows = account_selectors.lockouts_current(for_user=actor)
    return render(request, "office/admin_lockouts.html", {"rows": rows, "title": _("账号锁定")})
