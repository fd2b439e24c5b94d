"""Create demo organisations and one user of every role. Safe to run again: it adds what is missing."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from core.models import Province
from core.permissions import Role
from ngos.models import Membership, Organisation

DEMO_PASSWORD = "koodak-demo-1405"  # noqa: S105  (printed for the demo; never used in production)

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


class Command(BaseCommand):
    help = "Create demo organisations and users (one of every role), then print the demo logins."

    def handle(self, *args, **options):
        with transaction.atomic():
            organisations = self._organisations()
            self._users(organisations)
        from ngos.demo import seed_organisation_profiles

        seed_organisation_profiles(stdout=self.stdout)
        from children.demo import seed_children

        seed_children(stdout=self.stdout)
        from meetings.demo import seed_meetings

        seed_meetings(stdout=self.stdout)
        self._queue_reports()
        self._print_logins()

    def _queue_reports(self):
        """Let the worker build the dashboard summaries and the reports of the periods that
        have ended, as the nightly job would. Eager (test) runs skip it: nothing to wait for."""
        if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
            return
        from reports.tasks import build_due_reports, refresh_summaries

        refresh_summaries.delay()
        build_due_reports.delay()
        self.stdout.write("Queued for the worker: dashboard summaries and the periodic reports.")

    def _organisations(self):
        provinces = {p.code: p for p in Province.objects.all()}
        result = {}
        for code, kind, name_fa, name_en, registration, home, operating in ORGANISATIONS:
            organisation, created = Organisation.objects.get_or_create(
                code=code,
                defaults={
                    "kind": kind,
                    "name_fa": name_fa,
                    "name_en": name_en,
                    "registration_number": registration,
                    "home_province": provinces[home],
                },
            )
            if created:
                organisation.provinces.set([provinces[p] for p in operating or [home]])
            result[code] = organisation
        return result

    def _users(self, organisations):
        User = get_user_model()
        provinces = {p.code: p for p in Province.objects.all()}
        for username, first, last, org_code, role, province, title in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@demo.koodak.invalid",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                if role == Role.ADMINISTRATOR:
                    user.is_staff = user.is_superuser = True
                user.save()
            Membership.objects.get_or_create(
                user=user,
                defaults={
                    "organisation": organisations[org_code],
                    "role": role,
                    "title": title,
                    "province": provinces.get(province),
                },
            )

    def _print_logins(self):
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for username, _first, _last, org_code, role, province, _title in USERS:
            scope = f" ({province})" if province else ""
            self.stdout.write(f"  {username:<14} {Role.get(role).key:<17} {org_code}{scope}")
        self.stdout.write("")
