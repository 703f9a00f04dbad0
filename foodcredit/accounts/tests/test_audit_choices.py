"""The audit administrator's filter choices: every action and object type in the log, once each, in order."""

import pytest

from foodcredit.accounts import selectors
from foodcredit.core import audit
from foodcredit.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_audit_field_values_lists_each_value_of_the_log_once_in_order():
    assert selectors.audit_field_values(field="action") == []
    for action, object_type in [
        ("update", "operator"),
        ("login", "user"),
        ("update", "licence"),
        ("decide", "repair_application"),
        ("update", "operator"),
    ]:
        audit.record(actor=None, action=action, object_type=object_type, object_id=1)
    assert selectors.audit_field_values(field="action") == ["decide", "login", "update"]
    assert selectors.audit_field_values(field="object_type") == ["licence", "operator", "repair_application", "user"]
    assert selectors.audit_field_values(field="object_type") == sorted(
        set(AuditEvent.objects.values_list("object_type", flat=True))
    )


def test_audit_field_values_refuses_a_column_without_its_index():
    with pytest.raises(ValueError, match="actor_label"):
        selectors.audit_field_values(field="actor_label")
