"""Editing and closing a working group, and reopening a resolution marked done: who may, what
is refused, and what is audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditEvent
from meetings import services
from meetings.models import Resolution, WorkingGroup

from .conftest import MEETING_DAY

pytestmark = pytest.mark.django_db

MISSING = 999999


def _edit_data(group, **overrides):
    data = {
        "title_fa": group.title_fa,
        "title_en": group.title_en,
        "topic": group.topic,
        "secretary": group.secretary_id or "",
        "member_organisations": list(group.member_organisations.values_list("pk", flat=True)),
        "members": list(group.members.values_list("pk", flat=True)),
    }
    data.update(overrides)
    return data


@pytest.fixture
def secretary_group(group, min_officer, cw_a):
    """The group with cw_a (a caseworker of member organisation A) as its secretary."""
    return services.working_group_update(by=min_officer, group=group, data={"secretary": cw_a})


@pytest.fixture
def done(resolution, mgr_a):
    return services.resolution_mark_done(by=mgr_a, resolution=resolution)


# --- Editing ----------------------------------------------------------------------------------


def test_officer_edits_the_group_and_it_is_audited(
    client_as, min_officer, group, org_a, org_b, mgr_b, cw_a
):
    client = client_as(min_officer)
    url = reverse("meetings:group_edit", args=[group.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        _edit_data(
            group,
            title_fa="کارگروه تازه",
            topic="کودکان خیابانی",
            secretary=cw_a.pk,
            member_organisations=[org_a.pk, org_b.pk],
            members=[mgr_b.pk],
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:group_detail", args=[group.pk])
    group.refresh_from_db()
    assert group.title_fa == "کارگروه تازه"
    assert group.topic == "کودکان خیابانی"
    assert group.secretary == cw_a
    assert set(group.member_organisations.all()) == {org_a, org_b}
    assert list(group.members.all()) == [mgr_b]
    event = AuditEvent.objects.filter(
        object_type="meetings.workinggroup",
        object_id=str(group.pk),
        detail__event="working_group_updated",
    ).latest("pk")
    changes = event.detail["changes"]
    assert set(changes) == {"title_fa", "topic", "secretary", "member_organisations", "members"}
    assert changes["secretary"] == [None, cw_a.pk]
    # The new member person now sees the group; the new member organisation's manager too.
    page = client_as(mgr_b).get(reverse("meetings:group_detail", args=[group.pk]))
    assert page.status_code == 200


def test_secretary_edits_their_group(client_as, secretary_group, cw_a):
    client = client_as(cw_a)
    page = client.get(reverse("meetings:group_detail", args=[secretary_group.pk]))
    assert reverse("meetings:group_edit", args=[secretary_group.pk]) in page.content.decode()
    response = client.post(
        reverse("meetings:group_edit", args=[secretary_group.pk]),
        _edit_data(secretary_group, title_en="Renamed"),
    )
    assert response.status_code == 302
    secretary_group.refresh_from_db()
    assert secretary_group.title_en == "Renamed"
    assert secretary_group.secretary == cw_a


def test_edit_requires_a_persian_title(client_as, min_officer, group):
    client = client_as(min_officer)
    response = client.post(
        reverse("meetings:group_edit", args=[group.pk]), _edit_data(group, title_fa="")
    )
    assert response.status_code == 200
    group.refresh_from_db()
    assert group.title_fa


def test_members_who_may_not_manage_get_403(client_as, mgr_a, cw_a, group):
    for user in (mgr_a, cw_a):
        client = client_as(user)
        assert client.get(reverse("meetings:group_detail", args=[group.pk])).status_code == 200
        page = client.get(reverse("meetings:group_detail", args=[group.pk])).content.decode()
        assert reverse("meetings:group_edit", args=[group.pk]) not in page
        assert reverse("meetings:group_close", args=[group.pk]) not in page
        url = reverse("meetings:group_edit", args=[group.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, _edit_data(group, title_fa="ربوده")).status_code == 403
        assert client.post(reverse("meetings:group_close", args=[group.pk])).status_code == 403
    group.refresh_from_db()
    assert group.title_fa != "ربوده"
    assert group.status == WorkingGroup.Status.ACTIVE


@pytest.mark.parametrize("user_fixture", ["cw_b", "mgr_b", "adm"])
def test_non_members_get_404(request, client_as, user_fixture, group):
    client = client_as(request.getfixturevalue(user_fixture))
    before = AuditEvent.objects.filter(action="access_denied").count()
    for name in ("meetings:group_edit", "meetings:group_close"):
        assert client.post(reverse(name, args=[group.pk]), _edit_data(group)).status_code == 404
        assert client.post(reverse(name, args=[MISSING])).status_code == 404
    assert client.get(reverse("meetings:group_edit", args=[group.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="access_denied").count() > before
    group.refresh_from_db()
    assert group.status == WorkingGroup.Status.ACTIVE


def test_service_refuses_non_managers(mgr_a, group):
    with pytest.raises(PermissionDenied):
        services.working_group_update(by=mgr_a, group=group, data={"title_fa": "x"})


# --- Closing ----------------------------------------------------------------------------------


def test_secretary_closes_the_group_and_it_refuses_new_meetings(
    client_as, secretary_group, cw_a, ministry
):
    client = client_as(cw_a)
    detail = reverse("meetings:group_detail", args=[secretary_group.pk])
    response = client.post(reverse("meetings:group_close", args=[secretary_group.pk]))
    assert response.status_code == 302 and response["Location"] == detail
    secretary_group.refresh_from_db()
    assert secretary_group.status == WorkingGroup.Status.CLOSED
    assert AuditEvent.objects.filter(
        object_id=str(secretary_group.pk), detail__event="working_group_closed"
    ).exists()

    page = client.get(detail).content.decode()
    assert 'data-testid="group-closed"' in page
    assert 'data-testid="new-meeting"' not in page
    assert 'data-testid="edit-group"' not in page

    # The meeting form sends them back; posting it anyway records nothing.
    create = reverse("meetings:meeting_create", args=[secretary_group.pk])
    assert client.get(create)["Location"] == detail
    count = secretary_group.meetings.count()
    client.post(create, {"number": "9", "held_on": "1396-10-07", "place": "x"})
    assert secretary_group.meetings.count() == count
    with pytest.raises(ValidationError):
        services.meeting_record(
            by=cw_a,
            group=secretary_group,
            held_on=MEETING_DAY,
            place="x",
            attendees=[{"name": "الف", "organisation": ministry}],
        )

    # Closed groups can be neither closed again nor edited.
    client.post(reverse("meetings:group_close", args=[secretary_group.pk]))
    with pytest.raises(ValidationError):
        services.working_group_close(by=cw_a, group=secretary_group)
    assert (
        client.get(reverse("meetings:group_edit", args=[secretary_group.pk]))["Location"] == detail
    )
    client.post(
        reverse("meetings:group_edit", args=[secretary_group.pk]),
        _edit_data(secretary_group, title_fa="پس از بستن"),
    )
    secretary_group.refresh_from_db()
    assert secretary_group.title_fa != "پس از بستن"
    with pytest.raises(ValidationError):
        services.working_group_update(
            by=cw_a, group=secretary_group, data={"title_fa": "پس از بستن"}
        )


def test_officer_closes_the_group(client_as, min_officer, group):
    client_as(min_officer).post(reverse("meetings:group_close", args=[group.pk]))
    group.refresh_from_db()
    assert group.status == WorkingGroup.Status.CLOSED


def test_close_is_post_only(client_as, min_officer, group):
    assert (
        client_as(min_officer).get(reverse("meetings:group_close", args=[group.pk])).status_code
        == 405
    )


# --- Reopening a resolution -------------------------------------------------------------------


@pytest.mark.parametrize("user_fixture", ["min_officer", "cw_a"])
def test_managers_reopen_a_resolution_marked_done(
    request, client_as, user_fixture, secretary_group, done
):
    user = request.getfixturevalue(user_fixture)
    client = client_as(user)
    url = reverse("meetings:resolution_detail", args=[done.pk])
    assert 'data-testid="reopen"' in client.get(url).content.decode()
    response = client.post(reverse("meetings:resolution_reopen", args=[done.pk]))
    assert response.status_code == 302 and response["Location"] == url
    done.refresh_from_db()
    assert done.status == Resolution.Status.IN_PROGRESS
    assert done.done_at is None and done.done_by is None
    assert AuditEvent.objects.filter(
        object_id=str(done.pk), detail__event="resolution_reopened", actor=user
    ).exists()
    assert 'data-testid="reopen"' not in client.get(url).content.decode()


def test_lead_organisation_may_not_reopen(client_as, mgr_a, done):
    client = client_as(mgr_a)
    page = client.get(reverse("meetings:resolution_detail", args=[done.pk])).content.decode()
    assert 'data-testid="reopen"' not in page
    assert client.post(reverse("meetings:resolution_reopen", args=[done.pk])).status_code == 403
    done.refresh_from_db()
    assert done.status == Resolution.Status.DONE


@pytest.mark.parametrize("user_fixture", ["cw_b", "mgr_b", "adm"])
def test_non_members_cannot_reopen(request, client_as, user_fixture, done):
    client = client_as(request.getfixturevalue(user_fixture))
    assert client.post(reverse("meetings:resolution_reopen", args=[done.pk])).status_code == 404
    done.refresh_from_db()
    assert done.status == Resolution.Status.DONE


def test_only_unconfirmed_done_resolutions_reopen(client_as, min_officer, resolution, done):
    client = client_as(min_officer)
    services.resolution_confirm(by=min_officer, resolution=done)
    client.post(reverse("meetings:resolution_reopen", args=[done.pk]))
    done.refresh_from_db()
    assert done.status == Resolution.Status.DONE and done.confirmed_at is not None
    page = client.get(reverse("meetings:resolution_detail", args=[done.pk])).content.decode()
    assert 'data-testid="reopen"' not in page


def test_open_resolution_does_not_reopen(client_as, min_officer, resolution):
    client = client_as(min_officer)
    response = client.post(reverse("meetings:resolution_reopen", args=[resolution.pk]), follow=True)
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.OPEN
    assert list(response.context["messages"])


def test_the_group_pages_title_is_its_name_and_the_close_form_shows_once(
    client_as, min_officer, group
):
    """The close form once sat inside the <title> block too, so the tab showed raw HTML."""
    import re

    page = client_as(min_officer).get(reverse("meetings:group_detail", args=[group.pk]))
    html = page.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)

    assert "<" not in title and group.title in title
    assert html.count('data-testid="close-group"') == 1
