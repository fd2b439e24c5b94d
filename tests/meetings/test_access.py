"""Who sees and does what: non-members get 404 (same body as missing, audited); member
managers read their groups and update only their resolutions; ministry officers manage."""

import re

import pytest
from django.urls import reverse

from core.models import AuditEvent
from meetings import services
from meetings.models import Resolution

pytestmark = pytest.mark.django_db

MISSING = 999999


def _body(response, pk):
    """The page with CSRF tokens removed and its own id in addresses replaced."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return text.replace(f"/{pk}/", "/ID/")


GET_ROUTES = [
    ("meetings:group_detail", "group"),
    ("meetings:group_edit", "group"),
    ("meetings:meeting_create", "group"),
    ("meetings:meeting_detail", "meeting"),
    ("meetings:minutes_edit", "meeting"),
    ("meetings:minutes_html", "meeting"),
    ("meetings:minutes_pdf", "meeting"),
    ("meetings:resolution_add", "meeting"),
    ("meetings:resolution_detail", "resolution"),
    ("meetings:document_download", "document"),
]


def _post_urls(meeting, resolution):
    return [
        reverse("meetings:meeting_document_add", args=[meeting.pk]),
        reverse("meetings:minutes_approve", args=[meeting.pk]),
        reverse("meetings:minutes_correct", args=[meeting.pk]),
        reverse("meetings:resolution_progress", args=[resolution.pk]),
        reverse("meetings:resolution_done", args=[resolution.pk]),
        reverse("meetings:resolution_confirm", args=[resolution.pk]),
        reverse("meetings:resolution_drop", args=[resolution.pk]),
        reverse("meetings:resolution_reopen", args=[resolution.pk]),
        reverse("meetings:group_close", args=[meeting.working_group_id]),
    ]


@pytest.fixture
def document(meeting, min_officer):
    from .conftest import pdf_upload

    return services.meeting_attach_document(by=min_officer, meeting=meeting, file=pdf_upload())


@pytest.mark.parametrize("user_fixture", ["cw_b", "mgr_b", "adm"])
def test_non_members_get_404_like_a_missing_id(
    request, user_fixture, client_as, group, meeting, resolution, document
):
    user = request.getfixturevalue(user_fixture)
    client = client_as(user)
    objects = {"group": group, "meeting": meeting, "resolution": resolution, "document": document}
    before = AuditEvent.objects.filter(action="access_denied").count()
    for name, kind in GET_ROUTES:
        pk = objects[kind].pk
        missing = client.get(reverse(name, args=[MISSING]))
        response = client.get(reverse(name, args=[pk]))
        assert response.status_code == missing.status_code == 404, name
        # The page names its own address (language switch); otherwise the bodies are equal.
        assert _body(response, pk) == _body(missing, MISSING), name
    for url in _post_urls(meeting, resolution):
        assert client.post(url, {"text": "x", "reason": "x"}).status_code == 404, url
    assert AuditEvent.objects.filter(action="access_denied").count() > before
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.OPEN


def test_non_members_see_nothing_in_lists(client_as, mgr_a, mgr_b, group, resolution):
    # The same lists, working (200) for both: a member sees the rows a non-member does not.
    for user, sees in ((mgr_a, True), (mgr_b, False)):
        client = client_as(user)
        groups = client.get(reverse("meetings:group_list"))
        tracker = client.get(reverse("meetings:tracker"))
        assert groups.status_code == tracker.status_code == 200, user
        assert (group.title_fa in groups.content.decode()) is sees, user
        assert (resolution.text in tracker.content.decode()) is sees, user


def test_member_manager_reads_but_cannot_manage(client_as, mgr_a, group, meeting, resolution):
    client = client_as(mgr_a)
    assert client.get(reverse("meetings:group_detail", args=[group.pk])).status_code == 200
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert page.status_code == 200 and "اکبری" in page.content.decode()
    assert client.get(reverse("meetings:meeting_create", args=[group.pk])).status_code == 403
    assert client.get(reverse("meetings:group_edit", args=[group.pk])).status_code == 403
    assert client.post(reverse("meetings:group_close", args=[group.pk])).status_code == 403
    assert client.get(reverse("meetings:minutes_edit", args=[meeting.pk])).status_code == 403
    assert client.get(reverse("meetings:resolution_add", args=[meeting.pk])).status_code == 403
    assert (
        client.post(reverse("meetings:resolution_confirm", args=[resolution.pk])).status_code == 403
    )


def test_member_manager_updates_their_resolution(client_as, mgr_a, resolution):
    client = client_as(mgr_a)
    response = client.post(
        reverse("meetings:resolution_progress", args=[resolution.pk]), {"text": "پیشرفت خوب"}
    )
    assert response.status_code == 302
    client.post(reverse("meetings:resolution_done", args=[resolution.pk]))
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.DONE


def test_member_manager_cannot_update_others_resolution(
    client_as, mgr_a, meeting, min_officer, ministry
):
    other = services.resolution_add(
        by=min_officer,
        meeting=meeting,
        text="وظیفه وزارت",
        kind="policy",
        due_date=meeting.held_on,
        lead=ministry,
    )
    client = client_as(mgr_a)
    assert client.get(reverse("meetings:resolution_detail", args=[other.pk])).status_code == 200
    response = client.post(reverse("meetings:resolution_progress", args=[other.pk]), {"text": "x"})
    assert response.status_code == 403
    assert client.post(reverse("meetings:resolution_done", args=[other.pk])).status_code == 403
    assert not other.progress_updates.exists()


def test_caseworker_of_member_reads_but_cannot_update(client_as, cw_a, resolution):
    client = client_as(cw_a)
    assert (
        client.get(reverse("meetings:resolution_detail", args=[resolution.pk])).status_code == 200
    )
    response = client.post(
        reverse("meetings:resolution_progress", args=[resolution.pk]), {"text": "x"}
    )
    assert response.status_code == 403


def test_ministry_officer_manages(client_as, min_officer, group, meeting):
    client = client_as(min_officer)
    assert client.get(reverse("meetings:group_create")).status_code == 200
    assert client.get(reverse("meetings:group_edit", args=[group.pk])).status_code == 200
    assert client.get(reverse("meetings:meeting_create", args=[group.pk])).status_code == 200
    assert client.get(reverse("meetings:minutes_edit", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("meetings:tracker")).status_code == 200


def test_managers_only_create_groups(client_as, mgr_a):
    assert client_as(mgr_a).get(reverse("meetings:group_create")).status_code == 403


def test_approved_minutes_page_refuses_edits(client_as, min_officer, meeting):
    draft = services.minutes_save_draft(
        by=min_officer,
        meeting=meeting,
        summary="خلاصه",
        statements=[{"speaker": meeting.attendees.first(), "text": "سخن"}],
    )
    services.minutes_approve(by=min_officer, minutes=draft)
    client = client_as(min_officer)
    response = client.post(
        reverse("meetings:minutes_edit", args=[meeting.pk]),
        {"summary": "دستکاری", "statements-TOTAL_FORMS": "0", "statements-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.summary == "خلاصه"


def test_tracker_lists_member_resolutions_and_filters_overdue(
    client_as, mgr_a, resolution, meeting, min_officer, ministry
):
    import datetime

    from meetings.models import Resolution as R

    late = services.resolution_add(
        by=min_officer,
        meeting=meeting,
        text="گزارش معوق",
        kind="data_request",
        due_date=meeting.held_on,
        lead=ministry,
    )
    assert R.objects.overdue().filter(pk=late.pk).exists()
    client = client_as(mgr_a)
    page = client.get(reverse("meetings:tracker")).content.decode()
    assert resolution.text in page and late.text in page
    assert reverse("meetings:meeting_detail", args=[meeting.pk]) in page
    overdue = client.get(reverse("meetings:tracker"), {"status": "overdue"}).content.decode()
    assert late.text in overdue
    assert resolution.text in overdue  # its due date (1397) is past too
    future = client.get(
        reverse("meetings:tracker"),
        {"due_from": (datetime.date.today() + datetime.timedelta(days=1)).isoformat()},
    ).content.decode()
    assert late.text not in future
