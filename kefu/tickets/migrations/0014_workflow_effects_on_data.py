"""A step's effect and a state's meaning move from hard-coded codes onto the workflow data.

Until now a transition coded `assess_valid` / `assess_invalid` marked a complaint valid or
invalid and reaching a state coded `on_site` stopped the arrival clock; installed workflows get
the same behaviour set on those rows, so renaming them later changes nothing.
"""

from django.db import migrations, models


def effects_from_codes(apps, schema_editor):
    WorkflowState = apps.get_model("tickets", "WorkflowState")
    WorkflowTransition = apps.get_model("tickets", "WorkflowTransition")
    WorkflowTransition.objects.filter(code="assess_valid").update(effect="mark_valid")
    WorkflowTransition.objects.filter(code="assess_invalid").update(effect="mark_invalid")
    WorkflowState.objects.filter(code="on_site").update(stops_arrival_clock=True)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0013_withdraw_waiting_on_closed"),
    ]

    operations = [
        migrations.AddField(
            model_name="workflowstate",
            name="stops_arrival_clock",
            field=models.BooleanField(
                default=False,
                help_text="Reaching this state stops the on-site arrival time limit.",
                verbose_name="arrival on site",
            ),
        ),
        migrations.AddField(
            model_name="workflowtransition",
            name="effect",
            field=models.CharField(
                blank=True,
                choices=[("mark_valid", "Marks the complaint valid"), ("mark_invalid", "Marks the complaint invalid")],
                max_length=20,
                verbose_name="effect",
            ),
        ),
        migrations.RunPython(effects_from_codes, migrations.RunPython.noop),
    ]
