# The case's organisation copied onto each closure request (issue 21): added empty, filled from
# the cases in one statement, then required and indexed for an organisation's pending requests.
# From then on two triggers keep it equal to the case's, on every write path: a request takes it
# from its case when written, and a case whose organisation changes passes it on to its requests.

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0035_encounter_child_organisation_time"),
        ("ngos", "0008_membership_second_approver"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="closurerequest",
            name="closure_one_pending",
        ),
        migrations.AddField(
            model_name="closurerequest",
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
            "UPDATE children_closurerequest AS closure SET organisation_id = c.organisation_id"
            " FROM children_case AS c WHERE c.id = closure.case_id",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="closurerequest",
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
            model_name="closurerequest",
            index=models.Index(
                condition=models.Q(("state", "pending")),
                fields=["organisation", "requested_at", "id"],
                include=("requested_by",),
                name="closure_org_pending_idx",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="case",
            trigger=pgtrigger.compiler.Trigger(
                name="case_organisation_to_closures",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."organisation_id" IS DISTINCT FROM (NEW."organisation_id"))',
                    func="UPDATE children_closurerequest SET organisation_id = NEW.organisation_id WHERE case_id = NEW.id; RETURN NULL;",
                    hash="d81063e1a709ae13c69711f8c506b7146a1dbc6e",
                    operation='UPDATE OF "organisation_id"',
                    pgid="pgtrigger_case_organisation_to_closures_e8499",
                    table="children_case",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="closurerequest",
            trigger=pgtrigger.compiler.Trigger(
                name="closure_copies_case_organisation",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="SELECT organisation_id INTO NEW.organisation_id FROM children_case WHERE id = NEW.case_id; RETURN NEW;",
                    hash="ce95b5a705ee6d6fd5dcc4e15068cfe630cf6284",
                    operation="INSERT OR UPDATE",
                    pgid="pgtrigger_closure_copies_case_organisation_6efbd",
                    table="children_closurerequest",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="closurerequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state", "pending")),
                fields=("case",),
                name="closure_one_pending",
            ),
        ),
    ]
