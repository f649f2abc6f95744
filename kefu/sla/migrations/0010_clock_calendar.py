import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0009_clock_people_without_constraint"),
    ]

    operations = [
        migrations.AddField(
            model_name="slaclock",
            name="calendar",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="sla.businesscalendar",
            ),
        ),
    ]
