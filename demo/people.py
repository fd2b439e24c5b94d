"""The demo's organisations and its logins: one user of every role. Safe to run again: only what is
missing is created, so a demo someone has edited keeps their edits."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import Province
from core.permissions import Role
from ngos.demo import demo_member, demo_organisation

DEMO_PASSWORD = "koodak-demo-1405"  # noqa: S105  (printed for the demo; never used in production)
# One authenticator key for every demo person whose role needs the second factor (AU-03): typed
# into an app as DEMO_TOTP_KEY_TEXT (README), or read with `manage.py demo_code USERNAME`.
DEMO_TOTP_KEY = "6b6f6f64616b2d64656d6f2d746f74702d6b6579"  # noqa: S105  (the demo's only)
DEMO_TOTP_KEY_TEXT = "NNXW 6ZDB NMWW IZLN N4WX I33U OAWW WZLZ"
DEMO_EMAIL_DOMAIN = "@demo.koodak.invalid"

ORGANISATIONS = [
    # code, kind, Persian name, English name, registration number, head office, provinces of operation
    (
        "MOI",
        "ministry",
        "وزارت کشور – سازمان امور اجتماعی",
        "Ministry of Interior – Social Affairs Organisation",
        "",
        "tehran",
        [],
    ),
    ("SWO", "welfare", "سازمان بهزیستی کشور", "State Welfare Organisation", "", "tehran", []),
    (
        "MCLS",
        "ministry",
        "وزارت تعاون، کار و رفاه اجتماعی",
        "Ministry of Cooperatives, Labour and Social Welfare",
        "",
        "tehran",
        [],
    ),
    (
        "NGO01",
        "ngo",
        "انجمن یاری کودکان کار",
        "Society for Helping Working Children",
        "۱۳۹۰-۴۵۲۱",
        "tehran",
        ["tehran", "alborz"],
    ),
    (
        "NGO02",
        "ngo",
        "خانه کودک مهرآفرین",
        "Mehrafarin Children's House",
        "۱۳۹۲-۸۸۱۰",
        "tehran",
        ["tehran"],
    ),
    (
        "NGO03",
        "ngo",
        "جمعیت حامیان کودکان مشهد",
        "Mashhad Friends of Children",
        "۱۳۹۴-۲۲۰۷",
        "razavi-khorasan",
        ["razavi-khorasan"],
    ),
    (
        "NGO04",
        "ngo",
        "انجمن توانمندسازی کودکان زاهدان",
        "Zahedan Children Empowerment Association",
        "۱۳۹۵-۳۱۴۹",
        "sistan-baluchestan",
        ["sistan-baluchestan"],
    ),
]

USERS = [
    # username, first name, last name, organisation code, role, province of a provincial officer, title
    ("admin", "مریم", "کاظمی", "MOI", Role.ADMINISTRATOR, None, "مدیر سامانه"),
    ("ministry", "علی", "اکبری", "MOI", Role.MINISTRY_OFFICER, None, "کارشناس مشارکت‌های اجتماعی"),
    (
        "ministry.sb",
        "حسین",
        "ریگی",
        "MOI",
        Role.MINISTRY_OFFICER,
        "sistan-baluchestan",
        "کارشناس استانی",
    ),
    ("manager.a", "زهرا", "احمدی", "NGO01", Role.ORG_MANAGER, None, "مدیرعامل"),
    ("caseworker.a", "فاطمه", "رضایی", "NGO01", Role.CASEWORKER, None, "مددکار اجتماعی"),
    ("caseworker.c", "سمیه", "نوروزی", "NGO02", Role.CASEWORKER, None, "مددکار اجتماعی"),
    ("manager.b", "محمدرضا", "حسینی", "NGO03", Role.ORG_MANAGER, None, "مدیرعامل"),
    ("caseworker.b", "نرگس", "محمدی", "NGO03", Role.CASEWORKER, None, "مددکار اجتماعی"),
    ("caseworker.sb", "عبدالله", "بلوچ", "NGO04", Role.CASEWORKER, None, "مددکار اجتماعی"),
]


@transaction.atomic
def seed_people():
    """The organisations above and their users; returns the organisations by code."""
    organisations = seed_organisations()
    seed_users(organisations)
    give_demo_devices()
    return organisations


def seed_organisations():
    provinces = {p.code: p for p in Province.objects.all()}
    return {
        code: demo_organisation(code, *names_and_places, provinces=provinces, kind=kind)
        for code, kind, *names_and_places in ORGANISATIONS
    }


def seed_users(organisations):
    provinces = {p.code: p for p in Province.objects.all()}
    for username, first, last, org_code, role, province, title in USERS:
        demo_member(
            username,
            first,
            last,
            password=DEMO_PASSWORD,
            organisation=organisations[org_code],
            role=role,
            title=title,
            province=provinces.get(province),
        )


def is_demo_person(user):
    return user.email.endswith(DEMO_EMAIL_DOMAIN)


def give_demo_devices():
    """An authenticator device with the demo key for each demo person who needs one and has none
    (a device someone set up by hand in the demo is kept)."""
    users = get_user_model().objects.filter(
        email__endswith=DEMO_EMAIL_DOMAIN,
        membership__role__in=[k for k, r in Role.DEFINITIONS.items() if r.second_factor],
    )
    for user in users:
        if not TOTPDevice.objects.filter(user=user).exists():
            TOTPDevice.objects.create(
                user=user, name="authenticator", key=DEMO_TOTP_KEY, confirmed=True
            )


def print_logins(stdout):
    stdout.write("")
    stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
    stdout.write(
        "Managers, ministry officers and the administrator then need a code: "
        "`python manage.py demo_code USERNAME` prints it, "
        f"or add the key {DEMO_TOTP_KEY_TEXT} to an authenticator app."
    )
    for username, _first, _last, org_code, role, province, _title in USERS:
        scope = f" ({province})" if province else ""
        stdout.write(f"  {username:<14} {Role.get(role).key:<17} {org_code}{scope}")
    stdout.write("")
