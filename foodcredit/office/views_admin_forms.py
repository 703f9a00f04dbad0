"""Forms of the administration pages (三权分立): each `save` calls one accounts service; a DomainError becomes a form
error in the view (office/views_admin.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts import rules as account_rules
from foodcredit.accounts import services as account_services
from foodcredit.accounts.models import BusinessLink, Department, User
from foodcredit.core.choice_labels import translated_choices
from foodcredit.operators import selectors as operator_selectors
from foodcredit.operators.models import STREETS

R = User.Role


def operator_registration(uscc: str) -> account_services.OperatorRegistration | None:
    """The operator as registered (the public registration data, read through the operators selectors), in the
    shape the accounts services compare a link with; None if no operator has this USCC."""
    try:
        operator = operator_selectors.operator_get_public(uscc=uscc)
    except Http404:
        return None
    return account_services.OperatorRegistration(uscc=operator.uscc, name=operator.name, legal_rep=operator.legal_rep)


class UserCreateForm(forms.Form):
    """The system administrator's new account: role (not an administrator role), department, initial password."""

    username = forms.CharField(label=_("用户名"), max_length=150)
    role = forms.ChoiceField(
        label=_("角色"), choices=[(r.value, r.label) for r in R if r not in account_rules.ADMINISTRATOR_ROLES]
    )
    department = forms.ModelChoiceField(
        label=_("所属部门"),
        queryset=Department.objects.order_by("kind", "code"),
        required=False,
        help_text=_("辖区街道由部门决定；企业用户不选部门。"),
    )
    inspector_cert_no = forms.CharField(label=_("执法证号"), max_length=40, required=False)
    password = forms.CharField(
        label=_("初始密码"),
        widget=forms.PasswordInput(render_value=False),
        strip=False,
        help_text=_("用户首次登录后须修改密码。"),
    )

    def save(self, *, actor: User) -> User:
        data = self.cleaned_data
        return account_services.user_create(
            username=data["username"],
            role=data["role"],
            department=data["department"],
            password=data["password"],
            inspector_cert_no=data["inspector_cert_no"],
            actor=actor,
        )


class DepartmentForm(forms.Form):
    """A department: code, name, kind, streets chosen from the district's list."""

    code = forms.SlugField(label=_("编码"), max_length=40)
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类别"), choices=translated_choices(Department.Kind.choices))
    streets = forms.MultipleChoiceField(
        label=_("辖区街道"), choices=[(s, s) for s in STREETS], required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, department: Department | None = None, **kwargs: Any) -> None:
        self.department = department
        if department is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "code": department.code,
                "name": department.name,
                "kind": department.kind,
                "streets": list(department.streets),
            }
        super().__init__(*args, **kwargs)

    def save(self, *, actor: User) -> Department:
        data = self.cleaned_data
        return account_services.department_save(
            department=self.department,
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            streets=list(data["streets"]),
            district_streets=list(STREETS),
            actor=actor,
        )


class BusinessLinkForm(forms.Form):
    """Ask for a business user to act for an operator: its USCC and its legal representative's name as registered."""

    uscc = forms.CharField(label=_("统一社会信用代码"), min_length=18, max_length=18)
    legal_rep_name = forms.CharField(label=_("法定代表人（负责人）姓名"), max_length=100)

    def save(self, *, user: User, actor: User) -> BusinessLink:
        data = self.cleaned_data
        return account_services.business_link_request(
            user=user,
            uscc=data["uscc"],
            legal_rep_name=data["legal_rep_name"],
            registered=operator_registration(data["uscc"].strip().upper()),
            actor=actor,
        )


class LinkDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", _("确认")), ("reject", _("驳回"))])
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def save(self, *, link: BusinessLink, actor: User) -> BusinessLink:
        data = self.cleaned_data
        return account_services.business_link_decide(
            link=link,
            confirm=data["decision"] == "confirm",
            registered=operator_registration(link.uscc),
            note=data["note"],
            actor=actor,
        )


class RoleGrantForm(forms.Form):
    """The security administrator's grant: a role and a department (the scope)."""

    role = forms.ChoiceField(label=_("角色"), choices=translated_choices(R.choices))
    department = forms.ModelChoiceField(
        label=_("所属部门"), queryset=Department.objects.order_by("kind", "code"), required=False
    )

    def save(self, *, user: User, actor: User) -> User:
        data = self.cleaned_data
        return account_services.user_grant(user=user, role=data["role"], department=data["department"], actor=actor)


class TwoFactorResetForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500)

    def save(self, *, user: User, actor: User) -> int:
        return account_services.two_factor_reset(user=user, reason=self.cleaned_data["reason"], actor=actor)
