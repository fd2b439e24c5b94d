"""Street outreach: logging encounters, filtering them, hotspots, registering a child met."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from children.models import Case, Encounter, EncounterChild, TimelineEntry
from children.models.choices import Sex
from core.models import AuditEvent
from core.persian import compact
from tests.factories import province

from .conftest import by_testid, encounter_post, field_errors, jalali, registration_post


def _days_ago(days, hour=12):
    day = timezone.localdate() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


# --- Logging an encounter ---------------------------------------------------------------------


@pytest.fixture
def logged(client_as, cw_a, case_a):
    """CW-A logs yesterday's visit: a registered child met and four children counted."""
    data = encounter_post(
        date=jalali(timezone.localdate() - datetime.timedelta(days=1)),
        time="10:30",
        hotspot="چهارراه ولیعصر",
        anon_male_6_11="۳",
        anon_female_12_14="۱",
        cases=[case_a.pk],
        follow_up_needed="on",
    )
    response = client_as(cw_a).post(reverse("children:encounter_create"), data)
    return response, Encounter.objects.get()


def test_logging_an_encounter_saves_place_time_and_counts(logged, cw_a, org_a):
    response, encounter = logged

    assert response.status_code == 302
    assert response["Location"] == reverse("children:encounter_detail", args=[encounter.pk])
    assert encounter.organisation == org_a
    assert encounter.caseworker == cw_a
    local = timezone.localtime(encounter.occurred_at)
    assert (local.date(), local.hour, local.minute) == (
        timezone.localdate() - datetime.timedelta(days=1),
        10,
        30,
    )
    assert encounter.hotspot == "چهارراه ولیعصر"
    assert encounter.anon_male_6_11 == 3
    assert encounter.anon_female_12_14 == 1
    assert encounter.anonymous_total == 4
    assert encounter.follow_up_needed is True


def test_logging_an_encounter_links_the_child_met_and_adds_to_its_timeline(logged, case_a, cw_a):
    _response, encounter = logged

    assert list(encounter.children.all()) == [case_a]
    entry = case_a.timeline.get(kind=TimelineEntry.Kind.ENCOUNTER)
    assert entry.actor == cw_a
    assert entry.detail == {"encounter": encounter.pk, "hotspot": "چهارراه ولیعصر"}


def test_logging_an_encounter_is_audited_for_the_encounter_and_the_child(logged, case_a, cw_a):
    _response, encounter = logged

    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE,
        object_type="children.encounter",
        object_id=str(encounter.pk),
        actor=cw_a,
    ).exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE,
        object_type="children.case",
        object_id=str(case_a.pk),
        detail__encounter=encounter.pk,
    ).exists()


def test_the_encounter_page_shows_the_counts_and_the_child(logged, client_as, cw_a, case_a):
    _response, encounter = logged

    response = client_as(cw_a).get(reverse("children:encounter_detail", args=[encounter.pk]))

    table = by_testid(response, "anonymous-table")[0]
    assert "۳" in table and "۱" in table
    assert case_a.case_number in response.content.decode()
    register_link = by_testid(response, "register-from-male-6_11")
    assert register_link


def test_a_time_typed_with_persian_digits_is_accepted(client_as, cw_a):
    response = client_as(cw_a).post(
        reverse("children:encounter_create"), encounter_post(time="۱۰:۳۰")
    )

    assert response.status_code == 302
    assert timezone.localtime(Encounter.objects.get().occurred_at).hour == 10


def test_an_encounter_in_the_future_is_refused_beside_the_date(client_as, cw_a):
    tomorrow = jalali(timezone.localdate() + datetime.timedelta(days=1))

    response = client_as(cw_a).post(
        reverse("children:encounter_create"), encounter_post(date=tomorrow)
    )

    assert response.status_code == 200
    assert field_errors(response, "date")
    assert Encounter.objects.count() == 0


def test_a_negative_count_is_refused_beside_its_cell(client_as, cw_a):
    response = client_as(cw_a).post(
        reverse("children:encounter_create"), encounter_post(anon_female_under6="-۱")
    )

    assert field_errors(response, "anon_female_under6")
    assert Encounter.objects.count() == 0


# --- The encounter list and its filters -----------------------------------------------------


@pytest.fixture
def three_encounters(cw_a, cw_a2, log_encounter):
    return {
        "enghelab": log_encounter(
            cw_a,
            occurred_at=_days_ago(10),
            hotspot="میدان انقلاب",
            district="۱۲",
            activity="regular_visit",
        ),
        "vanak": log_encounter(
            cw_a2,
            occurred_at=_days_ago(3),
            hotspot="میدان ونک",
            district="۶",
            activity="first_contact",
        ),
        "haram": log_encounter(
            cw_a,
            occurred_at=_days_ago(1),
            hotspot="حرم",
            province=province("razavi-khorasan"),
            city="مشهد",
            district="",
            activity="emergency",
        ),
    }


def _listed(client, **params):
    response = client.get(reverse("children:encounter_list"), params)
    assert response.status_code == 200
    return {encounter.hotspot for encounter in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({}, {"میدان انقلاب", "میدان ونک", "حرم"}, id="all"),
        pytest.param({"date_from": 5}, {"میدان ونک", "حرم"}, id="from"),
        pytest.param({"date_to": 5}, {"میدان انقلاب"}, id="to"),
        pytest.param({"date_from": 4, "date_to": 2}, {"میدان ونک"}, id="range"),
        pytest.param({"date_from": 3, "date_to": 3}, {"میدان ونک"}, id="one-day"),
        pytest.param({"activity": "emergency"}, {"حرم"}, id="activity"),
        pytest.param({"district": "۱۲"}, {"میدان انقلاب"}, id="district"),
    ],
)
def test_encounter_list_filters(client_as, cw_a, three_encounters, params, expected):
    query = {
        key: jalali(timezone.localdate() - datetime.timedelta(days=value))
        if key.startswith("date")
        else value
        for key, value in params.items()
    }

    assert _listed(client_as(cw_a), **query) == expected


def test_encounter_list_filters_by_province(client_as, cw_a, three_encounters):
    assert _listed(client_as(cw_a), province=province("razavi-khorasan").pk) == {"حرم"}


def test_encounter_list_filters_by_caseworker(client_as, cw_a, cw_a2, three_encounters):
    assert _listed(client_as(cw_a), caseworker=cw_a2.pk) == {"میدان ونک"}


def test_encounter_list_reads_dates_typed_with_latin_digits(client_as, cw_a, three_encounters):
    day = timezone.localdate() - datetime.timedelta(days=3)
    from core.jalali import to_jalali

    typed = to_jalali(day).strftime("%Y/%m/%d")

    assert _listed(client_as(cw_a), date_from=typed, date_to=typed) == {"میدان ونک"}


def test_district_filter_matches_persian_and_latin_digits(client_as, cw_a, three_encounters):
    assert _listed(client_as(cw_a), district="6") == {"میدان ونک"}


# --- Hotspots -------------------------------------------------------------------------------


def _rows(client, **params):
    response = client.get(reverse("children:hotspots"), params)
    assert response.status_code == 200
    return [
        (row["hotspot_key"], row["encounters"], row["anonymous"], row["registered"])
        for row in response.context["rows"]
    ]


def test_hotspot_summary_groups_spelling_variants_as_one_place(
    client_as, cw_a, register, log_encounter
):
    first, second = register(cw_a), register(cw_a, given_name="زهرا", sex=Sex.FEMALE)
    log_encounter(cw_a, hotspot="چهارراه وليعصر", cases=[first], anonymous={("male", "6_11"): 2})
    log_encounter(
        cw_a, hotspot="چهارراه ولیعصر", cases=[first, second], anonymous={("female", "12_14"): 3}
    )
    log_encounter(cw_a, hotspot="چهارراهِ ولیعصر")  # with a kasra
    log_encounter(cw_a, hotspot="میدان آزادی", anonymous={("male", "15_17"): 1})
    log_encounter(cw_a, hotspot="ميدان ازادی")

    rows = _rows(client_as(cw_a))

    assert rows == [
        (compact("چهارراه ولیعصر"), 3, 5, 2),
        (compact("میدان ازادی"), 2, 1, 0),
    ]


def test_hotspot_summary_follows_the_encounter_filters(client_as, cw_a, three_encounters):
    rows = _rows(client_as(cw_a), province=province("razavi-khorasan").pk)

    assert rows == [(compact("حرم"), 1, 0, 0)]


def test_hotspot_page_shows_the_hotspot_as_typed(client_as, cw_a, log_encounter):
    log_encounter(cw_a, hotspot="چهارراه ولیعصر", anonymous={("male", "6_11"): 4})

    response = client_as(cw_a).get(reverse("children:hotspots"))

    (table,) = by_testid(response, "hotspot-table")
    assert "چهارراه ولیعصر" in table
    assert "۴" in table


def test_hotspot_summary_groups_names_written_with_or_without_a_space(
    client_as, cw_a, log_encounter
):
    log_encounter(cw_a, hotspot="چهارراه ولیعصر")
    log_encounter(cw_a, hotspot="چهار راه وليعصر")

    assert len(_rows(client_as(cw_a))) == 1


def test_hotspot_registered_children_are_counted_per_place(client_as, cw_a, case_a, log_encounter):
    log_encounter(cw_a, hotspot="میدان امام", cases=[case_a])
    log_encounter(
        cw_a, hotspot="میدان امام", province=province("razavi-khorasan"), city="مشهد", district=""
    )

    response = client_as(cw_a).get(reverse("children:hotspots"))

    registered = {row["city"]: row["registered"] for row in response.context["rows"]}
    assert registered == {"تهران": 1, "مشهد": 0}


# --- Registering a child counted in an encounter --------------------------------------------


@pytest.fixture
def counted(cw_a, log_encounter):
    """Yesterday CW-A counted two boys aged 6-11 and one girl aged 12-14 at Vali-Asr."""
    return log_encounter(
        cw_a,
        occurred_at=_days_ago(1),
        anonymous={("male", "6_11"): 2, ("female", "12_14"): 1},
    )


def _register_url(encounter, **params):
    query = "&".join(
        f"{key}={value}" for key, value in {"encounter": encounter.pk, **params}.items()
    )
    return reverse("children:case_register") + "?" + query


def test_registration_from_an_encounter_starts_from_its_place_and_the_sex(client_as, cw_a, counted):
    response = client_as(cw_a).get(_register_url(counted, sex="male"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form["sex"].value() == "male"
    assert form["province"].value() == counted.province_id
    assert form["city"].value() == counted.city
    assert f'name="encounter" value="{counted.pk}"' in response.content.decode()


def test_registering_a_counted_child_links_the_case_and_takes_one_off_the_count(
    client_as, cw_a, counted
):
    data = registration_post(cw_a, encounter=counted.pk, birth_date="", estimated_age="۹")

    response = client_as(cw_a).post(_register_url(counted, sex="male"), data)

    assert response.status_code == 302
    case = Case.objects.get()
    link = EncounterChild.objects.get()
    assert (link.encounter, link.case, link.registered_from_encounter) == (counted, case, True)
    counted.refresh_from_db()
    assert counted.anon_male_6_11 == 1
    assert counted.anon_female_12_14 == 1
    assert case.timeline.filter(kind=TimelineEntry.Kind.ENCOUNTER).exists()


def test_registering_from_an_encounter_by_the_posted_field_alone_also_links(
    client_as, cw_a, counted
):
    data = registration_post(cw_a, encounter=counted.pk, birth_date="", estimated_age="۹")

    client_as(cw_a).post(reverse("children:case_register"), data)

    counted.refresh_from_db()
    assert counted.anon_male_6_11 == 1
    assert EncounterChild.objects.get().registered_from_encounter is True


def test_the_count_never_goes_below_zero(client_as, cw_a, counted):
    # A 15-year-old boy: that cell of the count is already 0.
    data = registration_post(cw_a, encounter=counted.pk, birth_date="", estimated_age="۱۵")

    client_as(cw_a).post(_register_url(counted, sex="male"), data)

    counted.refresh_from_db()
    assert counted.anon_male_15_17 == 0
    assert (counted.anon_male_6_11, counted.anon_female_12_14) == (2, 1)
    assert EncounterChild.objects.get().registered_from_encounter is True


def test_another_organisation_cannot_register_into_the_encounter(client_as, cw_b, counted):
    client = client_as(cw_b)

    page = client.get(_register_url(counted, sex="male"))
    post = client.post(
        _register_url(counted, sex="male"),
        registration_post(cw_b, encounter=counted.pk, birth_date="", estimated_age="۹"),
    )

    assert page.status_code == post.status_code == 404
    assert Case.objects.count() == 0
    counted.refresh_from_db()
    assert counted.anon_male_6_11 == 2
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.ACCESS_DENIED,
            actor=cw_b,
            object_type="children.encounter",
            object_id=str(counted.pk),
        ).count()
        == 2
    )


def test_every_count_input_of_the_encounter_form_names_its_sex_and_age(client_as, cw_a):
    """axe found the eight count inputs unlabelled: the grid's headers are not labels."""
    import re

    page = client_as(cw_a).get(reverse("children:encounter_create")).content.decode()
    inputs = re.findall(r"<input[^>]*name=\"anon_[^\"]+\"[^>]*>", page)

    assert len(inputs) == 8
    assert all(re.search(r'aria-label="[^"]+، [^"]+"', tag) for tag in inputs), inputs
