"""The audit trail is append-only in the database itself (PostgreSQL).

A trigger refuses UPDATE and DELETE on ``nrc_auditentry``. The escape hatch, for a database administrator who
must repair or archive the trail on purpose, is a transaction-local setting::

    BEGIN;
    SET LOCAL nrc.audit_maintenance = 'on';
    DELETE FROM nrc_auditentry WHERE ...;
    COMMIT;

Whatever is changed that way still breaks the hash chain, so ``manage.py verify_audit`` reports it.
TRUNCATE is not blocked (the test runner empties tables with it); it needs the table owner's rights anyway.
On SQLite there is no trigger: the service layer never updates or deletes an entry.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION nrc_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('nrc.audit_maintenance', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % on nrc_auditentry refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS nrc_auditentry_append_only ON nrc_auditentry;
CREATE TRIGGER nrc_auditentry_append_only
    BEFORE UPDATE OR DELETE ON nrc_auditentry
    FOR EACH ROW EXECUTE FUNCTION nrc_auditentry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS nrc_auditentry_append_only ON nrc_auditentry;
DROP FUNCTION IF EXISTS nrc_auditentry_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("nrc", "0002_background_jobs")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP), elidable=False)]
