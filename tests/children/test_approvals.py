"""Issue 17: the approvals queue of a manager: closures and consent overrides on "My work",
a count in the navigation, counts in the daily digest and a mail when one arrives."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from children import services
from children.models.choices import CaseStatus, ConsentGiver, ConsentScope
from children.selectors.approvals import approvals_count
from core.exceptions import InvalidState
from core.permissions import Role
from tests.factories import member

from .test_referrals import SHARED, case_without_referral_consent, offer, verify

OVERRIDE_REASON = "کودک در خطر فوری است و سرپرست در دسترس نیست"


@pytest.fixture
def mgr_a2(org_a):
    """A second manager of organisation A."""
    return member("mgr_a2", org_a, Role.ORG_MANAGER)


@pytest.fixture
def closure(cw_a, case_a):
    return services.closure_request(by=cw_a, case=case_a, reason="back_in_school")


@pytest.fixture
def override(mgr_a, org_b, min_officer, education):
    """A referral mgr_a sent to B without recorded consent."""
    offer(org_b, "education", "tehran")
    verify(org_b, min_officer)
    case = case_without_referral_consent(mgr_a)
    return services.referral_send(
        by=mgr_a,
        case=case,
        to_organisation=org_b,
        service=education,
        data=SHARED,
        consent_override_reason=OVERRIDE_REASON,
    )


@pytest.fixture
def education():
    from ngos.reference import ensure_services

    return ensure_services()["education"]


def test_pending_closure_is_on_the_managers_my_work_and_not_the_caseworkers(
    client_as, cw_a, mgr_a, closure
):
    page = client_as(mgr_a).get(reverse("children:my_work"))
    queue = page.context["approvals"]
    assert queue["closures_count"] == 1 and [row["pk"] for row in queue["closures"]] == [closure.pk]
    body = page.content.decode()
    assert 'data-testid="approvals"' in body and 'data-testid="queue-approve-closure"' in body
    caseworker_page = client_as(cw_a).get(reverse("children:my_work"))
    assert 'data-testid="approvals"' not in caseworker_page.content.decode()


def test_the_queue_speaks_persian_on_a_persian_page(client_as, mgr_a, closure, override):
    """The queue's words are looked up once a page (children/templatetags/my_work_tags.py); they
    must still be in the catalogue (they had dropped out, and showed in English)."""
    client = client_as(mgr_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    body = client.get(reverse("children:my_work")).content.decode()

    for english in ("Asked by", "Comment (needed to send back)", "Approve the override"):
        assert english not in body
    assert "درخواست از سوی" in body and "توضیح (برای بازگرداندن لازم است)" in body


def test_manager_approves_from_the_queue_and_comes_back_to_it(client_as, mgr_a, case_a, closure):
    response = client_as(mgr_a).post(
        reverse("children:closure_decide", args=[case_a.pk, closure.pk]),
        {"decision": "approve", "back": "my_work"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("children:my_work") + "#approvals"
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.CLOSED
    assert approvals_count(user=mgr_a) == 0


def test_sending_back_from_the_queue_needs_a_comment(client_as, mgr_a, case_a, closure):
    url = reverse("children:closure_decide", args=[case_a.pk, closure.pk])
    client_as(mgr_a).post(url, {"decision": "return", "back": "my_work"})
    closure.refresh_from_db()
    assert closure.state == "pending"
    client_as(mgr_a).post(
        url, {"decision": "return", "back": "my_work", "comment": "یک بار دیگر سر بزنید"}
    )
    closure.refresh_from_db()
    assert closure.state == "returned"


def test_the_way_back_is_a_fixed_choice_not_an_address(client_as, mgr_a, case_a, closure):
    response = client_as(mgr_a).post(
        reverse("children:closure_decide", args=[case_a.pk, closure.pk]),
        {"decision": "approve", "back": "https://example.org/"},
    )
    assert response["Location"] == reverse("children:case_detail", args=[case_a.pk])


def test_another_organisations_manager_sees_nothing_of_our_queue(client_as, mgr_b, case_a, closure):
    page = client_as(mgr_b).get(reverse("children:my_work"))
    assert page.context["approvals"]["approvals_count"] == 0
    assert case_a.given_name not in page.content.decode()
    assert approvals_count(user=mgr_b) == 0


def test_navigation_counts_what_waits_for_a_manager_only(client_as, cw_a, mgr_a, closure):
    manager_home = client_as(mgr_a).get(reverse("children:case_list")).content.decode()
    assert 'data-testid="nav-approvals-count"' in manager_home
    caseworker_home = client_as(cw_a).get(reverse("children:case_list")).content.decode()
    assert 'data-testid="nav-approvals-count"' not in caseworker_home


def test_the_count_costs_a_manager_one_query_and_a_caseworker_none(
    django_assert_num_queries, cw_a, mgr_a, closure
):
    with django_assert_num_queries(1):
        assert approvals_count(user=mgr_a) == 1
    with django_assert_num_queries(0):
        assert approvals_count(user=cw_a) == 0


def test_the_organisation_dashboard_points_the_manager_to_the_queue(client_as, mgr_a, closure):
    page = client_as(mgr_a).get(reverse("reports:organisation_dashboard")).content.decode()
    assert 'data-testid="dashboard-approvals"' in page
    assert reverse("children:my_work") + "#approvals" in page


def test_navigation_shows_no_count_when_nothing_waits(client_as, mgr_a):
    page = client_as(mgr_a).get(reverse("children:case_list")).content.decode()
    assert 'data-testid="nav-approvals-count"' not in page


def test_closure_request_mails_every_manager_counts_only(
    django_capture_on_commit_callbacks, cw_a, mgr_a, mgr_a2, mgr_b, case_a
):
    with django_capture_on_commit_callbacks(execute=True):
        services.closure_request(by=cw_a, case=case_a, reason="back_in_school")
    assert sorted(message.to[0] for message in mail.outbox) == sorted([mgr_a.email, mgr_a2.email])
    for message in mail.outbox:
        text = message.body + message.alternatives[0][0]
        assert case_a.given_name not in text and case_a.case_number not in text
        assert "/my-work/#approvals" in text


def test_a_closure_request_that_rolls_back_mails_nobody(
    django_capture_on_commit_callbacks, cw_a, mgr_a, case_a
):
    services.closure_request(by=cw_a, case=case_a, reason="aged_out")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidState):
        services.closure_request(by=cw_a, case=case_a, reason="aged_out")  # one already waits
    assert mail.outbox == []


def test_mail_is_in_the_managers_language(django_capture_on_commit_callbacks, cw_a, mgr_a, case_a):
    mgr_a.language = "en"
    mgr_a.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.closure_request(by=cw_a, case=case_a, reason="back_in_school")
    assert mail.outbox[0].subject == "A case closure is waiting for your approval"
    assert "Closures awaiting approval: 1" in mail.outbox[0].body


def test_override_is_queued_until_the_consent_is_recorded(
    django_capture_on_commit_callbacks, client_as, mgr_a, mgr_a2, override
):
    assert approvals_count(user=mgr_a2) == 1
    page = client_as(mgr_a2).get(reverse("children:my_work"))
    assert [row["pk"] for row in page.context["approvals"]["overrides"]] == [override.pk]
    assert OVERRIDE_REASON in page.content.decode()
    services.consent_record(
        by=mgr_a,
        case=override.case,
        data={
            "given_by": ConsentGiver.GUARDIAN,
            "given_by_name": "مادر",
            "given_on": datetime.date(2026, 11, 20),
            "scope": [ConsentScope.RECORD, ConsentScope.REFERRAL],
        },
    )
    assert approvals_count(user=mgr_a2) == 0


def test_withdrawn_override_referral_leaves_the_queue(mgr_a, override):
    services.referral_withdraw(by=mgr_a, referral=override, reason="به اشتباه فرستاده شد")
    assert approvals_count(user=mgr_a) == 0


def test_override_mails_the_other_managers_not_the_one_who_sent_it(
    django_capture_on_commit_callbacks, mgr_a, mgr_a2, org_b, min_officer, education
):
    offer(org_b, "education", "tehran")
    verify(org_b, min_officer)
    case = case_without_referral_consent(mgr_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_send(
            by=mgr_a,
            case=case,
            to_organisation=org_b,
            service=education,
            data=SHARED,
            consent_override_reason=OVERRIDE_REASON,
        )
    assert [message.to for message in mail.outbox] == [[mgr_a2.email]]
    assert case.given_name not in mail.outbox[0].body


def test_daily_digest_counts_the_managers_queue(django_capture_on_commit_callbacks, mgr_a, closure):
    mgr_a.language = "en"
    mgr_a.save(update_fields=["language"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.digests_send()
    (message,) = [m for m in mail.outbox if m.to == [mgr_a.email]]
    assert "Closures awaiting approval: 1" in message.body
    assert closure.case.given_name not in message.body
    assert closure.case.case_number not in message.body


def test_digest_of_a_caseworker_does_not_list_approvals(
    django_capture_on_commit_callbacks, cw_a, closure
):
    services.followup_schedule(
        by=cw_a,
        case=closure.case,
        due_on=timezone.localdate(),
        kind="home_visit",
        responsible=cw_a,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.digests_send()
    (message,) = [m for m in mail.outbox if m.to == [cw_a.email]]
    assert "Closures awaiting approval" not in message.body


def test_digest_leaves_out_the_closure_the_manager_asked_for(
    django_capture_on_commit_callbacks, mgr_a, mgr_a2, case_a
):
    """mgr_a cannot approve a closure they asked for, so their digest does not count it; the
    other manager's does."""
    for manager in (mgr_a, mgr_a2):
        manager.language = "en"
        manager.save(update_fields=["language"])
    services.closure_request(by=mgr_a, case=case_a, reason="back_in_school")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.digests_send()
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "Closures awaiting approval: 1" in bodies[mgr_a2.email]
    assert "Closures awaiting approval" not in bodies.get(mgr_a.email, "")


def test_the_navigation_count_is_the_queues_own_count(mgr_a, mgr_a2, mgr_b, closure, override):
    """approvals_count is written in SQL; it counts what decidable_counts (the ORM) counts."""
    from children.selectors.approvals import decidable_counts

    def both(user):
        return approvals_count(user=user), sum(decidable_counts(user=user).values())

    # mgr_a sent the override: only the closure waits for them; mgr_a2 decides both.
    assert both(mgr_a) == (1, 1)
    assert both(mgr_a2) == (2, 2)
    assert both(mgr_b) == (0, 0)
    override.override_approved_by = mgr_a2
    override.override_approved_at = timezone.now()
    override.save(update_fields=["override_approved_by", "override_approved_at"])
    assert both(mgr_a2) == (1, 1)


def test_an_override_names_its_sender_who_no_longer_approves(client_as, mgr_a, mgr_a2, override):
    """The queue names people from the approvers it reads anyway; others are read by id."""
    mgr_a.first_name, mgr_a.last_name, mgr_a.is_active = "سارا", "احمدی", False
    mgr_a.save()

    page = client_as(mgr_a2).get(reverse("children:my_work"))

    [row] = page.context["approvals"]["overrides"]
    assert row["sent_by"] == "سارا احمدی" and row["override_approved_by"] is None
    assert "<bdi>سارا احمدی</bdi>" in page.content.decode()
