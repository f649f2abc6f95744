"""No vacuum of the import's staging table for its inserts (PostgreSQL 13+).

A dry run inserts a whole file's rows; the commit reads them once and deletes them. The vacuum
that PostgreSQL starts for a table that received many inserts only sets visibility bits on rows
about to be deleted, and it ran during the commit of a 1,000,000-row import (seen in
pg_stat_activity), taking a core from it. The dry run ANALYZEs the table itself; the vacuum
after the commit's delete, which frees the space, still runs."""

from django.db import migrations


def no_insert_vacuum(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE customers_importrow SET (autovacuum_vacuum_insert_threshold = -1)")


def insert_vacuum(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE customers_importrow RESET (autovacuum_vacuum_insert_threshold)")


class Migration(migrations.Migration):
    dependencies = [("customers", "0008_import_staging_job_index")]

    operations = [migrations.RunPython(no_insert_vacuum, insert_vacuum)]
