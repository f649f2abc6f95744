"""The import's staging table without a foreign-key constraint, and with one index on (job, id).

The constraint checked each staged row against its job, which doubled the server's work for the
dry run's COPY (figures in bench/README.md); the rows are written and deleted by the job itself
(the ORM's cascade, the clean-up). The (job, id) index replaces the
one on job alone and also serves the commit, which reads a job's rows by id range."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("customers", "0007_import_staging_unlogged")]

    operations = [
        migrations.AlterField(
            model_name="importrow",
            name="job",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="staged_rows",
                to="customers.importjob",
            ),
        ),
        migrations.AddIndex(
            model_name="importrow",
            index=models.Index(fields=["job", "id"], name="importrow_job_id_idx"),
        ),
    ]
