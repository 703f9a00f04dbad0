"""Phones and ID numbers at rest (SECURITY.md E2): encrypted with a blind index for exact-match
search, never in clear in a table or an audit diff — whichever door wrote them."""

import datetime as dt

import polars as pl
import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from foodcredit.accounts.models import User
from foodcredit.core.bulk import BulkContext
from foodcredit.core.ids import uscc_check_character
from foodcredit.core.models import AuditEvent, Source
from foodcredit.operators.models import Operator
from foodcredit.operators.selectors import operator_search
from foodcredit.operators.services import operator_bulk_upsert

pytestmark = pytest.mark.django_db

PHONE = "13800001111"
NEW_PHONE = "13900002222"
ID_NO = "11010519491231002X"


def _uscc(i: int) -> str:
    body = f"91500105{i:09d}"
    return body + uscc_check_character(body)


def _operators(n: int = 2, *, start: int = 1, phone: str = PHONE) -> pl.DataFrame:
    """Normalized operator rows, as collection's validation hands them to the writer."""
    return pl.DataFrame(
        {
            "uscc": [_uscc(i) for i in range(start, start + n)],
            "name": [f"重庆测试餐饮有限公司{i}" for i in range(start, start + n)],
            "legal_rep": [f"张{i}" for i in range(start, start + n)],
            "legal_rep_id_no": [ID_NO] + [None] * (n - 1),
            "phone": [phone] * n,
            "address": ["重庆市江北区观音桥街道建新北路1号"] * n,
            "street": ["观音桥街道"] * n,
            "sector": ["catering"] * n,
            "business_type": ["小型餐馆"] * n,
            "registered_on": [dt.date(2020, 1, 1)] * n,
            "status": ["active"] * n,
            "new_business_form": [False] * n,
            "_row": list(range(2, n + 2)),
        }
    )


def _write(frame: pl.DataFrame):
    """The operators' bulk writer, as every import door calls it (collection is a layer above these tests)."""
    source = Source.objects.get_or_create(name="登记系统")[0]
    ctx = BulkContext(
        source_id=source.pk,
        source_precedence=source.precedence,
        actor_id=None,
        actor_label="system",
        job_id=None,
        request_id="",
        now=timezone.now(),
    )
    with transaction.atomic():
        return operator_bulk_upsert(frame=frame, ctx=ctx)


def _dump() -> str:
    """Every row of every table as text, as `pg_dump` would show it."""
    rows: list[str] = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names(cur):
            cur.execute(f'SELECT * FROM "{table}"')  # table names from the database itself
            rows.extend(str(r) for r in cur.fetchall())
    return "\n".join(rows)


def test_phone_and_id_number_are_never_stored_in_clear_and_phone_reads_back():
    _write(_operators(2))
    changed = _operators(2).with_columns(pl.lit(NEW_PHONE).alias("phone"))
    _write(changed)
    dump = _dump()
    assert [s for s in (PHONE, NEW_PHONE, ID_NO) if s in dump] == []
    assert Operator.objects.get(uscc=_uscc(1)).phone == NEW_PHONE
    # The change of phone is audited, without the number.
    assert AuditEvent.objects.filter(object_type="operator", action="update").count() == 2


def test_reimport_of_the_same_phone_changes_nothing():
    _write(_operators(2))
    again = _write(_operators(2))
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)


@pytest.mark.parametrize("query", [PHONE, "138 0000 1111", "+86 138-0000-1111"])
def test_staff_find_an_operator_by_its_phone_through_the_blind_index(query):
    _write(_operators(2, start=1))
    _write(_operators(1, start=3).with_columns(pl.lit(NEW_PHONE).alias("phone")))
    regulator = User.objects.create_user(username="reg", password="x" * 12, role=User.Role.DISTRICT_REGULATOR)
    found = operator_search(query=query, for_user=regulator)
    assert sorted(o.uscc for o in found) == [_uscc(1), _uscc(2)]


def test_audit_diffs_of_services_mask_phones_and_id_numbers():
    """A typical case published with a phone and an ID number in its title: the audit row keeps neither."""
    _write(_operators(1))
    regulator = User.objects.create_user(username="reg", password="x" * 12, role=User.Role.DISTRICT_REGULATOR)
    client = Client()
    client.force_login(regulator)
    title = f"王五（{ID_NO}，{PHONE}）无证经营案"
    answer = client.post("/api/v1/cases", {"title": title, "body": "案情"}, content_type="application/json")
    assert answer.status_code == 201, answer.content
    changes = str(AuditEvent.objects.get(object_type="case_study").changes)
    assert ID_NO not in changes and PHONE not in changes
    assert "110105********002X" in changes and "138****1111" in changes
