"""Is this child already registered? Scoring, cross-organisation privacy, and linking."""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse

from children.models import Case, CaseLink, TimelineEntry
from children.models.choices import Documentation, Sex
from children.selectors import duplicates
from children.selectors.duplicates import (
    CLOSE_NAME,
    LIKELY,
    Probe,
    _score,
    find_candidates,
    likely_duplicates,
    likely_duplicates_of_case,
)
from core.jalali import format_date
from core.models import AuditEvent
from core.persian import to_persian_digits
from tests.factories import province

from .conftest import by_testid, identity, registration_post

# --- Scoring, without the database ------------------------------------------------------------


def _probe(**overrides):
    values = {
        "name": "علی رضایی",
        "compact_name": "علیرضایی",
        "father": "حسن",
        "sex": Sex.MALE,
        "birth_year": 2014,
        "id_number": "",
        "province_id": None,
    }
    values.update(overrides)
    return Probe(**values)


def _stored(**overrides):
    """What find_candidates hands to _score: a case with its similarity annotations."""
    values = {
        "id_number": "",
        "search_compact": "علیرضایی",
        "search_father": "حسن",
        "birth_year": 2014,
        "sex": Sex.MALE,
        "province_id": None,
        "name_similarity": 1.0,
        "father_similarity": 1.0,
    }
    values.update(overrides)
    return SimpleNamespace(**values)


def test_same_id_number_alone_is_a_likely_duplicate():
    probe = _probe(name="", compact_name="", father="", birth_year=None, id_number="12345678")
    stored = _stored(search_compact="زهرامحمدی", search_father="رضا", name_similarity=0)

    candidate = _score(probe, _stored(**{**vars(stored), "id_number": "۱۲۳۴۵۶۷۸"}))

    assert candidate.is_likely
    assert "id_number" in candidate.reasons


def test_same_name_father_and_birth_year_is_a_likely_duplicate():
    candidate = _score(_probe(), _stored())

    assert candidate.is_likely
    assert {"name", "father_name", "birth_year"} <= set(candidate.reasons)


@pytest.mark.parametrize("gap", [-1, 1])
def test_birth_year_one_apart_still_counts(gap):
    candidate = _score(_probe(birth_year=2014 + gap), _stored())

    assert candidate.is_likely
    assert "birth_year" in candidate.reasons


def test_a_different_sex_lowers_the_score_below_the_threshold():
    same = _score(_probe(), _stored())

    different = _score(_probe(sex=Sex.FEMALE), _stored())

    assert different.score < LIKELY <= same.score
    assert not different.is_likely


def test_birth_years_far_apart_lower_the_score():
    close = _score(_probe(), _stored())

    far = _score(_probe(birth_year=2008), _stored())

    assert far.score < close.score - 10
    assert "birth_year" not in far.reasons


def test_a_common_first_name_alone_is_not_a_likely_duplicate():
    candidate = _score(
        _probe(compact_name="علیکریمی", father="محمود", birth_year=2010),
        _stored(name_similarity=0.45, father_similarity=0.0),
    )

    assert not candidate.is_likely


def test_without_a_fathers_name_only_a_close_name_can_be_likely():
    """find_candidates looks only at names at least CLOSE_NAME similar when no father's name is
    typed: a less similar name must not reach LIKELY even with every other point."""
    probe = _probe(father="", compact_name="علیکریمی", province_id=1)

    below = _score(probe, _stored(name_similarity=CLOSE_NAME - 0.001, province_id=1))
    close = _score(probe, _stored(name_similarity=0.74, province_id=1))

    assert not below.is_likely
    assert close.is_likely


def test_probe_from_form_data_normalises_spelling_and_digits(db):
    probe = Probe.from_data(
        identity(
            given_name="محمد\u200cرضا",
            family_name="كريمي",
            father_name="علي",
            id_number="۱۲۳۴۵۶۷۸",
            birth_date=datetime.date(2013, 3, 1),
        )
    )

    assert probe.compact_name == "محمدرضاکریمی"
    assert probe.father == "علی"
    assert probe.id_number == "12345678"
    assert probe.birth_year == 2013


# --- Finding candidates in the database -------------------------------------------------------


def test_the_same_id_number_is_found_whatever_the_name(register, cw_b):
    stored = register(cw_b, given_name="زهرا", family_name="محمدی", id_number="99887766")

    found = likely_duplicates(
        identity(given_name="کاوه", family_name="نادری", id_number="99887766")
    )

    assert [c.case.pk for c in found] == [stored.pk]


@pytest.mark.parametrize(
    ("stored_name", "typed_name"),
    [
        pytest.param("علی", "علي", id="arabic-yeh"),
        pytest.param("محمد\u200cرضا", "محمدرضا", id="zwnj-vs-joined"),
        pytest.param("محمدرضا", "محمد رضا", id="joined-vs-space"),
        pytest.param("محمد رضا", "محمد\u200cرضا", id="space-vs-zwnj"),
    ],
)
def test_spelling_variants_of_the_same_name_are_likely_duplicates(
    register, cw_b, stored_name, typed_name
):
    stored = register(cw_b, given_name=stored_name, father_name="حسن")

    found = likely_duplicates(identity(given_name=typed_name, father_name="حسن"))

    assert [c.case.pk for c in found] == [stored.pk]


def test_same_name_and_father_with_a_birth_year_one_apart_is_likely(register, cw_b):
    stored = register(cw_b, birth_date=datetime.date(2014, 5, 1))

    found = likely_duplicates(identity(birth_date=datetime.date(2015, 2, 1)))

    assert [c.case.pk for c in found] == [stored.pk]


def test_same_name_of_the_other_sex_is_not_likely(register, cw_b):
    register(cw_b, given_name="نرگس", sex=Sex.FEMALE)

    assert likely_duplicates(identity(given_name="نرگس", sex=Sex.MALE)) == []


def test_a_child_registered_without_a_fathers_name_is_found_when_it_is_typed(register, cw_b):
    stored = register(cw_b, father_name="")

    found = likely_duplicates(identity(father_name="حسن"))

    assert [c.case.pk for c in found] == [stored.pk]


def test_without_a_fathers_name_a_misspelled_name_is_still_found(register, cw_b):
    stored = register(cw_b, given_name="ذبیح‌الله", family_name="تاجیک", father_name="")

    found = likely_duplicates(identity(given_name="ذبیح‌اله", family_name="تاجیک", father_name=""))

    assert [c.case.pk for c in found] == [stored.pk]


def test_the_stricter_threshold_does_not_outlive_the_check(register, cw_b):
    from django.db import connection

    register(cw_b, father_name="")

    likely_duplicates(identity(father_name=""))

    with connection.cursor() as cursor:
        cursor.execute("SHOW pg_trgm.similarity_threshold")
        assert cursor.fetchone()[0] == "0.3"


def test_the_fathers_name_narrows_candidates_with_the_same_name(register, cw_b):
    same_father = register(cw_b, father_name="حسن")
    register(cw_b, father_name="بهرام")

    found = find_candidates(Probe.from_data(identity(father_name="حسن")))

    assert [c.case.pk for c in found] == [same_father.pk]


def test_unrelated_children_are_not_candidates(register, cw_b):
    register(cw_b, given_name="زهرا", family_name="محمدی", father_name="رضا", sex=Sex.FEMALE)

    assert find_candidates(Probe.from_data(identity(given_name="کاوه", family_name="نادری"))) == []


def test_children_of_the_other_sex_do_not_crowd_out_a_likely_duplicate(register, cw_b, monkeypatch):
    monkeypatch.setattr(duplicates, "CANDIDATE_LIMIT", 2)
    boy = register(cw_b, father_name="")
    for _ in range(2):  # newer, and the same name: they came first among the candidates
        register(cw_b, father_name="", sex=Sex.FEMALE)

    found = likely_duplicates(identity(father_name=""))

    assert [c.case.pk for c in found] == [boy.pk]


def test_without_a_father_the_newest_children_who_could_be_the_same_are_the_candidates(
    register, cw_b, monkeypatch
):
    monkeypatch.setattr(duplicates, "CANDIDATE_LIMIT", 2)
    register(cw_b, father_name="")
    older, newer = (register(cw_b, father_name="") for _ in range(2))
    register(cw_b, father_name="", birth_date=datetime.date(2004, 5, 1))  # ten years off

    found = find_candidates(Probe.from_data(identity(father_name="")))

    assert {c.case.pk for c in found} == {older.pk, newer.pk}


def test_a_case_is_not_its_own_duplicate(register, cw_a, cw_b):
    own = register(cw_a)
    elsewhere = register(cw_b)

    assert [c.case.pk for c in likely_duplicates_of_case(own)] == [elsewhere.pk]


# --- Registering a child another organisation already holds ------------------------------------

# B's record of a girl; A's caseworker types the same name but knows nothing else about her.
B_CHILD = {
    "given_name": "نرگس",
    "family_name": "افشاری",
    "father_name": "غلامحسین",
    "sex": Sex.FEMALE,
    "birth_date": datetime.date(2013, 3, 21),
    "documentation": Documentation.AMAYESH,
    "id_number": "40617283",
    "phone": "09357771122",
    "district": "۱۹",
    "city": "شهرری",
}


@pytest.fixture
def b_child(register, cw_b):
    return register(cw_b, **B_CHILD)


def _a_types_the_same_name(cw_a, **overrides):
    return registration_post(
        cw_a,
        given_name="نرگس",
        family_name="افشاری",
        father_name="",
        sex=Sex.FEMALE,
        birth_date="",
        estimated_age="۱۳",
        documentation=Documentation.UNDOCUMENTED,
        district="",
        **overrides,
    )


def _b_values(case):
    """Every way B's details could appear on a page."""
    values = [
        case.case_number,
        case.father_name,
        case.id_number,
        to_persian_digits(case.id_number),
        case.phone,
        to_persian_digits(case.phone),
        case.city,
        format_date(case.birth_date, "fa"),
        format_date(case.birth_date, "en"),
    ]
    return [value for value in values if value]


def test_a_duplicate_at_another_organisation_is_named_by_organisation_only(
    client_as, cw_a, b_child
):
    response = client_as(cw_a).post(reverse("children:case_register"), _a_types_the_same_name(cw_a))

    assert response.status_code == 200
    assert by_testid(response, "duplicate-warning")
    assert by_testid(response, "duplicate-organisation") == ["انجمن ب"]
    body = response.content.decode()
    for value in _b_values(b_child):
        assert value not in body, value
    assert Case.objects.count() == 1


def test_the_warning_keeps_what_was_typed_and_asks_to_confirm(client_as, cw_a, b_child):
    response = client_as(cw_a).post(reverse("children:case_register"), _a_types_the_same_name(cw_a))

    form = response.context["form"]
    assert form["given_name"].value() == "نرگس"
    assert form["confirm_not_duplicate"].value() == "on"


def test_confirming_a_different_child_registers_it(client_as, cw_a, org_a, b_child):
    response = client_as(cw_a).post(
        reverse("children:case_register"),
        _a_types_the_same_name(cw_a, confirm_not_duplicate="on"),
    )

    assert response.status_code == 302
    registered = Case.objects.get(organisation=org_a)
    assert registered.given_name == "نرگس"
    assert registered.father_name == ""


def test_a_duplicate_in_the_own_organisation_is_shown_with_its_details(client_as, cw_a, register):
    own = register(cw_a, **B_CHILD)

    response = client_as(cw_a).post(reverse("children:case_register"), _a_types_the_same_name(cw_a))

    warning = by_testid(response, "duplicate-warning")[0]
    assert own.case_number in warning
    assert own.father_name in warning
    assert by_testid(response, "duplicate-organisation") == []
    assert Case.objects.count() == 1


# --- Linking two organisations' records of the same child ----------------------------------------


@pytest.fixture
def same_child(register, cw_a, b_child):
    """A's own record of the child B already holds: same name, sex and birth year, no details."""
    return register(
        cw_a,
        given_name="نرگس",
        family_name="افشاری",
        father_name="",
        sex=Sex.FEMALE,
        birth_date=None,
        estimated_age=13,
        province=province("tehran"),
    )


def test_duplicates_page_shows_the_other_organisation_and_an_ask_to_link_button(
    client_as, cw_a, same_child, b_child
):
    response = client_as(cw_a).get(reverse("children:case_duplicates", args=[same_child.pk]))

    assert response.status_code == 200
    (entry,) = by_testid(response, "duplicate-elsewhere")
    assert "انجمن ب" in entry
    request_url = reverse("children:case_link_request", args=[same_child.pk, b_child.pk])
    assert f'action="{request_url}"' in response.content.decode()
    body = response.content.decode()
    for value in _b_values(b_child):
        assert value not in body, value


def test_asking_to_link_creates_a_request_and_audits_it(client_as, cw_a, same_child, b_child):
    response = client_as(cw_a).post(
        reverse("children:case_link_request", args=[same_child.pk, b_child.pk])
    )

    assert response.status_code == 302
    link = CaseLink.objects.get()
    assert (link.requesting_case, link.target_case, link.state) == (
        same_child,
        b_child,
        CaseLink.State.REQUESTED,
    )
    assert link.requested_by == cw_a
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE,
        object_id=str(same_child.pk),
        detail__link_requested=link.pk,
    ).exists()


def test_asking_twice_creates_one_request(client_as, cw_a, same_child, b_child):
    client = client_as(cw_a)
    url = reverse("children:case_link_request", args=[same_child.pk, b_child.pk])

    client.post(url)
    client.post(url)

    assert CaseLink.objects.count() == 1
    page = client.get(reverse("children:case_duplicates", args=[same_child.pk]))
    assert f'action="{url}"' not in page.content.decode()


def test_asking_to_link_to_a_case_that_is_not_a_likely_match_is_not_found(
    client_as, cw_a, register, cw_b, same_child
):
    unrelated = register(cw_b, given_name="کاوه", family_name="نادری", father_name="بهرام")

    response = client_as(cw_a).post(
        reverse("children:case_link_request", args=[same_child.pk, unrelated.pk])
    )

    assert response.status_code == 404
    assert CaseLink.objects.count() == 0


def test_asking_to_link_to_a_missing_case_is_not_found(client_as, cw_a, same_child):
    response = client_as(cw_a).post(
        reverse("children:case_link_request", args=[same_child.pk, same_child.pk + 1000])
    )

    assert response.status_code == 404
    assert CaseLink.objects.count() == 0


def test_asking_to_link_two_cases_of_the_own_organisation_is_not_found(
    client_as, cw_a, register, same_child
):
    twin = register(cw_a, given_name="نرگس", family_name="افشاری", sex=Sex.FEMALE)

    response = client_as(cw_a).post(
        reverse("children:case_link_request", args=[same_child.pk, twin.pk])
    )

    assert response.status_code == 404
    assert CaseLink.objects.count() == 0


@pytest.fixture
def requested(client_as, cw_a, same_child, b_child):
    client_as(cw_a).post(reverse("children:case_link_request", args=[same_child.pk, b_child.pk]))
    return CaseLink.objects.get()


def _rename(user, first, last):
    user.first_name, user.last_name = first, last
    user.save()
    return f"{first} {last}"


def test_the_other_organisation_sees_the_request_without_the_requesters_details(
    client_as, cw_b, cw_a, same_child, b_child, requested
):
    requester = _rename(cw_a, "کیوان", "دلاوری")

    response = client_as(cw_b).get(reverse("children:case_detail", args=[b_child.pk]))

    (notice,) = by_testid(response, "link-request")
    assert "انجمن الف" in notice
    body = response.content.decode()
    assert same_child.case_number not in body
    assert requester not in body


def test_accepting_links_both_cases_with_a_timeline_entry_on_each(
    client_as, cw_b, same_child, b_child, requested
):
    response = client_as(cw_b).post(
        reverse("children:case_link_answer", args=[b_child.pk, requested.pk]), {"answer": "accept"}
    )

    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.state == CaseLink.State.ACCEPTED
    assert requested.answered_by == cw_b
    for case in (same_child, b_child):
        assert case.timeline.filter(kind=TimelineEntry.Kind.LINKED).count() == 1


def test_after_linking_each_side_sees_only_the_other_organisations_name(
    client_as, cw_a, cw_b, same_child, b_child, requested
):
    accepter = _rename(cw_b, "پرستو", "نیک‌نام")
    requester = _rename(cw_a, "کیوان", "دلاوری")
    client_as(cw_b).post(
        reverse("children:case_link_answer", args=[b_child.pk, requested.pk]), {"answer": "accept"}
    )

    a_page = client_as(cw_a).get(reverse("children:case_detail", args=[same_child.pk]))
    b_page = client_as(cw_b).get(reverse("children:case_detail", args=[b_child.pk]))

    a_body, b_body = a_page.content.decode(), b_page.content.decode()
    assert "انجمن ب" in a_body
    assert "انجمن الف" in b_body
    for value in _b_values(b_child):
        assert value not in a_body, value
    assert accepter not in a_body  # who accepted, at B, is not named to A
    assert same_child.case_number not in b_body
    assert requester not in b_body


def test_declining_links_nothing(client_as, cw_b, same_child, b_child, requested):
    client_as(cw_b).post(
        reverse("children:case_link_answer", args=[b_child.pk, requested.pk]), {"answer": "decline"}
    )

    requested.refresh_from_db()
    assert requested.state == CaseLink.State.DECLINED
    assert not TimelineEntry.objects.filter(kind=TimelineEntry.Kind.LINKED).exists()


def test_the_requester_cannot_answer_its_own_request(client_as, cw_a, same_child, requested):
    response = client_as(cw_a).post(
        reverse("children:case_link_answer", args=[same_child.pk, requested.pk]),
        {"answer": "accept"},
    )

    assert response.status_code == 404
    requested.refresh_from_db()
    assert requested.state == CaseLink.State.REQUESTED
