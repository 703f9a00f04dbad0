"""Phones and ID numbers at rest (SECURITY.md E2; issue 10, finding 7): encrypted with a blind index for exact-match
search, never in clear in a table or an audit diff — whichever door wrote them."""

import polars as pl
import pytest
from django.db import connection
from django.test import Client

from foodcredit.accounts.models import User
from foodcredit.collection import services
from foodcredit.collection.tests import frames
from foodcredit.core.models import AuditEvent
from foodcredit.operators.models import Operator
from foodcredit.operators.selectors import operator_search

pytestmark = pytest.mark.django_db

PHONE = "13800001111"  # frames.operators' phone
NEW_PHONE = "13900002222"
ID_NO = "11010519491231002X"  # frames.operators' legal representative


def _dump() -> str:
    """Every row of every table as text, as `pg_dump` would show it."""
    rows = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names(cur):
            cur.execute(f'SELECT * FROM "{table}"')  # table names from the database itself
            rows.extend(str(r) for r in cur.fetchall())
    return "\n".join(rows)


def test_phone_and_id_number_are_never_stored_in_clear_and_phone_reads_back():
    services.records_write(kind="operators", frame=frames.operators(2), source_name="登记系统")
    changed = frames.operators(2).with_columns(pl.lit(NEW_PHONE).alias("phone"))
    services.records_write(kind="operators", frame=changed, source_name="登记系统")
    dump = _dump()
    assert [s for s in (PHONE, NEW_PHONE, ID_NO) if s in dump] == []
    assert Operator.objects.get(uscc=frames.uscc(1)).phone == NEW_PHONE
    # The change of phone is audited, without the number.
    assert AuditEvent.objects.filter(object_type="operator", action="update").count() == 2


def test_reimport_of_the_same_phone_changes_nothing():
    services.records_write(kind="operators", frame=frames.operators(2), source_name="登记系统")
    again = services.records_write(kind="operators", frame=frames.operators(2), source_name="登记系统")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)


@pytest.mark.parametrize("query", [PHONE, "138 0000 1111", "+86 138-0000-1111"])
def test_staff_find_an_operator_by_its_phone_through_the_blind_index(query):
    services.records_write(kind="operators", frame=frames.operators(2, start=1), source_name="登记系统")
    services.records_write(
        kind="operators",
        frame=frames.operators(1, start=3).with_columns(pl.lit(NEW_PHONE).alias("phone")),
        source_name="登记系统",
    )
    regulator = User.objects.create_user(username="reg", password="x" * 12, role=User.Role.DISTRICT_REGULATOR)
    found = operator_search(query=query, for_user=regulator)
    assert sorted(o.uscc for o in found) == [frames.uscc(1), frames.uscc(2)]


def test_audit_diffs_of_services_mask_phones_and_id_numbers():
    """A typical case published with a phone and an ID number in its title: the audit row keeps neither."""
    services.records_write(kind="operators", frame=frames.operators(1), source_name="登记系统")
    regulator = User.objects.create_user(username="reg", password="x" * 12, role=User.Role.DISTRICT_REGULATOR)
    client = Client()
    client.force_login(regulator)
    title = f"王五（{ID_NO}，{PHONE}）无证经营案"
    answer = client.post("/api/v1/cases", {"title": title, "body": "案情"}, content_type="application/json")
    assert answer.status_code == 201, answer.content
    changes = str(AuditEvent.objects.get(object_type="case_study").changes)
    assert ID_NO not in changes and PHONE not in changes
    assert "110105********002X" in changes and "138****1111" in changes
