"""Demo children and street outreach for `seed_demo`: realistic Persian names (Iranian and Afghan),
encounters at hotspots in three provinces, and a few children registered by two NGOs under
slightly different spellings, so the duplicate check has something to find."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from core.national_id import check_digit
from ngos.models import Membership, Organisation

from . import demo_names, services
from .demo_duty import seed_report_alerts
from .demo_history import add_history
from .demo_protection import seed_labour_and_schooling
from .demo_referrals import seed_referral_deadlines
from .demo_transfers import seed_transfers
from .models import Case
from .models.choices import (
    Activity,
    ConsentGiver,
    ConsentScope,
    Documentation,
    Hazard,
    Housing,
    LivingSituation,
    Nationality,
    ProtectionConcern,
    RiskLevel,
    SchoolStatus,
    Sex,
    WorkType,
)

# Drawn evenly from the names the bench draws by frequency: one list of names for both.
IRANIAN = {Sex.MALE: demo_names.IRANIAN_BOYS, Sex.FEMALE: demo_names.IRANIAN_GIRLS}
AFGHAN = {Sex.MALE: demo_names.AFGHAN_BOYS, Sex.FEMALE: demo_names.AFGHAN_GIRLS}

PLACES = {
    "NGO01": (
        "tehran",
        "تهران",
        ["چهارراه ولیعصر", "میدان تجریش", "پل گیشا", "میدان انقلاب", "بازار تهران"],
    ),
    "NGO02": ("tehran", "تهران", ["ترمینال جنوب", "میدان آزادی", "چهارراه ولیعصر", "میدان راه‌آهن"]),
    "NGO03": (
        "razavi-khorasan",
        "مشهد",
        ["خیابان امام رضا", "میدان شهدا", "بازار رضا", "پایانه مسافربری مشهد"],
    ),
    "NGO04": ("sistan-baluchestan", "زاهدان", ["میدان آزادی زاهدان", "بازار روز", "چهارراه رسولی"]),
}
CHILDREN_PER_NGO = {"NGO01": 90, "NGO02": 60, "NGO03": 80, "NGO04": 50}
ENCOUNTERS_PER_NGO = 80


def _variant(name, rng):
    """A plausible second spelling: Arabic letters, a split compound, a dropped madda."""
    choices = [
        name.replace("ی", "ي"),
        name.replace("‌", " "),
        name.replace("آ", "ا"),
        name.replace("ک", "ك"),
    ]
    different = [c for c in choices if c != name]
    return rng.choice(different) if different else name


def _national_id(rng):
    first_nine = "".join(str(rng.randint(0, 9)) for _ in range(9))
    return first_nine + str(check_digit(first_nine))


def _identity(rng, province, city, districts):
    afghan = rng.random() < 0.55
    sex = Sex.MALE if rng.random() < 0.7 else Sex.FEMALE
    names = AFGHAN if afghan else IRANIAN
    age = rng.randint(6, 17)
    documentation = (
        rng.choice([Documentation.AMAYESH, Documentation.UNDOCUMENTED, Documentation.UNDOCUMENTED])
        if afghan
        else rng.choice(
            [Documentation.NATIONAL_ID, Documentation.NATIONAL_ID, Documentation.UNDOCUMENTED]
        )
    )
    known_birth = rng.random() < 0.4
    today = timezone.localdate()
    return {
        "registered_on": today - datetime.timedelta(days=rng.randint(0, 400)),
        "given_name": rng.choice(names[sex]),
        "family_name": rng.choice(
            demo_names.AFGHAN_FAMILY if afghan else demo_names.IRANIAN_FAMILY
        ),
        "father_name": rng.choice(demo_names.FATHERS),
        "sex": sex,
        "birth_date": today - datetime.timedelta(days=age * 365 + rng.randint(0, 300))
        if known_birth
        else None,
        "estimated_age": None if known_birth else age,
        "nationality": Nationality.AFGHAN if afghan else Nationality.IRANIAN,
        "documentation": documentation,
        "id_number": _national_id(rng)
        if documentation == Documentation.NATIONAL_ID
        else (
            str(rng.randint(10**9, 10**10 - 1)) if documentation == Documentation.AMAYESH else ""
        ),
        "languages": ["dari"] if afghan else ["persian"],
        "province": province,
        "city": city,
        "district": rng.choice(districts),
        "phone": "",
    }


def _circumstances(rng):
    work = rng.choice([w for w in WorkType.values if w != WorkType.NONE])
    return {
        "living_situation": rng.choice(LivingSituation.values),
        "household_size": rng.randint(3, 9),
        "household_earners": rng.randint(1, 3),
        "income_share_percent": rng.choice([10, 20, 30, 40, 50]),
        "work_type": work,
        "work_hours_per_week": rng.randint(10, 60),
        "earnings_per_day": rng.choice([50_000, 80_000, 120_000, 200_000]),
        "hazards": rng.sample(Hazard.values, k=rng.randint(0, 2)),
        "school_status": rng.choice(SchoolStatus.values),
        "protection_concerns": rng.sample(ProtectionConcern.values, k=rng.randint(0, 2)),
        "risk_level": rng.choice(RiskLevel.values),
    }


def _consent(rng):
    return {
        "given_by": rng.choice([ConsentGiver.GUARDIAN, ConsentGiver.BOTH, ConsentGiver.CHILD]),
        "given_by_name": "",
        "given_on": timezone.localdate() - datetime.timedelta(days=rng.randint(0, 90)),
        "scope": [ConsentScope.RECORD, ConsentScope.REFERRAL, ConsentScope.FOLLOW_UP],
    }


@transaction.atomic
def seed_children(stdout=None):
    """Idempotent: does nothing when the demo NGOs already have cases."""
    if Case.objects.filter(organisation__code__in=PLACES).exists():
        return 0
    rng = random.Random(1405)
    registered = {}
    for code, count in CHILDREN_PER_NGO.items():
        organisation = Organisation.objects.select_related("home_province").get(code=code)
        staff = [
            m.user
            for m in Membership.objects.filter(organisation=organisation).select_related("user")
        ]
        if not staff:
            continue
        province_code, city, _hotspots = PLACES[code]
        province = (
            organisation.provinces.filter(code=province_code).first() or organisation.home_province
        )
        districts = [str(n) for n in range(1, 13)]
        cases = []
        for _ in range(count):
            worker = rng.choice(staff)
            case = services.case_register(
                by=worker,
                organisation=organisation,
                data=_identity(rng, province, city, districts),
                consent=_consent(rng),
            )
            if rng.random() < 0.6:
                case = services.case_update(
                    by=worker,
                    case=case,
                    data=_circumstances(rng),
                    expected_version=case.version,
                    section="work",
                )
            cases.append(case)
        registered[code] = (organisation, staff, cases)
    _near_duplicates(rng, registered)
    _encounters(rng, registered)
    add_history(rng, registered)
    _families(registered)
    seed_labour_and_schooling(registered)
    seed_transfers(registered)
    seed_report_alerts(rng, registered)
    seed_referral_deadlines(registered)
    if stdout:
        stdout.write(f"Demo children: {Case.objects.count()} cases")
    return Case.objects.count()


def _near_duplicates(rng, registered):
    """Register a few of NGO01's children again at NGO02, spelled differently."""
    if "NGO01" not in registered or "NGO02" not in registered:
        return
    _source_org, _staff, source_cases = registered["NGO01"]
    organisation, staff, cases = registered["NGO02"]
    for original in rng.sample(source_cases, k=min(8, len(source_cases))):
        data = {
            "given_name": _variant(original.given_name, rng),
            "family_name": _variant(original.family_name, rng),
            "father_name": original.father_name,
            "sex": original.sex,
            "birth_date": None,
            "estimated_age": original.age(),
            "nationality": original.nationality,
            "registered_on": timezone.localdate(),
            "documentation": Documentation.UNDOCUMENTED,
            "id_number": "",
            "languages": original.languages,
            "province": original.province,
            "city": original.city,
            "district": original.district,
            "phone": "",
        }
        cases.append(
            services.case_register(
                by=rng.choice(staff), organisation=organisation, data=data, consent=_consent(rng)
            )
        )


def _encounters(rng, registered):
    now = timezone.now()
    for code, (organisation, staff, cases) in registered.items():
        province_code, city, hotspots = PLACES[code]
        province = (
            organisation.provinces.filter(code=province_code).first() or organisation.home_province
        )
        for _ in range(ENCOUNTERS_PER_NGO):
            anonymous = {
                (sex, band): rng.choice([0, 0, 1, 2, 3])
                for sex in Sex.values
                for band in ("under6", "6_11", "12_14", "15_17")
            }
            services.encounter_log(
                by=rng.choice(staff),
                organisation=organisation,
                data={
                    "occurred_at": now
                    - datetime.timedelta(days=rng.randint(0, 240), hours=rng.randint(0, 10)),
                    "province": province,
                    "city": city,
                    "district": str(rng.randint(1, 12)),
                    "hotspot": rng.choice(hotspots),
                    "activity": rng.choice(Activity.values),
                    "observations": "",
                    "follow_up_needed": rng.random() < 0.3,
                },
                cases=rng.sample(cases, k=min(len(cases), rng.randint(0, 3))),
                anonymous=anonymous,
            )


# Brothers and sisters: most children on the street work beside one. Its own random stream, so
# adding families leaves every other demo row as it was.
FAMILIES_AT_NGO01 = 4


def _families(registered):
    """A few of NGO01's children get a guardian and one or two siblings registered from their
    case; one of them is also known at NGO02 (linked, both agreed), with a brother there, whom
    NGO01's page shows only by NGO02's name."""
    if "NGO01" not in registered:
        return
    rng = random.Random(15)
    _organisation, staff, cases = registered["NGO01"]
    worker = staff[0]
    open_cases = list(Case.objects.filter(pk__in=[c.pk for c in cases]).open().order_by("pk"))
    heads = rng.sample(open_cases, k=min(FAMILIES_AT_NGO01, len(open_cases)))
    for head in heads:
        afghan = head.nationality == Nationality.AFGHAN
        mother = rng.choice(AFGHAN[Sex.FEMALE] if afghan else IRANIAN[Sex.FEMALE])
        head = services.case_household_update(
            by=worker,
            case=head,
            data={
                "guardian_name": f"{mother} {head.family_name}",
                "guardian_relation": "مادر",
                "guardian_phone": f"0912{rng.randint(10**6, 10**7 - 1)}",
                "household_size": rng.randint(4, 8),
                "household_earners": rng.randint(1, 3),
            },
            expected_version=head.version,
        )
        for _ in range(rng.randint(1, 2)):
            _register_sibling(rng, worker, head)
        household = Case.objects.get(pk=head.pk).household
        services.household_update(
            by=worker,
            household=household,
            data={"housing": rng.choice([Housing.RENTED, Housing.SHARED, Housing.INFORMAL])},
            expected_version=household.version,
        )
    if "NGO02" in registered and heads:
        _family_known_elsewhere(rng, heads[0], registered["NGO02"])


def _sibling_identity(rng, head):
    sex = Sex.MALE if rng.random() < 0.6 else Sex.FEMALE
    names = AFGHAN if head.nationality == Nationality.AFGHAN else IRANIAN
    return {
        "given_name": rng.choice([n for n in names[sex] if n != head.given_name]),
        "family_name": head.family_name,
        "father_name": head.father_name,
        "sex": sex,
        "birth_date": None,
        "estimated_age": rng.randint(6, 16),
        "nationality": head.nationality,
        "documentation": Documentation.UNDOCUMENTED,
        "id_number": "",
        "languages": head.languages,
        "province": head.province,
        "city": head.city,
        "district": head.district,
        "phone": "",
    }


def _register_sibling(rng, worker, head):
    return services.sibling_register(
        by=worker, case=head, data=_sibling_identity(rng, head), consent=_consent(rng)
    )


def _family_known_elsewhere(rng, head, ngo02):
    from core.exceptions import ActionNotAllowed

    organisation, staff, _cases = ngo02
    worker = staff[0]
    same_child = {
        name: getattr(head, name)
        for name in (
            "given_name",
            "family_name",
            "father_name",
            "sex",
            "birth_date",
            "estimated_age",
            "nationality",
            "languages",
            "province",
            "city",
            "district",
        )
    }
    same_child.update(documentation=Documentation.UNDOCUMENTED, id_number="", phone="")
    there = services.case_register(
        by=worker, organisation=organisation, data=same_child, consent=_consent(rng)
    )
    try:
        link = services.case_link_request(by=worker, case=there, target_case=head)
    except ActionNotAllowed:
        return  # the duplicate check does not see them as one child: no link to show
    services.case_link_answer(by=head.assigned_to, link=link, accept=True)
    _register_sibling(rng, worker, there)
