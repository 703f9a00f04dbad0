import pytest

from foodcredit.credit.tests import factories


@pytest.fixture
def operator(db):
    return factories.OperatorFactory()


@pytest.fixture
def other_operator(db):
    return factories.OperatorFactory(street="五里店街道", address="重庆市江北区五里店街道五简路2号")
