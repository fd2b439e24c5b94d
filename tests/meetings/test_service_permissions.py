"""meetings services refuse with core's exceptions (ADR 0013)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.exceptions import ActionNotAllowed, InvalidState
from meetings import services
from meetings.models import WorkingGroup


def test_a_caseworker_cannot_create_a_working_group(cw_a, ministry):
    with pytest.raises(ActionNotAllowed):
        services.working_group_create(by=cw_a, title_fa="کارگروه", convening_organisation=ministry)
    assert not WorkingGroup.objects.exists()


def test_a_member_organisations_manager_cannot_close_the_group(mgr_a, group):
    with pytest.raises(ActionNotAllowed):
        services.working_group_close(by=mgr_a, group=group)
    group.refresh_from_db()
    assert group.status == WorkingGroup.Status.ACTIVE


def test_closing_twice_is_a_state_refusal_that_forms_can_show(min_officer, group):
    services.working_group_close(by=min_officer, group=group)
    with pytest.raises(InvalidState) as refusal, translation.override("en"):
        services.working_group_close(by=min_officer, group=group)
    assert isinstance(refusal.value, ValidationError)
    assert refusal.value.messages == ["The working group is already closed."]


def test_the_page_still_answers_403_and_shows_state_refusals(client_as, min_officer, mgr_a, group):
    url = reverse("meetings:group_close", args=[group.pk])
    assert client_as(mgr_a).post(url).status_code == 403
    services.working_group_close(by=min_officer, group=group)
    response = client_as(min_officer).post(url, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
