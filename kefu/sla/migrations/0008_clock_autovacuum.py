"""Vacuum the clock table after 2 % of its rows changed instead of PostgreSQL's 20 %.

The sweep's claims read partial indexes that every stamp leaves a dead entry in (a clock
warned leaves the warning index); at 534,000 running clocks the default waited for ~107,000
dead rows, and the warning claim of the steady-state benchmark read 14,000 dead entries to
find 59 live ones (127 ms instead of 1.5 ms after a vacuum).
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
