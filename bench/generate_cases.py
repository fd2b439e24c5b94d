"""Generated cases, with their consent, timeline, notes, assessment, plan and closure.

Cases are made in registration order, so ids follow time as in production. About 6% are the same
child registered again (mostly by another organisation) under another spelling of the names,
with the birth year a year off at times: what the duplicate check must find. Search columns are
filled by the service's own `refresh_search_fields`, so they are exactly what a registration
would store.
"""

import datetime
import time
from types import SimpleNamespace

from psycopg.types.json import Jsonb

from children import demo_names

from . import names
from .sampling import weighted, zipf_cum

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
WORK_TYPES = [
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
HAZARDS = ["traffic", "night_work", "heavy_loads", "chemicals", "machinery", "violence", "weather"]
CONCERNS = [
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
LIVING = ["family", "family", "family", "relatives", "employer", "shelter", "street", "alone"]
CLOSURE_REASONS = [
    "reunified",
    "back_in_school",
    "aged_out",
    "moved_away",
    "transferred",
    "lost_contact",
    "other",
]
NEED_LEVELS = ["none", "low", "medium", "high"]
DOMAINS = ["education", "health", "family", "economic", "protection"]
# Timeline lines a case gets beyond "consent recorded" (and "registered", read from the case).
EXTRA_TIMELINE = (0, 1, 1, 2, 2, 3, 4)
SHOWCASE_TIMELINE = 150

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
    "school_status",
    "school_grade",
    "protection_concerns",
    "risk_level",
    "closed_at",
    "closure_reason",
    "last_contact_on",
    "search_name",
    "search_compact",
    "search_father",
    "search_phonetic",
    "search_father_phonetic",
    "search_digits",
    "birth_year",
]
STREAM_COLUMNS = {
    "consent": "id case_id given_by given_on scope recorded_by_id recorded_at withdrawn_at "
    "withdrawn_by_id withdrawal_reason",
    "note": "id case_id author_id body created_at",
    "timeline": "id case_id kind at actor_id detail",
    "assessment": "id case_id assessed_by_id assessed_on education health family economic "
    "protection proposed_risk risk_level created_at",
    "goal": "id case_id goal status created_by_id created_at",
    "action": "id goal_id description service_id responsible_id target_date status",
    "closure": "id case_id organisation_id reason requested_by_id requested_at state decided_by_id"
    " decided_at",
}


class CaseRows:
    """Mixed into bench.generate.Generator."""

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

        # What later tables need about each case, by index (case id - 1).
        self.cases = SimpleNamespace(org=[], assigned=[], status=[], day=[])
        self.showcase_case = None
        streams = {key: [] for key in ["case", *STREAM_COLUMNS]}
        sequences = {}
        started = time.perf_counter()
        for rows in self._case_rows(sequences):
            for key, value in rows.items():
                streams[key].extend(value)
        self.timings["case_rows_in_python"] = time.perf_counter() - started
        self.log(f"  case rows built in {self.timings['case_rows_in_python']:.1f} s")
        self.org_cases = {}
        for index, org_id in enumerate(self.cases.org):
            self.org_cases.setdefault(org_id, []).append(index)

        self.load(Case, CASE_COLUMNS, streams.pop("case"))
        models = {
            "consent": Consent,
            "note": CaseNote,
            "timeline": TimelineEntry,
            "assessment": Assessment,
            "goal": PlanGoal,
            "action": PlanAction,
            "closure": ClosureRequest,
        }
        for key, rows in streams.items():
            self.load(models[key], STREAM_COLUMNS[key].split(), rows)
        sequence_rows = [
            (i, org_id, year, last)
            for i, ((org_id, year), last) in enumerate(sorted(sequences.items()), start=1)
        ]
        self.load(
            CaseNumberSequence, ["id", "organisation_id", "jalali_year", "last"], sequence_rows
        )

    def _case_rows(self, sequences):
        """Yield, for each case, {stream: [rows]}: the case and what hangs off it."""
        from children.models.workflow import propose_risk
        from children.services.cases import refresh_search_fields
        from core.jalali import to_jalali
        from core.persian import clean_text

        rng = self.rng
        total = self.counts["cases"]
        # Which organisation registers the i-th child: every case's owner, shuffled.
        owners = [org for org in self.case_orgs for _ in range(org.cases)]
        rng.shuffle(owners)
        big = self.big_org
        big_closed = big.cases - self.big_open
        org_seen = {}
        jalali_years = {}
        status_keys, status_cum = weighted(OPEN_STATUS_WEIGHTS)
        cleaned = {}
        ids = SimpleNamespace(timeline=0, note=0, assessment=0, goal=0, action=0, closure=0)
        identities = []

        def clean(text):
            if text not in cleaned:
                cleaned[text] = clean_text(text)
            return cleaned[text]

        for i in range(total):
            case_id = i + 1
            org = owners[i]
            k = org_seen.get(org.id, 0)
            org_seen[org.id] = k + 1
            day = self.day_for((i + rng.random()) / total)
            age_days = (self.today - day).days
            # The large organisation's oldest cases are its closed ones; elsewhere the chance
            # of being closed grows with the case's age.
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
            person = self._identity(identities, org, day)
            record = self._record(person, clean, day)
            refresh_search_fields(record)

            if day not in jalali_years:
                jalali_years[day] = to_jalali(day).year
            year = jalali_years[day]
            sequences[(org.id, year)] = seq = sequences.get((org.id, year), 0) + 1
            prefix = self.province_abbr[org.province_id] or "IRN"
            case_number = f"{prefix}-{org.code}-{year}-{seq:05d}"

            assessed = status in ("assessed", "case_plan", "in_progress") or (
                status == "closed" and rng.random() < 0.7
            )
            needs = {d: NEED_LEVELS[min(3, int(rng.random() ** 0.8 * 4))] for d in DOMAINS}
            protection = rng.sample(CONCERNS, k=rng.choice((0, 0, 1, 1, 2)))
            risk = propose_risk(needs, protection_concerns=protection) if assessed else ""
            closed_at, closure_reason, end_day = None, "", self.today
            if status == "closed":
                end_day = min(self.today, day + datetime.timedelta(days=rng.randint(30, 700)))
                closed_at = self.at(end_day)
                closure_reason = rng.choice(CLOSURE_REASONS)
            span = max(1, (end_day - day).days)
            last_contact = self._last_contact(status, end_day, span)
            updated_at = self.at(day + datetime.timedelta(days=rng.randint(0, span)))
            works = rng.random() < 0.85
            guardian = bool(record.guardian_phone) or rng.random() < 0.3
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
                person.sex,
                record.birth_date,
                record.estimated_age,
                record.estimated_age_on,
                person.nationality,
                person.documentation,
                record.id_number,
                ["dari"] if person.nationality == "afghan" else ["persian"],
                person.province_id,
                rng.choice(names.PROVINCES[self.province_codes[person.province_id]][1]),
                rng.choice(names.DISTRICTS),
                record.phone,
                rng.choice(LIVING),
                clean(rng.choice(demo_names.FATHERS) + " " + person.family) if guardian else "",
                rng.choice(["پدر", "مادر", "عمو", "برادر"]) if guardian else "",
                record.guardian_phone,
                rng.randint(2, 10),
                rng.randint(1, 3),
                rng.choice([None, 10, 20, 30, 50]),
                rng.choice(WORK_TYPES) if works else "none",
                rng.randint(10, 60) if works else None,
                rng.choice([50_000, 80_000, 120_000, 200_000, 300_000]) if works else None,
                rng.sample(HAZARDS, k=rng.choice((0, 1, 1, 2, 3))) if works else [],
                rng.choice(["enrolled", "dropped_out", "never_enrolled"]),
                rng.randint(1, 9) if rng.random() < 0.5 else None,
                protection,
                risk,
                closed_at,
                closure_reason,
                last_contact,
                record.search_name,
                record.search_compact,
                record.search_father,
                record.search_phonetic,
                record.search_father_phonetic,
                record.search_digits,
                record.birth_year,
            )
            case = SimpleNamespace(
                id=case_id,
                org=org,
                status=status,
                day=day,
                span=span,
                worker=worker,
                creator=creator,
                created_at=created_at,
                closed_at=closed_at,
                closure_reason=closure_reason,
                needs=needs,
                risk=risk,
                assessed=assessed,
            )
            yield {"case": [case_row], **self._case_streams(case, ids)}

    def _identity(self, identities, org, day):
        """A new child, or (6%) a child registered before, typed again with other spellings."""
        rng = self.rng
        if len(identities) > 100 and rng.random() < 0.06:
            before = identities[rng.randrange(len(identities))]
            person = SimpleNamespace(**vars(before))
            if rng.random() < 0.6:
                person.given = names.variant(person.given, rng)
            if rng.random() < 0.4:
                person.family = names.variant(person.family, rng)
            if rng.random() < 0.3:
                person.father = names.variant(person.father, rng)
            person.birth_year += rng.choice((-1, 0, 0, 1))
            if rng.random() < 0.5:
                person.province_id = org.province_id
            return person
        roll = rng.random()
        if roll < 0.45:
            nationality = "afghan"
        elif roll < 0.93:
            nationality = "iranian"
        else:
            nationality = rng.choice(["pakistani", "iraqi", "other", "unknown"])
        sex = "male" if rng.random() < 0.7 else "female"
        afghan = nationality == "afghan"
        if afghan:
            given_pool = demo_names.AFGHAN_BOYS if sex == "male" else demo_names.AFGHAN_GIRLS
        else:
            given_pool = demo_names.IRANIAN_BOYS if sex == "male" else demo_names.IRANIAN_GIRLS
        family_pool = demo_names.AFGHAN_FAMILY if afghan else demo_names.IRANIAN_FAMILY
        given = rng.choices(given_pool, cum_weights=_cum(given_pool, 0.9))[0]
        family = rng.choices(family_pool, cum_weights=_cum(family_pool, 0.7))[0]
        if rng.random() < 0.15:
            given = names.variant(given, rng)
        if rng.random() < 0.1:
            family = names.variant(family, rng)
        if nationality == "iranian":
            documentation = "national_id" if rng.random() < 0.6 else "undocumented"
        elif afghan:
            documentation = rng.choice(["amayesh", "amayesh", "undocumented", "passport"])
        else:
            documentation = rng.choice(["passport", "other", "undocumented"])
        person = SimpleNamespace(
            given=given,
            family=family,
            father=rng.choices(demo_names.FATHERS, cum_weights=_cum(demo_names.FATHERS, 0.8))[0],
            sex=sex,
            nationality=nationality,
            documentation=documentation,
            birth_year=day.year - rng.randint(5, 17),
            province_id=(
                org.province_id
                if rng.random() < 0.85
                else self.rng.choice(list(self.province_codes))
            ),
        )
        identities.append(person)
        return person

    def _record(self, person, clean, day):
        """The fields refresh_search_fields reads, as the registration service stores them."""
        from core.national_id import check_digit

        rng = self.rng
        if person.documentation == "national_id":
            first_nine = f"{rng.randrange(10**9):09d}"
            id_number = first_nine + str(check_digit(first_nine))
        elif person.documentation in ("amayesh", "passport"):
            id_number = str(rng.randrange(10**9, 10**10))
        else:
            id_number = ""
        known_birth = rng.random() < 0.4
        return SimpleNamespace(
            given_name=clean(person.given),
            family_name=clean(person.family),
            father_name=clean(person.father),
            id_number=id_number,
            phone=f"09{rng.randrange(10**9):09d}" if rng.random() < 0.4 else "",
            guardian_phone=f"09{rng.randrange(10**9):09d}" if rng.random() < 0.35 else "",
            birth_date=(
                datetime.date(person.birth_year, rng.randint(1, 12), rng.randint(1, 28))
                if known_birth
                else None
            ),
            estimated_age=None if known_birth else max(0, min(25, day.year - person.birth_year)),
            estimated_age_on=None if known_birth else day,
            registered_on=day,
        )

    def _last_contact(self, status, end_day, span):
        """Open cases: a little over half seen in the last 30 days ("My work" lists the rest)."""
        rng = self.rng
        if status == "closed":
            last = end_day - datetime.timedelta(days=rng.randint(0, 60))
        elif rng.random() < 0.55:
            last = self.today - datetime.timedelta(days=rng.randint(0, 29))
        else:
            last = self.today - datetime.timedelta(days=rng.randint(30, min(span, 400) + 30))
        start = end_day - datetime.timedelta(days=span)
        return max(start, min(self.today, last))

    def _case_streams(self, case, ids):
        """Consent, timeline, notes, assessment, plan and closure rows of one case."""
        rng = self.rng
        worker, day, span = case.worker, case.day, case.span
        withdrawn = rng.random() < 0.02
        scope = ["record", "referral", "follow_up"] + (["photo"] if rng.random() < 0.2 else [])
        out = {
            "consent": [
                (
                    case.id,
                    case.id,
                    rng.choice(["guardian", "both", "child"]),
                    day,
                    scope,
                    case.creator.id,
                    case.created_at,
                    self.at(day + datetime.timedelta(days=span // 2)) if withdrawn else None,
                    worker.id if withdrawn else None,
                    "خانواده رضایت خود را پس گرفت" if withdrawn else "",
                )
            ]
        }
        # The "registered" line is read from the case (children.selectors.cases.case_timeline).
        timeline = [
            (
                ids.timeline + 1,
                case.id,
                "consent_recorded",
                case.created_at,
                case.creator.id,
                Jsonb({"scope": scope}),
            ),
        ]
        ids.timeline += 1
        notes = []
        extra = SHOWCASE_TIMELINE if case.id == self.showcase_case else rng.choice(EXTRA_TIMELINE)
        for _ in range(extra):
            when = self.at(day + datetime.timedelta(days=rng.randint(0, span)))
            kind = rng.choice(("updated", "updated", "note", "status", "encounter", "reassigned"))
            if kind == "note":
                ids.note += 1
                notes.append((ids.note, case.id, worker.id, rng.choice(SENTENCES), when))
                detail = {"note": ids.note}
            elif kind == "updated":
                section = rng.choice(("identity", "household", "work", "schooling", "health"))
                detail = {"section": section, "fields": ["district"]}
            elif kind == "status":
                detail = {"status": case.status}
            elif kind == "encounter":
                detail = {"hotspot": "میدان آزادی"}
            else:
                detail = {"to": worker.id}
            ids.timeline += 1
            timeline.append((ids.timeline, case.id, kind, when, worker.id, Jsonb(detail)))
        out["timeline"], out["note"] = timeline, notes
        if case.assessed:
            ids.assessment += 1
            assessed_on = min(self.today, day + datetime.timedelta(days=rng.randint(3, 40)))
            out["assessment"] = [
                (
                    ids.assessment,
                    case.id,
                    worker.id,
                    assessed_on,
                    *case.needs.values(),
                    case.risk,
                    case.risk,
                    case.created_at,
                )
            ]
        planned = case.status in ("case_plan", "in_progress")
        if planned or (case.assessed and case.status == "closed" and rng.random() < 0.5):
            out["goal"], out["action"] = self._plan(case, ids)
        if case.status == "closed":
            ids.closure += 1
            requested = case.closed_at - datetime.timedelta(days=rng.randint(1, 10))
            manager = case.org.managers[0].id
            out["closure"] = [
                (
                    ids.closure,
                    case.id,
                    case.org.id,
                    case.closure_reason,
                    worker.id,
                    requested,
                    "approved",
                    manager,
                    case.closed_at,
                )
            ]
        elif case.status == "in_progress" and rng.random() < 0.01:
            ids.closure += 1
            pending = ("reunified", worker.id, self.now, "pending", None, None)
            out["closure"] = [(ids.closure, case.id, case.org.id, *pending)]
        return out

    def _plan(self, case, ids):
        rng = self.rng
        goals, actions = [], []
        for _ in range(rng.randint(1, 2)):
            ids.goal += 1
            status = "done" if case.status == "closed" else rng.choice(("planned", "in_progress"))
            goals.append(
                (ids.goal, case.id, rng.choice(NEEDS), status, case.worker.id, case.created_at)
            )
            for _ in range(rng.randint(1, 2)):
                ids.action += 1
                actions.append(
                    (
                        ids.action,
                        ids.goal,
                        rng.choice(NEEDS),
                        rng.choice(self.service_ids) if rng.random() < 0.6 else None,
                        case.worker.id,
                        case.day + datetime.timedelta(days=rng.randint(14, 120)),
                        rng.choice(("planned", "in_progress", "done")),
                    )
                )
        return goals, actions


_CUM: dict[tuple[int, float], list[float]] = {}


def _cum(pool, exponent):
    """Zipf weights of a name list, computed once per list."""
    key = (id(pool), exponent)
    if key not in _CUM:
        _CUM[key] = zipf_cum(len(pool), exponent)
    return _CUM[key]
