"""Fill a freshly migrated bench database with a deterministic, national-sized caseload.

Rows go in with PostgreSQL COPY (psycopg 3 `cursor.copy()` and `write_row`), never the ORM: the
ORM would take an hour at national scale. During the load the session sets
`session_replication_role = replica`, so no row trigger fires: neither django-pghistory's history
triggers (the history tables stay empty, as after a fresh import) nor the foreign-key triggers
(the generator writes consistent ids itself). That setting needs a superuser, which the
development and CI servers give; on a server where the bench user is not one, run it as one.
Secondary indexes are dropped before each big table is loaded and rebuilt at the end, sequences
are moved past the generated ids with `setval`, and `VACUUM ANALYZE` leaves the tables with
statistics, hint bits and visibility maps as a long-running database would have them.

Everything random comes from one `random.Random(seed)`, so a seed gives the same rows. Dates are
relative to the day of generation ("five years up to today"), because the pages measured compare
with today (overdue follow-ups, unanswered referrals, cases not seen for 30 days).

Columns the generator does not name are filled from the model field's default (or NULL, or ""),
so a field added later with a default does not break generation; one without a default fails
loudly with the model and column to add here.
"""

import bisect
import datetime
import itertools
import random
import time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import connection as django_connection
from psycopg.types.json import Jsonb

from . import names

# Bump when the generated data changes shape: stored data with another version is regenerated.
GENERATOR_VERSION = 1
TEHRAN = ZoneInfo("Asia/Tehran")
YEARS = 5

OPEN_STATUS_WEIGHTS = {
    "identified": 6,
    "registered": 25,
    "assessed": 20,
    "case_plan": 17,
    "in_progress": 32,
}
SENTENCES = [
    "کودک در چهارراه فال می‌فروشد و صبح‌ها به مدرسه نمی‌رود.",
    "مادر گفت پدر بیکار است و کودک خرج خانه را می‌دهد.",
    "کودک از سرما شکایت داشت؛ لباس گرم تحویل داده شد.",
    "با خانواده درباره ثبت‌نام در مدرسه صحبت شد.",
    "کودک همراه برادر بزرگ‌ترش زباله جمع می‌کند.",
    "پیگیری وضعیت مدارک اقامتی خانواده لازم است.",
    "The child was seen with two siblings; the family asked about school enrolment.",
]
NEEDS = [
    "ثبت‌نام در مدرسه و تهیه لوازم‌التحریر",
    "معاینه پزشکی و واکسیناسیون",
    "مشاوره روانی برای کودک و مادر",
    "مشاوره حقوقی برای مدارک اقامت",
    "سرپناه موقت",
    "آموزش مهارت برای نوجوان",
]


def _weighted(weights):
    keys = list(weights)
    return keys, list(itertools.accumulate(weights[k] for k in keys))


def _zipf_cum(n, exponent=1.0):
    return list(itertools.accumulate(1 / (rank + 1) ** exponent for rank in range(n)))


class Loader:
    """COPY rows into one model's table; columns not given get the field's default."""

    def __init__(self, conn, model, columns):
        self.conn = conn
        self.model = model
        self.table = model._meta.db_table
        given = set(columns)
        fields = {f.column: f for f in model._meta.concrete_fields}
        unknown = given - set(fields)
        if unknown:
            raise RuntimeError(f"{self.table} has no column(s) {sorted(unknown)}")
        extra = [
            (column, self._default(field))
            for column, field in fields.items()
            if column not in given
        ]
        self.columns = list(columns) + [column for column, _value in extra]
        self.extra = tuple(value for _column, value in extra)
        self.count = 0

    def _default(self, field):
        now = datetime.datetime.now(datetime.UTC)
        if field.primary_key:
            raise RuntimeError(f"{self.table}: give the primary key column")
        if field.has_default():
            value = field.get_default()
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.null:
            value = None
        elif field.empty_strings_allowed:
            value = ""
        else:
            raise RuntimeError(
                f"bench/generate.py: {self.model.__name__}.{field.name} has no default; "
                "add it to the generator's columns"
            )
        return field.get_db_prep_save(value, django_connection)

    def load(self, rows):
        columns = ", ".join(f'"{c}"' for c in self.columns)
        extra = self.extra
        with self.conn.cursor() as cursor:
            with cursor.copy(f'COPY "{self.table}" ({columns}) FROM STDIN') as copy:
                write = copy.write_row
                n = 0
                for row in rows:
                    write(row + extra)
                    n += 1
        self.count += n
        return n


def secondary_indexes(conn, table):
    """(name, definition) of the table's indexes that no constraint owns."""
    return conn.execute(
        """
        SELECT ci.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        JOIN pg_class ci ON ci.oid = i.indexrelid
        LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid
        WHERE i.indrelid = %s::regclass AND c.oid IS NULL
        ORDER BY ci.relname
        """,
        [table],
    ).fetchall()


class Generator:
    def __init__(self, conn, scale, seed, log):
        self.conn = conn
        self.scale = scale
        self.counts = scale.counts
        self.rng = random.Random(seed)
        self.log = log
        self.today = datetime.datetime.now(TEHRAN).date()
        self.start = self.today - datetime.timedelta(days=365 * YEARS + 1)
        self.span_days = (self.today - self.start).days
        self.now = datetime.datetime.now(datetime.UTC)
        self.dropped_indexes = []
        self.row_counts = {}
        self.timings = {}

    # --- helpers ---------------------------------------------------------------------------

    def at(self, day, hour_from=8, hour_to=21):
        """An aware datetime on `day` (a date) at a working hour, Tehran time."""
        rng = self.rng
        moment = datetime.datetime(
            day.year,
            day.month,
            day.day,
            rng.randint(hour_from, hour_to),
            rng.randint(0, 59),
            rng.randint(0, 59),
            tzinfo=TEHRAN,
        )
        return min(moment, self.now)

    def day_for(self, fraction):
        """The day at `fraction` of five years, with activity growing over time (more recent
        years hold more rows, as the deployment grows)."""
        # Density proportional to 0.5 + t on [0, 1]: the cumulative share is (t + t^2) / 2, so the
        # day for a share u solves t^2 + t - 2u = 0.
        t = -0.5 + (0.25 + 2 * fraction) ** 0.5
        t = min(max(t, 0.0), 1.0)
        return self.start + datetime.timedelta(days=int(t * self.span_days))

    def load(self, model, columns, rows, *, key=None):
        """Drop the table's secondary indexes, COPY the rows, remember the indexes to rebuild."""
        table = model._meta.db_table
        for name, definition in secondary_indexes(self.conn, table):
            self.conn.execute(f'DROP INDEX "{name}"')
            self.dropped_indexes.append((table, name, definition))
        started = time.perf_counter()
        loader = Loader(self.conn, model, columns)
        with self.conn.transaction():
            count = loader.load(rows)
        seconds = time.perf_counter() - started
        label = key or table
        self.row_counts[label] = self.row_counts.get(label, 0) + count
        self.timings[label] = self.timings.get(label, 0) + seconds
        rate = count / seconds if seconds else 0
        self.log(f"  {label}: {count:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s)")
        return count

    # --- the run ---------------------------------------------------------------------------

    def run(self):
        from core.models import Province
        from ngos.models import Service

        self.conn.execute("SET session_replication_role = replica")
        self.conn.execute("SET maintenance_work_mem = '256MB'")
        self.province_ids = dict(Province.objects.values_list("code", "id"))
        self.province_abbr = dict(Province.objects.values_list("id", "abbreviation"))
        self.service_ids = list(Service.objects.order_by("position").values_list("id", flat=True))
        missing = set(names.PROVINCES) - set(self.province_ids)
        if missing:
            raise RuntimeError(f"provinces missing from the database: {sorted(missing)}")
        steps = [
            self.plan_organisations,
            self.plan_staff,
            self.load_organisations,
            self.load_users,
            self.load_cases,
            self.load_encounters,
            self.load_referrals,
            self.load_followups,
            self.finish,
        ]
        for step in steps:
            step()
        return self.row_counts, self.fixtures()

    # --- organisations and staff -------------------------------------------------------------

    def plan_organisations(self):
        rng = self.rng
        n = self.counts["organisations"]
        n_ministry = max(1, round(n * 0.006))
        n_welfare = max(1, round(n * 0.03))
        n_municipality = round(n * 0.014)
        n_agency = round(n * 0.01)
        n_ngo = n - n_ministry - n_welfare - n_municipality - n_agency
        codes = list(names.PROVINCES)
        weights = [names.PROVINCES[c][0] for c in codes]
        by_weight = sorted(codes, key=lambda c: -names.PROVINCES[c][0])
        orgs = []

        def add(kind, province, code):
            orgs.append(
                SimpleNamespace(
                    id=len(orgs) + 1,
                    kind=kind,
                    province=province,
                    province_id=self.province_ids[province],
                    city=rng.choice(names.PROVINCES[province][1]),
                    code=code,
                    cases=0,
                )
            )

        # The large organisation of the "My work" scenario: an NGO in Tehran.
        add("ngo", "tehran", "NGO0001")
        for i in range(1, n_ngo):
            # Every province has an NGO before the weighted draw fills the rest.
            province = codes[i - 1] if i <= len(codes) else rng.choices(codes, weights)[0]
            add("ngo", province, f"NGO{i + 1:04d}")
        for i in range(n_welfare):
            add("welfare", by_weight[i % len(by_weight)], f"WEL{i + 1:03d}")
        for i in range(n_municipality):
            add("municipality", by_weight[i % len(by_weight)], f"MUN{i + 1:03d}")
        for i in range(n_ministry):
            add("ministry", "tehran", f"MIN{i + 1:02d}")
        for i in range(n_agency):
            add("government_agency", by_weight[i % len(by_weight)], f"GOV{i + 1:03d}")
        self.orgs = orgs
        self.big_org = orgs[0]
        self.case_orgs = [o for o in orgs if o.kind in ("ngo", "welfare", "municipality")]
        self.ministries = [o for o in orgs if o.kind == "ministry"]

        # Case load per organisation: the large one has its open cases plus a fifth closed; the
        # rest share the remainder with weights 1/sqrt(rank), none larger than the large one.
        total = self.counts["cases"]
        big_open = min(self.counts["big_org_open_cases"], total // 3)
        self.big_open = big_open
        big_total = big_open + big_open // 5
        others = self.case_orgs[1:]
        order = list(range(len(others)))
        rng.shuffle(order)
        raw = [1 / (rank + 1) ** 0.5 for rank in order]
        remaining = total - big_total
        # At small scales there are too few organisations for the large one to stay the largest.
        cap = max(big_total - 1, -(-remaining // len(others)))
        scale = remaining / sum(raw)
        for org, weight in zip(others, raw, strict=True):
            org.cases = min(cap, max(1, int(weight * scale)))
        self.big_org.cases = big_total
        # Rounding leftovers: one more case each for the smallest, one fewer for the largest.
        while (diff := remaining - sum(o.cases for o in others)) != 0:
            ordered = sorted(others, key=lambda o: o.cases, reverse=diff < 0)
            for org in ordered[: abs(diff)]:
                if diff > 0 and org.cases < cap:
                    org.cases += 1
                elif diff < 0 and org.cases > 1:
                    org.cases -= 1

    def plan_staff(self):
        rng = self.rng
        users_total = self.counts["users"]
        n_admin = max(1, round(users_total * 0.001))
        n_officer = max(2, round(users_total * 0.01))
        managers_needed = sum(2 if o.cases > 2000 else 1 for o in self.case_orgs)
        n_caseworkers = max(
            len(self.case_orgs), users_total - n_admin - n_officer - managers_needed
        )
        users = []

        def add(org, role, province_id=None):
            users.append(
                SimpleNamespace(id=len(users) + 1, org=org, role=role, province_id=province_id)
            )
            return users[-1]

        for _ in range(n_admin):
            add(self.ministries[0], "administrator")
        for i in range(n_officer):
            ministry = self.ministries[i % len(self.ministries)]
            provincial = rng.random() < 0.3
            province = rng.choice(list(self.province_ids.values())) if provincial else None
            add(ministry, "ministry_officer", province)
        total_cases = sum(o.cases for o in self.case_orgs)
        spare = n_caseworkers - len(self.case_orgs)
        for org in self.case_orgs:
            org.managers = [add(org, "org_manager") for _ in range(2 if org.cases > 2000 else 1)]
            share = 1 + int(spare * org.cases / total_cases)
            org.caseworkers = [add(org, "caseworker") for _ in range(share)]
            org.staff = org.managers + org.caseworkers
        for org in self.orgs:
            if not hasattr(org, "staff"):
                org.staff = [u for u in users if u.org is org]
                org.managers, org.caseworkers = org.staff[:1], []
        self.users = users
        self.officers = [u for u in users if u.role == "ministry_officer"]
        self.admins = [u for u in users if u.role == "administrator"]

    def load_organisations(self):
        from ngos.models import Organisation, ServiceOffering

        from core.models import Province

        rng = self.rng
        province_names = dict(Province.objects.values_list("code", "name_fa"))
        focus_values = ["working_children", "street_children", "migrants", "undocumented", "girls"]
        languages = ["persian", "dari", "pashto", "azeri", "kurdish", "balochi", "arabic"]
        seen_names = {}
        rows = []
        offerings = []
        provinces_m2m = []
        officer_ids = [u.id for u in self.officers] or [self.admins[0].id]
        for org in self.orgs:
            province_fa = province_names[org.province]
            if org.kind == "ngo":
                base = f"{names.ORG_NAME_PARTS[org.id % len(names.ORG_NAME_PARTS)]} {org.city}"
            elif org.kind == "welfare":
                base = f"اداره کل بهزیستی استان {province_fa}"
            elif org.kind == "municipality":
                base = f"شهرداری {org.city}"
            elif org.kind == "ministry":
                base = ["وزارت کشور", "وزارت تعاون، کار و رفاه اجتماعی", "سازمان بهزیستی کشور"][
                    (org.id - 1) % 3
                ]
            else:
                base = f"اداره کل آموزش و پرورش استان {province_fa}"
            seen_names[base] = seen_names.get(base, 0) + 1
            name_fa = base if seen_names[base] == 1 else f"{base} {seen_names[base]}"
            instance = Organisation(
                name_fa=name_fa,
                name_en="" if org.kind == "ngo" else "",
                code=org.code,
                registration_number=f"{10000 + org.id}",
                cities=[org.city],
            )
            instance.refresh_search_keys()
            verified = org.kind != "ngo" or rng.random() < 0.7
            suspended = org.kind == "ngo" and org is not self.big_org and rng.random() < 0.02
            created = self.at(self.start + datetime.timedelta(days=rng.randint(0, 200)))
            rows.append(
                (
                    org.id,
                    instance.name_fa,
                    instance.name_en,
                    org.code,
                    org.kind,
                    instance.registration_number,
                    "interior" if org.kind == "ngo" else "",
                    rng.randint(1380, 1402),
                    org.province_id,
                    instance.cities,
                    rng.sample(focus_values, k=rng.randint(1, 3)),
                    rng.sample(languages, k=rng.randint(1, 3)),
                    "suspended" if suspended else "active",
                    created if verified else None,
                    rng.choice(officer_ids) if verified else None,
                    created if suspended else None,
                    rng.choice(officer_ids) if suspended else None,
                    "گزارش تخلف در دست بررسی" if suspended else "",
                    instance.search_name,
                    instance.search_cities,
                    created,
                    created,
                )
            )
            provinces_m2m.append((len(provinces_m2m) + 1, org.id, org.province_id))
            if org.kind == "ngo" and rng.random() < 0.3:
                other = rng.choice(list(self.province_ids.values()))
                if other != org.province_id:
                    provinces_m2m.append((len(provinces_m2m) + 1, org.id, other))
            if org in self.case_orgs:
                for service_id in rng.sample(self.service_ids, k=rng.randint(2, 4)):
                    offerings.append(
                        (
                            len(offerings) + 1,
                            org.id,
                            service_id,
                            rng.choice([None, 20, 50, 100]),
                            rng.choice([None, 6]),
                            rng.choice([None, 18]),
                        )
                    )
        self.load(
            Organisation,
            [
                "id",
                "name_fa",
                "name_en",
                "code",
                "kind",
                "registration_number",
                "registering_authority",
                "founded_year",
                "home_province_id",
                "cities",
                "focus",
                "languages",
                "status",
                "verified_at",
                "verified_by_id",
                "suspended_at",
                "suspended_by_id",
                "suspension_reason",
                "search_name",
                "search_cities",
                "created_at",
                "updated_at",
            ],
            rows,
        )
        self.load(
            Organisation.provinces.through,
            ["id", "organisation_id", "province_id"],
            provinces_m2m,
        )
        self.load(
            ServiceOffering,
            ["id", "organisation_id", "service_id", "capacity_per_month", "age_min", "age_max"],
            offerings,
        )

    def load_users(self):
        from core.models import User
        from ngos.models import Membership

        rng = self.rng
        password = make_password("bench-only-password")
        given = names.IRANIAN_BOYS + names.IRANIAN_GIRLS
        titles = {
            "caseworker": "مددکار اجتماعی",
            "org_manager": "مدیر عامل",
            "ministry_officer": "کارشناس امور اجتماعی",
            "administrator": "مدیر سامانه",
        }
        user_rows, membership_rows = [], []
        for user in self.users:
            joined = self.at(self.start + datetime.timedelta(days=rng.randint(0, 400)))
            username = f"{user.role[:3]}{user.id:05d}"
            user_rows.append(
                (
                    user.id,
                    password,
                    username,
                    rng.choice(given),
                    rng.choice(names.IRANIAN_FAMILY),
                    f"{username}@bench.invalid",
                    False,
                    True,
                    False,
                    joined,
                    "fa" if rng.random() < 0.9 else "en",
                )
            )
            inviter = user.org.managers[0].id if user.org.managers else None
            membership_rows.append(
                (
                    user.id,
                    user.id,
                    user.org.id,
                    user.role,
                    titles[user.role],
                    user.province_id,
                    inviter if inviter != user.id else None,
                    joined,
                )
            )
        self.load(
            User,
            [
                "id",
                "password",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_superuser",
                "is_active",
                "is_staff",
                "date_joined",
                "language",
            ],
            user_rows,
        )
        self.load(
            Membership,
            [
                "id",
                "user_id",
                "organisation_id",
                "role",
                "title",
                "province_id",
                "invited_by_id",
                "created_at",
            ],
            membership_rows,
        )

    # --- cases -----------------------------------------------------------------------------

    def load_cases(self):
        from children.models import (
            Assessment,
            Case,
            CaseNote,
            CaseNumberSequence,
            ClosureRequest,
            Consent,
            PlanAction,
            PlanGoal,
            TimelineEntry,
        )

        # Cases are generated in registration order (ids follow time, as in production), with
        # their consent, timeline, notes, assessment, plan and closure, in parallel streams.
        self.cases = SimpleNamespace(org=[], assigned=[], status=[], day=[], id=[])
        streams = {
            "case": [],
            "consent": [],
            "timeline": [],
            "note": [],
            "assessment": [],
            "goal": [],
            "action": [],
            "closure": [],
        }
        sequences = {}
        started = time.perf_counter()
        for row_set in self._case_rows(sequences):
            for key, rows in row_set.items():
                streams[key].extend(rows)
        self.timings["case_rows_in_python"] = time.perf_counter() - started
        self.log(f"  case rows built in {self.timings['case_rows_in_python']:.1f} s")
        self.load(
            Case,
            CASE_COLUMNS,
            streams["case"],
        )
        self.load(
            Consent,
            [
                "id",
                "case_id",
                "given_by",
                "given_by_name",
                "given_on",
                "scope",
                "recorded_by_id",
                "recorded_at",
                "withdrawn_at",
                "withdrawn_by_id",
                "withdrawal_reason",
            ],
            streams["consent"],
        )
        self.load(CaseNote, ["id", "case_id", "author_id", "body", "created_at"], streams["note"])
        self.load(
            TimelineEntry,
            ["id", "case_id", "kind", "at", "actor_id", "detail"],
            streams["timeline"],
        )
        self.load(
            Assessment,
            [
                "id",
                "case_id",
                "assessed_by_id",
                "assessed_on",
                "education",
                "health",
                "family",
                "economic",
                "protection",
                "proposed_risk",
                "risk_level",
                "notes",
                "created_at",
            ],
            streams["assessment"],
        )
        self.load(
            PlanGoal,
            ["id", "case_id", "goal", "status", "created_by_id", "created_at"],
            streams["goal"],
        )
        self.load(
            PlanAction,
            [
                "id",
                "goal_id",
                "description",
                "service_id",
                "responsible_id",
                "target_date",
                "status",
            ],
            streams["action"],
        )
        self.load(
            ClosureRequest,
            [
                "id",
                "case_id",
                "reason",
                "note",
                "requested_by_id",
                "requested_at",
                "state",
                "decided_by_id",
                "decided_at",
                "comment",
            ],
            streams["closure"],
        )
        self.load(
            CaseNumberSequence,
            ["id", "organisation_id", "jalali_year", "last"],
            [
                (i, org_id, year, last)
                for i, ((org_id, year), last) in enumerate(sorted(sequences.items()), start=1)
            ],
        )

    def _case_rows(self, sequences):
        """Yield, per case, a dict of rows for each stream (case, consent, timeline, ...)."""
        from children.models.workflow import propose_risk
        from children.services.cases import refresh_search_fields
        from core.jalali import to_jalali
        from core.national_id import check_digit
        from core.persian import clean_text

        rng = self.rng
        total = self.counts["cases"]
        # Which organisation registers the i-th child: a shuffled list of every case's owner.
        owners = [org for org in self.case_orgs for _ in range(org.cases)]
        rng.shuffle(owners)
        big = self.big_org
        big_closed = big.cases - self.big_open
        org_seen = {}
        jalali_years = {}
        status_keys, status_cum = _weighted(OPEN_STATUS_WEIGHTS)
        clean_cache = {}
        province_codes = {pk: code for code, pk in self.province_ids.items()}

        def clean(text):
            value = clean_cache.get(text)
            if value is None:
                value = clean_cache[text] = clean_text(text)
            return value

        pools = {
            ("iranian", "male"): (names.IRANIAN_BOYS, _zipf_cum(len(names.IRANIAN_BOYS), 0.9)),
            ("iranian", "female"): (names.IRANIAN_GIRLS, _zipf_cum(len(names.IRANIAN_GIRLS), 0.9)),
            ("afghan", "male"): (names.AFGHAN_BOYS, _zipf_cum(len(names.AFGHAN_BOYS), 0.9)),
            ("afghan", "female"): (names.AFGHAN_GIRLS, _zipf_cum(len(names.AFGHAN_GIRLS), 0.9)),
        }
        families = {
            "iranian": (names.IRANIAN_FAMILY, _zipf_cum(len(names.IRANIAN_FAMILY), 0.7)),
            "afghan": (names.AFGHAN_FAMILY, _zipf_cum(len(names.AFGHAN_FAMILY), 0.7)),
        }
        fathers = (names.FATHERS, _zipf_cum(len(names.FATHERS), 0.8))
        identities = []  # (given, family, father, sex, nationality, birth_year, province_id)
        ids = SimpleNamespace(timeline=0, note=0, assessment=0, goal=0, action=0, closure=0)
        work_types = [
            "street_vending",
            "waste_picking",
            "car_washing",
            "begging",
            "workshop",
            "agriculture",
            "domestic",
            "portering",
            "other",
        ]
        hazards = [
            "traffic",
            "night_work",
            "heavy_loads",
            "chemicals",
            "machinery",
            "violence",
            "weather",
        ]
        concerns = [
            "physical_abuse",
            "sexual_abuse",
            "neglect",
            "exploitation",
            "trafficking",
            "child_marriage",
            "substance_use",
            "family_addiction",
            "detention",
            "deportation",
        ]
        living = [
            "family",
            "family",
            "family",
            "relatives",
            "employer",
            "shelter",
            "street",
            "alone",
        ]
        need_levels = ["none", "low", "medium", "high"]
        self.showcase_case = None
        for i in range(total):
            case_id = i + 1
            org = owners[i]
            k = org_seen.get(org.id, 0)
            org_seen[org.id] = k + 1
            day = self.day_for((i + rng.random()) / total)
            age_days = (self.today - day).days
            # Status: the large organisation's oldest cases are its closed ones; elsewhere the
            # chance of being closed grows with the case's age.
            if org is big:
                closed = k < big_closed
            else:
                closed = rng.random() < (
                    0.65 if age_days > 730 else 0.4 if age_days > 365 else 0.15
                )
            status = "closed" if closed else rng.choices(status_keys, cum_weights=status_cum)[0]
            if org is big and k == big_closed + 10:
                status = "in_progress"
                self.showcase_case = case_id
            worker = rng.choice(org.caseworkers)
            creator = worker if rng.random() < 0.8 else rng.choice(org.staff)
            created_at = self.at(day)

            duplicate_of = (
                identities[rng.randrange(len(identities))]
                if len(identities) > 100 and rng.random() < 0.06
                else None
            )
            if duplicate_of is not None:
                given, family, father, sex, nationality, birth_year, province_id = duplicate_of
                given = names.variant(given, rng) if rng.random() < 0.6 else given
                family = names.variant(family, rng) if rng.random() < 0.4 else family
                father = names.variant(father, rng) if rng.random() < 0.3 else father
                birth_year = birth_year + rng.choice((-1, 0, 0, 1))
                if rng.random() < 0.5:
                    province_id = org.province_id
            else:
                roll = rng.random()
                nationality = (
                    "afghan"
                    if roll < 0.45
                    else "iranian"
                    if roll < 0.93
                    else rng.choice(["pakistani", "iraqi", "other", "unknown"])
                )
                sex = "male" if rng.random() < 0.7 else "female"
                pool = pools[("afghan" if nationality == "afghan" else "iranian", sex)]
                given = rng.choices(pool[0], cum_weights=pool[1])[0]
                family_pool = families["afghan" if nationality == "afghan" else "iranian"]
                family = rng.choices(family_pool[0], cum_weights=family_pool[1])[0]
                father = rng.choices(fathers[0], cum_weights=fathers[1])[0]
                if rng.random() < 0.15:
                    given = names.variant(given, rng)
                if rng.random() < 0.1:
                    family = names.variant(family, rng)
                birth_year = day.year - rng.randint(5, 17)
                province_id = (
                    org.province_id
                    if rng.random() < 0.85
                    else rng.choice(list(self.province_ids.values()))
                )
                identities.append(
                    (given, family, father, sex, nationality, birth_year, province_id)
                )

            known_birth = rng.random() < 0.4
            if known_birth:
                birth_date = datetime.date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
                estimated_age = None
                estimated_age_on = None
            else:
                birth_date = None
                estimated_age = max(0, min(25, day.year - birth_year))
                estimated_age_on = day
            if nationality == "iranian":
                documentation = "national_id" if rng.random() < 0.6 else "undocumented"
            elif nationality == "afghan":
                documentation = rng.choice(["amayesh", "amayesh", "undocumented", "passport"])
            else:
                documentation = rng.choice(["passport", "other", "undocumented"])
            if documentation == "national_id":
                first_nine = f"{rng.randrange(10**9):09d}"
                id_number = first_nine + str(check_digit(first_nine))
            elif documentation in ("amayesh", "passport"):
                id_number = str(rng.randrange(10**9, 10**10))
            else:
                id_number = ""
            phone = f"09{rng.randrange(10**9):09d}" if rng.random() < 0.4 else ""
            guardian = rng.random() < 0.6
            guardian_phone = (
                f"09{rng.randrange(10**9):09d}" if guardian and rng.random() < 0.6 else ""
            )
            record = SimpleNamespace(
                given_name=clean(given),
                family_name=clean(family),
                father_name=clean(father),
                id_number=id_number,
                phone=phone,
                guardian_phone=guardian_phone,
                birth_date=birth_date,
                estimated_age=estimated_age,
                estimated_age_on=estimated_age_on,
                registered_on=day,
            )
            refresh_search_fields(record)

            year = jalali_years.get(day)
            if year is None:
                year = jalali_years[day] = to_jalali(day).year
            seq = sequences.get((org.id, year), 0) + 1
            sequences[(org.id, year)] = seq
            case_number = (
                f"{self.province_abbr[org.province_id] or 'IRN'}-{org.code}-{year}-{seq:05d}"
            )

            # Work, school, protection.
            works = rng.random() < 0.85
            assessed = status in ("assessed", "case_plan", "in_progress") or (
                status == "closed" and rng.random() < 0.7
            )
            needs = {
                domain: need_levels[min(3, int(rng.random() ** 0.8 * 4))]
                for domain in ("education", "health", "family", "economic", "protection")
            }
            protection = rng.sample(concerns, k=rng.choice((0, 0, 1, 1, 2)))
            risk = propose_risk(needs, protection_concerns=protection) if assessed else ""
            closed_at = None
            closure_reason = ""
            end_day = self.today
            if status == "closed":
                close_day = min(self.today, day + datetime.timedelta(days=rng.randint(30, 700)))
                closed_at = self.at(close_day)
                closure_reason = rng.choice(
                    [
                        "reunified",
                        "back_in_school",
                        "aged_out",
                        "moved_away",
                        "transferred",
                        "lost_contact",
                        "other",
                    ]
                )
                end_day = close_day
            span = max(1, (end_day - day).days)
            if status == "closed":
                last_contact = end_day - datetime.timedelta(days=rng.randint(0, 60))
            elif rng.random() < 0.55:
                last_contact = self.today - datetime.timedelta(days=rng.randint(0, 29))
            else:
                last_contact = self.today - datetime.timedelta(
                    days=rng.randint(30, min(span, 400) + 30)
                )
            last_contact = max(day, min(self.today, last_contact))
            updated_at = self.at(day + datetime.timedelta(days=rng.randint(0, span)))
            self.cases.org.append(org.id)
            self.cases.assigned.append(worker.id)
            self.cases.status.append(status)
            self.cases.day.append(day.toordinal())
            case_row = (
                case_id,
                org.id,
                case_number,
                status,
                worker.id,
                creator.id,
                day,
                created_at,
                max(created_at, updated_at),
                rng.randint(1, 4),
                record.given_name,
                record.family_name,
                record.father_name,
                sex,
                birth_date,
                estimated_age,
                estimated_age_on,
                nationality,
                documentation,
                id_number,
                ["dari"] if nationality == "afghan" else ["persian"],
                province_id,
                rng.choice(names.PROVINCES[province_codes[province_id]][1]),
                rng.choice(names.DISTRICTS),
                phone,
                rng.choice(living),
                clean(rng.choice(names.FATHERS) + " " + family) if guardian else "",
                rng.choice(["پدر", "مادر", "عمو", "برادر"]) if guardian else "",
                guardian_phone,
                rng.randint(2, 10),
                rng.randint(1, 3),
                rng.choice([None, 10, 20, 30, 50]),
                rng.choice(work_types) if works else "none",
                rng.randint(10, 60) if works else None,
                rng.choice([50_000, 80_000, 120_000, 200_000, 300_000]) if works else None,
                rng.sample(hazards, k=rng.choice((0, 1, 1, 2, 3))) if works else [],
                "",
                rng.choice(["enrolled", "dropped_out", "never_enrolled"]),
                rng.randint(1, 9) if rng.random() < 0.5 else None,
                "",
                protection,
                "",
                risk,
                closed_at,
                closure_reason,
                last_contact,
                record.search_name,
                record.search_compact,
                record.search_father,
                record.search_digits,
                record.birth_year,
            )
            out = {"case": [case_row]}
            withdrawn = rng.random() < 0.02
            out["consent"] = [
                (
                    case_id,
                    case_id,
                    rng.choice(["guardian", "both", "child"]),
                    "",
                    day,
                    ["record", "referral", "follow_up"] + (["photo"] if rng.random() < 0.2 else []),
                    creator.id,
                    created_at,
                    self.at(day + datetime.timedelta(days=span // 2)) if withdrawn else None,
                    worker.id if withdrawn else None,
                    "خانواده رضایت خود را پس گرفت" if withdrawn else "",
                )
            ]
            timeline = [
                (ids.timeline + 1, case_id, "registered", created_at, creator.id, Jsonb({})),
                (
                    ids.timeline + 2,
                    case_id,
                    "consent_recorded",
                    created_at,
                    creator.id,
                    Jsonb({"scope": ["record", "referral", "follow_up"]}),
                ),
            ]
            ids.timeline += 2
            notes = []
            extra = 150 if case_id == self.showcase_case else rng.choice((0, 1, 1, 2, 2, 3, 4))
            for _ in range(extra):
                when = self.at(day + datetime.timedelta(days=rng.randint(0, span)))
                kind = rng.choice(
                    ("updated", "updated", "note", "status", "encounter", "reassigned")
                )
                ids.timeline += 1
                if kind == "note":
                    ids.note += 1
                    notes.append((ids.note, case_id, worker.id, rng.choice(SENTENCES), when))
                    detail = {"note": ids.note}
                elif kind == "updated":
                    section = rng.choice(("identity", "household", "work", "schooling", "health"))
                    detail = {"section": section, "fields": ["district"]}
                elif kind == "status":
                    detail = {"status": status}
                elif kind == "encounter":
                    detail = {"hotspot": "میدان آزادی"}
                else:
                    detail = {"to": worker.id}
                timeline.append((ids.timeline, case_id, kind, when, worker.id, Jsonb(detail)))
            out["timeline"] = timeline
            out["note"] = notes
            if assessed:
                ids.assessment += 1
                out["assessment"] = [
                    (
                        ids.assessment,
                        case_id,
                        worker.id,
                        min(self.today, day + datetime.timedelta(days=rng.randint(3, 40))),
                        *needs.values(),
                        risk,
                        risk,
                        "",
                        created_at,
                    )
                ]
            if status in ("case_plan", "in_progress") or (
                assessed and status == "closed" and rng.random() < 0.5
            ):
                goals, actions = [], []
                for _ in range(rng.randint(1, 2)):
                    ids.goal += 1
                    goals.append(
                        (
                            ids.goal,
                            case_id,
                            rng.choice(NEEDS),
                            "done"
                            if status == "closed"
                            else rng.choice(("planned", "in_progress")),
                            worker.id,
                            created_at,
                        )
                    )
                    for _ in range(rng.randint(1, 2)):
                        ids.action += 1
                        actions.append(
                            (
                                ids.action,
                                ids.goal,
                                rng.choice(NEEDS),
                                rng.choice(self.service_ids) if rng.random() < 0.6 else None,
                                worker.id,
                                day + datetime.timedelta(days=rng.randint(14, 120)),
                                rng.choice(("planned", "in_progress", "done")),
                            )
                        )
                out["goal"], out["action"] = goals, actions
            if status == "closed":
                ids.closure += 1
                manager = org.managers[0]
                out["closure"] = [
                    (
                        ids.closure,
                        case_id,
                        closure_reason,
                        "",
                        worker.id,
                        closed_at - datetime.timedelta(days=rng.randint(1, 10)),
                        "approved",
                        manager.id,
                        closed_at,
                        "",
                    )
                ]
            elif status == "in_progress" and rng.random() < 0.01:
                ids.closure += 1
                out["closure"] = [
                    (
                        ids.closure,
                        case_id,
                        "reunified",
                        "",
                        worker.id,
                        self.now,
                        "pending",
                        None,
                        None,
                        "",
                    )
                ]
            yield out
        # Cases per organisation in registration order, for encounters, referrals and follow-ups.
        self.org_cases = {}
        for index, org_id in enumerate(self.cases.org):
            self.org_cases.setdefault(org_id, []).append(index)

    # --- outreach --------------------------------------------------------------------------

    def _hotspots(self):
        """Per organisation: its hotspots as (city, [(typed hotspot, key), ...]) with weights."""
        from core.persian import clean_text, normalize

        rng = self.rng
        by_city = {}
        for code, (weight, cities, _centre) in names.PROVINCES.items():
            for n_city, city in enumerate(cities):
                size = max(4, int(weight * (6 if n_city == 0 else 2)))
                pairs = [(k, m) for k in names.HOTSPOT_KINDS for m in names.LANDMARKS]
                spots = []
                for kind, landmark in rng.sample(pairs, k=min(size, len(pairs))):
                    canonical = f"{kind} {landmark}"
                    typed = [
                        canonical,
                        canonical.replace(names.ZWNJ, " "),
                        "  " + canonical.replace(" ", names.ZWNJ, 1),
                    ]
                    variants = [(clean_text(t), normalize(clean_text(t))) for t in typed]
                    spots.append(variants)
                by_city[(code, city)] = spots
        per_org = {}
        for org in self.case_orgs:
            cities = names.PROVINCES[org.province][1]
            places = []
            for city in cities:
                for spots in by_city[(org.province, city)]:
                    places.append((city, spots))
            rng.shuffle(places)
            chosen = places[: rng.randint(3, 12)]
            per_org[org.id] = (chosen, _zipf_cum(len(chosen), 1.0))
        return per_org

    def load_encounters(self):
        from children.models import Encounter, EncounterChild

        rng = self.rng
        total = self.counts["encounters"]
        orgs = self.case_orgs
        org_cum = list(itertools.accumulate(o.cases for o in orgs))
        hotspots = self._hotspots()
        centres = {code: centre for code, (_w, _c, centre) in names.PROVINCES.items()}
        activities, activity_cum = _weighted(
            {"first_contact": 15, "regular_visit": 60, "group_activity": 15, "emergency": 10}
        )
        case_days = self.cases.day
        links = []
        anon_columns = [
            "anon_female_under6",
            "anon_female_6_11",
            "anon_female_12_14",
            "anon_female_15_17",
            "anon_male_under6",
            "anon_male_6_11",
            "anon_male_12_14",
            "anon_male_15_17",
        ]
        org_case_days = {
            org_id: [case_days[i] for i in indexes] for org_id, indexes in self.org_cases.items()
        }

        def rows():
            for i in range(total):
                encounter_id = i + 1
                org = rng.choices(orgs, cum_weights=org_cum)[0]
                places, place_cum = hotspots[org.id]
                city, spots = rng.choices(places, cum_weights=place_cum)[0]
                roll = rng.random()
                hotspot, key = spots[0] if roll < 0.85 else spots[1] if roll < 0.95 else spots[2]
                day = self.day_for((i + rng.random()) / total)
                occurred = self.at(day, 7, 22)
                if rng.random() < 0.3:
                    lat, lon = centres[org.province]
                    latitude = round(lat + rng.gauss(0, 0.05), 5)
                    longitude = round(lon + rng.gauss(0, 0.05), 5)
                else:
                    latitude = longitude = None
                anon = [rng.randint(1, 4) if rng.random() < 0.22 else 0 for _ in range(8)]
                # Registered children met: some encounters, children the organisation registered
                # before that day (recent registrations are met most).
                if rng.random() < 0.15:
                    indexes = self.org_cases.get(org.id)
                    if indexes:
                        known = bisect.bisect_right(org_case_days[org.id], day.toordinal())
                        if known:
                            picked = {
                                indexes[rng.randrange(max(0, known - 300), known)]
                                for _ in range(rng.choice((1, 1, 1, 2, 3)))
                            }
                            for index in picked:
                                links.append(
                                    (len(links) + 1, encounter_id, index + 1, rng.random() < 0.03)
                                )
                yield (
                    encounter_id,
                    org.id,
                    rng.choice(org.caseworkers).id,
                    occurred,
                    org.province_id,
                    city,
                    rng.choice(names.DISTRICTS),
                    hotspot,
                    key,
                    latitude,
                    longitude,
                    rng.choices(activities, cum_weights=activity_cum)[0],
                    rng.choice(SENTENCES) if rng.random() < 0.25 else "",
                    rng.random() < 0.15,
                    occurred + datetime.timedelta(minutes=rng.randint(5, 600)),
                    *anon,
                )

        self.load(
            Encounter,
            [
                "id",
                "organisation_id",
                "caseworker_id",
                "occurred_at",
                "province_id",
                "city",
                "district",
                "hotspot",
                "hotspot_key",
                "latitude",
                "longitude",
                "activity",
                "observations",
                "follow_up_needed",
                "created_at",
                *anon_columns,
            ],
            rows(),
        )
        self.load(
            EncounterChild, ["id", "encounter_id", "case_id", "registered_from_encounter"], links
        )

    # --- referrals and follow-ups ------------------------------------------------------------

    def _recent_case(self, day, window_days):
        """A case registered in the `window_days` before `day` (any organisation), or None."""
        days = self.cases.day
        hi = bisect.bisect_right(days, day.toordinal())
        lo = bisect.bisect_left(days, day.toordinal() - window_days)
        if hi == 0:
            return None
        lo = min(lo, hi - 1)
        return self.rng.randrange(lo, hi)

    def load_referrals(self):
        from children.models import Referral

        rng = self.rng
        total = self.counts["referrals"]
        orgs_by_id = {o.id: o for o in self.orgs}
        receivers = [o for o in self.case_orgs]
        receiver_cum = list(itertools.accumulate(o.cases for o in receivers))
        by_province = {}
        for org in receivers:
            by_province.setdefault(org.province_id, []).append(org)
        states_recent, recent_cum = _weighted(
            {"sent": 45, "accepted": 30, "declined": 10, "withdrawn": 5, "completed": 10}
        )
        states_mid, mid_cum = _weighted(
            {
                "accepted": 30,
                "completed": 40,
                "not_completed": 10,
                "declined": 12,
                "withdrawn": 6,
                "sent": 2,
            }
        )
        states_old, old_cum = _weighted(
            {
                "completed": 60,
                "not_completed": 15,
                "declined": 15,
                "withdrawn": 9,
                "sent": 0.5,
                "accepted": 0.5,
            }
        )
        extra = []
        if self.showcase_case:
            index = self.showcase_case - 1
            for n in range(4):
                extra.append((index, self.today - datetime.timedelta(days=3 + 40 * n)))

        def rows():
            planned = [(None, None)] * total + extra
            for i, (fixed_index, fixed_day) in enumerate(planned):
                if fixed_index is None:
                    day = self.day_for((i + rng.random()) / total)
                    index = self._recent_case(day, 730)
                    if index is None:
                        continue
                else:
                    index, day = fixed_index, fixed_day
                case_id = index + 1
                sender = orgs_by_id[self.cases.org[index]]
                local = [o for o in by_province.get(sender.province_id, []) if o is not sender]
                if local and rng.random() < 0.7:
                    receiver = rng.choice(local)
                else:
                    receiver = rng.choices(receivers, cum_weights=receiver_cum)[0]
                    if receiver is sender:
                        receiver = receivers[(receivers.index(sender) + 1) % len(receivers)]
                sent_at = self.at(day)
                age = (self.today - day).days
                if age <= 14:
                    state = rng.choices(states_recent, cum_weights=recent_cum)[0]
                elif age <= 120:
                    state = rng.choices(states_mid, cum_weights=mid_cum)[0]
                else:
                    state = rng.choices(states_old, cum_weights=old_cum)[0]
                sent_by = self.cases.assigned[index]
                answered_at = answered_by = None
                if state not in ("sent", "withdrawn") or (
                    state == "withdrawn" and rng.random() < 0.5
                ):
                    answered_at = min(
                        self.now, sent_at + datetime.timedelta(hours=rng.randint(2, 24 * 9))
                    )
                    answered_by = rng.choice(receiver.staff).id
                closed_at = closed_by = None
                if state in ("completed", "not_completed"):
                    closed_at = min(
                        self.now, answered_at + datetime.timedelta(days=rng.randint(5, 60))
                    )
                    closed_by = rng.choice(receiver.staff).id
                elif state == "withdrawn":
                    closed_at = min(self.now, sent_at + datetime.timedelta(days=rng.randint(1, 20)))
                    closed_by = sent_by
                ended = None
                if state in ("declined",):
                    ended = answered_at
                elif state in ("completed", "not_completed", "withdrawn"):
                    ended = closed_at
                due = sent_at + datetime.timedelta(days=7)
                override = rng.random() < 0.03
                yield (
                    case_id,
                    sender.id,
                    receiver.id,
                    rng.choice(self.service_ids),
                    state,
                    rng.choice(NEEDS),
                    "تماس با مادر کودک" if rng.random() < 0.5 else "",
                    "",
                    None if override else case_id,
                    "خطر فوری برای کودک؛ رضایت بعداً گرفته می‌شود" if override else "",
                    sent_by,
                    sent_at,
                    due,
                    answered_by,
                    answered_at,
                    "ظرفیت این ماه تکمیل است" if state == "declined" else "",
                    closed_by,
                    closed_at,
                    "خدمت ارائه شد" if state == "completed" else "",
                    "کودک به شهر دیگری رفت" if state == "withdrawn" else "",
                    due + datetime.timedelta(hours=2)
                    if state == "sent" and due < self.now and rng.random() < 0.8
                    else None,
                    ended,
                )

        def numbered():
            for n, row in enumerate(rows(), start=1):
                yield (n, *row)

        self.load(
            Referral,
            [
                "id",
                "case_id",
                "from_organisation_id",
                "to_organisation_id",
                "service_id",
                "state",
                "need",
                "contact_arrangements",
                "sender_note",
                "consent_id",
                "consent_override_reason",
                "sent_by_id",
                "sent_at",
                "answer_due_at",
                "answered_by_id",
                "answered_at",
                "decline_reason",
                "closed_by_id",
                "closed_at",
                "outcome_notes",
                "withdrawn_reason",
                "reminder_sent_at",
                "sharing_ended_at",
            ],
            numbered(),
        )

    def load_followups(self):
        from children.models import FollowUp

        rng = self.rng
        total = self.counts["followups"]
        kinds = ["home_visit", "street_check", "school_check", "phone_call", "service_check"]
        recent, recent_cum = _weighted(
            {"scheduled": 35, "done": 45, "missed": 10, "rescheduled": 10}
        )
        old, old_cum = _weighted({"done": 72, "missed": 14, "rescheduled": 10, "scheduled": 4})
        future_days = 60
        yesterday = self.today - datetime.timedelta(days=1)

        def status_for(due):
            if due > self.today:
                return "scheduled"
            if (self.today - due).days <= 30:
                return rng.choices(recent, cum_weights=recent_cum)[0]
            return rng.choices(old, cum_weights=old_cum)[0]

        def row(followup_id, index, due, status, rescheduled_to=None):
            case_id = index + 1
            responsible = self.cases.assigned[index]
            completed_at = None
            outcome = ""
            if status != "scheduled":
                completed_at = min(
                    self.now, self.at(due + datetime.timedelta(days=rng.randint(0, 3)))
                )
                outcome = "کودک دیده شد" if status == "done" else "کودک پیدا نشد"
            overdue_since = None
            if status == "scheduled" and due < yesterday:
                overdue_since = due + datetime.timedelta(days=1)
            created = self.at(due - datetime.timedelta(days=rng.randint(7, 30)))
            return (
                followup_id,
                case_id,
                due,
                rng.choice(kinds),
                responsible,
                status,
                outcome,
                completed_at,
                rescheduled_to,
                overdue_since,
                responsible,
                created,
            )

        span = self.span_days + future_days

        def planned():
            """(case index, due date) in time order, then a dozen for the showcase case."""
            # About 9.5% of visits are rescheduled and add their replacement as a second row.
            visits = round(total / 1.095)
            for i in range(visits):
                due = self.start + datetime.timedelta(days=int((i + rng.random()) / visits * span))
                index = self._recent_case(min(due, self.today) - datetime.timedelta(days=7), 540)
                yield (index or 0), due
            for _ in range(12 if self.showcase_case else 0):
                yield (
                    self.showcase_case - 1,
                    self.today + datetime.timedelta(days=rng.randint(-90, 30)),
                )

        def rows():
            # A rescheduled follow-up is followed by its replacement, so ids come in pairs there.
            followup_id = 0
            for index, due in planned():
                status = status_for(due)
                if status == "rescheduled":
                    later = due + datetime.timedelta(days=rng.randint(3, 14))
                    later_status = status_for(later)
                    if later_status == "rescheduled":
                        later_status = "done" if later <= self.today else "scheduled"
                    yield row(followup_id + 1, index, due, "rescheduled", followup_id + 2)
                    yield row(followup_id + 2, index, later, later_status)
                    followup_id += 2
                else:
                    followup_id += 1
                    yield row(followup_id, index, due, status)

        self.load(
            FollowUp,
            [
                "id",
                "case_id",
                "due_on",
                "kind",
                "responsible_id",
                "status",
                "outcome",
                "completed_at",
                "rescheduled_to_id",
                "overdue_since",
                "created_by_id",
                "created_at",
            ],
            rows(),
        )

    # --- the end ---------------------------------------------------------------------------

    def finish(self):
        started = time.perf_counter()
        for table, name, definition in self.dropped_indexes:
            self.conn.execute(definition)
        self.log(
            f"  rebuilt {len(self.dropped_indexes)} indexes in {time.perf_counter() - started:.1f} s"
        )
        self.timings["indexes"] = time.perf_counter() - started
        tables = sorted({table for table in self.row_counts})
        for table in tables:
            self.conn.execute(
                """
                SELECT setval(pg_get_serial_sequence(%s, 'id'),
                              (SELECT coalesce(max(id), 0) + 1 FROM "{}"), false)
                """.format(table.replace('"', "")),
                [table],
            )
        self.conn.execute("SET session_replication_role = DEFAULT")
        started = time.perf_counter()
        self.conn.execute("VACUUM (ANALYZE)")
        self.timings["vacuum_analyze"] = time.perf_counter() - started
        self.log(f"  VACUUM ANALYZE in {self.timings['vacuum_analyze']:.1f} s")

    def fixtures(self):
        """The ids the scenarios use, kept in bench_meta."""
        rng = random.Random(len(self.cases.org))
        big = self.big_org
        big_cases = self.org_cases[big.id]
        open_big = [i + 1 for i in big_cases if self.cases.status[i] != "closed"]
        counts = {}
        for worker in self.cases.assigned:
            counts[worker] = counts.get(worker, 0) + 1
        busiest = max(big.caseworkers, key=lambda u: counts.get(u.id, 0))
        total = len(self.cases.org)
        return {
            "big_org_id": big.id,
            "big_org_province_id": big.province_id,
            "big_org_manager_id": big.managers[0].id,
            "big_org_caseworker_id": busiest.id,
            "big_org_open_cases": len(open_big),
            "big_org_open_case_ids": open_big[-2:],
            "showcase_case_id": self.showcase_case,
            "duplicate_probe_case_ids": sorted(rng.sample(range(1, total + 1), k=min(20, total))),
            "ministry_officer_id": self.officers[0].id,
            "today": self.today.isoformat(),
        }


CASE_COLUMNS = [
    "id",
    "organisation_id",
    "case_number",
    "status",
    "assigned_to_id",
    "created_by_id",
    "registered_on",
    "created_at",
    "updated_at",
    "version",
    "given_name",
    "family_name",
    "father_name",
    "sex",
    "birth_date",
    "estimated_age",
    "estimated_age_on",
    "nationality",
    "documentation",
    "id_number",
    "languages",
    "province_id",
    "city",
    "district",
    "phone",
    "living_situation",
    "guardian_name",
    "guardian_relation",
    "guardian_phone",
    "household_size",
    "household_earners",
    "income_share_percent",
    "work_type",
    "work_hours_per_week",
    "earnings_per_day",
    "hazards",
    "workplace",
    "school_status",
    "school_grade",
    "health_concerns",
    "protection_concerns",
    "protection_notes",
    "risk_level",
    "closed_at",
    "closure_reason",
    "last_contact_on",
    "search_name",
    "search_compact",
    "search_father",
    "search_digits",
    "birth_year",
]


def generate(conn, scale, seed, log=print):
    """Fill the (migrated, empty) bench database; return (row counts, fixtures, timings)."""
    generator = Generator(conn, scale, seed, log)
    row_counts, fixtures = generator.run()
    return row_counts, fixtures, generator.timings
