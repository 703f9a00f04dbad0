"""SECURITY.md D2: audit rows cannot be changed or deleted once written (PostgreSQL trigger)."""

import pytest
from django.db import DatabaseError, transaction

from foodcredit.core import audit
from foodcredit.core.models import AuditEvent


@pytest.mark.pg_only("the append-only trigger is PostgreSQL's; SQLite is the development database (see migration)")
@pytest.mark.django_db
def test_audit_rows_cannot_be_updated_or_deleted():
    row = audit.record(actor=None, action="create", object_type="test", object_id=1, changes={"a": [None, 1]})
    for attempt in (
        lambda: AuditEvent.objects.filter(pk=row.pk).update(action="forged"),
        lambda: AuditEvent.objects.filter(pk=row.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="audit records cannot be changed or deleted"), transaction.atomic():
            attempt()
    row.refresh_from_db()
    assert row.action == "create"
    audit.record(actor=None, action="update", object_type="test", object_id=1)  # appending still works
    assert AuditEvent.objects.filter(object_type="test").count() == 2
