"""core/refusals.py: each kind of refusal becomes the response ADR 0013 gives it."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from core.exceptions import ActionNotAllowed, Conflict, InvalidState
from core.refusals import refusal_as_message, refusal_on_form


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False)


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_a_field_refusal_lands_beside_its_field_and_a_state_refusal_above_the_form():
    form = ReasonForm({"reason": ""})
    assert form.is_valid()
    with refusal_on_form(form) as attempt:
        raise ValidationError({"reason": "Give a reason."})
    assert attempt.refused and form.errors["reason"] == ["Give a reason."]
    with refusal_on_form(form):
        raise InvalidState("Already closed.")
    assert form.non_field_errors() == ["Already closed."]


def test_the_block_stops_at_the_refusal():
    reached = []
    with refusal_as_message(_request()) as attempt:
        raise InvalidState("Already closed.")
        reached.append(True)  # noqa: B018 - never reached
    assert attempt.refused and reached == []


def test_a_state_refusal_becomes_an_error_message():
    request = _request()
    with refusal_as_message(request):
        raise Conflict(current=None)
    assert [m.level_tag for m in get_messages(request)] == ["error"]


def test_a_permission_refusal_passes_through_unless_the_page_shows_it():
    request = _request()
    with pytest.raises(ActionNotAllowed), refusal_as_message(request):
        raise ActionNotAllowed("Only the sender.")
    with refusal_as_message(request, not_allowed_too=True):
        raise ActionNotAllowed("Only the sender.")
    assert [str(m) for m in get_messages(request)] == ["Only the sender."]
