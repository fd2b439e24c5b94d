"""Issue 20, the duty to report (docs/adr/0036-duty-to-report.md): alerts start when a case's
risk becomes critical or a concern of abuse, exploitation or trafficking is recorded; a manager
decides within 24 hours; unacknowledged alerts escalate once to the other managers; the ministry
sees protected counts, never a case."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from children import services
from children.models import ReportAlert
from children.models.choices import RiskLevel
from children.selectors.duty import my_report_alerts
from children.services import duty
from children.tasks import escalate_report_alerts
from core.exceptions import ActionNotAllowed, InvalidState
from core.models import AuditEvent
from core.permissions import Role
from tests.factories import member

from .conftest import field_errors, section_post

NEEDS = dict.fromkeys(["education", "health", "family", "economic", "protection"], "high")


@pytest.fixture
def mgr_a2(org_a):
    return member("mgr_a2", org_a, Role.ORG_MANAGER)


def assess(by, case, risk):
    return services.assessment_record(by=by, case=case, needs=NEEDS, risk_level=risk)


def record_concerns(by, case, concerns):
    case.refresh_from_db()
    return services.case_update(
        by=by,
        case=case,
        data={"protection_concerns": concerns},
        expected_version=case.version,
        section="health",
    )


@pytest.fixture
def alert(mgr_a, cw_a, case_a):
    assess(cw_a, case_a, RiskLevel.CRITICAL)
    return ReportAlert.objects.get(case=case_a)


# --- Starting an alert ---------------------------------------------------------------------------


def test_critical_risk_starts_one_alert_for_the_first_manager(mgr_a, mgr_a2, cw_a, case_a):
    assess(cw_a, case_a, RiskLevel.CRITICAL)

    (alert,) = ReportAlert.objects.filter(case=case_a)
    assert alert.trigger == "critical_risk"
    assert alert.manager == mgr_a
    assert alert.due_at == alert.started_at + datetime.timedelta(hours=24)
    assert AuditEvent.objects.filter(
        action="create", object_id=str(case_a.pk), detail__report_alert=alert.pk
    ).exists()


def test_starting_again_is_idempotent_while_the_alert_is_open(mgr_a, cw_a, case_a):
    assess(cw_a, case_a, RiskLevel.CRITICAL)
    assess(cw_a, case_a, RiskLevel.HIGH)
    assess(cw_a, case_a, RiskLevel.CRITICAL)
    assert duty.report_alert_start(case=case_a, trigger="critical_risk", by=cw_a) is None

    assert ReportAlert.objects.filter(case=case_a).count() == 1


def test_staying_critical_starts_nothing_but_becoming_critical_again_does(
    mgr_a, cw_a, case_a, alert
):
    duty.report_alert_decide(
        by=mgr_a, alert=alert, decision="not_reported", reason_not_reported="already with police"
    )
    assess(cw_a, case_a, RiskLevel.CRITICAL)  # still critical: no new danger
    assert ReportAlert.objects.filter(case=case_a).count() == 1

    assess(cw_a, case_a, RiskLevel.HIGH)
    assess(cw_a, case_a, RiskLevel.CRITICAL)
    assert ReportAlert.objects.filter(case=case_a).count() == 2


def test_recording_an_abuse_exploitation_or_trafficking_concern_starts_an_alert_each(
    mgr_a, cw_a, case_a
):
    record_concerns(cw_a, case_a, ["neglect", "sexual_abuse", "trafficking"])
    record_concerns(cw_a, case_a, ["neglect", "sexual_abuse", "trafficking", "exploitation"])

    triggers = sorted(ReportAlert.objects.filter(case=case_a).values_list("trigger", flat=True))
    assert triggers == ["exploitation", "sexual_abuse", "trafficking"]


def test_a_concern_that_is_not_abuse_starts_nothing(mgr_a, cw_a, case_a):
    record_concerns(cw_a, case_a, ["neglect", "substance_use"])
    assert not ReportAlert.objects.exists()


def test_registering_a_child_with_a_concern_starts_an_alert(mgr_a, cw_a, register):
    case = register(cw_a, protection_concerns=["physical_abuse"])
    assert list(case.report_alerts.values_list("trigger", flat=True)) == ["physical_abuse"]


def test_the_section_form_starts_the_alert(client_as, mgr_a, cw_a, case_a):
    data = section_post(case_a, "health", protection_concerns=["physical_abuse"])
    response = client_as(cw_a).post(
        reverse("children:case_edit_section", args=[case_a.pk, "health"]), data
    )
    assert response.status_code == 302
    assert case_a.report_alerts.get().trigger == "physical_abuse"


def test_a_change_that_rolls_back_starts_no_alert(mgr_a, cw_a, case_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        assess(cw_a, case_a, RiskLevel.CRITICAL)
        raise RuntimeError
    assert not ReportAlert.objects.exists()


def test_the_first_manager_is_mailed_without_the_childs_name(
    django_capture_on_commit_callbacks, mgr_a, mgr_a2, cw_a, case_a
):
    with django_capture_on_commit_callbacks(execute=True):
        assess(cw_a, case_a, RiskLevel.CRITICAL)
    assert [m.to for m in mail.outbox] == [[mgr_a.email]]
    assert case_a.given_name not in mail.outbox[0].body
    assert case_a.case_number not in mail.outbox[0].body
    assert "/report-alerts/" in mail.outbox[0].body


# --- Deciding ------------------------------------------------------------------------------------


def test_manager_records_reported_with_authority_date_and_reference(mgr_a, alert):
    today = timezone.localdate()
    duty.report_alert_decide(
        by=mgr_a,
        alert=alert,
        decision="reported",
        reported_to="social_emergency_123",
        reported_on=today,
        reference="۱۲۳-۴۵۶",
    )
    alert.refresh_from_db()
    assert (alert.decision, alert.reported_to, alert.reported_on) == (
        "reported",
        "social_emergency_123",
        today,
    )
    assert alert.decided_by == mgr_a and alert.decided_at is not None
    assert AuditEvent.objects.filter(
        action="update", detail__report_alert=alert.pk, detail__decision="reported"
    ).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"decision": ""}, "decision"),
        ({"decision": "reported", "reported_on": "today"}, "reported_to"),
        ({"decision": "reported", "reported_to": "police"}, "reported_on"),
        (
            {"decision": "reported", "reported_to": "other", "reported_on": "today"},
            "reported_to_other",
        ),
        (
            {"decision": "reported", "reported_to": "police", "reported_on": "tomorrow"},
            "reported_on",
        ),
        ({"decision": "not_reported", "reason_not_reported": "  "}, "reason_not_reported"),
    ],
)
def test_an_incomplete_decision_is_refused_and_changes_nothing(mgr_a, alert, data, field):
    days = {"today": 0, "tomorrow": 1}
    if "reported_on" in data:
        data = {
            **data,
            "reported_on": timezone.localdate()
            + datetime.timedelta(days=days[data["reported_on"]]),
        }
    with pytest.raises(ValidationError) as refusal:
        duty.report_alert_decide(by=mgr_a, alert=alert, **data)
    assert field in refusal.value.message_dict
    alert.refresh_from_db()
    assert alert.is_open


def test_an_alert_is_decided_once(mgr_a, mgr_a2, alert):
    duty.report_alert_decide(
        by=mgr_a, alert=alert, decision="not_reported", reason_not_reported="x"
    )
    with pytest.raises(InvalidState):
        duty.report_alert_decide(
            by=mgr_a2, alert=alert, decision="not_reported", reason_not_reported="y"
        )


def test_a_caseworker_cannot_decide(cw_a, alert):
    with pytest.raises(ActionNotAllowed):
        duty.report_alert_decide(
            by=cw_a, alert=alert, decision="not_reported", reason_not_reported="x"
        )


def test_the_page_shows_each_error_beside_its_field(client_as, mgr_a, alert):
    url = reverse("children:report_alert_decide", args=[alert.case_id, alert.pk])
    client = client_as(mgr_a)
    client.cookies["django_language"] = "en"
    response = client.post(url, {"decision": "reported", "reported_to": "other"})

    assert response.status_code == 200
    assert field_errors(response, "reported_to_other") == ["Name the authority it was reported to."]
    assert field_errors(response, "reported_on") == ["Enter the date it was reported."]
    alert.refresh_from_db()
    assert alert.is_open


def test_the_page_records_not_reported_with_a_reason(client_as, mgr_a, alert):
    url = reverse("children:report_alert_decide", args=[alert.case_id, alert.pk])
    response = client_as(mgr_a).post(
        url, {"decision": "not_reported", "reason_not_reported": "The family moved abroad."}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.decision == "not_reported"
    page = client_as(mgr_a).get(reverse("children:case_detail", args=[alert.case_id]))
    assert "The family moved abroad." in page.content.decode()


def test_persian_dates_and_digits_are_accepted(client_as, mgr_a, alert):
    url = reverse("children:report_alert_decide", args=[alert.case_id, alert.pk])
    with translation.override("fa"):
        from core.jalali import format_date

        typed = format_date(timezone.localdate(), "fa")
    response = client_as(mgr_a).post(
        url,
        {
            "decision": "reported",
            "reported_to": "social_emergency_123",
            "reported_on": typed,
            "reference": "۹۸۷۶",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    alert.refresh_from_db()
    assert alert.reported_on == timezone.localdate()


# --- Escalation ----------------------------------------------------------------------------------


def test_not_escalated_a_minute_before_24_hours_escalated_at_24(mgr_a, mgr_a2, alert):
    with time_machine.travel(alert.started_at + datetime.timedelta(hours=23, minutes=59)):
        assert duty.report_alerts_escalate() == 0
    with time_machine.travel(alert.started_at + datetime.timedelta(hours=24)):
        assert duty.report_alerts_escalate() == 1
    alert.refresh_from_db()
    assert alert.escalated_at is not None


def test_escalation_happens_once_and_mails_the_other_managers_only(
    django_capture_on_commit_callbacks, mgr_a, mgr_a2, mgr_b, alert
):
    later = alert.started_at + datetime.timedelta(hours=25)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        assert escalate_report_alerts() == 1
        assert escalate_report_alerts() == 0
    assert [m.to for m in mail.outbox] == [[mgr_a2.email]]
    body = mail.outbox[0].body
    assert alert.case.given_name not in body and alert.case.case_number not in body
    assert (
        AuditEvent.objects.filter(detail__report_alert=alert.pk, detail__escalated=True).count()
        == 1
    )


def test_a_decided_alert_never_escalates(mgr_a, alert):
    duty.report_alert_decide(
        by=mgr_a, alert=alert, decision="not_reported", reason_not_reported="x"
    )
    with time_machine.travel(alert.started_at + datetime.timedelta(days=3)):
        assert duty.report_alerts_escalate() == 0


def test_escalated_alert_shows_on_the_other_managers_my_work(client_as, mgr_a, mgr_a2, alert):
    assert list(my_report_alerts(user=mgr_a)) == [alert]
    assert list(my_report_alerts(user=mgr_a2)) == []

    with time_machine.travel(alert.started_at + datetime.timedelta(hours=24)):
        duty.report_alerts_escalate()

    client = client_as(mgr_a2)
    client.cookies["django_language"] = "en"
    section = client.get(reverse("children:my_work")).content.decode()
    assert 'data-testid="my-report-alert"' in section
    assert "Escalated" in section
    assert alert.case.full_name in section
    with translation.override("en"):
        assert str(alert.get_trigger_display()) in section
    assert 'data-testid="report-alerts-count">1<' in section


def test_caseworker_has_no_alert_section_on_my_work(client_as, cw_a, alert):
    page = client_as(cw_a).get(reverse("children:my_work")).content.decode()
    assert 'data-testid="my-report-alerts"' not in page


def test_the_digest_counts_alerts_without_names(django_capture_on_commit_callbacks, mgr_a, alert):
    mgr_a.language = "en"
    mgr_a.save(update_fields=["language"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.digests_send()
    (message,) = [m for m in mail.outbox if m.to == [mgr_a.email]]
    assert "Duty-to-report alerts awaiting your decision: 1" in message.body
    assert alert.case.given_name not in message.body


# --- Access --------------------------------------------------------------------------------------


def test_caseworker_sees_the_alert_on_the_case_but_cannot_decide(client_as, cw_a, alert):
    page = client_as(cw_a).get(reverse("children:case_detail", args=[alert.case_id]))
    body = page.content.decode()
    assert 'data-testid="case-report-alert"' in body
    assert 'data-testid="case-alert-decide"' not in body
    url = reverse("children:report_alert_decide", args=[alert.case_id, alert.pk])
    assert client_as(cw_a).get(url).status_code == 403
    assert client_as(cw_a).get(reverse("children:report_alerts")).status_code == 403


@pytest.mark.parametrize("who", ["mgr_b", "cw_b", "min_officer", "adm"])
def test_other_organisation_and_ministry_get_404_for_an_alert(request, client_as, alert, who):
    client = client_as(request.getfixturevalue(who))
    url = reverse("children:report_alert_decide", args=[alert.case_id, alert.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"decision": "not_reported", "reason_not_reported": "x"}).status_code
        == 404
    )
    alert.refresh_from_db()
    assert alert.is_open


def test_an_alert_named_through_another_case_is_404(client_as, mgr_a, mgr_b, alert, register):
    """B's manager cannot reach A's alert through a case of B's own."""
    own_case = register(mgr_b)
    url = reverse("children:report_alert_decide", args=[own_case.pk, alert.pk])
    assert client_as(mgr_b).get(url).status_code == 404


def test_the_list_holds_only_the_managers_own_organisation(
    client_as, mgr_a, mgr_b, cw_b, alert, register
):
    case_b = register(cw_b, protection_concerns=["trafficking"], given_name="زهرا")
    page_a = client_as(mgr_a).get(reverse("children:report_alerts")).content.decode()
    page_b = client_as(mgr_b).get(reverse("children:report_alerts")).content.decode()
    assert alert.case.full_name in page_a and case_b.full_name not in page_a
    assert case_b.full_name in page_b and alert.case.full_name not in page_b


@pytest.mark.parametrize("state", ["", "open", "escalated", "decided"])
def test_the_list_filters_by_state(client_as, mgr_a, alert, state):
    response = client_as(mgr_a).get(reverse("children:report_alerts"), {"state": state})
    assert response.status_code == 200
    shown = 'data-testid="alert-row"' in response.content.decode()
    assert shown == (state in ("", "open"))


@pytest.mark.parametrize("who", ["min_officer", "adm"])
def test_ministry_and_administrator_are_refused_the_list(request, client_as, alert, who):
    response = client_as(request.getfixturevalue(who)).get(reverse("children:report_alerts"))
    assert response.status_code == 403
    assert alert.case.full_name not in response.content.decode()


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_decision_page_renders_in_both_languages(client_as, mgr_a, alert, language):
    client = client_as(mgr_a)
    client.cookies["django_language"] = language
    url = reverse("children:report_alert_decide", args=[alert.case_id, alert.pk])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    body = response.content.decode()
    assert response.status_code == 200
    assert f'lang="{language}"' in body
    assert 'name="reason_not_reported"' in body


def test_the_list_shows_open_alerts_before_decided_ones(client_as, mgr_a, cw_a, case_a, register):
    decided = duty.report_alert_start(case=case_a, trigger="trafficking", by=cw_a)
    duty.report_alert_decide(
        by=mgr_a, alert=decided, decision="not_reported", reason_not_reported="x"
    )
    waiting = register(
        cw_a, protection_concerns=["sexual_abuse"], given_name="مریم"
    ).report_alerts.get()

    response = client_as(mgr_a).get(reverse("children:report_alerts"))

    assert list(response.context["page"]) == [waiting, decided]


def test_a_race_to_start_the_same_alert_starts_one_and_keeps_the_change(
    monkeypatch, mgr_a, cw_a, case_a, alert
):
    from children.models.duty import ReportAlertQuerySet

    # The check sees no open alert, as a transaction racing with the first one would.
    monkeypatch.setattr(ReportAlertQuerySet, "open", lambda self: self.none())
    assert duty.report_alert_start(case=case_a, trigger="critical_risk", by=cw_a) is None
    case_a.refresh_from_db()  # the surrounding transaction is still usable
    assert ReportAlert.objects.filter(case=case_a).count() == 1


def test_the_case_heading_points_to_an_alert_while_it_waits(client_as, mgr_a, alert):
    url = reverse("children:case_detail", args=[alert.case_id])
    assert 'data-testid="case-report-alert-badge"' in client_as(mgr_a).get(url).content.decode()
    duty.report_alert_decide(
        by=mgr_a, alert=alert, decision="not_reported", reason_not_reported="x"
    )
    assert 'data-testid="case-report-alert-badge"' not in client_as(mgr_a).get(url).content.decode()


# --- An organisation with no manager --------------------------------------------------------------


def test_an_alert_in_an_organisation_without_a_manager_tells_the_administrators(
    django_capture_on_commit_callbacks, adm, cw_a, case_a
):
    """Nobody at the organisation can decide, so the administrators, who can name a manager,
    hear of it at once: the organisation's name and counts, never the child."""
    adm.language = "en"
    adm.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        assess(cw_a, case_a, RiskLevel.CRITICAL)
    (message,) = mail.outbox
    assert message.to == [adm.email]
    assert case_a.organisation.name_en in message.subject
    assert "Alerts awaiting a decision: 1" in message.body
    assert reverse("ngos:staff_list", args=[case_a.organisation_id]) in message.body
    assert case_a.given_name not in message.body and case_a.case_number not in message.body


def test_escalation_without_any_manager_goes_to_the_administrators(
    django_capture_on_commit_callbacks, adm, cw_a, case_a
):
    assess(cw_a, case_a, RiskLevel.CRITICAL)
    alert = ReportAlert.objects.get(case=case_a)
    assert alert.manager is None
    mail.outbox.clear()
    later = alert.started_at + datetime.timedelta(hours=25)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        assert escalate_report_alerts() == 1
    assert [m.to for m in mail.outbox] == [[adm.email]]


def test_once_a_manager_is_named_the_administrators_are_not_told(
    django_capture_on_commit_callbacks, adm, cw_a, case_a
):
    assess(cw_a, case_a, RiskLevel.CRITICAL)
    member("mgr_late", case_a.organisation, Role.ORG_MANAGER)
    assert (
        duty.report_alert_mail(
            organisation_id=case_a.organisation_id, kind=duty.NO_MANAGER, to_ids=[]
        )
        == 0
    )


def test_the_staff_page_warns_that_nobody_manages_the_organisation(client_as, adm, cw_a, org_a):
    """cw_a works at A, which has no manager yet."""
    client = client_as(adm)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("ngos:staff_list", args=[org_a.pk]))
    assert b'data-testid="no-manager"' in page.content
    member("mgr_named", org_a, Role.ORG_MANAGER)
    page = client.get(reverse("ngos:staff_list", args=[org_a.pk]))
    assert b'data-testid="no-manager"' not in page.content


def test_the_ministry_staff_page_does_not_ask_for_a_manager(client_as, adm, ministry):
    page = client_as(adm).get(reverse("ngos:staff_list", args=[ministry.pk]))
    assert page.status_code == 200
    assert b'data-testid="no-manager"' not in page.content


def test_an_organisation_without_staff_is_not_said_to_need_a_manager(client_as, adm, org_b):
    page = client_as(adm).get(reverse("ngos:staff_list", args=[org_b.pk]))
    assert b'data-testid="no-manager"' not in page.content
