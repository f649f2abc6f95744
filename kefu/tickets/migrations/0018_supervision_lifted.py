from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0017_root_cause_replaces_text"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ticketevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ('created', 'Registered'),
                    ('transition', 'Status changed'),
                    ('reply', 'Reply to the customer'),
                    ('internal_note', 'Internal note'),
                    ('attachment', 'Attachment added'),
                    ('transfer_requested', 'Transfer requested'),
                    ('transfer_accepted', 'Transfer accepted'),
                    ('transfer_returned', 'Transfer returned'),
                    ('transfer_withdrawn', 'Transfer withdrawn: the request was closed'),
                    ('assigned', 'Assigned'),
                    ('supervised', 'Put under supervision'),
                    ('supervision_lifted', 'Supervision lifted'),
                    ('merged', 'Merged into another request'),
                    ('extension_requested', 'Extension requested'),
                    ('extension_decided', 'Extension decided'),
                    ('extension_withdrawn', 'Extension request withdrawn: the request was closed'),
                    ('sla_warning', 'Time limit warning'),
                    ('sla_breached', 'Time limit breached'),
                    ('escalated', 'Escalated'),
                    ('reminded', 'Reminder sent'),
                    ('customer_linked', 'Linked to a customer'),
                ],
                max_length=30,
                verbose_name="kind",
            ),
        ),
    ]
