"""Requests closed before closing withdrew what waited on them: withdraw it now.

Closing a request (a final step, or merging it) withdraws its pending transfer and extension
request (services/closing.py). Those left pending on requests closed before that rule are
withdrawn here, without a timeline event (no one withdrew them; the request page simply stops
offering to answer them).
"""

from django.db import migrations
from django.utils import timezone


def withdraw_waiting_on_closed(apps, schema_editor):
    for model_name in ("Transfer", "ExtensionRequest"):
        model = apps.get_model("tickets", model_name)
        waiting = model.objects.filter(status="pending", ticket__closed_at__isnull=False)
        waiting.update(status="withdrawn", decided_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("tickets", "0012_closed_queue_index")]

    operations = [migrations.RunPython(withdraw_waiting_on_closed, migrations.RunPython.noop)]
