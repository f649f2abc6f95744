"""The import's staging table is UNLOGGED on PostgreSQL: its rows are a dry run's working copy,
written once and read once by the commit, so they skip the write-ahead log (a crash empties the
table; a retried commit then runs the dry run again). SQLite has no such notion."""

from django.db import migrations


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE customers_importrow SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE customers_importrow SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_import_pipeline")]

    operations = [migrations.RunPython(unlogged, logged)]
