"""ImportJob now belongs to the imports app (imports 0001), keeping its table and rows (ADR 0012).

State only: the consents' foreign keys point at the same table as before, so the database keeps
its constraints, and children forgets the model. The content type is renamed, not recreated, so
what refers to it (permissions) follows the model; a fresh database has none yet.
"""

import django.db.models.deletion
from django.db import migrations, models


def content_type_to(app_label):
    def rename(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        other = "children" if app_label == "imports" else "imports"
        if not ContentType.objects.filter(app_label=app_label, model="importjob").exists():
            ContentType.objects.filter(app_label=other, model="importjob").update(
                app_label=app_label
            )

    return rename


class Migration(migrations.Migration):

    dependencies = [
        ("children", "0014_registration_line_read_from_case"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("imports", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="consent",
                    name="import_job",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="imports.importjob",
                        verbose_name="recorded by import",
                    ),
                ),
                migrations.AlterField(
                    model_name="consentevent",
                    name="import_job",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="imports.importjob",
                        verbose_name="recorded by import",
                    ),
                ),
                migrations.DeleteModel(name="ImportJob"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to("imports"), content_type_to("children")),
    ]
