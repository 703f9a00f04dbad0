"""Operator scope per role (DOMAIN.md Part I §5): the one place that decides who sees which operator."""

from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from foodcredit.accounts.models import Department, User
from foodcredit.core.ids import uscc_check_character
from foodcredit.core.models import Source
from foodcredit.operators.models import Operator
from foodcredit.operators.selectors import (
    operator_get,
    operator_get_public,
    operator_scope,
    operator_search,
    operator_usccs_first,
)

pytestmark = pytest.mark.django_db
R = User.Role


def _operator(n: int, street: str, name: str) -> Operator:
    body = f"91500105{n:09d}"
    return Operator.objects.create(
        uscc=body + uscc_check_character(body),
        name=name,
        legal_rep="张三",
        address=f"重庆市江北区{street}1号",
        street=street,
        sector=Operator.Sector.CATERING,
        business_type="小型餐馆",
        registered_on=date(2020, 1, 1),
        status=Operator.Status.ACTIVE,
        source=Source.objects.get_or_create(name="登记系统")[0],
    )


@pytest.fixture
def operators():
    return {
        "gyq": _operator(1, "观音桥街道", "观音桥火锅店"),
        "hxj": _operator(2, "华新街街道", "华新街面馆"),
        "wld": _operator(3, "五里店街道", "五里店超市"),
    }


def _user(role, **kwargs):
    return User.objects.create(username=f"{role}-{User.objects.count()}", role=role, **kwargs)


def _inspected_by(operator: Operator, cert_no: str) -> None:
    # Inspection rows through the registry: operators' tests stay below the inspections layer.
    inspector = apps.get_model("inspections", "Inspector").objects.get_or_create(cert_no=cert_no, name="李检查")[0]
    inspection = apps.get_model("inspections", "Inspection").objects.create(
        source=operator.source,
        source_ref=f"JC-{operator.pk}",
        operator=operator,
        inspected_on=date(2025, 1, 1),
        kind="routine",
        result="conform",
    )
    inspection.inspectors.add(inspector)


def _scope(user) -> set[str]:
    return {o.street for o in operator_scope(for_user=user)}


def test_operator_scope_per_role(operators):
    station = Department.objects.create(
        code="gyq", name="观音桥市场监管所", kind="market_regulation", streets=["观音桥街道", "华新街街道"]
    )
    _inspected_by(operators["wld"], "50010520250001")
    assert _scope(_user(R.DISTRICT_REGULATOR)) == {"观音桥街道", "华新街街道", "五里店街道"}
    assert _scope(_user(R.STATION_REGULATOR, department=station)) == {"观音桥街道", "华新街街道"}
    assert _scope(_user(R.STATION_REGULATOR)) == set()  # no department, no streets
    assert _scope(_user(R.INSPECTOR, inspector_cert_no="50010520250001")) == {"五里店街道"}
    assert _scope(_user(R.INSPECTOR, inspector_cert_no="")) == set()
    assert _scope(_user(R.BUSINESS, operator_usccs=[operators["hxj"].uscc])) == {"华新街街道"}
    for role in (R.OTHER_DEPARTMENT, R.ASSOCIATION, R.SYSTEM_ADMIN, R.SECURITY_ADMIN, R.AUDIT_ADMIN):
        assert _scope(_user(role)) == set(), role
    assert _scope(AnonymousUser()) == set()
    assert _scope(_user(R.DISTRICT_REGULATOR, is_active=False)) == set()


def test_operator_scope_inspector_counts_each_operator_once(operators):
    _inspected_by(operators["gyq"], "50010520250001")
    second = apps.get_model("inspections", "Inspection").objects.create(
        source=operators["gyq"].source,
        source_ref="JC-again",
        operator=operators["gyq"],
        inspected_on=date(2025, 2, 1),
        kind="routine",
        result="conform",
    )
    second.inspectors.add(apps.get_model("inspections", "Inspector").objects.get(cert_no="50010520250001"))
    inspector = _user(R.INSPECTOR, inspector_cert_no="50010520250001")
    assert list(operator_scope(for_user=inspector)) == [operators["gyq"]]


def test_operator_get_outside_scope_is_404(operators):
    business = _user(R.BUSINESS, operator_usccs=[operators["gyq"].uscc])
    assert operator_get(uscc=operators["gyq"].uscc.lower(), for_user=business) == operators["gyq"]
    with pytest.raises(Http404):
        operator_get(uscc=operators["wld"].uscc, for_user=business)
    with pytest.raises(Http404):
        operator_get(uscc="91500105MA00000000", for_user=_user(R.DISTRICT_REGULATOR))


def test_operator_get_public(operators):
    assert operator_get_public(uscc=operators["wld"].uscc) == operators["wld"]
    with pytest.raises(Http404):
        operator_get_public(uscc="nothing")


def test_operator_search(operators):
    station = Department.objects.create(code="gyq", name="所", kind="market_regulation", streets=["观音桥街道"])
    user = _user(R.STATION_REGULATOR, department=station)
    assert operator_search(query="店", for_user=user) == [operators["gyq"]]
    assert operator_search(query=operators["wld"].uscc, for_user=user) == []
    assert operator_search(query="", for_user=user) == [operators["gyq"]]


def test_operator_usccs_first(operators):
    assert operator_usccs_first(limit=2) == [operators["gyq"].uscc, operators["hxj"].uscc]
