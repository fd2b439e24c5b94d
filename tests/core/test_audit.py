"""The audit log is append-only and written in the action's own transaction (LG-01, LG-03)."""

import pytest
from django.db import DatabaseError, transaction

from core import audit
from core.models import AuditEvent
from ngos.models import Organisation


def test_audit_rows_cannot_be_updated(cw_a):
    event = audit.record(AuditEvent.Action.VIEW, user=cw_a, object_type="test.thing", object_id="1")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditEvent.Action.DELETE)
    event.refresh_from_db()
    assert event.action == AuditEvent.Action.VIEW


def test_audit_rows_cannot_be_deleted(cw_a):
    event = audit.record(AuditEvent.Action.VIEW, user=cw_a, object_type="test.thing", object_id="1")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_row_rolls_back_with_the_action_it_records(cw_a, org_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        org_a.name_fa = "نام تازه"
        org_a.save()
        audit.record(AuditEvent.Action.UPDATE, user=cw_a, obj=org_a)
        raise RuntimeError("the action failed")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()
    assert Organisation.objects.get(pk=org_a.pk).name_fa != "نام تازه"


def test_audit_row_records_who_which_organisation_and_role(mgr_a, org_a):
    event = audit.record(AuditEvent.Action.UPDATE, user=mgr_a, obj=org_a)
    assert (event.actor, event.organisation, event.role) == (mgr_a, org_a, "org_manager")
    assert (event.object_type, event.object_id) == ("ngos.organisation", str(org_a.pk))


@pytest.mark.django_db
def test_line_breaks_in_user_input_cannot_forge_audit_or_log_lines():
    event = audit.record_attempt(
        AuditEvent.Action.LOGIN_FAILED, username="eve\r\n2026-01-01 login admin"
    )
    assert "\n" not in event.actor_username and "\r" not in event.actor_username


def test_bulk_updates_are_kept_in_row_history(org_a, org_b):
    """django-pghistory triggers catch QuerySet.update(), which model signals would miss."""
    Organisation.objects.filter(pk__in=[org_a.pk, org_b.pk]).update(
        kind=Organisation.Kind.MUNICIPALITY
    )
    history = Organisation.pgh_event_model.objects.filter(pgh_label="update")
    assert {e.pgh_obj_id for e in history} == {org_a.pk, org_b.pk}
    assert all(e.kind == Organisation.Kind.MUNICIPALITY for e in history)
