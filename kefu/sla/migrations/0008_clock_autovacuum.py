"""Vacuum the clock table after 2 % of its rows changed instead of PostgreSQL's 20 %.

The sweep's claims read partial indexes that every stamp leaves a dead entry in (a clock
warned leaves the warning index); with hundreds of thousands of running clocks the default
waited for a hundred thousand dead rows, and a claim read hundreds of dead entries for each
live one (figures in bench/README.md).
"""

from django.db import migrations


def tune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE sla_slaclock SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02)"
        )


def untune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE sla_slaclock RESET (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor)"
        )


class Migration(migrations.Migration):
    dependencies = [("sla", "0007_clock_answerable")]
    operations = [migrations.RunPython(tune, untune)]
