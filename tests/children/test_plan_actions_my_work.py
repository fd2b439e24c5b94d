"""Issue 20: case plan actions with target dates on the responsible caseworker's "My work" (due
within 7 days and overdue, sorted), marked done from there, and counted in the daily digest."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from children import services
from children.models import PlanAction
from children.models.choices import PlanStatus
from children.selectors.plan_actions import plan_actions_due
from core.models import AuditEvent
from tests.second_factor import verify_session


def _day(offset):
    return timezone.localdate() + datetime.timedelta(days=offset)


@pytest.fixture
def goal(cw_a, case_a):
    return services.plan_goal_add(by=cw_a, case=case_a, goal="بازگشت به مدرسه")


@pytest.fixture
def add_action(cw_a, goal):
    def make(description, offset, responsible=cw_a):
        return services.plan_action_add(
            by=cw_a,
            goal=goal,
            description=description,
            responsible=responsible,
            target_date=None if offset is None else _day(offset),
        )

    return make


@pytest.fixture
def actions(add_action, cw_a2):
    return {
        "overdue": add_action("ثبت‌نام در مدرسه", -3),
        "today": add_action("گرفتن برگه حمایت تحصیلی", 0),
        "week": add_action("خرید لوازم‌التحریر", 7),
        "later": add_action("دیدار با معلم", 8),
        "undated": add_action("گفت‌وگو با خانواده", None),
        "colleague": add_action("پیگیری پرونده پزشکی", 1, responsible=cw_a2),
    }


def test_due_and_overdue_actions_of_the_responsible_only_soonest_first(cw_a, actions):
    assert list(plan_actions_due(user=cw_a)) == [
        actions["overdue"],
        actions["today"],
        actions["week"],
    ]


def test_done_cancelled_and_closed_case_actions_leave_the_list(cw_a, mgr_a, case_a, actions):
    services.plan_action_set_status(by=cw_a, action=actions["today"], status=PlanStatus.DONE)
    services.plan_action_set_status(by=cw_a, action=actions["week"], status=PlanStatus.CANCELLED)
    assert list(plan_actions_due(user=cw_a)) == [actions["overdue"]]
    closure = services.closure_request(by=cw_a, case=case_a, reason="back_in_school")
    services.closure_approve(by=mgr_a, request=closure)
    assert list(plan_actions_due(user=cw_a)) == []


@pytest.mark.parametrize(("language", "heading"), [("en", "Case plan actions due this week")])
def test_my_work_shows_the_section_with_counts(
    settings, client_as, cw_a, actions, language, heading
):
    client = client_as(cw_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("children:my_work"))
    section = page.context["plan_actions"]
    assert section["count"] == 3 and section["overdue_count"] == 1
    body = page.content.decode()
    assert 'data-testid="my-plan-actions"' in body and heading in body
    assert "ثبت‌نام در مدرسه" in body and "دیدار با معلم" not in body
    assert "پیگیری پرونده پزشکی" not in body  # a colleague's


def test_persian_page_shows_the_section_with_persian_digits(client_as, cw_a, actions):
    body = client_as(cw_a).get(reverse("children:my_work")).content.decode()
    assert 'lang="fa"' in body and 'data-testid="my-plan-actions"' in body
    assert "۳" in body


def test_mark_done_from_my_work(client_as, cw_a, case_a, actions):
    action = actions["overdue"]
    response = client_as(cw_a).post(
        reverse("children:plan_action_status", args=[case_a.pk, action.pk]),
        {"status": "done", "back": "my_work"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("children:my_work") + "#plan-actions"
    action.refresh_from_db()
    assert action.status == PlanStatus.DONE
    assert AuditEvent.objects.filter(
        actor=cw_a, object_id=str(case_a.pk), detail__plan_action=action.pk, detail__status="done"
    ).exists()


def test_the_way_back_is_a_fixed_choice(client_as, cw_a, case_a, actions):
    response = client_as(cw_a).post(
        reverse("children:plan_action_status", args=[case_a.pk, actions["today"].pk]),
        {"status": "done", "back": "https://example.org/"},
    )
    assert response["Location"] == reverse("children:case_detail", args=[case_a.pk])


def test_marking_done_needs_a_post(client_as, cw_a, case_a, actions):
    response = client_as(cw_a).get(
        reverse("children:plan_action_status", args=[case_a.pk, actions["today"].pk])
    )
    assert response.status_code == 405


def test_another_organisation_gets_404_and_changes_nothing(client_as, cw_b, case_a, actions):
    action = actions["overdue"]
    response = client_as(cw_b).post(
        reverse("children:plan_action_status", args=[case_a.pk, action.pk]),
        {"status": "done", "back": "my_work"},
    )
    assert response.status_code == 404
    action.refresh_from_db()
    assert action.status == PlanStatus.PLANNED


def test_ministry_officer_sees_no_plan_actions(client_as, min_officer, case_a, actions):
    assert list(plan_actions_due(user=min_officer)) == []
    response = client_as(min_officer).post(
        reverse("children:plan_action_status", args=[case_a.pk, actions["overdue"].pk]),
        {"status": "done", "back": "my_work"},
    )
    assert response.status_code == 404


def test_other_organisations_worker_never_sees_our_actions(cw_a, cw_b, actions):
    # Even named responsible by a forged row, an action on A's case is not on B's "My work".
    PlanAction.objects.filter(pk=actions["today"].pk).update(responsible=cw_b)
    assert list(plan_actions_due(user=cw_b)) == []


def test_digest_counts_plan_actions_never_names(
    django_capture_on_commit_callbacks, cw_a, case_a, actions
):
    cw_a.language = "en"
    cw_a.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.digests_send()
    (message,) = [m for m in mail.outbox if m.to == [cw_a.email]]
    assert "Case plan actions due this week: 2" in message.body
    assert "Overdue case plan actions: 1" in message.body
    assert "ثبت‌نام در مدرسه" not in message.body
    assert case_a.given_name not in message.body and case_a.case_number not in message.body


def test_digest_goes_out_for_plan_actions_alone(
    django_capture_on_commit_callbacks, cw_a, add_action
):
    add_action("ثبت‌نام در مدرسه", 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.digests_send()
    assert [m.to for m in mail.outbox if m.to == [cw_a.email]] == [[cw_a.email]]


def test_digest_without_plan_actions_has_no_plan_lines(
    django_capture_on_commit_callbacks, cw_a, case_a
):
    cw_a.language = "en"
    cw_a.save(update_fields=["language"])
    services.followup_schedule(
        by=cw_a, case=case_a, due_on=timezone.localdate(), kind="home_visit", responsible=cw_a
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.digests_send()
    (message,) = [m for m in mail.outbox if m.to == [cw_a.email]]
    assert "Case plan actions" not in message.body


def test_mark_done_with_the_token_the_page_wrote_in_its_form(cw_a, case_a, actions):
    """The section writes the page's CSRF token into each row's form itself (read once)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(cw_a)
    verify_session(client, cw_a)
    action = actions["overdue"]
    status_url = reverse("children:plan_action_status", args=[case_a.pk, action.pk])
    body = client.get(reverse("children:my_work")).content.decode()
    form = body[body.index(f'action="{status_url}"') :]
    token = form.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]

    refused = client.post(status_url, {"status": "done", "back": "my_work"})
    response = client.post(
        status_url, {"status": "done", "back": "my_work", "csrfmiddlewaretoken": token}
    )

    assert refused.status_code == 403 and response.status_code == 302
    action.refresh_from_db()
    assert action.status == PlanStatus.DONE
