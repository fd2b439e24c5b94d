"""Registering a child: case numbers, the checks the form makes, and the audit trail (LG-01)."""

import datetime
import threading
import uuid

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from children import services
from children.models import Case, Consent, Encounter, TimelineEntry
from children.models.choices import ConsentScope, Documentation, Sex
from children.selectors.cases import case_timeline
from children.services.case_numbers import next_case_number
from core.jalali import to_jalali
from core.models import AuditEvent
from core.permissions import Role

from .conftest import CONSENT, field_errors, identity, registration_post

VALID_NATIONAL_ID = "0049370898"
BAD_CHECK_DIGIT = "0049370897"


def _year():
    return to_jalali(timezone.localdate()).year


def _post(client, data):
    return client.post(reverse("children:case_register"), data)


# --- Case numbers -----------------------------------------------------------------------------


def test_registration_numbers_cases_by_province_organisation_and_jalali_year(client_as, cw_a):
    client = client_as(cw_a)

    _post(client, registration_post(cw_a))
    _post(
        client,
        registration_post(
            cw_a, given_name="مریم", family_name="کریمی", father_name="احمد", sex=Sex.FEMALE
        ),
    )

    numbers = list(Case.objects.order_by("pk").values_list("case_number", flat=True))
    assert numbers == [f"TEH-NGOA-{_year()}-00001", f"TEH-NGOA-{_year()}-00002"]


def test_registration_leads_to_the_new_case_page(client_as, cw_a):
    response = _post(client_as(cw_a), registration_post(cw_a))

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("children:case_detail", args=[case.pk])


def test_each_organisation_counts_its_own_cases(register, cw_a, cw_b):
    register(cw_a)
    register(cw_a, given_name="مریم", sex=Sex.FEMALE)

    case_b = register(cw_b)

    # Organisation B's head office is in Razavi Khorasan.
    assert case_b.case_number == f"RKH-NGOB-{_year()}-00001"


def test_next_case_number_never_repeats_within_an_organisation_and_year(org_a):
    day = datetime.date(2026, 11, 28)  # 1405/09/07

    first = next_case_number(org_a, day)
    second = next_case_number(org_a, day)

    assert first == "TEH-NGOA-1405-00001"
    assert second == "TEH-NGOA-1405-00002"


def test_next_case_number_starts_again_in_a_new_jalali_year(org_a):
    next_case_number(org_a, datetime.date(2026, 3, 20))  # 1404/12/29, the last day of 1404

    assert next_case_number(org_a, datetime.date(2026, 3, 21)) == "TEH-NGOA-1405-00001"
    assert next_case_number(org_a, datetime.date(2026, 3, 19)) == "TEH-NGOA-1404-00002"


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_share_a_number(org_a):
    """The second transaction asks while the first still holds its number, uncommitted."""
    day = datetime.date(2026, 11, 28)
    numbers, errors = [], []
    first_has_number = threading.Event()

    def take(hold):
        try:
            with transaction.atomic():
                numbers.append(next_case_number(org_a, day))
                if hold:
                    first_has_number.set()
                    threading.Event().wait(0.5)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=take, args=(True,))
    second = threading.Thread(target=take, args=(False,))
    first.start()
    assert first_has_number.wait(5)
    second.start()
    first.join(10)
    second.join(10)

    assert errors == []
    assert sorted(numbers) == ["TEH-NGOA-1405-00001", "TEH-NGOA-1405-00002"]


# --- What the form refuses --------------------------------------------------------------------


@pytest.mark.parametrize(
    "scope",
    [
        pytest.param([ConsentScope.REFERRAL, ConsentScope.PHOTO], id="without-record"),
        pytest.param([], id="nothing-ticked"),
    ],
)
def test_registration_without_consent_to_keep_the_record_creates_nothing(client_as, cw_a, scope):
    response = _post(client_as(cw_a), registration_post(cw_a, consent_scope=scope))

    assert response.status_code == 200
    errors = field_errors(response, "consent_scope")
    assert errors == [str(e) for e in response.context["form"].errors["consent_scope"]]
    assert errors
    assert Case.objects.count() == Consent.objects.count() == 0


def test_national_id_with_a_bad_check_digit_is_refused_beside_the_field(client_as, cw_a):
    data = registration_post(
        cw_a, documentation=Documentation.NATIONAL_ID, id_number=BAD_CHECK_DIGIT
    )

    response = _post(client_as(cw_a), data)

    assert response.status_code == 200
    assert field_errors(response, "id_number") == [
        str(e) for e in response.context["form"].errors["id_number"]
    ]
    assert len(field_errors(response, "id_number")) == 1
    assert Case.objects.count() == 0


def test_national_id_documentation_without_a_number_is_refused(client_as, cw_a):
    data = registration_post(cw_a, documentation=Documentation.NATIONAL_ID, id_number="")

    response = _post(client_as(cw_a), data)

    assert field_errors(response, "id_number")
    assert Case.objects.count() == 0


@pytest.mark.parametrize("typed", ["۰۰۴۹۳۷۰۸۹۸", "۰۰۴-۹۳۷۰۸۹-۸", "0049370898"])
def test_persian_digits_are_accepted_in_national_id_and_jalali_birth_date(client_as, cw_a, typed):
    data = registration_post(
        cw_a, documentation=Documentation.NATIONAL_ID, id_number=typed, birth_date="۱۳۹۳/۰۲/۱۱"
    )

    response = _post(client_as(cw_a), data)

    assert response.status_code == 302
    case = Case.objects.get()
    assert case.id_number == VALID_NATIONAL_ID
    assert case.birth_date == datetime.date(2014, 5, 1)
    assert case.birth_year == 2014


def test_estimated_age_in_persian_digits_is_kept_with_the_day_it_was_estimated(client_as, cw_a):
    data = registration_post(cw_a, birth_date="", estimated_age="۱۲")

    _post(client_as(cw_a), data)

    case = Case.objects.get()
    assert case.birth_date is None
    assert case.estimated_age == 12
    assert case.estimated_age_on == timezone.localdate()
    assert case.age() == 12


def test_missing_birth_date_and_estimated_age_is_refused(client_as, cw_a):
    response = _post(client_as(cw_a), registration_post(cw_a, birth_date="", estimated_age=""))

    assert response.status_code == 200
    assert field_errors(response, "estimated_age")
    assert Case.objects.count() == 0


def test_birth_date_in_the_future_is_refused(client_as, cw_a):
    tomorrow = to_jalali(timezone.localdate() + datetime.timedelta(days=1))

    response = _post(
        client_as(cw_a), registration_post(cw_a, birth_date=tomorrow.strftime("%Y/%m/%d"))
    )

    assert field_errors(response, "birth_date")
    assert Case.objects.count() == 0


def test_undocumented_child_keeps_no_id_number(client_as, cw_a):
    data = registration_post(cw_a, documentation=Documentation.UNDOCUMENTED, id_number="123456")

    _post(client_as(cw_a), data)

    assert Case.objects.get().id_number == ""


def test_registration_records_the_consent_and_a_timeline_entry(client_as, cw_a, cw_a2):
    data = registration_post(
        cw_a2, consent_scope=[ConsentScope.RECORD, ConsentScope.FOLLOW_UP], given_name="علي"
    )

    _post(client_as(cw_a), data)

    case = Case.objects.get()
    assert case.given_name == "علی"  # Arabic yeh is stored as Persian yeh
    assert case.assigned_to == cw_a2
    assert case.created_by == cw_a
    consent = case.current_consent()
    assert consent.scope == [ConsentScope.RECORD, ConsentScope.FOLLOW_UP]
    assert consent.given_on == timezone.localdate()
    assert consent.recorded_by == cw_a
    assert not case.timeline.exists()  # the registration line is read from the case
    (line,) = case_timeline(case)
    assert (line.kind, line.actor, line.at) == (
        TimelineEntry.Kind.REGISTERED,
        cw_a,
        case.created_at,
    )


# --- LG-01: registration and viewing are audited ---------------------------------------------


def test_registration_writes_a_create_audit_row_for_the_case(client_as, cw_a, org_a):
    response = _post(client_as(cw_a), registration_post(cw_a))

    case = Case.objects.get()
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="children.case")
    assert event.object_id == str(case.pk)
    assert event.actor == cw_a
    assert event.organisation == org_a
    assert event.role == Role.CASEWORKER
    assert event.ip_address == "127.0.0.1"
    assert event.request_id == uuid.UUID(response["X-Request-ID"])


def test_registration_fails_whole_when_the_audit_row_cannot_be_written(cw_a, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr("children.services.cases.audit.record", broken)

    with pytest.raises(RuntimeError):
        services.case_register(
            by=cw_a, organisation=cw_a.membership.organisation, data=identity(), consent=CONSENT
        )

    assert Case.objects.count() == Consent.objects.count() == TimelineEntry.objects.count() == 0


def test_audit_row_of_a_failed_registration_is_rolled_back_with_it(
    cw_a, log_encounter, monkeypatch
):
    encounter = log_encounter(cw_a, anonymous={("male", "6_11"): 1})
    audit_rows = AuditEvent.objects.count()

    def broken(*args, **kwargs):
        raise RuntimeError("failed after the audit row")

    monkeypatch.setattr("children.services.cases._link_registered_child", broken)

    with pytest.raises(RuntimeError):
        services.case_register(
            by=cw_a,
            organisation=cw_a.membership.organisation,
            data=identity(),
            consent=CONSENT,
            from_encounter=encounter,
        )

    assert Case.objects.count() == 0
    assert AuditEvent.objects.count() == audit_rows
    assert Encounter.objects.get().anon_male_6_11 == 1


def test_viewing_a_case_writes_a_view_audit_row(client_as, cw_a2, org_a, case_a):
    response = client_as(cw_a2).get(reverse("children:case_detail", args=[case_a.pk]))

    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert event.object_type == "children.case"
    assert event.object_id == str(case_a.pk)
    assert event.actor == cw_a2
    assert event.actor_username == "cw_a2"
    assert event.organisation == org_a
    assert event.role == Role.CASEWORKER
    assert event.ip_address == "127.0.0.1"
    assert event.request_id == uuid.UUID(response["X-Request-ID"])
    assert event.path == reverse("children:case_detail", args=[case_a.pk])


def test_each_view_of_a_case_is_a_new_audit_row(client_as, cw_a, mgr_a, case_a):
    url = reverse("children:case_detail", args=[case_a.pk])

    client_as(cw_a).get(url)
    client_as(mgr_a).get(url)

    viewers = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, object_id=str(case_a.pk))
    assert sorted(viewers.values_list("role", flat=True)) == [Role.CASEWORKER, Role.ORG_MANAGER]


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        pytest.param("case_edit_section", ["identity"], id="section-form"),
        pytest.param("case_duplicates", [], id="duplicates"),
    ],
)
def test_every_page_showing_the_case_is_audited_as_a_view(client_as, cw_a, case_a, name, extra):
    response = client_as(cw_a).get(reverse(f"children:{name}", args=[case_a.pk, *extra]))

    assert response.status_code == 200
    assert case_a.full_name in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_id=str(case_a.pk), actor=cw_a
    ).exists()


def test_phone_fields_open_the_telephone_keypad(client_as, cw_a):
    import re

    page = client_as(cw_a).get(reverse("children:case_register")).content.decode()
    tag = re.search(r'<input[^>]*name="phone"[^>]*>', page).group(0)
    assert 'type="tel"' in tag and 'inputmode="tel"' in tag and 'dir="ltr"' in tag
