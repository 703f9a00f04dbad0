"""Audit diffs of imported records hold no phone or ID number (SECURITY.md E2): the bulk writers'
create and update rows pass free text through the same mask as public output; the records keep the text as sent."""

import polars as pl
import pytest

from foodcredit.collection import services
from foodcredit.core.models import AuditEvent
from foodcredit.core.tests import masking_corpus as corpus
from foodcredit.inspections.models import Inspection

from . import frames

pytestmark = pytest.mark.django_db

SECRETS = [corpus.ID18[0], corpus.ID15[0], corpus.MOBILES[1], corpus.MOBILES[3], corpus.LANDLINES[0]]


def _findings(text: str) -> pl.DataFrame:
    return frames.inspections([frames.uscc(1)]).with_columns(pl.lit(text).alias("findings"))


def test_bulk_audit_rows_mask_free_text_on_create_and_update():
    services.records_write(kind="operators", frame=frames.operators(1), source_name="登记系统")
    first = corpus.planted_text(SECRETS[:3] + corpus.PUBLIC[:4])
    services.records_write(kind="inspections", frame=_findings(first), source_name="执法系统")
    second = corpus.planted_text(SECRETS[3:] + corpus.PUBLIC[4:8])
    services.records_write(kind="inspections", frame=_findings(second), source_name="执法系统")
    assert Inspection.objects.get().findings == second  # the record keeps what was sent
    diffs = " ".join(
        str(c) for c in AuditEvent.objects.filter(object_type="inspection").values_list("changes", flat=True)
    )
    assert corpus.leaks(diffs) == []
    assert corpus.false_masks(diffs, corpus.PUBLIC[:8]) == []
