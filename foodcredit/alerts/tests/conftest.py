import pytest

from foodcredit.accounts.models import User
from foodcredit.credit.tests.factories import DepartmentFactory, UserFactory

STATION_STREETS = ["观音桥街道", "华新街街道"]


@pytest.fixture
def district(db):
    """The district bureau: every street of the district."""
    streets = [*STATION_STREETS, "五里店街道", "江北城街道", "石马河街道", "大石坝街道", "寸滩街道", "鱼嘴镇"]
    return DepartmentFactory(code="jb-samr", name="区市场监管局", streets=streets)


@pytest.fixture
def station(db, district):
    return DepartmentFactory(code="jb-samr-gyq", name="观音桥市场监管所", streets=STATION_STREETS)


@pytest.fixture
def regulator(district):
    return UserFactory(username="quji", role=User.Role.DISTRICT_REGULATOR, department=district)


@pytest.fixture
def station_regulator(station):
    return UserFactory(username="suoji", role=User.Role.STATION_REGULATOR, department=station)
