"""A second full-text index over the search keys of open requests only, on PostgreSQL.

The work queues search open requests, a tenth of the table. A term whose bigrams are common
among closed requests made the whole-table index return every closed match before the open
ones were picked; over open requests alone the index returns only theirs. The whole-table
index stays for the closed queue and the API.
"""

from django.db import migrations

INDEX = "ticket_open_search_grams_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON tickets_ticket "
            "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_grams, ''))) WHERE closed_at IS NULL"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0007_open_mine_indexes")]
    operations = [migrations.RunPython(create_index, drop_index)]
