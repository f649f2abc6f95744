from django.db import migrations

# Seed 004 篇9: key accounts (the top tier, 三星) are called every day and their file reviewed
# each quarter; the middle tier monthly, the others quarterly by phone; a customer of a tier
# without its own plan (or without a tier) quarterly by message.
DEFAULT_PLANS = [
    ("三星", 1, "phone", True),
    ("二星", 30, "phone", False),
    ("一星", 90, "phone", False),
    ("", 90, "message", False),
]


def install(apps, schema_editor):
    ContactPlan = apps.get_model("contacts", "ContactPlan")
    for tier, every_days, channel, review in DEFAULT_PLANS:
        ContactPlan.objects.get_or_create(
            tier=tier, defaults={"every_days": every_days, "channel": channel, "quarterly_review": review}
        )


class Migration(migrations.Migration):
    dependencies = [("contacts", "0001_contacts"), ("customers", "0005_default_tiers")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
