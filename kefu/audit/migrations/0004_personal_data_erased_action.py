"""A customer anonymised at a deletion request is audited as its own action (Personal data erased)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_drop_unread_fk_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("updated", "Updated"),
                    ("deleted", "Deleted"),
                    ("imported", "Imported"),
                    ("revealed", "Personal data revealed"),
                    ("exported", "Exported"),
                    ("note_added", "Note added"),
                    ("anonymised", "Personal data erased"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
    ]
