"""The timeline's "registered" line is read from the case (selectors.cases.case_timeline), no
longer stored: the stored ones go, or each case would show its registration twice."""

from django.db import migrations


def forget_stored_registrations(apps, schema_editor):
    TimelineEntry = apps.get_model("children", "TimelineEntry")
    TimelineEntry.objects.filter(kind="registered").delete()


def store_registrations_again(apps, schema_editor):
    schema_editor.execute(
        "INSERT INTO children_timelineentry (case_id, kind, at, actor_id, detail) "
        "SELECT id, 'registered', created_at, created_by_id, '{}'::jsonb FROM children_case"
    )


class Migration(migrations.Migration):
    dependencies = [("children", "0013_unindexed_writer_keys")]

    operations = [migrations.RunPython(forget_stored_registrations, store_registrations_again)]
