"""Issue 20: numbered referral letters to agencies outside the system (docs/adr/0039): the number
per organisation and Jalali year, what consent allows the letter to say, download only for the
case's organisation, audited."""

import datetime

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from children import services
from children.models import ReferralLetter
from children.models.choices import ConsentScope
from children.services.letters import letter_create
from children.views.letters import letter_context
from core.models import AuditEvent

LETTER = {
    "recipient": "اداره کل بهزیستی استان تهران",
    "subject": "معرفی کودک برای دریافت خدمات حمایتی",
    "body": "خواهشمند است کودک را پذیرش فرمایید.",
    "attachments": "",
}
# 1405/09/15 in Tehran; Nowruz 1406 is 2027-03-21 (00:00 Tehran is 20:30 UTC the day before).
NOW = datetime.datetime(2026, 12, 6, 9, 0, tzinfo=datetime.UTC)
NOWRUZ = datetime.datetime(2027, 3, 20, 20, 30, tzinfo=datetime.UTC)


@pytest.fixture
def child(case_a):
    """A's child «علی رضایی», whose consent covers the record and referrals, not letters."""
    return case_a


def _name_to_outsiders(case):
    consent = case.consents.get()
    consent.scope = [*consent.scope, ConsentScope.EXTERNAL]
    consent.save()


def _html(letter, language="fa"):
    with translation.override(language):
        return render_to_string("children/referrals/letter_pdf.html", letter_context(letter))


def test_numbers_follow_the_organisation_and_the_jalali_year(cw_a, cw_b, child, case_b):
    with time_machine.travel(NOW, tick=False):
        first = letter_create(by=cw_a, case=child, data=LETTER)
        second = letter_create(by=cw_a, case=child, data=LETTER)
        other = letter_create(by=cw_b, case=case_b, data=LETTER)
    with time_machine.travel(NOWRUZ - datetime.timedelta(seconds=1), tick=False):
        last_of_1405 = letter_create(by=cw_a, case=child, data=LETTER)
    with time_machine.travel(NOWRUZ, tick=False):
        first_of_1406 = letter_create(by=cw_a, case=child, data=LETTER)
    code_a = child.organisation.code
    assert [first.number, second.number, last_of_1405.number, first_of_1406.number] == [
        f"{code_a}-1405-0001",
        f"{code_a}-1405-0002",
        f"{code_a}-1405-0003",
        f"{code_a}-1406-0001",
    ]
    assert other.number == f"{case_b.organisation.code}-1405-0001"


def test_without_consent_the_letter_leaves_the_child_unnamed_and_says_so(cw_a, child):
    letter = letter_create(by=cw_a, case=child, data=LETTER)
    for language in ("fa", "en"):
        html = _html(letter, language)
        for secret in ("علی", "رضایی", "حسن", child.case_number):
            assert secret not in html
        assert 'data-identified="no"' in html
    assert "are left out of this letter" in _html(letter, "en")


def test_with_consent_for_outside_agencies_the_letter_names_the_child(cw_a, child):
    _name_to_outsiders(child)
    letter = letter_create(by=cw_a, case=child, data=LETTER)
    html = _html(letter, "en")
    assert 'data-identified="yes"' in html
    assert "علی رضایی" in html and child.case_number in html
    assert "are left out" not in html


def test_a_withdrawn_consent_unnames_a_letter_written_before(cw_a, child):
    _name_to_outsiders(child)
    letter = letter_create(by=cw_a, case=child, data=LETTER)
    services.consent_withdraw(by=cw_a, consent=child.consents.get(), reason="خانواده نخواست")
    assert "علی رضایی" not in _html(letter)


def test_the_english_letter_is_left_to_right_and_the_persian_right_to_left(cw_a, child):
    letter = letter_create(by=cw_a, case=child, data=LETTER)
    assert 'dir="rtl"' in _html(letter, "fa") and "بسمه تعالی" in _html(letter, "fa")
    assert 'dir="ltr"' in _html(letter, "en") and "بسمه تعالی" not in _html(letter, "en")


def test_writing_a_letter_on_the_page_and_downloading_it(client_as, cw_a, child):
    client = client_as(cw_a)
    url = reverse("children:letter_create", args=[child.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, LETTER)
    assert response.status_code == 302
    letter = ReferralLetter.objects.get()
    page = client.get(reverse("children:case_detail", args=[child.pk])).content.decode()
    assert letter.number in page
    pdf = client.get(reverse("children:letter_pdf", args=[child.pk, letter.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.PRINT, object_id=str(child.pk), detail__number=letter.number
    ).exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, object_id=str(child.pk), detail__number=letter.number
    ).exists()


def test_missing_fields_are_shown_beside_them_and_nothing_is_numbered(client_as, cw_a, child):
    response = client_as(cw_a).post(
        reverse("children:letter_create", args=[child.pk]), {**LETTER, "recipient": " "}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["recipient"]
    assert not ReferralLetter.objects.exists()


@pytest.mark.parametrize("who", ["cw_b", "mgr_b", "min_officer", "adm"])
def test_only_the_cases_organisation_reaches_its_letters(client_as, request, cw_a, child, who):
    letter = letter_create(by=cw_a, case=child, data=LETTER)
    client = client_as(request.getfixturevalue(who))
    assert client.get(reverse("children:letter_create", args=[child.pk])).status_code == 404
    assert (
        client.post(reverse("children:letter_create", args=[child.pk]), LETTER).status_code == 404
    )
    pdf = client.get(reverse("children:letter_pdf", args=[child.pk, letter.pk]))
    assert pdf.status_code == 404
    assert ReferralLetter.objects.count() == 1


def test_a_letter_is_not_reached_through_another_case(client_as, cw_a, child, register):
    letter = letter_create(by=cw_a, case=child, data=LETTER)
    other = register(cw_a, given_name="مریم")
    response = client_as(cw_a).get(reverse("children:letter_pdf", args=[other.pk, letter.pk]))
    assert response.status_code == 404
