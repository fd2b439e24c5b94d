"""Issue 20, referrals that cannot stall (docs/adr/0039): escalation to the sender's managers
once, after the receiver's reminder and a further REFERRAL_ESCALATION_DAYS; the completion
deadline stored at acceptance, on the referral page, "My work" and the digest."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from children import services
from children.models import DigestSent
from children.selectors.referral_deadlines import referral_deadline_counts
from children.services.followups import digests_send
from children.tasks import escalate_referrals, send_referral_reminders
from ngos.reference import ensure_services

from . import test_referrals

# The referral fixtures of the issue 4 tests, shared rather than copied.
SHARED = test_referrals.SHARED
child = test_referrals.child
education = test_referrals.education
org_c = test_referrals.org_c
receivers = test_referrals.receivers
send = test_referrals.send

SENT_AT = datetime.datetime(2026, 11, 1, 6, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def unanswered(child, org_b, mgr_a, mgr_b, send):
    with time_machine.travel(SENT_AT, tick=False):
        return send(child, to=org_b)


def run(task, callbacks, at):
    with time_machine.travel(at, tick=False), callbacks(execute=True):
        task.delay()


def _mail_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_escalation_tells_the_senders_managers_once_after_the_further_days(
    settings, django_capture_on_commit_callbacks, mgr_a, mgr_b, unanswered
):
    settings.REFERRAL_ANSWER_DAYS = 7
    settings.REFERRAL_ESCALATION_DAYS = 5
    due = unanswered.answer_due_at
    run(send_referral_reminders, django_capture_on_commit_callbacks, due + DAY)
    assert len(_mail_to(mgr_b)) == 1

    # One second short of the further days: nothing yet.
    run(escalate_referrals, django_capture_on_commit_callbacks, due + 5 * DAY)
    assert _mail_to(mgr_a) == []
    run(
        escalate_referrals,
        django_capture_on_commit_callbacks,
        due + 5 * DAY + datetime.timedelta(seconds=1),
    )
    messages = _mail_to(mgr_a)
    assert len(messages) == 1
    body = messages[0].body + messages[0].alternatives[0][0] + messages[0].subject
    for secret in ("امیرحسین", "کریمی", unanswered.case.case_number, SHARED["need"]):
        assert secret not in body
    assert reverse("children:my_work") in body
    unanswered.refresh_from_db()
    assert unanswered.escalated_at == due + 5 * DAY + datetime.timedelta(seconds=1)

    run(escalate_referrals, django_capture_on_commit_callbacks, due + 9 * DAY)
    assert len(_mail_to(mgr_a)) == 1  # once only


def test_no_escalation_without_the_receivers_reminder_first(
    settings, django_capture_on_commit_callbacks, mgr_a, unanswered
):
    run(escalate_referrals, django_capture_on_commit_callbacks, unanswered.answer_due_at + 30 * DAY)
    assert _mail_to(mgr_a) == []
    unanswered.refresh_from_db()
    assert unanswered.escalated_at is None


def test_no_escalation_for_an_answered_referral(
    django_capture_on_commit_callbacks, cw_b, mgr_a, unanswered
):
    run(send_referral_reminders, django_capture_on_commit_callbacks, unanswered.answer_due_at + DAY)
    services.referral_accept(by=cw_b, referral=unanswered)
    run(escalate_referrals, django_capture_on_commit_callbacks, unanswered.answer_due_at + 30 * DAY)
    assert _mail_to(mgr_a) == []


def test_escalated_referral_on_the_senders_managers_my_work_only(
    client_as, django_capture_on_commit_callbacks, mgr_a, cw_a, mgr_b, unanswered
):
    run(send_referral_reminders, django_capture_on_commit_callbacks, unanswered.answer_due_at + DAY)
    run(escalate_referrals, django_capture_on_commit_callbacks, unanswered.answer_due_at + 30 * DAY)
    page = client_as(mgr_a).get(reverse("children:my_work")).content.decode()
    assert 'data-testid="my-escalated-referrals"' in page
    assert reverse("children:referral_detail", args=[unanswered.pk]) in page
    assert 'data-testid="my-escalated-referrals"' not in (
        client_as(cw_a).get(reverse("children:my_work")).content.decode()
    )
    receiver = client_as(mgr_b).get(reverse("children:my_work")).context["referral_deadlines"]
    assert receiver["escalated_count"] == 0


# --- The completion deadline ---------------------------------------------------------------------


def test_acceptance_stores_the_deadline_from_the_service_type(cw_b, unanswered, education):
    education.completion_days = 21
    education.save()
    accepted_at = datetime.datetime(2026, 11, 3, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(accepted_at, tick=False):
        services.referral_accept(by=cw_b, referral=unanswered)
    unanswered.refresh_from_db()
    assert unanswered.complete_by == datetime.date(2026, 11, 24)
    # A later change of the service type does not move a stored deadline.
    education.completion_days = 5
    education.save()
    unanswered.refresh_from_db()
    assert unanswered.complete_by == datetime.date(2026, 11, 24)


def test_a_new_service_defaults_to_thirty_days(db):
    health = ensure_services()["health"]
    assert health.completion_days == 30


@pytest.fixture
def accepted(cw_b, unanswered):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        services.referral_accept(by=cw_b, referral=unanswered)
    unanswered.refresh_from_db()
    return unanswered


@pytest.mark.parametrize(
    ("days_before", "due", "overdue"),
    [(8, 0, 0), (7, 1, 0), (0, 1, 0), (-1, 0, 1)],
)
def test_completion_counts_at_the_boundaries(settings, cw_b, accepted, days_before, due, overdue):
    settings.REFERRAL_COMPLETION_SOON_DAYS = 7
    today = accepted.complete_by - datetime.timedelta(days=days_before)
    counts = referral_deadline_counts(user=cw_b, today=today)
    assert counts["referral_service_due"] == due
    assert counts["referral_service_overdue"] == overdue


def test_completion_due_on_the_receivers_my_work_never_the_childs_name(
    client_as, cw_b, mgr_b, cw_a, accepted
):
    with time_machine.travel(
        datetime.datetime.combine(accepted.complete_by, datetime.time(9), tzinfo=datetime.UTC)
        + DAY,
        tick=False,
    ):
        for user in (cw_b, mgr_b):
            response = client_as(user).get(reverse("children:my_work"))
            section = response.content.decode()
            assert response.context["referral_deadlines"]["completion_overdue_count"] == 1
            assert reverse("children:referral_detail", args=[accepted.pk]) in section
            assert "امیرحسین" not in section
        sender = client_as(cw_a).get(reverse("children:my_work")).context["referral_deadlines"]
        assert sender["completion_count"] == 0


def test_the_referral_page_shows_the_deadline(client_as, cw_a, cw_b, accepted):
    for user in (cw_a, cw_b):
        page = client_as(user).get(reverse("children:referral_detail", args=[accepted.pk]))
        assert 'data-testid="referral-complete-by"' in page.content.decode()


def test_the_digest_counts_referred_services_due(
    cw_b, accepted, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    today = accepted.complete_by + DAY
    with django_capture_on_commit_callbacks(execute=True):
        digests_send(today=today)
    assert DigestSent.objects.filter(user=cw_b, day=today).exists()
    (message,) = [m for m in mail.outbox if m.to == [cw_b.email]]
    assert "Referred services overdue" in message.body or "خدمات ارجاعی معوق" in message.body
    assert "امیرحسین" not in message.body
