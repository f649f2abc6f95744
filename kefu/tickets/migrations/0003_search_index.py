"""Full-text index over the bigram search keys of requests, on PostgreSQL only.

The expression matches what `SearchVector("search_grams", config="simple")` renders, so the
planner uses it for kefu.tickets.selectors._keyword_search.
"""

from django.db import migrations

INDEX = "ticket_search_grams_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON tickets_ticket "
            "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_grams, '')))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0002_search_grams")]
    operations = [migrations.RunPython(create_index, drop_index)]
