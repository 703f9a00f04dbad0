"""Demo accounts: one per role, idempotent, development settings only."""

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory, override_settings

from foodcredit.accounts.models import Department, User
from foodcredit.accounts.services import DEMO_USERS, demo_accounts_ensure
from foodcredit.core.errors import DomainError
from foodcredit.core.models import AuditEvent

pytestmark = pytest.mark.django_db
STREETS = ["观音桥街道", "华新街街道", "五里店街道"]


def _ensure(**kwargs):
    values = {"district_streets": STREETS, "operator_usccs": ["91500105000000001M"], "inspector_cert_no": "C123456"}
    return demo_accounts_ensure(**(values | kwargs))


def test_demo_accounts_ensure_creates_one_user_per_role():
    logins = _ensure()
    assert [x.username for x in logins] == [u for u, _role, _dept in DEMO_USERS]
    assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)
    district = Department.objects.get(name="区市场监管局")
    assert district.streets == STREETS
    assert Department.objects.get(name="观音桥市场监管所").streets == ["观音桥街道", "华新街街道"]
    assert set(Department.objects.values_list("name", flat=True)) == {
        "区市场监管局",
        "观音桥市场监管所",
        "区发展改革委",
        "区农业农村委",
        "区卫生健康委",
        "江北区餐饮行业协会",
    }
    business = User.objects.get(username="business")
    assert business.operator_usccs == ["91500105000000001M"]
    assert User.objects.get(username="inspector").inspector_cert_no == "C123456"
    assert User.objects.get(username="station").streets == ["观音桥街道", "华新街街道"]
    request = RequestFactory().post("/office/login/")  # django-axes needs the request to authenticate
    assert authenticate(request, username="district", password="Jiangbei#2022demo") is not None
    assert AuditEvent.objects.filter(object_type="user", action="create").count() == len(DEMO_USERS)


def test_demo_accounts_ensure_is_idempotent():
    _ensure()
    _ensure(operator_usccs=["91500105000000002Q"])
    assert User.objects.count() == len(DEMO_USERS)
    assert Department.objects.count() == 6
    assert User.objects.get(username="business").operator_usccs == ["91500105000000002Q"]


@override_settings(DEMO_ACCOUNTS=False)
def test_demo_accounts_ensure_refuses_outside_development():
    with pytest.raises(DomainError) as exc:
        _ensure()
    assert exc.value.code == "accounts.demo_disabled"
    assert not User.objects.exists()
