"""A GIN index over the characters of customer names, on PostgreSQL only.

Chinese name fragments are often two characters long, too short for trigram indexes; see
`kefu.customers.selectors._name_contains`. SQLite has no such index type and scans instead.
"""

from django.db import migrations

INDEX = "customer_name_chars_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON customers_customer "
            "USING gin (string_to_array(name, NULL))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]
