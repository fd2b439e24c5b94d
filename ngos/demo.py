"""Demo profiles for the organisations `seed_demo` creates, plus a few more NGOs, so the directory,
the coverage table and verification have something to show. Safe to run again."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.models import Province
from core.permissions import Role
from core.persian import to_latin_digits

from .models import PROFILE_FIELDS, Membership, Organisation, ServiceOffering
from .reference import ensure_services

# code: profile. "services" maps a service code to (capacity a month, youngest, oldest, sex,
# nationalities). "verified"/"suspended" set the ministry's decision when the demo is first made.
PROFILES = {
    "MOI": {
        "cities": ["تهران"],
        "address": "تهران، خیابان فاطمی، وزارت کشور",
        "phone": "021-84861",
        "website": "https://www.moi.ir",
        "verified": True,
    },
    "SWO": {
        "cities": ["تهران"],
        "focus": ["working_children", "street_children", "disability", "family_addiction"],
        "services": {
            "shelter": (200, 6, 18, "", []),
            "psychosocial": (500, 6, 18, "", []),
            "family_support": (400, None, None, "", []),
        },
        "provinces": "all",
        "verified": True,
    },
    "MCLS": {"cities": ["تهران"], "verified": True},
    "NGO01": {
        "registering_authority": "interior",
        "founded_year": 1390,
        "description": "کلاس‌های سوادآموزی، حمایت روانی‌اجتماعی و پشتیبانی از خانواده کودکان کار "
        "در جنوب تهران و کرج.",
        "cities": ["تهران", "کرج"],
        "address": "تهران، میدان شوش، کوچه مهر، پلاک ۱۲",
        "phone": "021-55123456",
        "email": "info@yari.example.org",
        "contact_person": "زهرا احمدی",
        "focus": ["working_children", "street_children", "migrants", "girls"],
        "languages": ["persian", "dari"],
        "services": {
            "education": (120, 6, 15, "", []),
            "psychosocial": (60, 6, 17, "", []),
            "family_support": (40, None, None, "", []),
        },
        "verified": True,
    },
    "NGO02": {
        "registering_authority": "welfare",
        "founded_year": 1392,
        "cities": ["تهران"],
        "address": "تهران، خیابان مولوی",
        "focus": ["street_children", "family_addiction"],
        "languages": ["persian"],
        "services": {
            "shelter": (20, 8, 17, "male", []),
            "health": (80, None, None, "", []),
        },
        "verified": True,
    },
    "NGO03": {
        "registering_authority": "interior",
        "founded_year": 1394,
        "cities": ["مشهد"],
        "address": "مشهد، بلوار طبرسی",
        "focus": ["working_children", "migrants", "undocumented"],
        "languages": ["persian", "dari", "pashto"],
        "services": {
            "education": (150, 6, 16, "", ["afghan", "iranian"]),
            "legal_aid": (30, None, None, "", []),
            "vocational": (40, 14, 18, "", []),
        },
        "verified": True,
    },
    "NGO04": {
        "registering_authority": "governorate",
        "founded_year": 1395,
        "cities": ["زاهدان"],
        "address": "زاهدان، خیابان دانشگاه",
        "focus": ["working_children", "school_dropout", "girls"],
        "languages": ["persian", "balochi"],
        "services": {
            "education": (90, 7, 15, "", []),
            "cash_support": (50, None, None, "", []),
        },
        "verified": True,
    },
}

# Further NGOs: code, Persian name, English name, registration, head office, provinces, profile.
MORE_NGOS = [
    (
        "NGO05",
        "جمعیت امداد دانش‌آموزی چابهار",
        "Chabahar Student Aid Society",
        "1396-1180",
        "sistan-baluchestan",
        ["sistan-baluchestan"],
        {
            "registering_authority": "interior",
            "founded_year": 1396,
            "cities": ["چابهار", "کنارک"],
            "focus": ["school_dropout", "working_children", "girls"],
            "languages": ["persian", "balochi"],
            "services": {
                "education": (70, 6, 14, "", []),
                "family_support": (25, None, None, "", []),
            },
            "verified": True,
        },
    ),
    (
        "NGO06",
        "کانون حمایت از کودکان بلوچستان",
        "Baluchestan Children's Support Centre",
        "1393-7712",
        "sistan-baluchestan",
        ["sistan-baluchestan", "kerman"],
        {
            "registering_authority": "governorate",
            "founded_year": 1393,
            "cities": ["ایرانشهر", "سراوان"],
            "focus": ["working_children", "undocumented", "migrants"],
            "languages": ["persian", "balochi", "dari"],
            "services": {
                "education": (110, 6, 17, "", []),
                "psychosocial": (40, 6, 17, "", []),
                "health": (60, None, None, "", []),
            },
            "verified": True,
        },
    ),
    (
        "NGO07",
        "انجمن مهر سیستان",
        "Mehr Sistan Association",
        "1401-0093",
        "sistan-baluchestan",
        ["sistan-baluchestan"],
        {
            "registering_authority": "interior",
            "founded_year": 1401,
            "cities": ["زابل"],
            "focus": ["school_dropout"],
            "languages": ["persian"],
            "services": {"education": (30, 7, 12, "", [])},
            "verified": False,
        },
    ),
    (
        "NGO08",
        "خانه امید کودکان شیراز",
        "Shiraz Children's Hope House",
        "1391-5520",
        "fars",
        ["fars"],
        {
            "registering_authority": "welfare",
            "founded_year": 1391,
            "cities": ["شیراز"],
            "focus": ["street_children", "abuse"],
            "languages": ["persian"],
            "services": {"shelter": (15, 6, 17, "female", []), "health": (30, None, None, "", [])},
            "verified": True,
            "suspended": "مجوز فعالیت منقضی شده و مدارک تمدید آن هنوز ارائه نشده است.",
        },
    ),
    (
        "NGO09",
        "مؤسسه حقوق کودک تبریز",
        "Tabriz Child Rights Institute",
        "1389-3301",
        "east-azerbaijan",
        ["east-azerbaijan", "west-azerbaijan"],
        {
            "registering_authority": "companies_registry",
            "founded_year": 1389,
            "cities": ["تبریز", "ارومیه"],
            "focus": ["abuse", "early_marriage"],
            "languages": ["persian", "azeri"],
            "services": {
                "legal_aid": (25, None, None, "", []),
                "psychosocial": (20, 8, 18, "", []),
            },
            "verified": True,
        },
    ),
    (
        "NGO10",
        "جمعیت یاوران کودکان کرمان",
        "Kerman Friends of Children",
        "1399-8845",
        "kerman",
        ["kerman"],
        {
            "registering_authority": "interior",
            "founded_year": 1399,
            "cities": ["کرمان", "بم"],
            "focus": ["working_children", "migrants"],
            "languages": ["persian", "dari"],
            "services": {
                "vocational": (35, 14, 18, "", []),
                "cash_support": (60, None, None, "", []),
            },
            "verified": False,
        },
    ),
]

# A second caseworker for NGO01, so manager.a can try deactivation and reassignment.
EXTRA_STAFF = [("caseworker.a2", "مریم", "کریمی", "NGO01", Role.CASEWORKER, "مددکار اجتماعی")]


def demo_organisation(
    code, name_fa, name_en, registration_number, home, operating, *, provinces, **fields
):
    """The organisation `code`, created with these names, number and `fields` when missing: head
    office in `home`, working in the `operating` provinces (or `home` alone). `provinces` maps
    codes to provinces.

    An organisation that exists is returned as it is, so edits made in the demo survive a rerun.
    """
    organisation, created = Organisation.objects.get_or_create(
        code=code,
        defaults={
            **fields,
            "name_fa": name_fa,
            "name_en": name_en,
            "registration_number": registration_number,
            "home_province": provinces[home],
        },
    )
    if created:
        organisation.provinces.set([provinces[p] for p in operating or [home]])
    return organisation


def demo_member(
    username, first_name, last_name, *, password, organisation, role, title, province=None
):
    """The demo login `username` with its membership, each created when missing.

    A new user signs in with `password` and has a demo address; an administrator may also use the
    Django admin. An existing user keeps their password and membership.
    """
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@demo.koodak.invalid",
        },
    )
    if created:
        user.set_password(password)
        if role == Role.ADMINISTRATOR:
            user.is_staff = user.is_superuser = True
        user.save()
    Membership.objects.get_or_create(
        user=user,
        defaults={"organisation": organisation, "role": role, "title": title, "province": province},
    )
    return user


def _write(stdout, text):
    if stdout is not None:
        stdout.write(text)


def seed_organisation_profiles(*, password, stdout=None):
    """Fill in the demo organisations' profiles and add the extra NGOs and staff, who sign in
    with `password` (the demo's, from `demo.people`).

    Only empty fields are filled and only missing rows created, so a demo that someone has
    edited keeps their edits when this runs again.
    """
    with transaction.atomic():
        services = ensure_services()
        provinces = {p.code: p for p in Province.objects.all()}
        ministry = get_user_model().objects.filter(username="ministry").first()

        for code, *names_and_places, _profile in MORE_NGOS:
            demo_organisation(code, *names_and_places, provinces=provinces)

        profiles = {**PROFILES, **{ngo[0]: ngo[-1] for ngo in MORE_NGOS}}
        count = 0
        for organisation in Organisation.objects.filter(code__in=profiles):
            _fill(organisation, profiles[organisation.code], services, provinces, ministry)
            count += 1

        for username, first, last, org_code, role, title in EXTRA_STAFF:
            organisation = Organisation.objects.filter(code=org_code).first()
            if organisation is None:
                continue
            demo_member(
                username,
                first,
                last,
                password=password,
                organisation=organisation,
                role=role,
                title=title,
            )
    _write(stdout, f"Organisation profiles: {count} filled in.")
    _write(
        stdout,
        "Also for the staff demo: "
        + ", ".join(f"{row[0]} ({row[3]})" for row in EXTRA_STAFF)
        + f", password {password}.",
    )


def _fill(organisation, profile, services, provinces, ministry):
    changed = False
    for field in PROFILE_FIELDS:
        if field in profile and not getattr(organisation, field):
            setattr(organisation, field, profile[field])
            changed = True
    latin = to_latin_digits(organisation.registration_number)
    if latin != organisation.registration_number:
        organisation.registration_number = latin
        changed = True
    now = timezone.now()
    if ministry is not None and profile.get("verified") and organisation.verified_at is None:
        organisation.verified_at = now
        organisation.verified_by = ministry
        organisation.verification_note = "مدارک ثبت و اساسنامه بررسی شد."
        changed = True
    # Only when first made: a demo user who ended the suspension keeps it ended.
    first_time = not organisation.service_offerings.exists()
    suspend = ministry is not None and profile.get("suspended") and first_time
    if suspend and not organisation.is_suspended:
        organisation.status = Organisation.Status.SUSPENDED
        organisation.suspended_at = now
        organisation.suspended_by = ministry
        organisation.suspension_reason = profile["suspended"]
        changed = True
    if changed:
        organisation.save()
    if profile.get("provinces") == "all" and not organisation.provinces.exists():
        organisation.provinces.set(provinces.values())
    if not organisation.service_offerings.exists():
        for code, (capacity, age_min, age_max, sex, nationalities) in profile.get(
            "services", {}
        ).items():
            ServiceOffering.objects.create(
                organisation=organisation,
                service=services[code],
                capacity_per_month=capacity,
                age_min=age_min,
                age_max=age_max,
                sex=sex,
                nationalities=nationalities,
            )
