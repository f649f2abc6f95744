"""The typed root-cause text gives way to the row of the list that 0016 filled in."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0016_root_cause_list"),
    ]

    operations = [
        migrations.RemoveField(model_name="ticket", name="cause_class"),
        migrations.RenameField(model_name="ticket", old_name="cause_class_row", new_name="cause_class"),
    ]
