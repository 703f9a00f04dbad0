"""Planning fixtures: a small directory of operators and qualified inspectors, and the users who act on them."""

from datetime import date

import pytest

from foodcredit.accounts.models import User
from foodcredit.credit.tests.factories import DepartmentFactory, OperatorFactory, UserFactory
from foodcredit.inspections.models import Inspector
from foodcredit.operators.models import Operator
from foodcredit.planning import services

AS_OF = date(2025, 11, 3)


def inspector_make(n: int, *, sectors=("catering", "circulation", "production"), available=True) -> Inspector:
    inspector = Inspector.objects.create(cert_no=f"5001052025{n:04d}", name=f"检查员{n}", verified=True)
    services.inspector_profile_set(inspector=inspector, sectors=list(sectors), available=available, actor=None)
    return inspector


@pytest.fixture
def operators(db):
    streets = ["观音桥街道", "五里店街道"]
    sectors = [Operator.Sector.CATERING, Operator.Sector.CIRCULATION]
    return [OperatorFactory(street=streets[i % 2], sector=sectors[i % 2]) for i in range(60)]


@pytest.fixture
def inspectors(db):
    return [inspector_make(i) for i in range(1, 9)]


@pytest.fixture
def regulator(db):
    return UserFactory(role=User.Role.DISTRICT_REGULATOR)


@pytest.fixture
def station(db):
    return UserFactory(role=User.Role.STATION_REGULATOR, department=DepartmentFactory(streets=["五里店街道"]))


def plan_kwargs(actor, **overrides):
    kwargs = {
        "name": "2025年第四季度餐饮流通双随机抽查",
        "period_start": date(2025, 11, 1),
        "period_end": date(2025, 12, 31),
        "scope": {},
        "as_of": AS_OF,
        "actor": actor,
        "ratios": {"B": 0.5},
        "inspector_cap": 20,
        "seed": "c0ffee" + "0" * 58,
    }
    kwargs.update(overrides)
    return kwargs
