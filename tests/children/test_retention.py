"""The retention rule (RT-01, docs/adr/0028): closed cases past the rule are anonymised by a job
with a dry run, a legal hold and an audit row per case; the figures stay as they were."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from children.models import Case, CaseNote, Household, Referral
from children.models.choices import CaseStatus, ClosureReason
from children.selectors.cases import cases_visible_to, search_cases
from children.selectors.retention import Rule, due_case_ids, years_after
from children.services.retention import (
    case_anonymise,
    case_legal_hold_set,
    encounter_observations_clear,
    retention_run,
)
from children.tasks import anonymise_expired_cases
from core.models import AuditEvent
from reports.models import SummaryFact
from reports.selectors.organisation import caseload
from reports.summary import refresh_summaries
from tests.factories import EncounterFactory, ReferralFactory

TODAY = datetime.date(2031, 6, 15)
RULE = Rule(years_after_closure=5, years_after_adulthood=2)


@pytest.fixture(autouse=True)
def _rule(settings):
    settings.RETENTION_YEARS_AFTER_CLOSURE = 5
    settings.RETENTION_YEARS_AFTER_18 = 2
    settings.RETENTION_ANONYMISE = False


def close(case, on):
    """Mark the case closed on the day `on` (Tehran noon), as an approved closure leaves it."""
    moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, closed_at=moment, closure_reason=ClosureReason.choices[0][0]
    )
    case.refresh_from_db()
    return case


def old_case(register, user, closed_on=datetime.date(2025, 1, 1), **identity):
    """A child born in 2010 (an adult plus two years by 2030), closed in 2025."""
    identity.setdefault("birth_date", datetime.date(2010, 3, 1))
    return close(register(user, **identity), closed_on)


def test_a_case_is_anonymised_on_the_day_the_closure_rule_is_reached_and_not_a_day_before(
    cw_a, register
):
    closed_on = years_after(TODAY, -5)
    case = old_case(register, cw_a, closed_on=closed_on)
    assert due_case_ids(TODAY - datetime.timedelta(days=1), RULE) == []
    assert due_case_ids(TODAY, RULE) == [case.pk]


def test_a_case_waits_until_the_child_is_past_18_plus_the_margin_to_the_day(cw_a, register):
    born = years_after(TODAY, -20)  # 18 + 2 years old on TODAY
    case = old_case(register, cw_a, birth_date=born)
    assert due_case_ids(TODAY - datetime.timedelta(days=1), RULE) == []
    assert due_case_ids(TODAY, RULE) == [case.pk]


def test_an_estimated_age_counts_from_the_latest_birthday_the_estimate_allows(cw_a, register):
    # Said to be 12 on 2019-06-15: at the latest 20 on 2027-06-15, past 18 + 2 only then.
    case = old_case(
        register,
        cw_a,
        birth_date=None,
        estimated_age=12,
        estimated_age_on=datetime.date(2019, 6, 15),
        closed_on=datetime.date(2020, 1, 1),
    )
    assert due_case_ids(datetime.date(2027, 6, 14), RULE) == []
    assert due_case_ids(datetime.date(2027, 6, 15), RULE) == [case.pk]


def test_open_cases_are_never_anonymised(cw_a, register):
    register(cw_a, birth_date=datetime.date(2000, 1, 1))
    assert due_case_ids(TODAY, RULE) == []


def test_a_case_under_legal_hold_is_skipped_and_the_hold_is_an_audited_managers_action(
    cw_a, mgr_a, register, client_as
):
    held, other = old_case(register, cw_a), old_case(register, cw_a, given_name="رضا")
    response = client_as(mgr_a).post(
        reverse("children:case_legal_hold", args=[held.pk]),
        {"hold": "on", "reason": "پرونده در دادگاه"},
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.legal_hold and held.legal_hold_reason == "پرونده در دادگاه"
    assert AuditEvent.objects.filter(
        action="update", object_id=str(held.pk), detail__legal_hold=True, actor=mgr_a
    ).exists()

    run = retention_run(dry_run=False, today=TODAY, rule=RULE)
    assert (run.anonymised, run.held) == (1, 1)
    held.refresh_from_db()
    other.refresh_from_db()
    assert held.anonymised_at is None and held.given_name == "علی"
    assert other.anonymised_at is not None


def test_a_caseworker_cannot_put_a_case_under_legal_hold(cw_a, register, client_as):
    case = old_case(register, cw_a)
    response = client_as(cw_a).post(
        reverse("children:case_legal_hold", args=[case.pk]), {"hold": "on", "reason": "x"}
    )
    assert response.status_code in (403, 404)
    case.refresh_from_db()
    assert not case.legal_hold


def test_another_organisations_manager_gets_404_for_the_legal_hold(
    cw_a, mgr_b, register, client_as
):
    case = old_case(register, cw_a)
    response = client_as(mgr_b).post(
        reverse("children:case_legal_hold", args=[case.pk]), {"hold": "on", "reason": "x"}
    )
    assert response.status_code == 404


def snapshot():
    return sorted(
        Case.objects.values_list(
            "id", "given_name", "family_name", "father_name", "birth_date", "id_number", "phone"
        )
    )


def test_the_dry_run_counts_and_changes_nothing(cw_a, mgr_a, register, capsys):
    old_case(register, cw_a)
    old_case(register, cw_a, given_name="رضا")
    held = old_case(register, cw_a, given_name="مریم")
    case_legal_hold_set(by=mgr_a, case=held, hold=True, reason="دادگاه")
    before, audit_before = snapshot(), AuditEvent.objects.count()

    call_command("anonymise_cases", "--dry-run", "--today", TODAY.isoformat())

    out = capsys.readouterr().out
    assert "due: 2" in out and "kept by a legal hold: 1" in out and "nothing changed" in out
    assert snapshot() == before
    assert AuditEvent.objects.count() == audit_before


def test_the_nightly_job_only_counts_until_the_setting_allows_it(cw_a, register, settings):
    case = old_case(register, cw_a, closed_on=datetime.date(2000, 1, 1))
    Case.objects.filter(pk=case.pk).update(birth_date=datetime.date(1990, 1, 1))

    assert anonymise_expired_cases() == {
        "due": 1,
        "held": 0,
        "anonymised": 0,
        "observations": 0,
        "dry_run": True,
    }
    assert Case.objects.get(pk=case.pk).anonymised_at is None

    settings.RETENTION_ANONYMISE = True
    assert anonymise_expired_cases()["anonymised"] == 1
    assert Case.objects.get(pk=case.pk).anonymised_at is not None


def test_each_anonymised_case_has_its_own_audit_row(cw_a, register):
    cases = [old_case(register, cw_a, given_name=name) for name in ("علی", "رضا", "مریم")]
    run = retention_run(dry_run=False, today=TODAY, rule=RULE)
    assert run.anonymised == 3
    rows = AuditEvent.objects.filter(action=AuditEvent.Action.ANONYMISE)
    assert sorted(rows.values_list("object_id", flat=True)) == sorted(str(c.pk) for c in cases)
    assert all(row.organisation_id == cw_a.membership.organisation_id for row in rows)
    # Run again: nothing more to do, no second row.
    assert retention_run(dry_run=False, today=TODAY, rule=RULE).anonymised == 0
    assert rows.count() == 3


def test_identity_and_free_text_are_cleared_and_the_counted_facts_kept(cw_a, register):
    case = old_case(
        register,
        cw_a,
        phone="09121234567",
        birth_date=datetime.date(2010, 3, 1),
        documentation="national_id",
        id_number="0499370899",
        nationality="iranian",
    )
    CaseNote.objects.create(case=case, author=cw_a, body="علی رضایی را در میدان دیدیم")
    ReferralFactory(case=case, need="علی به مدرسه نیاز دارد")
    assert case_anonymise(case_id=case.pk, today=TODAY, rule=RULE)

    case.refresh_from_db()
    assert (case.given_name, case.family_name, case.father_name) == ("", "", "")
    assert (case.id_number, case.phone, case.district, case.search_name) == ("", "", "", "")
    assert case.birth_date is None and case.birth_year == 2010
    # The age the figures count (at registration) is kept as an estimate on that day.
    assert case.estimated_age_on == case.registered_on
    assert case.estimated_age == case.registered_on.year - 2010 - (
        (case.registered_on.month, case.registered_on.day) < (3, 1)
    )
    assert (case.documentation, case.nationality, case.status) == (
        "national_id",
        "iranian",
        CaseStatus.CLOSED,
    )
    assert CaseNote.objects.get(case=case).body == "—"
    referral = Referral.objects.get(case=case)
    assert (referral.need, referral.sender_note) == ("—", "")
    assert case.consents.get().given_by_name == "—"


def test_row_history_keeps_none_of_the_old_identity(cw_a, register):
    case = old_case(register, cw_a, given_name="کیانوش", father_name="بهرام")
    case_anonymise(case_id=case.pk, today=TODAY, rule=RULE)

    events = apps.get_model("children", "CaseEvent").objects.filter(pgh_obj_id=case.pk)
    assert events.count() >= 2
    for event in events:
        assert event.given_name == "" and event.father_name == "" and event.phone == ""
        assert event.birth_date is None and event.search_name == ""
    consent_events = apps.get_model("children", "ConsentEvent").objects.filter(pgh_obj__case=case)
    assert consent_events.exists()
    assert "مادر" not in set(consent_events.values_list("given_by_name", flat=True))


def test_a_households_guardian_is_cleared_when_its_last_child_is_anonymised(cw_a, org_a, register):
    first, second = old_case(register, cw_a), old_case(register, cw_a, given_name="رضا")
    household = Household.objects.create(
        organisation=org_a, created_by=cw_a, guardian_name="فاطمه", guardian_phone="0912"
    )
    Case.objects.filter(pk__in=[first.pk, second.pk]).update(household=household)
    case_anonymise(case_id=first.pk, today=TODAY, rule=RULE)
    household.refresh_from_db()
    assert household.guardian_name == "فاطمه"
    case_anonymise(case_id=second.pk, today=TODAY, rule=RULE)
    household.refresh_from_db()
    assert (household.guardian_name, household.guardian_phone) == ("", "")
    history = apps.get_model("children", "HouseholdEvent").objects.filter(pgh_obj_id=household.pk)
    assert set(history.values_list("guardian_name", flat=True)) == {""}


def test_the_dashboard_figures_are_the_same_before_and_after_anonymising(cw_a, register):
    org = cw_a.membership.organisation_id
    for day, name in enumerate(("علی", "رضا", "مریم"), start=1):
        old_case(register, cw_a, given_name=name, birth_date=datetime.date(2010, 3, day))
    old_case(
        register,
        cw_a,
        birth_date=None,
        estimated_age=14,
        estimated_age_on=datetime.date(2019, 1, 1),
        closed_on=datetime.date(2020, 1, 1),
    )
    register(cw_a, given_name="سارا")  # open: stays as it is

    def figures():
        refresh_summaries()
        facts = sorted(
            SummaryFact.objects.values_list(
                "jalali_month", "province_id", "measure", "dimension", "category", "count"
            )
        )
        return facts, caseload(org)

    before = figures()
    assert retention_run(dry_run=False, today=TODAY, rule=RULE).anonymised == 4
    assert figures() == before


def test_an_anonymised_case_cannot_be_found_by_its_old_name(cw_a, register):
    case = old_case(register, cw_a, given_name="کیانوش", family_name="بهرامی", phone="09121112233")
    visible = cases_visible_to(cw_a)
    assert case in search_cases(visible, "کیانوش بهرامی")
    case_anonymise(case_id=case.pk, today=TODAY, rule=RULE)
    for term in ("کیانوش", "بهرامی", "کیانوش بهرامی", "حسن", "09121112233"):
        assert case not in search_cases(visible, term)
    assert case in search_cases(visible, case.case_number)


def test_an_anonymised_case_cannot_be_put_under_legal_hold(cw_a, mgr_a, register):
    case = old_case(register, cw_a)
    case_anonymise(case_id=case.pk, today=TODAY, rule=RULE)
    case.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        case_legal_hold_set(by=mgr_a, case=case, hold=True, reason="x")
    assert refused.value.code == "anonymised"


def test_the_case_page_offers_the_legal_hold_to_a_manager_only(cw_a, mgr_a, register, client_as):
    case = old_case(register, cw_a)
    url = reverse("children:case_detail", args=[case.pk])
    assert 'data-testid="legal-hold-form"' in client_as(mgr_a).get(url).content.decode()
    assert 'data-testid="legal-hold-form"' not in client_as(cw_a).get(url).content.decode()


def test_an_anonymised_case_page_says_so_and_offers_no_hold(cw_a, mgr_a, register, client_as):
    case = old_case(register, cw_a, given_name="کیانوش")
    case_anonymise(case_id=case.pk, today=TODAY, rule=RULE)
    page = client_as(mgr_a).get(reverse("children:case_detail", args=[case.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="case-anonymised"' in html and "کیانوش" not in html
    assert 'data-testid="legal-hold-form"' not in html


def test_old_encounters_lose_their_observations_and_keep_place_date_and_counts(
    cw_a, org_a, register
):
    def met_on(day, **extra):
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        return EncounterFactory(
            organisation=org_a,
            caseworker=cw_a,
            occurred_at=moment,
            observations="پسری به نام علی با پدرش گل می‌فروخت",
            anon_male_6_11=2,
            **extra,
        )

    old = met_on(years_after(TODAY, -5) - datetime.timedelta(days=1))
    young = met_on(years_after(TODAY, -5))
    held = met_on(datetime.date(2020, 1, 1))
    held_child = register(cw_a)
    Case.objects.filter(pk=held_child.pk).update(legal_hold=True, legal_hold_reason="دادگاه")
    held.children.through.objects.create(encounter=held, case=held_child)

    assert encounter_observations_clear(today=TODAY, dry_run=True) == 1
    assert encounter_observations_clear(today=TODAY) == 1
    for encounter in (old, young, held):
        encounter.refresh_from_db()
    assert old.observations == "" and old.hotspot and old.anon_male_6_11 == 2
    assert young.observations and held.observations
