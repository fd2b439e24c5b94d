# The case's organisation copied onto each follow-up (issue 21): added empty, filled from the
# cases in one statement, then required.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0030_case_compact_sex_id_idx"),
        ("ngos", "0008_membership_second_approver"),
    ]

    operations = [
        migrations.AddField(
            model_name="followup",
            name="organisation",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="ngos.organisation",
            ),
        ),
        migrations.RunSQL(
            "UPDATE children_followup AS f SET organisation_id = c.organisation_id "
            "FROM children_case AS c WHERE c.id = f.case_id",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="followup",
            name="organisation",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="ngos.organisation",
            ),
        ),
        migrations.RemoveIndex(model_name="followup", name="followup_case_due_idx"),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                fields=["organisation", "due_on"],
                include=("status", "completed_at", "id"),
                name="followup_org_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                condition=models.Q(("status", "scheduled")),
                fields=["organisation", "due_on", "id"],
                name="followup_org_pending_idx",
            ),
        ),
    ]
