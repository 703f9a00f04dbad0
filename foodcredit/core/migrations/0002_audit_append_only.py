"""The audit log is append-only on PostgreSQL (SECURITY.md D2): a trigger refuses UPDATE and DELETE of its rows,
whoever asks — the application, a mistaken script, a stolen application login. (TRUNCATE and dropping the trigger
need the table owner, which a production application role is not.) SQLite, the embedded development database, has
no such guard: Django's test flush deletes rows there."""

from django.db import migrations

PROTECT = """
CREATE FUNCTION core_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit records cannot be changed or deleted (% on core_auditevent)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""
UNPROTECT = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_append_only();
"""


def protect(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PROTECT, params=None)


def unprotect(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNPROTECT, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(protect, unprotect)]
