"""The Labour Law rules (children/labour_law.py) at each boundary, and the stored flags kept by
the services, the daily recheck and the case list's filter (docs/adr/0035)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from children import labour_law, services
from children.models import Case, SchoolStatusChange
from children.models.choices import Hazard, LabourFlag, SchoolStatus, WorkType
from children.services.labour import labour_flags_recheck_due, labour_flags_refresh

UNDER_15 = LabourFlag.UNDER_15.value
HAZARDOUS = LabourFlag.HAZARDOUS.value
HOURS = LabourFlag.YOUNG_WORKER_HOURS.value


def flags(age, work_type=WorkType.STREET_VENDING, hours=None, hazards=()):
    return labour_law.flags(age=age, work_type=work_type, hours_per_week=hours, hazards=hazards)


# --- Article 79: under 15 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "expected"),
    [(6, [UNDER_15]), (14, [UNDER_15]), (15, []), (17, []), (18, []), (None, [])],
)
def test_working_under_15_boundary(age, expected):
    assert flags(age) == expected


def test_not_working_raises_no_flag():
    assert flags(12, work_type=WorkType.NONE, hours=30) == []
    assert flags(12, work_type="", hours=None) == []
    # Hours without a type of work are work.
    assert flags(12, work_type="", hours=10) == [UNDER_15]


# --- Articles 83 and 84: harmful work under 18 --------------------------------------------------


@pytest.mark.parametrize(
    ("age", "expected"),
    [(14, [UNDER_15, HAZARDOUS]), (15, [HAZARDOUS]), (17, [HAZARDOUS]), (18, []), (None, [])],
)
def test_harmful_hazard_barred_under_18(age, expected):
    assert flags(age, hazards=[Hazard.CHEMICALS]) == expected


def test_harmful_work_type_is_hazardous():
    assert flags(16, work_type=WorkType.WASTE_PICKING) == [HAZARDOUS]
    assert flags(16, work_type=WorkType.PORTERING) == [HAZARDOUS]


def test_hazards_the_law_does_not_name_raise_no_flag():
    assert flags(16, hazards=[Hazard.TRAFFIC, Hazard.WEATHER, Hazard.VIOLENCE]) == []


# --- Articles 82 and 83: young workers' hours and night work ------------------------------------


@pytest.mark.parametrize(
    ("age", "hours", "expected"),
    [
        (16, labour_law.YOUNG_WORKER_HOURS_PER_WEEK, []),  # exactly at the limit: lawful
        (16, labour_law.YOUNG_WORKER_HOURS_PER_WEEK + 1, [HOURS]),
        (15, 60, [HOURS]),
        (17, 60, [HOURS]),
        (18, 60, []),
        (14, 60, [UNDER_15]),  # barred altogether, not a young worker
        (None, 60, []),
    ],
)
def test_young_worker_hours_boundary(age, hours, expected):
    assert flags(age, hours=hours) == expected


def test_limit_is_half_an_hour_a_day_under_the_adult_week():
    assert labour_law.YOUNG_WORKER_HOURS_PER_WEEK == 41


@pytest.mark.parametrize(
    ("age", "expected"), [(14, [UNDER_15]), (15, [HOURS]), (17, [HOURS]), (18, [])]
)
def test_night_work_barred_for_young_workers(age, expected):
    assert flags(age, hazards=[Hazard.NIGHT_WORK]) == expected


def test_findings_give_the_reason_and_the_article_in_both_languages():
    with translation.override("en"):
        (finding,) = labour_law.findings(
            age=16, work_type=WorkType.WORKSHOP, hours_per_week=50, hazards=[Hazard.NIGHT_WORK]
        )
        assert "Article" in str(finding.article)
        assert "night" in finding.reason and "50" in finding.reason
    with translation.override("fa"):
        (finding,) = labour_law.findings(
            age=12, work_type=WorkType.WORKSHOP, hours_per_week=None, hazards=[]
        )
        assert "۷۹" in str(finding.article) or "79" in str(finding.article)


# --- Age: the product's own rule, and the day the flags change ----------------------------------


def test_age_on_birthday_is_the_boundary():
    born = datetime.date(2011, 6, 10)
    day_before = datetime.date(2026, 6, 9)
    birthday = datetime.date(2026, 6, 10)
    args = {"birth_date": born, "estimated_age": None, "estimated_age_on": None}
    assert labour_law.age_on(**args, on=day_before) == 14
    assert labour_law.age_on(**args, on=birthday) == 15
    assert labour_law.next_age_line(**args, on=day_before) == birthday
    assert labour_law.next_age_line(**args, on=birthday) == datetime.date(2029, 6, 10)
    assert labour_law.next_age_line(**args, on=datetime.date(2029, 6, 10)) is None


def test_estimated_age_ages_as_the_case_does():
    since = datetime.date(2025, 1, 1)
    args = {"birth_date": None, "estimated_age": 14, "estimated_age_on": since}
    line = labour_law.next_age_line(**args, on=since)
    assert labour_law.age_on(**args, on=line) == 15
    assert labour_law.age_on(**args, on=line - datetime.timedelta(days=1)) == 14


def test_born_on_29_february_turns_15_on_1_march():
    args = {
        "birth_date": datetime.date(2012, 2, 29),
        "estimated_age": None,
        "estimated_age_on": None,
    }
    assert labour_law.next_age_line(**args, on=datetime.date(2026, 1, 1)) == datetime.date(
        2027, 3, 1
    )


# --- Stored on the case by the services ---------------------------------------------------------


@pytest.mark.django_db
def test_registration_and_section_save_store_the_flags(cw_a, register):
    case = register(cw_a, birth_date=datetime.date(2014, 5, 1))
    assert case.labour_flags == []
    case = services.case_update(
        by=cw_a,
        case=case,
        data={"work_type": WorkType.WASTE_PICKING, "work_hours_per_week": 30, "hazards": []},
        expected_version=case.version,
        section="work",
    )
    assert case.labour_flags == [UNDER_15, HAZARDOUS]
    assert case.labour_flags_recheck_on == datetime.date(2029, 5, 1)
    case = services.case_update(
        by=cw_a,
        case=case,
        data={"work_type": WorkType.NONE},
        expected_version=case.version,
        section="work",
    )
    assert case.labour_flags == []


@pytest.mark.django_db
def test_daily_recheck_moves_a_child_who_turned_15(cw_a, register):
    turns_15 = timezone.localdate() + datetime.timedelta(days=10)
    born = turns_15.replace(year=turns_15.year - 15, day=min(turns_15.day, 28))
    turns_15 = born.replace(year=born.year + 15)
    case = register(cw_a, birth_date=born, work_type=WorkType.STREET_VENDING)
    case.refresh_from_db()
    assert case.labour_flags == [UNDER_15]
    assert case.labour_flags_recheck_on == turns_15
    assert labour_flags_recheck_due(turns_15 - datetime.timedelta(days=1)) == 0
    assert labour_flags_recheck_due(turns_15) == 1
    case.refresh_from_db()
    assert case.labour_flags == []
    assert case.labour_flags_recheck_on == born.replace(year=born.year + 18)


@pytest.mark.django_db
def test_refresh_writes_only_what_changed(cw_a, register):
    case = register(cw_a, work_type=WorkType.STREET_VENDING)
    assert labour_flags_refresh([case.pk]) == 0
    Case.objects.filter(pk=case.pk).update(labour_flags=[])
    assert labour_flags_refresh() == 1
    case.refresh_from_db()
    assert case.labour_flags == [UNDER_15]


# --- Schooling history ------------------------------------------------------------------------


@pytest.mark.django_db
def test_school_status_changes_are_kept_with_dates(cw_a, register):
    case = register(cw_a, school_status=SchoolStatus.DROPPED_OUT)
    case = services.case_update(
        by=cw_a,
        case=case,
        data={"school_status": SchoolStatus.ENROLLED, "school_grade": 3},
        expected_version=case.version,
        section="schooling",
    )
    first, back = SchoolStatusChange.objects.filter(case=case).order_by("id")
    assert (first.from_status, first.to_status) == ("", SchoolStatus.DROPPED_OUT)
    assert first.changed_on == case.registered_on
    assert (back.from_status, back.to_status) == (SchoolStatus.DROPPED_OUT, SchoolStatus.ENROLLED)
    assert back.is_return_to_school
    # A save that leaves the status alone adds nothing.
    services.case_update(
        by=cw_a,
        case=case,
        data={"school_grade": 4},
        expected_version=case.version,
        section="schooling",
    )
    assert SchoolStatusChange.objects.filter(case=case).count() == 2


# --- The case list's filter and the case page ---------------------------------------------------


@pytest.mark.django_db
def test_case_list_filters_by_flag(client, cw_a, cw_b, register):
    flagged = register(cw_a, given_name="مریم", work_type=WorkType.STREET_VENDING)
    register(cw_a, given_name="سارا", work_type=WorkType.NONE)
    register(cw_b, given_name="نرگس", work_type=WorkType.STREET_VENDING)
    client.force_login(cw_a)
    response = client.get(reverse("children:case_list"), {"labour_flag": UNDER_15})
    assert response.status_code == 200
    assert [c.pk for c in response.context["page"]] == [flagged.pk]


@pytest.mark.django_db
def test_case_page_shows_the_flag_with_its_article(client, cw_a, register):
    case = register(cw_a, work_type=WorkType.STREET_VENDING)
    client.force_login(cw_a)
    with translation.override("en"):
        response = client.get(
            reverse("children:case_detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )
    body = response.content.decode()
    assert 'data-testid="labour-finding"' in body
    assert 'data-flag="under_15"' in body


@pytest.mark.django_db
def test_outsider_gets_404_on_a_flagged_case(client, cw_b, cw_a, register):
    case = register(cw_a, work_type=WorkType.STREET_VENDING)
    client.force_login(cw_b)
    assert client.get(reverse("children:case_detail", args=[case.pk])).status_code == 404
    response = client.get(reverse("children:case_list"), {"labour_flag": UNDER_15})
    assert list(response.context["page"]) == []


@pytest.mark.django_db
def test_ministry_officer_never_sees_a_flagged_child(client_as, min_officer, cw_a, register):
    case = register(cw_a, work_type=WorkType.STREET_VENDING)
    client = client_as(min_officer)
    assert client.get(reverse("children:case_detail", args=[case.pk])).status_code == 404
    response = client.get(reverse("children:case_list"), {"labour_flag": UNDER_15})
    assert response.status_code in (403, 404)


@pytest.mark.django_db
def test_the_daily_recheck_is_scheduled_and_runs(settings, cw_a, register):
    from children.tasks import recheck_labour_flags

    entry = settings.CELERY_BEAT_SCHEDULE["recheck-labour-flags"]
    assert entry["task"] == "children.tasks.recheck_labour_flags"
    register(cw_a, work_type=WorkType.STREET_VENDING)
    assert recheck_labour_flags() == 0  # nobody crosses 15 or 18 today
