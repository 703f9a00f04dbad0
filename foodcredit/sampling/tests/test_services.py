"""sampling_bulk_upsert: identity by (source, id), ledger facts, audit rows, supersession of a corrected result."""

from datetime import date

import pytest

from foodcredit.core.models import AuditEvent
from foodcredit.credit.models import LedgerEntry
from foodcredit.credit.tests import factories as f
from foodcredit.sampling.models import SamplingTest
from foodcredit.sampling.services import sampling_bulk_upsert

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return f.operator_register(uscc=f.make_uscc(1))


def _upsert(operator, **changes):
    row = {
        "source_id": "CJ-1",
        "uscc": operator.uscc,
        "sampled_on": date(2025, 4, 2),
        "product": "凉拌菜",
        "food_category": "餐饮食品",
        "conclusion": "fail",
        "failed_items": "菌落总数",
        "failure_kind": "microbial",
        **changes,
    }
    return sampling_bulk_upsert(frame=f.bulk_frame([row]), ctx=f.bulk_context(f.source_named("抽检监测系统")))


def test_sampling_bulk_upsert_files_the_result_with_entry_and_audit(operator):
    assert _upsert(operator).new == 1
    test = SamplingTest.objects.get(source_ref="CJ-1")
    entry = LedgerEntry.objects.get(ref_kind="sampling_test", ref_id=test.pk)
    assert (entry.kind, entry.occurred_on) == ("sampling_test", date(2025, 4, 2))
    assert entry.facts == {"conclusion": "fail", "failure_kind": "microbial", "food_category": "餐饮食品"}
    event = AuditEvent.objects.get(object_type="sampling_test", object_id=str(test.pk))
    assert (event.action, event.changes["failed_items"]) == ("create", [None, "菌落总数"])


def test_sampling_bulk_upsert_retest_result_supersedes_the_entry(operator):
    _upsert(operator)
    first = LedgerEntry.objects.get(ref_kind="sampling_test")
    assert _upsert(operator, conclusion="pass", failed_items="", failure_kind="").updated == 1
    first.refresh_from_db()
    current = LedgerEntry.objects.get(ref_kind="sampling_test", superseded_by__isnull=True)
    assert first.superseded_by == current and current.facts["conclusion"] == "pass"
    assert AuditEvent.objects.get(object_type="sampling_test", action="update").changes == {
        "conclusion": ["fail", "pass"],
        "failed_items": ["菌落总数", ""],
        "failure_kind": ["microbial", ""],
    }
    assert _upsert(operator, conclusion="pass", failed_items="", failure_kind="").unchanged == 1
