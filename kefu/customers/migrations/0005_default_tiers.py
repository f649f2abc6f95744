from django.db import migrations

# The tiers of seed 004 篇9 (三星/二星/一星): the top one with the green channel and a chief
# manager. Tiers already written on customers (free text until now) become rows too, so that no
# customer points at a tier that does not exist.
DEFAULTS = (
    ("三星", "三星", 1, True, "chief"),
    ("二星", "二星", 2, False, "secondary"),
    ("一星", "一星", 3, False, "regular"),
)


def create_tiers(apps, schema_editor):
    Tier = apps.get_model("customers", "Tier")
    Customer = apps.get_model("customers", "Customer")
    for code, label, rank, green, level in DEFAULTS:
        Tier.objects.get_or_create(
            code=code, defaults={"label": label, "rank": rank, "green_channel": green, "required_manager_level": level}
        )
    used = Customer.objects.exclude(tier="").values_list("tier", flat=True).distinct()
    for rank, code in enumerate(sorted(set(used) - {code for code, *_ in DEFAULTS}), start=len(DEFAULTS) + 1):
        Tier.objects.create(code=code, label=code, rank=rank)


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_tiers_potential_since")]

    operations = [migrations.RunPython(create_tiers, migrations.RunPython.noop)]
