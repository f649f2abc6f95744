"""Idempotency keys are unique per registering user, no longer across the system: a retry
with a key someone else chose must never return their request."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0003_name_characters_index"),
        ("org", "0001_initial"),
        ("tickets", "0014_workflow_effects_on_data"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="ticket",
            name="ticket_idempotency_key_unique",
        ),
        migrations.AddConstraint(
            model_name="ticket",
            constraint=models.UniqueConstraint(
                fields=("created_by", "idempotency_key"), name="ticket_creator_idempotency_key_uniq"
            ),
        ),
    ]
