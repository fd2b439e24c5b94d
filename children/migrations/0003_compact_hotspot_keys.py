"""Hotspot keys ignore spaces and ZWNJ from now on: rebuild the stored ones."""

from django.db import migrations


def rebuild(apps, schema_editor):
    from core.persian import compact

    Encounter = apps.get_model("children", "Encounter")
    for encounter in Encounter.objects.only("pk", "hotspot").iterator(chunk_size=2000):
        Encounter.objects.filter(pk=encounter.pk).update(hotspot_key=compact(encounter.hotspot)[:150])


class Migration(migrations.Migration):
    dependencies = [("children", "0002_workflow_referrals_followups")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
