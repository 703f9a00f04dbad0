"""The data migration of operator phones (SECURITY.md E2): clear phones become ciphertext and blind index, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from foodcredit.core.crypto import decrypt, phone_index

BEFORE = [("operators", "0001_initial")]
AFTER = [("operators", "0002_operator_phone_encrypted")]


def _migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_phone_migration_encrypts_existing_rows_and_reverses():
    try:
        old = _migrate(BEFORE)
        source = old.get_model("core", "Source").objects.create(name="登记系统")
        fields = {
            "legal_rep": "张三",
            "address": "观音桥街道1号",
            "street": "观音桥街道",
            "sector": "catering",
            "business_type": "小型餐馆",
            "registered_on": "2020-01-01",
            "status": "active",
            "source": source,
        }
        operator = old.get_model("operators", "Operator")
        operator.objects.create(uscc="915001050000000101", name="甲", phone="13812345678", **fields)
        operator.objects.create(uscc="915001050000000102", name="乙", phone="", **fields)

        new = _migrate(AFTER)
        rows = {o.name: o for o in new.get_model("operators", "Operator").objects.all()}
        assert decrypt(rows["甲"].phone_encrypted) == "13812345678"
        assert rows["甲"].phone_index == phone_index("13812345678")
        assert (rows["乙"].phone_encrypted, rows["乙"].phone_index) == ("", "")

        back = _migrate(BEFORE)
        phones = dict(back.get_model("operators", "Operator").objects.values_list("name", "phone"))
        assert phones == {"甲": "13812345678", "乙": ""}
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
