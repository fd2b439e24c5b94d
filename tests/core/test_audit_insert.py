"""`audit.record`'s INSERT, compiled once a process, writes the row `objects.create` wrote
(issue 21)."""

import uuid

import pytest
from django.db.models.signals import post_save
from django.forms.models import model_to_dict

from core import audit
from core.models import AuditEvent
from core.request_context import RequestMeta, begin, end

pytestmark = pytest.mark.django_db


def _row(event):
    return {"pk": event.pk, "at": event.at, **model_to_dict(event)}


def test_the_row_is_the_orms(cw_a, org_a, django_assert_num_queries):
    request_id = uuid.uuid4()
    detail = {"referral": 7, "text": "سلام\nline"}
    token = begin(RequestMeta(ip_address="10.0.0.9", request_id=request_id, path="/cases/1/"))
    try:
        for _ in range(2):
            with django_assert_num_queries(1):
                event = audit.record(AuditEvent.Action.VIEW, user=cw_a, obj=org_a, detail=detail)
            assert event.pk is not None
            assert not event._state.adding
            assert event._state.db == "default"
            stored = AuditEvent.objects.get(pk=event.pk)
            assert _row(stored) == _row(event)
            assert stored.request_id == request_id
            assert stored.detail == detail
            assert stored.ip_address == "10.0.0.9"
            assert (stored.actor_id, stored.organisation_id) == (cw_a.pk, org_a.pk)
    finally:
        end(token)


def test_a_row_without_request_or_user(django_assert_num_queries):
    with django_assert_num_queries(1):
        event = audit.record(AuditEvent.Action.LOGIN_FAILED, object_type="x", object_id="1")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert _row(stored) == _row(event)
    assert (stored.actor_id, stored.organisation_id, stored.detail) == (None, None, {})


def test_a_listener_to_the_save_signals_still_hears(cw_a):
    heard = []

    def listener(sender, instance, created, **kwargs):
        heard.append((instance.pk, created))

    post_save.connect(listener, sender=AuditEvent)
    try:
        event = audit.record(AuditEvent.Action.VIEW, user=cw_a, object_type="t", object_id="1")
    finally:
        post_save.disconnect(listener, sender=AuditEvent)
    assert heard == [(event.pk, True)]
