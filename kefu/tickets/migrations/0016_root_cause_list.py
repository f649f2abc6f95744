"""The root-cause class (原因分类) is picked from a list an admin keeps, no longer typed.

Every distinct text typed so far becomes a row of the list (surrounding spaces dropped), and each
request points at its row; the typed column is dropped in the next migration (on PostgreSQL a
table with rows just updated cannot be altered in the same transaction).
"""

import django.db.models.deletion
from django.db import migrations, models


def texts_to_rows(apps, schema_editor):
    RootCause = apps.get_model("tickets", "RootCause")
    Ticket = apps.get_model("tickets", "Ticket")
    typed = Ticket.objects.exclude(cause_class="").values_list("cause_class", flat=True).distinct()
    rows = {}
    for text in typed:
        name = text.strip()[:50]
        if name and name not in rows:
            rows[name] = RootCause.objects.get_or_create(name=name)[0]
    for text in typed:
        name = text.strip()[:50]
        if name:
            Ticket.objects.filter(cause_class=text).update(cause_class_row=rows[name])


def rows_to_texts(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    for ticket in Ticket.objects.exclude(cause_class_row=None).select_related("cause_class_row"):
        Ticket.objects.filter(pk=ticket.pk).update(cause_class=ticket.cause_class_row.name)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0015_idempotency_key_per_creator"),
    ]

    operations = [
        migrations.CreateModel(
            name="RootCause",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=50, unique=True, verbose_name="name")),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="position")),
            ],
            options={
                "verbose_name": "root-cause class",
                "verbose_name_plural": "root-cause classes",
                "ordering": ["position", "name"],
            },
        ),
        migrations.AddField(
            model_name="ticket",
            name="cause_class_row",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="tickets.rootcause",
                verbose_name="cause classification",
            ),
        ),
        migrations.RunPython(texts_to_rows, rows_to_texts),
    ]
