"""Issue 4 workflow: assessment, case plan, closure with approval, reopening, follow-ups, My work."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from children import services
from children.models import Case, FollowUp
from children.models.choices import CaseStatus, NeedLevel, RiskLevel
from children.models.workflow import propose_risk
from core.exceptions import InvalidState
from core.models import AuditEvent

NEEDS = {
    "education": "high",
    "health": "low",
    "family": "medium",
    "economic": "high",
    "protection": "medium",
}


@pytest.mark.parametrize(
    ("needs", "concerns", "expected"),
    [
        ({"education": "none", "protection": "low"}, [], RiskLevel.LOW),
        ({"education": "medium", "family": "medium"}, [], RiskLevel.MEDIUM),
        ({"education": "high"}, [], RiskLevel.MEDIUM),
        ({"education": "high", "economic": "high"}, [], RiskLevel.HIGH),
        ({"protection": "high"}, [], RiskLevel.HIGH),
        ({"protection": "high"}, ["sexual_abuse"], RiskLevel.CRITICAL),
        ({"protection": "high", "education": "high", "family": "high"}, [], RiskLevel.CRITICAL),
    ],
)
def test_needs_propose_a_risk_level(needs, concerns, expected):
    assert propose_risk(needs, protection_concerns=concerns) == expected


def test_assessment_proposes_then_the_caseworker_confirms(client_as, cw_a, case_a):
    client = client_as(cw_a)
    url = reverse("children:assessment_create", args=[case_a.pk])
    form = {"assessed_on": "۱۴۰۵/۰۹/۰۱", **NEEDS, "notes": ""}
    proposed = client.post(url, {**form, "propose": "1"})
    assert proposed.status_code == 200 and proposed.context["proposed"] == RiskLevel.HIGH
    assert not case_a.assessments.exists()
    client.post(url, {**form, "risk_level": RiskLevel.CRITICAL, "confirm": "1"})
    case_a.refresh_from_db()
    assert (case_a.status, case_a.risk_level) == (CaseStatus.ASSESSED, RiskLevel.CRITICAL)
    assessment = case_a.assessments.get()
    assert (assessment.proposed_risk, assessment.risk_level) == (RiskLevel.HIGH, RiskLevel.CRITICAL)


def test_reassessment_keeps_the_history(cw_a, case_a):
    for level in (NeedLevel.HIGH, NeedLevel.LOW):
        services.assessment_record(
            by=cw_a, case=case_a, needs={**NEEDS, "education": level}, risk_level="medium"
        )
    assert case_a.assessments.count() == 2


def test_plan_moves_the_case_to_case_plan_then_in_progress(cw_a, case_a):
    goal = services.plan_goal_add(by=cw_a, case=case_a, goal="بازگشت به مدرسه")
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.CASE_PLAN
    action = services.plan_action_add(
        by=cw_a, goal=goal, description="ثبت‌نام در مدرسه", responsible=cw_a
    )
    services.plan_action_set_status(by=cw_a, action=action, status="in_progress")
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.IN_PROGRESS
    services.plan_action_set_status(by=cw_a, action=action, status="done")
    goal.refresh_from_db()
    assert goal.status == "done"


def test_closure_waits_for_a_manager_and_a_caseworker_cannot_approve(
    client_as, cw_a, mgr_a, case_a
):
    client_as(cw_a).post(
        reverse("children:closure_request", args=[case_a.pk]), {"reason": "back_in_school"}
    )
    case_a.refresh_from_db()
    assert case_a.status != CaseStatus.CLOSED
    pending = case_a.closure_requests.get()
    decide = reverse("children:closure_decide", args=[case_a.pk, pending.pk])
    assert client_as(cw_a).post(decide, {"decision": "approve"}).status_code == 403
    case_a.refresh_from_db()
    assert case_a.status != CaseStatus.CLOSED
    client_as(mgr_a).post(decide, {"decision": "approve"})
    case_a.refresh_from_db()
    assert (case_a.status, case_a.closure_reason) == (CaseStatus.CLOSED, "back_in_school")
    assert case_a.closed_at is not None


def test_manager_sends_a_closure_back_with_a_comment(client_as, cw_a, mgr_a, case_a):
    request = services.closure_request(by=cw_a, case=case_a, reason="lost_contact")
    decide = reverse("children:closure_decide", args=[case_a.pk, request.pk])
    client_as(mgr_a).post(decide, {"decision": "return"})
    request.refresh_from_db()
    assert request.state == "pending"  # a return needs a comment
    client_as(mgr_a).post(decide, {"decision": "return", "comment": "یک بار دیگر به خانه سر بزنید"})
    request.refresh_from_db()
    assert request.state == "returned"
    case_a.refresh_from_db()
    assert case_a.status != CaseStatus.CLOSED


def test_a_second_closure_request_is_refused_while_one_waits(cw_a, case_a):
    services.closure_request(by=cw_a, case=case_a, reason="moved_away")
    with pytest.raises(InvalidState):
        services.closure_request(by=cw_a, case=case_a, reason="moved_away")


def test_manager_of_another_organisation_cannot_decide(client_as, cw_a, mgr_b, case_a):
    request = services.closure_request(by=cw_a, case=case_a, reason="aged_out")
    response = client_as(mgr_b).post(
        reverse("children:closure_decide", args=[case_a.pk, request.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.state == "pending"


def test_closed_case_refuses_changes_and_can_be_reopened(cw_a, mgr_a, case_a):
    request = services.closure_request(by=cw_a, case=case_a, reason="reunified")
    services.closure_approve(by=mgr_a, request=request)
    with pytest.raises(InvalidState):
        services.plan_goal_add(by=cw_a, case=case_a, goal="x")
    reopened = services.case_reopen(by=cw_a, case=case_a, reason="دوباره در خیابان دیده شد")
    assert reopened.status == CaseStatus.REGISTERED and reopened.closed_at is None


def test_follow_up_scheduled_for_yesterday_is_overdue_on_my_work(client_as, cw_a, mgr_a, case_a):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    services.followup_schedule(
        by=cw_a, case=case_a, due_on=yesterday, kind="home_visit", responsible=cw_a
    )
    page = client_as(cw_a).get(reverse("children:my_work"))
    assert page.context["overdue_count"] == 1
    assert "case_a" not in page.content.decode()  # usernames are not shown for one's own list
    manager_page = client_as(mgr_a).get(reverse("children:my_work"))
    assert manager_page.context["whole_organisation"] and manager_page.context["overdue_count"] == 1


def test_my_work_of_another_organisation_shows_nothing_of_ours(client_as, cw_a, cw_b, case_a):
    services.followup_schedule(
        by=cw_a, case=case_a, due_on=timezone.localdate(), kind="phone_call", responsible=cw_a
    )
    page = client_as(cw_b).get(reverse("children:my_work"))
    assert page.context["follow_ups_count"] == 0
    assert case_a.given_name not in page.content.decode()


def test_a_case_is_unseen_once_its_last_contact_is_older_than_the_setting(settings, cw_a, register):
    """The one rule behind My work, the daily digest and the weekly backlog."""
    settings.CASE_UNSEEN_DAYS = 30
    today = datetime.date(2026, 12, 31)
    boundary = today - datetime.timedelta(days=30)
    seen_on_boundary = register(cw_a, given_name="الف", registered_on=boundary)
    unseen = register(cw_a, given_name="ب", registered_on=boundary - datetime.timedelta(days=1))
    no_date = register(cw_a, given_name="ج", registered_on=today)
    Case.objects.filter(pk=no_date.pk).update(last_contact_on=None)
    closed = register(cw_a, given_name="د", registered_on=datetime.date(2026, 1, 1))
    Case.objects.filter(pk=closed.pk).update(status=CaseStatus.CLOSED, closed_at=timezone.now())

    found = set(Case.objects.unseen(today).values_list("pk", flat=True))

    assert found == {unseen.pk, no_date.pk}
    assert seen_on_boundary.last_contact_on == boundary  # registration is a contact


def test_recording_a_follow_up_outcome_updates_last_contact(client_as, cw_a, case_a):
    followup = services.followup_schedule(
        by=cw_a, case=case_a, due_on=timezone.localdate(), kind="street_check", responsible=cw_a
    )
    Case.objects.filter(pk=case_a.pk).update(last_contact_on=datetime.date(2026, 1, 1))
    url = reverse("children:followup_outcome", args=[case_a.pk, followup.pk])
    client_as(cw_a).post(url, {"result": "done", "outcome": "کودک را سر چهارراه دیدیم"})
    followup.refresh_from_db()
    case_a.refresh_from_db()
    assert followup.status == "done" and case_a.last_contact_on == timezone.localdate()
    with pytest.raises(InvalidState):
        services.followup_record(by=cw_a, followup=followup, done=False, outcome="again")


def test_rescheduling_closes_the_old_follow_up_and_opens_a_new_one(cw_a, case_a):
    followup = services.followup_schedule(
        by=cw_a, case=case_a, due_on=timezone.localdate(), kind="school_check", responsible=cw_a
    )
    new = services.followup_reschedule(
        by=cw_a, followup=followup, due_on=timezone.localdate() + datetime.timedelta(days=3)
    )
    followup.refresh_from_db()
    assert followup.status == "rescheduled" and followup.rescheduled_to == new


def test_overdue_job_stamps_once(cw_a, case_a):
    today = timezone.localdate()
    services.followup_schedule(
        by=cw_a,
        case=case_a,
        due_on=today - datetime.timedelta(days=2),
        kind="home_visit",
        responsible=cw_a,
    )
    services.followup_schedule(
        by=cw_a,
        case=case_a,
        due_on=today + datetime.timedelta(days=2),
        kind="home_visit",
        responsible=cw_a,
    )
    assert services.followups_mark_overdue(today=today) == 1
    assert services.followups_mark_overdue(today=today) == 0
    assert FollowUp.objects.filter(overdue_since=today).count() == 1


def test_daily_digest_run_twice_sends_once_and_names_no_child(
    django_capture_on_commit_callbacks, cw_a, case_a
):
    services.followup_schedule(
        by=cw_a,
        case=case_a,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
        kind="home_visit",
        responsible=cw_a,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digests_send() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digests_send() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cw_a.email]
    assert (
        case_a.given_name not in mail.outbox[0].body
        and case_a.case_number not in mail.outbox[0].body
    )


def test_overdue_rule_follows_the_clock(cw_a, case_a):
    due = timezone.localdate() + datetime.timedelta(days=1)
    followup = services.followup_schedule(
        by=cw_a, case=case_a, due_on=due, kind="home_visit", responsible=cw_a
    )
    assert not followup.is_overdue
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        assert followup.is_overdue
        assert FollowUp.objects.overdue().filter(pk=followup.pk).exists()


def test_workflow_changes_are_audited(cw_a, case_a):
    services.plan_goal_add(by=cw_a, case=case_a, goal="هدف")
    assert AuditEvent.objects.filter(
        action="update", object_id=str(case_a.pk), detail__has_key="plan_goal"
    ).exists()


def test_case_page_shows_where_the_case_stands(client_as, cw_a, case_a):
    page = client_as(cw_a).get(reverse("children:case_detail", args=[case_a.pk]))
    assert page.status_code == 200
    assert 'data-testid="next-step"' in page.content.decode()


def test_the_stepper_ticks_only_steps_that_happened(client_as, cw_a, case_a):
    """A case moved on without an assessment or a plan once showed both ticked while the same page
    said "not assessed yet"."""
    Case.objects.filter(pk=case_a.pk).update(status=CaseStatus.IN_PROGRESS)
    page = client_as(cw_a).get(reverse("children:case_detail", args=[case_a.pk])).content.decode()

    assert 'data-step="skipped"' in page
    assert page.count('data-step="skipped"') == 2 and page.count('data-step="done"') == 1
    assert 'data-step="current"' in page
