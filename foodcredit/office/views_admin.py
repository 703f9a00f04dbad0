"""Administration under 三权分立 (DOMAIN.md §5, SECURITY.md B4): the system administrator's users, departments and
business-user links (with the district regulators' confirmation queue). The security administrator's pages are in
views_admin_security.py, the audit administrator's in views_admin_audit.py. Each role opens its own pages only (403
for the others). Thin: accounts selectors read, accounts services write (and check the actor's role once more);
DomainError → a form error and a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from foodcredit.accounts import roles
from foodcredit.accounts import selectors as account_selectors
from foodcredit.accounts import services as account_services
from foodcredit.accounts.models import BusinessLink, Department, User
from foodcredit.core.errors import DomainError
from foodcredit.operators.models import STREETS

from . import views_admin_forms as admin_forms
from .tables import OfficeFilterSet, OfficeListView, OfficeTable

R = User.Role


def _actor(request: HttpRequest, allowed: Callable[[User], bool]) -> User:
    """The logged-in user if `allowed` (the role's power), else 403: the other administrators see nothing here."""
    user = request.user
    if not isinstance(user, User) or not allowed(user):
        raise PermissionDenied
    return user


def _form_error(request: HttpRequest, form: forms.Form, exc: DomainError) -> None:
    """The rule's message on the form that was sent (if it was validated) and as a message at the top."""
    if hasattr(form, "cleaned_data"):
        form.add_error(None, str(exc.message))
    messages.error(request, str(exc.message))


def _role_label(value: str) -> str:
    return gettext(str(R(value).label)) if value in R.values else value


def _streets_text(streets: list[str] | None) -> str:
    """A department's streets as shown in a table: the whole district in two words, else the names."""
    if streets and set(streets) >= set(STREETS):
        return gettext("全区（%(n)s 个街镇）") % {"n": len(STREETS)}
    return "、".join(streets or [])


# ── users (system administrator; the security administrator has its own list of the same accounts) ───────────────


class UserTable(OfficeTable):
    username = tables.Column(verbose_name=_("用户名"), linkify=("office:admin_user", [tables.A("pk")]))
    role = tables.Column(verbose_name=_("角色"))
    department = tables.Column(verbose_name=_("所属部门"), accessor="department__name", default="—")
    streets = tables.Column(verbose_name=_("辖区街道"), accessor="department__streets", orderable=False, default="—")
    is_active = tables.BooleanColumn(verbose_name=_("启用"))
    last_login = tables.DateTimeColumn(verbose_name=_("最近登录"), format="Y-m-d H:i", default="—")

    class Meta(OfficeTable.Meta):
        order_by = ("username",)

    def render_role(self, value: str) -> str:
        return _role_label(value)

    def value_role(self, value: str) -> str:
        return _role_label(value)

    def render_streets(self, value: list[str]) -> str:
        return _streets_text(value) or "—"

    def value_streets(self, value: list[str]) -> str:
        return "、".join(value or [])


class UserFilter(OfficeFilterSet):
    q = django_filters.CharFilter(label=_("用户名"), field_name="username", lookup_expr="icontains")
    role = django_filters.ChoiceFilter(label=_("角色"), choices=R.choices, empty_label=_("全部"))
    department = django_filters.ModelChoiceFilter(
        label=_("所属部门"), queryset=Department.objects.order_by("kind", "code"), empty_label=_("全部")
    )
    is_active = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[("true", _("启用")), ("false", _("停用"))],
        empty_label=_("全部"),
        method="filter_active",
    )

    class Meta:
        model = User
        fields: list[str] = []

    def filter_active(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return queryset.filter(is_active=value == "true")


class UserListView(OfficeListView):
    table_class = UserTable
    filterset_class = UserFilter
    template_name = "office/admin_users.html"
    title = _("用户管理")
    intro = _("创建账号、停用账号。角色与范围只读：授予与变更由安全管理员办理。")
    export_name = "users"

    def allowed(self, user: Any) -> bool:
        return isinstance(user, User) and roles.can_administer_users(user)

    def rows(self) -> QuerySet[User]:
        return account_selectors.user_list(for_user=self.request.user)


@never_cache
@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request, roles.can_administer_users)
    form = admin_forms.UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = form.save(actor=actor)
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, gettext("已创建用户 %(u)s，首次登录须修改密码。") % {"u": user.username})
            return redirect("office:admin_user", pk=user.pk)
    context = {"title": _("新建用户"), "form": form, "submit": _("创建"), "back": reverse("office:admin_users")}
    return render(request, "office/admin_form.html", context, status=400 if form.errors else 200)


@never_cache
@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One account for the system administrator: role and scope (read-only), operator links and the request for
    a new one (business users), disable or enable."""
    actor = _actor(request, roles.can_administer_users)
    user = account_selectors.user_get(pk=pk, for_user=actor)
    link_form = admin_forms.BusinessLinkForm(request.POST if request.POST.get("action") == "link" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "link" and link_form.is_valid():
                link_form.save(user=user, actor=actor)
                messages.success(request, gettext("关联申请已提交，待区级监管人员确认后生效。"))
                return redirect("office:admin_user", pk=user.pk)
            if action == "unlink":
                link_id = str(request.POST.get("link", ""))
                link = account_selectors.business_link_get(pk=int(link_id) if link_id.isdigit() else 0, for_user=actor)
                if link.user_id != user.pk:
                    raise PermissionDenied
                account_services.business_link_revoke(
                    link=link, reason=str(request.POST.get("reason", ""))[:500], actor=actor
                )
                messages.success(request, gettext("关联已解除。"))
                return redirect("office:admin_user", pk=user.pk)
            if action in ("disable", "enable"):
                account_services.user_active_set(user=user, active=action == "enable", actor=actor)
                messages.success(request, gettext("账号已启用。") if action == "enable" else gettext("账号已停用。"))
                return redirect("office:admin_user", pk=user.pk)
        except DomainError as exc:
            _form_error(request, link_form, exc)
    links = account_selectors.business_links(for_user=actor).filter(user=user)
    context = {
        "subject": user,
        "role_label": _role_label(user.role),
        "links": links,
        "link_form": link_form,
        "is_business": user.role == R.BUSINESS,
    }
    status = 400 if link_form.errors or request.method == "POST" else 200  # a POST that comes back here was refused
    return render(request, "office/admin_user.html", context, status=status)


# ── departments (system administrator) ──────────────────────────────────────────────────────────────────────────


class DepartmentTable(OfficeTable):
    code = tables.Column(verbose_name=_("编码"), linkify=("office:admin_department", [tables.A("pk")]))
    name = tables.Column(verbose_name=_("名称"))
    kind = tables.Column(verbose_name=_("类别"))
    streets = tables.Column(verbose_name=_("辖区街道"), orderable=False)

    class Meta(OfficeTable.Meta):
        order_by = ("kind", "code")

    def render_kind(self, record: Department) -> str:
        return gettext(record.get_kind_display())

    def value_kind(self, record: Department) -> str:
        return gettext(record.get_kind_display())

    def render_streets(self, value: list[str]) -> str:
        return _streets_text(value) or "—"

    def value_streets(self, value: list[str]) -> str:
        return "、".join(value or [])


class DepartmentFilter(OfficeFilterSet):
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=Department.Kind.choices, empty_label=_("全部"))

    class Meta:
        model = Department
        fields: list[str] = []


class DepartmentListView(OfficeListView):
    table_class = DepartmentTable
    filterset_class = DepartmentFilter
    template_name = "office/admin_departments.html"
    title = _("部门管理")
    intro = _("部门的类别与辖区街道（从本区街道名单中选择）；所级监管人员的范围即其部门的街道。")
    export_name = "departments"

    def allowed(self, user: Any) -> bool:
        return isinstance(user, User) and roles.can_administer_users(user)

    def rows(self) -> QuerySet[Department]:
        return account_selectors.department_list(for_user=self.request.user)


@never_cache
@login_required
def department_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = _actor(request, roles.can_administer_users)
    department = account_selectors.department_get(pk=pk, for_user=actor) if pk is not None else None
    form = admin_forms.DepartmentForm(request.POST or None, department=department)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save(actor=actor)
        except DomainError as exc:
            _form_error(request, form, exc)
        else:
            messages.success(request, gettext("部门“%(d)s”已保存。") % {"d": saved.name})
            return redirect("office:admin_departments")
    context = {
        "title": _("编辑部门") if department else _("新建部门"),
        "form": form,
        "submit": _("保存"),
        "back": reverse("office:admin_departments"),
    }
    return render(request, "office/admin_form.html", context, status=400 if form.errors else 200)


# ── business-user links (asked by the system administrator, confirmed by a district regulator) ──────────────────


class LinkTable(OfficeTable):
    user = tables.Column(verbose_name=_("企业用户"), accessor="user__username")
    uscc = tables.Column(verbose_name=_("统一社会信用代码"), attrs={"td": {"class": "mono"}})
    operator_name = tables.Column(verbose_name=_("主体名称"))
    legal_rep_name = tables.Column(verbose_name=_("法定代表人（负责人）"))
    status = tables.Column(verbose_name=_("状态"))
    requested_by = tables.Column(verbose_name=_("申请人"), accessor="requested_by__username", default="—")
    requested_at = tables.DateTimeColumn(verbose_name=_("申请时间"), format="Y-m-d H:i")
    decided_by = tables.Column(verbose_name=_("确认人"), accessor="decided_by__username", default="—")
    decide = tables.TemplateColumn(
        template_name="office/_admin_link_decide.html",
        verbose_name=_("处理"),
        orderable=False,
        exclude_from_export=True,
    )

    class Meta(OfficeTable.Meta):
        order_by = ("-requested_at",)

    def render_status(self, record: BusinessLink) -> str:
        return gettext(record.get_status_display())

    def value_status(self, record: BusinessLink) -> str:
        return gettext(record.get_status_display())


class LinkFilter(OfficeFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=BusinessLink.Status.choices, empty_label=_("全部"))
    uscc = django_filters.CharFilter(label=_("统一社会信用代码"), lookup_expr="iexact")

    class Meta:
        model = BusinessLink
        fields: list[str] = []


class BusinessLinkListView(OfficeListView):
    table_class = LinkTable
    filterset_class = LinkFilter
    title = _("企业用户关联")
    intro = _(
        "系统管理员凭统一社会信用代码和登记的法定代表人姓名提出关联申请；经区级监管人员确认后，企业用户方可查看该经营主体。"
    )
    export_name = "business-links"

    def allowed(self, user: Any) -> bool:
        return isinstance(user, User) and (roles.can_administer_users(user) or roles.can_confirm_business_links(user))

    def rows(self) -> QuerySet[BusinessLink]:
        return account_selectors.business_links(for_user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["table"].can_decide = roles.can_confirm_business_links(self.request.user)
        return context


@require_POST
@login_required
def business_link_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """A district regulator confirms or rejects a pending link."""
    actor = _actor(request, roles.can_confirm_business_links)
    link = account_selectors.business_link_get(pk=pk, for_user=actor)
    form = admin_forms.LinkDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("请选择确认或驳回。"))
    else:
        try:
            decided = form.save(link=link, actor=actor)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            confirmed = decided.status == BusinessLink.Status.CONFIRMED
            messages.success(request, gettext("关联已确认，即时生效。") if confirmed else gettext("关联已驳回。"))
    return redirect(f"{reverse('office:admin_business_links')}?status=pending")
