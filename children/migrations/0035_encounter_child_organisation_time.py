# The encounter's organisation and time copied onto each child met (issue 21): added empty,
# filled from the encounters in one statement, then required and indexed. From then on two
# triggers keep them equal to the encounter's, on every write path (services, imports, the API,
# raw SQL): a link takes them from its encounter when written, and an encounter whose
# organisation or time changes passes them on to its links.

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0034_referral_awaiting_answer_index"),
        ("ngos", "0008_membership_second_approver"),
    ]

    operations = [
        migrations.AddField(
            model_name="encounterchild",
            name="occurred_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="encounterchild",
            name="organisation",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="ngos.organisation",
            ),
        ),
        migrations.RunSQL(
            "UPDATE children_encounterchild AS link"
            " SET organisation_id = encounter.organisation_id, occurred_at = encounter.occurred_at"
            " FROM children_encounter AS encounter WHERE encounter.id = link.encounter_id",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="encounterchild",
            name="occurred_at",
            field=models.DateTimeField(editable=False),
        ),
        migrations.AlterField(
            model_name="encounterchild",
            name="organisation",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="ngos.organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="encounterchild",
            index=models.Index(
                fields=["organisation", "occurred_at"],
                include=("encounter", "case"),
                name="encounter_child_org_time_idx",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="encounter",
            trigger=pgtrigger.compiler.Trigger(
                name="encounter_copies_to_children",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."occurred_at" IS DISTINCT FROM (NEW."occurred_at") OR OLD."organisation_id" IS DISTINCT FROM (NEW."organisation_id"))',
                    func="UPDATE children_encounterchild SET organisation_id = NEW.organisation_id, occurred_at = NEW.occurred_at WHERE encounter_id = NEW.id; RETURN NULL;",
                    hash="74260aa3c71029028bca96227ddbd953626bfb99",
                    operation='UPDATE OF "organisation_id", "occurred_at"',
                    pgid="pgtrigger_encounter_copies_to_children_c47ce",
                    table="children_encounter",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="encounterchild",
            trigger=pgtrigger.compiler.Trigger(
                name="encounter_child_copies_encounter",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="SELECT organisation_id, occurred_at INTO NEW.organisation_id, NEW.occurred_at FROM children_encounter WHERE id = NEW.encounter_id; RETURN NEW;",
                    hash="d6d696a1ec74c4c4a1054a5e15a6d48c281375b4",
                    operation="INSERT OR UPDATE",
                    pgid="pgtrigger_encounter_child_copies_encounter_f2c55",
                    table="children_encounterchild",
                    when="BEFORE",
                ),
            ),
        ),
    ]
