"""Generated working groups, meetings and resolutions (300 meetings, 3,000 resolutions at national
scale), once the meetings app has models.

Working groups are convened by the ministries, with member organisations and people; each
meeting has attendees (one chair), an agenda, approved minutes of statements by speakers (the
latest meetings' minutes are still drafts) and ten resolutions, each with a lead organisation and
supporting ones, progress updates, and a status that follows its due date: done (some confirmed),
dropped with a reason, in progress or open, and so overdue when the due date has passed.
"""

import datetime

from children import demo_names

TOPICS = [
    "کودکان کار و خیابان",
    "کودکان مهاجر و بدون مدرک",
    "بازگشت به تحصیل",
    "سلامت و تغذیه کودکان",
    "پیشگیری از ازدواج کودکان",
    "حمایت از خانواده‌های کودکان کار",
]
AGENDA = [
    "گزارش دبیرخانه از اقدامات انجام‌شده",
    "بررسی پیش‌نویس آیین‌نامه مشارکت سازمان‌های مردم‌نهاد",
    "گزارش آمار کودکان شناسایی‌شده در استان‌ها",
    "هماهنگی با آموزش و پرورش برای ثبت‌نام کودکان بدون مدرک",
    "برنامه گشت‌های مشترک در فصل سرما",
]
RESOLUTIONS = [
    "تهیه آیین‌نامه اجرایی مصوبات شورای اجتماعی کشور درباره استفاده از ظرفیت سازمان‌های مردم‌نهاد",
    "ارسال آمار فصلی کودکان شناسایی‌شده به دبیرخانه کارگروه",
    "برگزاری دوره آموزشی مددکاران در استان‌های مرزی",
    "تفاهم‌نامه با آموزش و پرورش برای ثبت‌نام کودکان بدون مدرک",
    "راه‌اندازی خانه‌های امن در کلان‌شهرها",
]
KINDS = ["policy", "bylaw", "programme", "data_request", "coordination"]


class MeetingRows:
    """Mixed into bench.generate.Generator; needs organisations and users."""

    def load_meetings(self):
        from django.apps import apps

        if not list(apps.get_app_config("meetings").get_models()):
            self._note("meetings and resolutions: skipped, the meetings app has no models yet")
            return
        try:
            self._load_meetings()
        except Exception as error:  # the app is young: its models may outrun this generator
            self._note(f"meetings and resolutions: not generated ({type(error).__name__}: {error})")

    def _note(self, note):
        self.notes.append(note)
        self.log(f"  {note}")

    def _load_meetings(self):
        from meetings import models

        rng = self.rng
        n_meetings = self.counts["meetings"]
        per_meeting = max(1, self.counts["resolutions"] // n_meetings)
        n_groups = max(1, n_meetings // 30)
        officers = self.officers or self.users[:1]
        managers = [o.managers[0] for o in self.case_orgs]
        given = demo_names.IRANIAN_BOYS + demo_names.IRANIAN_GIRLS
        groups, group_orgs, group_people = [], [], []
        for g in range(n_groups):
            convener = self.ministries[g % len(self.ministries)]
            secretary = officers[g % len(officers)]
            topic = TOPICS[g % len(TOPICS)]
            created = self.at(self.start + datetime.timedelta(days=g))
            groups.append(
                (
                    g + 1,
                    f"کارگروه جلب مشارکت سازمان‌های مردم‌نهاد در پیشگیری از آسیب‌های اجتماعی: {topic}",
                    topic,
                    convener.id,
                    secretary.id,
                    secretary.id,
                    created,
                )
            )
            members = rng.sample(self.case_orgs, k=min(len(self.case_orgs), rng.randint(8, 25)))
            for org in members:
                group_orgs.append((len(group_orgs) + 1, g + 1, org.id))
            people = {secretary.id, *(m.id for m in rng.sample(managers, k=min(5, len(managers))))}
            for person in sorted(people):
                group_people.append((len(group_people) + 1, g + 1, person))

        meetings, attendees, agenda, minutes, statements = [], [], [], [], []
        resolutions, responsibilities, updates = [], [], []
        numbers = {}
        for m in range(n_meetings):
            group = m % n_groups + 1
            numbers[group] = number = numbers.get(group, 0) + 1
            held_on = self.start + datetime.timedelta(
                days=int((m + 0.5) / n_meetings * self.span_days)
            )
            secretary = groups[group - 1][4]
            created = self.at(held_on)
            meetings.append(
                (
                    m + 1,
                    group,
                    number,
                    held_on,
                    datetime.time(10),
                    "وزارت کشور، سالن شهید رجایی",
                    secretary,
                    created,
                )
            )
            present = []
            for position in range(rng.randint(8, 12)):
                presence = (
                    "present"
                    if position < 2 or rng.random() < 0.8
                    else rng.choice(("absent", "represented"))
                )
                attendee_id = len(attendees) + 1
                org = rng.choice(self.case_orgs) if position > 1 else self.ministries[0]
                attendees.append(
                    (
                        attendee_id,
                        m + 1,
                        position,
                        f"{rng.choice(given)} {rng.choice(demo_names.IRANIAN_FAMILY)}",
                        "معاون مشارکت‌های اجتماعی" if position == 0 else "نماینده سازمان",
                        org.id,
                        presence,
                        f"{rng.choice(given)} {rng.choice(demo_names.IRANIAN_FAMILY)}"
                        if presence == "represented"
                        else "",
                        position == 0,
                    )
                )
                if presence == "present":
                    present.append(attendee_id)
            items = []
            for position in range(1, rng.randint(2, 4) + 1):
                items.append(len(agenda) + 1)
                agenda.append((len(agenda) + 1, m + 1, position, rng.choice(AGENDA)))
            draft = m >= n_meetings - 3
            minutes_id = len(minutes) + 1
            minutes.append(
                (
                    minutes_id,
                    m + 1,
                    1,
                    "draft" if draft else "approved",
                    "خلاصه مذاکرات و تصمیم‌های جلسه",
                    secretary,
                    created,
                    None if draft else secretary,
                    None if draft else min(self.now, created + datetime.timedelta(days=7)),
                )
            )
            for position in range(1, rng.randint(5, 10) + 1):
                statements.append(
                    (
                        len(statements) + 1,
                        minutes_id,
                        position,
                        rng.choice(present),
                        rng.choice(items),
                        rng.choice(AGENDA),
                    )
                )
            for number_in_meeting in range(1, per_meeting + 1):
                resolution_id = len(resolutions) + 1
                due = held_on + datetime.timedelta(days=rng.randint(30, 180))
                resolutions.append(
                    self._resolution(
                        resolution_id, m + 1, number_in_meeting, due, secretary, created
                    )
                )
                orgs = rng.sample(self.case_orgs, k=min(len(self.case_orgs), rng.randint(1, 3)))
                lead = self.ministries[0] if rng.random() < 0.3 else orgs[0]
                for n, org in enumerate([lead, *[o for o in orgs if o is not lead]]):
                    responsibilities.append(
                        (len(responsibilities) + 1, resolution_id, org.id, n == 0)
                    )
                for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
                    when = min(
                        self.now, self.at(held_on + datetime.timedelta(days=rng.randint(7, 200)))
                    )
                    author = lead.staff[0].id if lead.staff else secretary
                    updates.append(
                        (
                            len(updates) + 1,
                            resolution_id,
                            lead.id,
                            author,
                            "اقدامات انجام شد و گزارش ارسال شد",
                            when,
                        )
                    )

        self.load(
            models.WorkingGroup,
            [
                "id",
                "title_fa",
                "topic",
                "convening_organisation_id",
                "secretary_id",
                "created_by_id",
                "created_at",
            ],
            groups,
        )
        self.load(
            models.WorkingGroup.member_organisations.through,
            ["id", "workinggroup_id", "organisation_id"],
            group_orgs,
        )
        self.load(
            models.WorkingGroup.members.through, ["id", "workinggroup_id", "user_id"], group_people
        )
        self.load(
            models.Meeting,
            [
                "id",
                "working_group_id",
                "number",
                "held_on",
                "starts_at",
                "place",
                "recorded_by_id",
                "created_at",
            ],
            meetings,
        )
        self.load(
            models.Attendee,
            [
                "id",
                "meeting_id",
                "position",
                "name",
                "title",
                "organisation_id",
                "presence",
                "represented_by",
                "is_chair",
            ],
            attendees,
        )
        self.load(models.AgendaItem, ["id", "meeting_id", "position", "title"], agenda)
        self.load(
            models.Minutes,
            [
                "id",
                "meeting_id",
                "version",
                "status",
                "summary",
                "drafted_by_id",
                "drafted_at",
                "approved_by_id",
                "approved_at",
            ],
            minutes,
        )
        self.load(
            models.Statement,
            ["id", "minutes_id", "position", "speaker_id", "agenda_item_id", "text"],
            statements,
        )
        self.load(
            models.Resolution,
            [
                "id",
                "meeting_id",
                "number",
                "text",
                "kind",
                "due_date",
                "status",
                "done_at",
                "done_by_id",
                "confirmed_at",
                "confirmed_by_id",
                "dropped_at",
                "drop_reason",
                "created_by_id",
                "created_at",
            ],
            resolutions,
        )
        self.load(
            models.Responsibility,
            ["id", "resolution_id", "organisation_id", "is_lead"],
            responsibilities,
        )
        self.load(
            models.ProgressUpdate,
            ["id", "resolution_id", "organisation_id", "author_id", "text", "created_at"],
            updates,
        )

    def _resolution(self, resolution_id, meeting_id, number, due, secretary, created):
        """A resolution whose status follows its due date, within the CheckConstraints."""
        rng = self.rng
        if due > self.today:
            status = rng.choice(("open", "in_progress", "in_progress", "done"))
        else:
            roll = rng.random()
            status = (
                "done"
                if roll < 0.6
                else "dropped"
                if roll < 0.7
                else rng.choice(("open", "in_progress"))
            )
        done_at = done_by = confirmed_at = confirmed_by = dropped_at = None
        if status == "done":
            done_at = min(self.now, self.at(min(due, self.today)))
            done_by = secretary
            if rng.random() < 0.5:
                confirmed_at, confirmed_by = done_at, secretary
        elif status == "dropped":
            dropped_at = min(self.now, self.at(min(due, self.today)))
        return (
            resolution_id,
            meeting_id,
            number,
            rng.choice(RESOLUTIONS),
            rng.choice(KINDS),
            due,
            status,
            done_at,
            done_by,
            confirmed_at,
            confirmed_by,
            dropped_at,
            "با تصمیم کارگروه منتفی شد" if status == "dropped" else "",
            secretary,
            created,
        )
