"""On PostgreSQL the database itself refuses to change or delete a ledger row, whatever the client."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION finance_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'finance_ledgerentry is append-only: record a reversing entry instead of %', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER finance_ledger_append_only
    BEFORE UPDATE OR DELETE ON finance_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION finance_ledger_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS finance_ledger_append_only ON finance_ledgerentry;
DROP FUNCTION IF EXISTS finance_ledger_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # params=None: the SQL is sent as written; with parameters the driver would read the "%" of
        # RAISE as a placeholder and refuse the statement.
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
