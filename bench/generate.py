"""Fill a freshly migrated bench database with a deterministic, national-sized caseload.

Rows go in with PostgreSQL COPY (psycopg 3 `cursor.copy()` and `write_row`), never the ORM: the
ORM would take an hour at national scale. During the load the session sets
`session_replication_role = replica`, so no row trigger fires: neither django-pghistory's history
triggers (the history tables stay empty, as after a fresh import) nor the foreign-key triggers
(the generator writes consistent ids itself). That setting needs a superuser, which the
development and CI servers give (user `postgres`); elsewhere, run the bench as a superuser.
Secondary indexes are dropped before each table is loaded and rebuilt at the end, sequences are
moved past the generated ids with `setval`, and `VACUUM ANALYZE` leaves the tables with
statistics, hint bits and visibility maps as a long-running database would have them.

Everything random comes from one seeded `FastRandom` (bench/sampling.py), so a seed gives the
same rows. Dates are relative to the day of generation ("five years up to today"), because the
pages measured compare with today (overdue follow-ups, unanswered referrals, cases not seen for
30 days).

Columns the generator does not name are filled from the model field's default (or NULL, or ""),
so a field added later with a default does not break generation; one without a default fails
loudly with the model and column to add here.

The rows themselves: organisations and staff here, cases and everything on a case in
generate_cases.py, outreach, referrals and follow-ups in generate_activity.py, working groups,
meetings and resolutions in generate_meetings.py.
"""

import datetime
import random
import time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import connection as django_connection
from psycopg import sql

from children import demo_names

from . import names
from .generate_activity import ActivityRows
from .generate_cases import CaseRows
from .generate_meetings import MeetingRows
from .sampling import FastRandom

# Bump when the generated data changes shape: stored data of another version is regenerated.
GENERATOR_VERSION = 3
TEHRAN = ZoneInfo("Asia/Tehran")
YEARS = 5


class Loader:
    """COPY rows into one model's table; columns not given get the field's default."""

    def __init__(self, conn, model, columns):
        self.conn = conn
        self.model = model
        self.table = model._meta.db_table
        fields = {f.column: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise RuntimeError(f"{self.table} has no column(s) {sorted(unknown)}")
        extra = [(c, self._default(f)) for c, f in fields.items() if c not in set(columns)]
        self.columns = list(columns) + [column for column, _value in extra]
        self.extra = tuple(value for _column, value in extra)

    def _default(self, field):
        if field.primary_key:
            raise RuntimeError(f"{self.table}: give the primary key column")
        if field.has_default():
            value = field.get_default()
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = datetime.datetime.now(datetime.UTC)
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
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(self.table), sql.SQL(", ").join(map(sql.Identifier, self.columns))
        )
        extra = self.extra
        count = 0
        with self.conn.cursor() as cursor, cursor.copy(statement) as copy:
            write = copy.write_row
            for row in rows:
                write(row + extra)
                count += 1
        return count


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


class Generator(CaseRows, ActivityRows, MeetingRows):
    def __init__(self, conn, scale, seed, log):
        self.conn = conn
        self.scale = scale
        self.counts = scale.counts
        self.rng = FastRandom(seed)
        self.log = log
        self.today = datetime.datetime.now(TEHRAN).date()
        self.start = self.today - datetime.timedelta(days=365 * YEARS + 1)
        self.span_days = (self.today - self.start).days
        self.now = datetime.datetime.now(datetime.UTC)
        self.tz = TEHRAN
        self.dropped_indexes = []
        self.row_counts = {}
        self.timings = {}
        self.notes = []

    # --- helpers ---------------------------------------------------------------------------

    def at(self, day, hour_from=8, hour_to=21):
        """An aware datetime on `day` at a working hour, Tehran time; never in the future."""
        rng = self.rng
        moment = datetime.datetime(
            day.year,
            day.month,
            day.day,
            rng.randint(hour_from, hour_to),
            rng.randrange(60),
            rng.randrange(60),
            tzinfo=TEHRAN,
        )
        return min(moment, self.now)

    def day_for(self, fraction):
        """The day at `fraction` of the five years, with activity growing over time (recent
        years hold more rows, as a deployment grows)."""
        # Density proportional to 0.5 + t on [0, 1]: the cumulative share is (t + t^2) / 2, so
        # the day for a share u solves t^2 + t - 2u = 0.
        t = min(max(-0.5 + (0.25 + 2 * fraction) ** 0.5, 0.0), 1.0)
        return self.start + datetime.timedelta(days=int(t * self.span_days))

    def load(self, model, columns, rows):
        """Drop the table's secondary indexes, COPY the rows, remember the indexes to rebuild."""
        table = model._meta.db_table
        for name, definition in secondary_indexes(self.conn, table):
            self.conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
            self.dropped_indexes.append((table, name, definition))
        started = time.perf_counter()
        with self.conn.transaction():
            count = Loader(self.conn, model, columns).load(rows)
        seconds = time.perf_counter() - started
        self.row_counts[table] = self.row_counts.get(table, 0) + count
        self.timings[table] = self.timings.get(table, 0) + seconds
        rate = count / seconds if seconds else 0
        self.log(f"  {table}: {count:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s)")
        return count

    # --- the run ---------------------------------------------------------------------------

    def run(self):
        from core.models import Province
        from ngos.models import Service

        self.conn.execute("SET session_replication_role = replica")
        self.conn.execute("SET maintenance_work_mem = '256MB'")
        self.province_ids = dict(Province.objects.values_list("code", "id"))
        self.province_codes = {pk: code for code, pk in self.province_ids.items()}
        self.province_abbr = dict(Province.objects.values_list("id", "abbreviation"))
        self.service_ids = list(Service.objects.order_by("position").values_list("id", flat=True))
        missing = set(names.PROVINCES) - set(self.province_ids)
        if missing:
            raise RuntimeError(f"provinces missing from the database: {sorted(missing)}")
        self.plan_organisations()
        self.plan_staff()
        self.load_users()
        self.load_organisations()
        self.load_cases()
        self.load_encounters()
        self.load_referrals()
        self.load_followups()
        self.load_meetings()
        self.finish()
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
            city = rng.choice(names.PROVINCES[province][1])
            orgs.append(
                SimpleNamespace(
                    id=len(orgs) + 1,
                    kind=kind,
                    province=province,
                    province_id=self.province_ids[province],
                    city=city,
                    code=code,
                    cases=0,
                )
            )

        # The large organisation of the "My work" scenario: an NGO in Tehran.
        add("ngo", "tehran", "NGO0001")
        for i in range(1, n_ngo):
            # Every province has an NGO before the weighted draw places the rest.
            province = codes[i - 1] if i <= len(codes) else rng.choices(codes, weights)[0]
            add("ngo", province, f"NGO{i + 1:04d}")
        for prefix, kind, count in (
            ("WEL", "welfare", n_welfare),
            ("MUN", "municipality", n_municipality),
            ("MIN", "ministry", n_ministry),
            ("GOV", "government_agency", n_agency),
        ):
            for i in range(count):
                province = "tehran" if kind == "ministry" else by_weight[i % len(by_weight)]
                add(kind, province, f"{prefix}{i + 1:03d}")
        self.orgs = orgs
        self.big_org = orgs[0]
        self.case_orgs = [o for o in orgs if o.kind in ("ngo", "welfare", "municipality")]
        self.ministries = [o for o in orgs if o.kind == "ministry"]
        self._share_cases()

    def _share_cases(self):
        """Cases per organisation: the large one has its open cases plus a fifth as many closed;
        the others share the rest with weights 1/sqrt(rank), none above the large one when the
        scale leaves enough organisations for that."""
        rng = self.rng
        total = self.counts["cases"]
        self.big_open = min(self.counts["big_org_open_cases"], total // 3)
        big_total = self.big_open + self.big_open // 5
        others = self.case_orgs[1:]
        order = list(range(len(others)))
        rng.shuffle(order)
        raw = [1 / (rank + 1) ** 0.5 for rank in order]
        remaining = total - big_total
        cap = max(big_total - 1, -(-remaining // len(others)))
        per_weight = remaining / sum(raw)
        for org, weight in zip(others, raw, strict=True):
            org.cases = min(cap, max(1, int(weight * per_weight)))
        self.big_org.cases = big_total
        # Rounding leftovers: one more case each for the smallest, one fewer for the largest.
        while (diff := remaining - sum(o.cases for o in others)) != 0:
            for org in sorted(others, key=lambda o: o.cases, reverse=diff < 0)[: abs(diff)]:
                if diff > 0 and org.cases < cap:
                    org.cases += 1
                elif diff < 0 and org.cases > 1:
                    org.cases -= 1

    def plan_staff(self):
        rng = self.rng
        users_total = self.counts["users"]
        n_admin = max(1, round(users_total * 0.001))
        n_officer = max(2, round(users_total * 0.01))
        managers = sum(2 if o.cases > 2000 else 1 for o in self.case_orgs)
        n_caseworkers = max(len(self.case_orgs), users_total - n_admin - n_officer - managers)
        users = []

        def add(org, role, province_id=None):
            users.append(
                SimpleNamespace(id=len(users) + 1, org=org, role=role, province_id=province_id)
            )
            return users[-1]

        for _ in range(n_admin):
            add(self.ministries[0], "administrator")
        province_ids = list(self.province_ids.values())
        for i in range(n_officer):
            # A third of the ministry officers see one province only.
            province = rng.choice(province_ids) if rng.random() < 0.3 else None
            add(self.ministries[i % len(self.ministries)], "ministry_officer", province)
        # Caseworkers in proportion to the case load (largest remainders), at least one each.
        total_cases = sum(o.cases for o in self.case_orgs)
        spare = n_caseworkers - len(self.case_orgs)
        shares = {o.id: spare * o.cases / total_cases for o in self.case_orgs}
        counts = {pk: 1 + int(share) for pk, share in shares.items()}
        left = n_caseworkers - sum(counts.values())
        for pk in sorted(shares, key=lambda pk: int(shares[pk]) - shares[pk])[:left]:
            counts[pk] += 1
        for org in self.case_orgs:
            org.managers = [add(org, "org_manager") for _ in range(2 if org.cases > 2000 else 1)]
            org.caseworkers = [add(org, "caseworker") for _ in range(counts[org.id])]
            org.staff = org.managers + org.caseworkers
        for org in self.orgs:
            if not hasattr(org, "staff"):
                org.staff = [u for u in users if u.org is org]
                org.managers, org.caseworkers = org.staff[:1], []
        self.users = users
        self.officers = [u for u in users if u.role == "ministry_officer"]

    def load_users(self):
        from core.models import User
        from ngos.models import Membership

        rng = self.rng
        password = make_password("bench-only-password")
        given = demo_names.IRANIAN_BOYS + demo_names.IRANIAN_GIRLS
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
            first, last = rng.choice(given), rng.choice(demo_names.IRANIAN_FAMILY)
            language = "fa" if rng.random() < 0.9 else "en"
            email = f"{username}@bench.invalid"
            user_rows.append(
                (user.id, password, username, first, last, email, True, joined, language)
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
        columns = "id password username first_name last_name email is_active date_joined language"
        self.load(User, columns.split(), user_rows)
        columns = "id user_id organisation_id role title province_id invited_by_id created_at"
        self.load(Membership, columns.split(), membership_rows)

    def load_organisations(self):
        from core.models import Province
        from ngos.models import Organisation, ServiceOffering

        rng = self.rng
        province_names = dict(Province.objects.values_list("code", "name_fa"))
        focus = ["working_children", "street_children", "migrants", "undocumented", "girls"]
        languages = ["persian", "dari", "pashto", "azeri", "kurdish", "balochi", "arabic"]
        ministry_names = ["وزارت کشور", "وزارت تعاون، کار و رفاه اجتماعی", "سازمان بهزیستی کشور"]
        officer_ids = [u.id for u in self.officers]
        seen_names = {}
        rows, offerings, provinces = [], [], []
        for org in self.orgs:
            province_fa = province_names[org.province]
            base = {
                "ngo": f"{names.ORG_NAME_PARTS[org.id % len(names.ORG_NAME_PARTS)]} {org.city}",
                "welfare": f"اداره کل بهزیستی استان {province_fa}",
                "municipality": f"شهرداری {org.city}",
                "ministry": ministry_names[(org.id - 1) % len(ministry_names)],
                "government_agency": f"اداره کل آموزش و پرورش استان {province_fa}",
            }[org.kind]
            seen_names[base] = seen_names.get(base, 0) + 1
            instance = Organisation(
                name_fa=base if seen_names[base] == 1 else f"{base} {seen_names[base]}",
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
                    org.code,
                    org.kind,
                    instance.registration_number,
                    "interior" if org.kind == "ngo" else "",
                    rng.randint(1380, 1402),
                    org.province_id,
                    instance.cities,
                    rng.sample(focus, k=rng.randint(1, 3)),
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
            provinces.append((len(provinces) + 1, org.id, org.province_id))
            other = rng.choice(list(self.province_ids.values()))
            if org.kind == "ngo" and rng.random() < 0.3 and other != org.province_id:
                provinces.append((len(provinces) + 1, org.id, other))
            if org in self.case_orgs:
                for service_id in rng.sample(self.service_ids, k=rng.randint(2, 4)):
                    capacity = rng.choice([None, 20, 50, 100])
                    ages = rng.choice([(None, None), (6, 18), (None, 15)])
                    offerings.append((len(offerings) + 1, org.id, service_id, capacity, *ages))
        columns = (
            "id name_fa code kind registration_number registering_authority founded_year "
            "home_province_id cities focus languages status verified_at verified_by_id "
            "suspended_at suspended_by_id suspension_reason search_name search_cities "
            "created_at updated_at"
        )
        self.load(Organisation, columns.split(), rows)
        self.load(
            Organisation.provinces.through, ["id", "organisation_id", "province_id"], provinces
        )
        columns = "id organisation_id service_id capacity_per_month age_min age_max"
        self.load(ServiceOffering, columns.split(), offerings)

    # --- the end ---------------------------------------------------------------------------

    def finish(self):
        started = time.perf_counter()
        for _table, _name, definition in self.dropped_indexes:
            self.conn.execute(definition)
        self.timings["indexes"] = time.perf_counter() - started
        self.log(
            f"  rebuilt {len(self.dropped_indexes)} indexes in {self.timings['indexes']:.1f} s"
        )
        for table in self.row_counts:
            setval = sql.SQL(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "(SELECT coalesce(max(id), 0) + 1 FROM {}), false)"
            ).format(sql.Identifier(table))
            self.conn.execute(setval, [table])
        self.conn.execute("SET session_replication_role = DEFAULT")
        started = time.perf_counter()
        self.conn.execute("VACUUM (ANALYZE)")
        self.timings["vacuum_analyze"] = time.perf_counter() - started
        self.log(f"  VACUUM ANALYZE in {self.timings['vacuum_analyze']:.1f} s")

    def fixtures(self):
        """The users and records the scenarios use, kept in bench_meta."""
        rng = random.Random(len(self.cases.org))
        big = self.big_org
        open_big = [i + 1 for i in self.org_cases[big.id] if self.cases.status[i] != "closed"]
        per_worker = {}
        for worker in self.cases.assigned:
            per_worker[worker] = per_worker.get(worker, 0) + 1
        busiest = max(big.caseworkers, key=lambda u: per_worker.get(u.id, 0))
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
            "notes": self.notes,
        }


def generate(conn, scale, seed, log=print):
    """Fill the (migrated, empty) bench database; return (row counts, fixtures, timings)."""
    generator = Generator(conn, scale, seed, log)
    row_counts, fixtures = generator.run()
    return row_counts, fixtures, generator.timings
