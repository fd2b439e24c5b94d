"""Generated street outreach, referrals and follow-ups, over the five years, in time order.

Encounters: each case-holding organisation works 3 to 12 hotspots of its province, the busiest
far more often than the rest; 15% of encounters link children the organisation registered
before that day; most record a few children counted anonymously. Typed hotspot names vary in
ZWNJ and spacing, which the service's `hotspot_key` folds together.

Referrals go mostly to organisations of the same province; their state follows their age (recent
ones wait for an answer, old ones are completed, declined or withdrawn), within the model's
CheckConstraints. Follow-ups: done, missed or rescheduled (with the replacement row) in the past,
scheduled in the future, and some forgotten, which is what the overdue job stamps.

The hot loops draw with `random()` arithmetic and bisect on cumulative weights rather than
`random.choices`, which is several times slower; at two million rows that is a minute.
"""

import bisect
import datetime

from core.persian import ZWNJ

from . import names
from .generate_cases import NEEDS, SENTENCES
from .sampling import weighted, zipf_cum

ENCOUNTER_COLUMNS = [
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
    "anon_female_under6",
    "anon_female_6_11",
    "anon_female_12_14",
    "anon_female_15_17",
    "anon_male_under6",
    "anon_male_6_11",
    "anon_male_12_14",
    "anon_male_15_17",
]
REFERRAL_COLUMNS = [
    "id",
    "case_id",
    "from_organisation_id",
    "to_organisation_id",
    "service_id",
    "state",
    "need",
    "contact_arrangements",
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
]
FOLLOWUP_COLUMNS = [
    "id",
    "case_id",
    "organisation_id",
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
]
FOLLOWUP_KINDS = ["home_visit", "street_check", "school_check", "phone_call", "service_check"]
# States by the referral's age in days: up to 14, up to 120, older.
REFERRAL_STATES = [
    (14, {"sent": 45, "accepted": 30, "declined": 10, "withdrawn": 5, "completed": 10}),
    (
        120,
        {
            "accepted": 30,
            "completed": 40,
            "not_completed": 10,
            "declined": 12,
            "withdrawn": 6,
            "sent": 2,
        },
    ),
    (
        None,
        {
            "completed": 60,
            "not_completed": 15,
            "declined": 15,
            "withdrawn": 9,
            "sent": 0.5,
            "accepted": 0.5,
        },
    ),
]
# About 9.5% of planned follow-ups are rescheduled and add their replacement as a second row.
RESCHEDULED_SHARE = 0.095


class ActivityRows:
    """Mixed into bench.generate.Generator; needs the cases loaded first."""

    def _moment(self, day, hour_from, hour_to):
        """Like Generator.at, cheaper: one draw for the time of day."""
        seconds = hour_from * 3600 + int(self.rng.random() * (hour_to - hour_from + 1) * 3600)
        moment = datetime.datetime.combine(day, datetime.time(), self.tz) + datetime.timedelta(
            seconds=seconds
        )
        return min(moment, self.now)

    # --- outreach --------------------------------------------------------------------------

    def _hotspots(self):
        """Per organisation: [(city, [(typed hotspot, key) variants])] and Zipf weights."""
        from children.services.outreach import hotspot_key
        from core.persian import clean_text

        rng = self.rng
        pairs = [(k, m) for k in names.HOTSPOT_KINDS for m in names.LANDMARKS]
        by_city = {}
        for code, (weight, cities, _centre) in names.PROVINCES.items():
            for n_city, city in enumerate(cities):
                size = min(len(pairs), max(4, int(weight * (6 if n_city == 0 else 2))))
                spots = []
                for kind, landmark in rng.sample(pairs, k=size):
                    canonical = f"{kind} {landmark}"
                    typed = [
                        canonical,
                        canonical.replace(ZWNJ, " "),
                        "  " + canonical.replace(" ", ZWNJ, 1),
                    ]
                    # Stored and keyed exactly as encounter_log stores and keys them.
                    spots.append([(clean_text(t), hotspot_key(clean_text(t))) for t in typed])
                by_city[(code, city)] = spots
        per_org = {}
        for org in self.case_orgs:
            places = [
                (city, spots)
                for city in names.PROVINCES[org.province][1]
                for spots in by_city[(org.province, city)]
            ]
            rng.shuffle(places)
            chosen = places[: rng.randint(3, 12)]
            per_org[org.id] = (chosen, zipf_cum(len(chosen), 1.0))
        return per_org

    def load_encounters(self):
        from children.models import Encounter, EncounterChild

        rng = self.rng
        random = rng.random
        pick = rng.choice
        total = self.counts["encounters"]
        orgs = self.case_orgs
        org_cum = [0] * len(orgs)
        running = 0
        for n, org in enumerate(orgs):
            running += org.cases
            org_cum[n] = running
        hotspots = self._hotspots()
        centres = {code: centre for code, (_w, _c, centre) in names.PROVINCES.items()}
        activities, activity_cum = weighted(
            {"first_contact": 15, "regular_visit": 60, "group_activity": 15, "emergency": 10}
        )
        case_days = self.cases.day
        org_case_days = {
            org_id: [case_days[i] for i in indexes] for org_id, indexes in self.org_cases.items()
        }
        links = []
        minutes = datetime.timedelta(minutes=1)

        def anonymous():
            return 1 + int(random() * 4) if random() < 0.22 else 0

        def met(org, encounter_id, day, occurred):
            """Registered children met: recent registrations of the organisation, 1 to 3, with
            the encounter's organisation and time (the COPY fires no trigger to copy them)."""
            indexes = self.org_cases.get(org.id)
            if not indexes:
                return
            known = bisect.bisect_right(org_case_days[org.id], day.toordinal())
            if not known:
                return
            low = max(0, known - 300)
            picked = {
                indexes[low + int(random() * (known - low))] for _ in range(pick((1, 1, 1, 2, 3)))
            }
            for index in picked:
                links.append(
                    (len(links) + 1, encounter_id, index + 1, random() < 0.03, org.id, occurred)
                )

        def rows():
            for i in range(total):
                encounter_id = i + 1
                org = orgs[bisect.bisect_right(org_cum, random() * running)]
                places, place_cum = hotspots[org.id]
                city, spots = places[bisect.bisect_right(place_cum, random() * place_cum[-1])]
                roll = random()
                hotspot, key = spots[0 if roll < 0.85 else 1 if roll < 0.95 else 2]
                day = self.day_for((i + random()) / total)
                occurred = self._moment(day, 7, 21)
                if random() < 0.3:
                    lat, lon = centres[org.province]
                    latitude = round(lat + (random() - 0.5) / 10, 5)
                    longitude = round(lon + (random() - 0.5) / 10, 5)
                else:
                    latitude = longitude = None
                if random() < 0.15:
                    met(org, encounter_id, day, occurred)
                yield (
                    encounter_id,
                    org.id,
                    pick(org.caseworkers).id,
                    occurred,
                    org.province_id,
                    city,
                    pick(names.DISTRICTS),
                    hotspot,
                    key,
                    latitude,
                    longitude,
                    activities[bisect.bisect_right(activity_cum, random() * activity_cum[-1])],
                    pick(SENTENCES) if random() < 0.25 else "",
                    random() < 0.15,
                    occurred + (5 + int(random() * 600)) * minutes,
                    anonymous(),
                    anonymous(),
                    anonymous(),
                    anonymous(),
                    anonymous(),
                    anonymous(),
                    anonymous(),
                    anonymous(),
                )

        self.load(Encounter, ENCOUNTER_COLUMNS, rows())
        self.load(
            EncounterChild,
            [
                *("id", "encounter_id", "case_id", "registered_from_encounter"),
                *("organisation_id", "occurred_at"),
            ],
            links,
        )

    # --- referrals -------------------------------------------------------------------------

    def _recent_case(self, day, window_days):
        """The index of a case registered in the `window_days` before `day`, or None."""
        days = self.cases.day
        hi = bisect.bisect_right(days, day.toordinal())
        if hi == 0:
            return None
        lo = min(bisect.bisect_left(days, day.toordinal() - window_days), hi - 1)
        return lo + int(self.rng.random() * (hi - lo))

    def load_referrals(self):
        from children.models import Referral

        rng = self.rng
        random = rng.random
        total = self.counts["referrals"]
        orgs_by_id = {o.id: o for o in self.orgs}
        receivers = list(self.case_orgs)
        receiver_cum = []
        running = 0
        for org in receivers:
            running += org.cases
            receiver_cum.append(running)
        in_province = {}
        for org in receivers:
            in_province.setdefault(org.province_id, []).append(org)
        nearby_of = {
            org.id: [o for o in in_province[org.province_id] if o is not org] for org in receivers
        }
        by_age = [(limit, *weighted(states)) for limit, states in REFERRAL_STATES]

        def planned():
            for i in range(total):
                day = self.day_for((i + random()) / total)
                index = self._recent_case(day, 730)
                if index is not None:
                    yield index, day
            # The showcase case (the case page scenario) has a referral every 40 days.
            if self.showcase_case:
                for n in range(4):
                    yield self.showcase_case - 1, self.today - datetime.timedelta(days=3 + 40 * n)

        def rows():
            for referral_id, (index, day) in enumerate(planned(), start=1):
                case_id = index + 1
                sender = orgs_by_id[self.cases.org[index]]
                nearby = nearby_of[sender.id]
                if nearby and random() < 0.7:
                    receiver = self.rng.choice(nearby)
                else:
                    receiver = receivers[bisect.bisect_right(receiver_cum, random() * running)]
                    if receiver is sender:
                        receiver = receivers[(receivers.index(sender) + 1) % len(receivers)]
                sent_at = self._moment(day, 8, 18)
                age = (self.today - day).days
                for limit, states, cum in by_age:
                    if limit is None or age <= limit:
                        state = states[bisect.bisect_right(cum, random() * cum[-1])]
                        break
                yield (
                    referral_id,
                    case_id,
                    *self._referral(state, sent_at, sender, receiver, index),
                )

        self.load(Referral, REFERRAL_COLUMNS, rows())

    def _referral(self, state, sent_at, sender, receiver, index):
        """The columns after case_id, consistent with the state and the CheckConstraints."""
        random = self.rng.random
        sent_by = self.cases.assigned[index]
        answered_at = answered_by = closed_at = closed_by = ended = None
        if state not in ("sent", "withdrawn") or (state == "withdrawn" and random() < 0.5):
            hours = 2 + int(random() * 24 * 9)
            answered_at = min(self.now, sent_at + datetime.timedelta(hours=hours))
            answered_by = self.rng.choice(receiver.staff).id
        if state in ("completed", "not_completed"):
            days = 5 + int(random() * 55)
            closed_at = min(self.now, answered_at + datetime.timedelta(days=days))
            closed_by = self.rng.choice(receiver.staff).id
            ended = closed_at
        elif state == "withdrawn":
            closed_at = min(self.now, sent_at + datetime.timedelta(days=1 + int(random() * 20)))
            closed_by = sent_by
            ended = closed_at
        elif state == "declined":
            ended = answered_at
        due = sent_at + datetime.timedelta(days=7)
        reminded = state == "sent" and due < self.now and random() < 0.8
        override = random() < 0.03
        return (
            sender.id,
            receiver.id,
            self.rng.choice(self.service_ids),
            state,
            self.rng.choice(NEEDS),
            "تماس با مادر کودک" if random() < 0.5 else "",
            None if override else index + 1,  # the case's consent has the case's id
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
            due + datetime.timedelta(hours=2) if reminded else None,
            ended,
        )

    # --- follow-ups ------------------------------------------------------------------------

    def load_followups(self):
        from children.models import FollowUp

        rng = self.rng
        random = rng.random
        total = self.counts["followups"]
        recent, recent_cum = weighted(
            {"scheduled": 35, "done": 45, "missed": 10, "rescheduled": 10}
        )
        old, old_cum = weighted({"done": 72, "missed": 14, "rescheduled": 10, "scheduled": 4})
        yesterday = self.today - datetime.timedelta(days=1)
        span = self.span_days + 60  # up to two months ahead

        def status_for(due):
            if due > self.today:
                return "scheduled"
            if (self.today - due).days <= 30:
                return recent[bisect.bisect_right(recent_cum, random() * recent_cum[-1])]
            return old[bisect.bisect_right(old_cum, random() * old_cum[-1])]

        def row(followup_id, index, due, status, rescheduled_to=None):
            responsible = self.cases.assigned[index]
            completed_at, outcome = None, ""
            if status != "scheduled":
                completed_at = self._moment(due + datetime.timedelta(days=int(random() * 4)), 8, 18)
                outcome = "کودک دیده شد" if status == "done" else "کودک پیدا نشد"
            # The daily job stamped every earlier morning; yesterday's are for today's run.
            overdue_since = None
            if status == "scheduled" and due < yesterday:
                overdue_since = due + datetime.timedelta(days=1)
            created = self._moment(due - datetime.timedelta(days=7 + int(random() * 24)), 8, 18)
            kind = self.rng.choice(FOLLOWUP_KINDS)
            return (
                followup_id,
                index + 1,
                self.cases.org[index],
                due,
                kind,
                responsible,
                status,
                outcome,
                completed_at,
                rescheduled_to,
                overdue_since,
                responsible,
                created,
            )

        def planned():
            """(case index, due date) in time order, then a dozen for the showcase case."""
            visits = round(total / (1 + RESCHEDULED_SHARE))
            for i in range(visits):
                due = self.start + datetime.timedelta(days=int((i + random()) / visits * span))
                window_end = min(due, self.today) - datetime.timedelta(days=7)
                yield (self._recent_case(window_end, 540) or 0), due
            for _ in range(12 if self.showcase_case else 0):
                offset = datetime.timedelta(days=int(random() * 120) - 90)
                yield self.showcase_case - 1, self.today + offset

        def rows():
            followup_id = 0
            for index, due in planned():
                status = status_for(due)
                if status != "rescheduled":
                    followup_id += 1
                    yield row(followup_id, index, due, status)
                    continue
                # A rescheduled visit is followed by its replacement, a few days later.
                later = due + datetime.timedelta(days=3 + int(random() * 12))
                later_status = status_for(later)
                if later_status == "rescheduled":
                    later_status = "done" if later <= self.today else "scheduled"
                yield row(followup_id + 1, index, due, "rescheduled", followup_id + 2)
                yield row(followup_id + 2, index, later, later_status)
                followup_id += 2

        self.load(FollowUp, FOLLOWUP_COLUMNS, rows())
