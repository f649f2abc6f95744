"""The caller's name joins the bigram search keys (ticket_create stores them so from now on):
requests registered before, for an unidentified caller, get their keys again."""

from django.db import migrations

BATCH = 2_000


def rekey_callers(apps, schema_editor):
    from kefu.core.search import search_keys

    Ticket = apps.get_model("tickets", "Ticket")
    rows = Ticket.objects.exclude(caller_name="").only("id", "title", "description", "caller_name").order_by("id")
    batch = []
    for ticket in rows.iterator(chunk_size=BATCH):
        ticket.search_grams = search_keys(ticket.title, ticket.description, ticket.caller_name)
        batch.append(ticket)
        if len(batch) == BATCH:
            Ticket.objects.bulk_update(batch, ["search_grams"])
            batch = []
    if batch:
        Ticket.objects.bulk_update(batch, ["search_grams"])


class Migration(migrations.Migration):
    dependencies = [("tickets", "0019_workflow_field_labels")]

    operations = [migrations.RunPython(rekey_callers, migrations.RunPython.noop)]
