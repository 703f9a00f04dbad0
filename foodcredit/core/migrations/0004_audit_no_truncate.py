"""The audit log cannot be emptied with TRUNCATE on PostgreSQL either (issue 10 finding 7, SECURITY.md D2): row
triggers (0002) do not fire for TRUNCATE, so a statement trigger refuses it — a mistaken `manage.py flush` or a
script's `TRUNCATE … CASCADE` on production. The one exception is a session that sets the custom parameter
foodcredit.allow_audit_truncate to 'on': the test settings do (Django's test flush between transactional tests is a
TRUNCATE of every table); production settings never do. Like every trigger, it guards against mistakes: the table's
owner can drop it; a production application role should not own the table."""

from django.db import migrations

PROTECT = """
CREATE FUNCTION core_auditevent_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('foodcredit.allow_audit_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit records cannot be changed or deleted (TRUNCATE on core_auditevent)'
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_no_truncate();
"""
UNPROTECT = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_no_truncate();
"""


def protect(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PROTECT, params=None)


def unprotect(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNPROTECT, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_request_context")]

    operations = [migrations.RunPython(protect, unprotect)]
