"""Outreach encounters from a spreadsheet (issue 8): the outreach logs organisations keep.

One row is one encounter at a place and time, with the anonymous children met there counted by
sex and age band. The organisation is chosen on the upload form; the caseworker is a column (a
username of the organisation), else the organisation's first manager. A row whose time, place
and caseworker match an encounter already recorded is that encounter (unchanged, or its counts
and notes updated), so a log imported twice, or two overlapping logs, add nothing twice.
New encounters are written in batches with the same hotspot key as the outreach page's; the
import's one audit row names the job (encounters hold no child's identity).
"""

import datetime
import re

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.persian import to_latin_digits
from core.spreadsheets.cells import (
    ParseError,
    choice_parser,
    is_blank,
    parse_date,
    parse_text,
    render_choice,
    render_date,
    whole_number_parser,
    words_table,
)
from core.spreadsheets.table import Column, province_column
from imports.kinds import RecordKind, column_resource

from ..models import ANONYMOUS_FIELDS, Encounter
from ..models.choices import Activity
from ..services.outreach import hotspot_key

# The activities and their labels; other words are in the vocabulary (docs/adr/0018).
ACTIVITY_WORDS = words_table(Activity, {})
parse_activity = choice_parser(ACTIVITY_WORDS, _("Unknown activity."), "activity")
_YES = {"بله", "آری", "اره", "دارد", "yes", "y", "true", "1", "x", "✓"}
_NO = {"خیر", "نه", "ندارد", "no", "n", "false", "0"}


def parse_yes_no(value, context=None):
    if is_blank(value):
        return None
    text = to_latin_digits(str(value)).strip().lower()
    if value is True or text in _YES:
        return True
    if value is False or text in _NO:
        return False
    raise ParseError(_("Write yes or no (بله or خیر)."))


def parse_time(value, context=None):
    """A time of day, "16:30" in any digits (or a spreadsheet time cell)."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, datetime.datetime):
        return value.time().replace(second=0, microsecond=0)
    match = re.fullmatch(r"(\d{1,2})[:٫.](\d{2})", to_latin_digits(str(value)).strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ParseError(_("Write the time as hours:minutes, e.g. 16:30."))
    return datetime.time(int(match.group(1)), int(match.group(2)))


parse_count = whole_number_parser(0, 1000, _("Write a number of children, from 0 to 1000."))


def parse_username(value, context=None):
    text = parse_text(value)
    return to_latin_digits(text) if text else None


_COUNT_HEADERS = {
    ("female", "under6"): ("دختر زیر ۶ سال", "Girls under 6"),
    ("female", "6_11"): ("دختر ۶ تا ۱۱ سال", "Girls 6-11"),
    ("female", "12_14"): ("دختر ۱۲ تا ۱۴ سال", "Girls 12-14"),
    ("female", "15_17"): ("دختر ۱۵ تا ۱۷ سال", "Girls 15-17"),
    ("male", "under6"): ("پسر زیر ۶ سال", "Boys under 6"),
    ("male", "6_11"): ("پسر ۶ تا ۱۱ سال", "Boys 6-11"),
    ("male", "12_14"): ("پسر ۱۲ تا ۱۴ سال", "Boys 12-14"),
    ("male", "15_17"): ("پسر ۱۵ تا ۱۷ سال", "Boys 15-17"),
}

ENCOUNTER_COLUMNS = (
    Column(
        "occurred_on",
        "تاریخ",
        "Date",
        parse_date,
        render_date,
        required=True,
        example_fa="۱۴۰۳/۰۵/۰۱",
        example_en="2024-07-22",
        allowed=(_("Jalali 1403/05/01 or Gregorian 2024-07-22."),),
    ),
    Column("time", "ساعت", "Time", parse_time, example_fa="۱۶:۳۰", example_en="16:30"),
    Column(
        "caseworker",
        "نام کاربری مددکار",
        "Caseworker username",
        parse_username,
        allowed=(_("Empty means the organisation's manager."),),
    ),
    province_column("province"),
    Column(
        "city", "شهر", "City", parse_text, required=True, example_fa="تهران", example_en="Tehran"
    ),
    Column("district", "منطقه", "District", parse_text, example_fa="۱۲", example_en="12"),
    Column(
        "hotspot",
        "محل تجمع",
        "Hotspot",
        parse_text,
        required=True,
        example_fa="چهارراه ولیعصر",
        example_en="Valiasr crossroads",
    ),
    Column(
        "activity",
        "نوع فعالیت",
        "Activity",
        parse_activity,
        render_choice(Activity),
        required=True,
        example_fa="بازدید منظم",
        example_en="Regular visit",
        allowed=tuple(label for _value, label in Activity.choices),
        choices=Activity,
    ),
    *(
        Column(ANONYMOUS_FIELDS[key], fa, en, parse_count, example_fa="۱", example_en="1")
        for key, (fa, en) in _COUNT_HEADERS.items()
    ),
    Column(
        "follow_up_needed",
        "نیاز به پیگیری",
        "Follow-up needed",
        parse_yes_no,
        example_fa="خیر",
        example_en="no",
    ),
    Column("observations", "مشاهدات", "Observations", parse_text),
)
_COUNTS = tuple(ANONYMOUS_FIELDS.values())
_MAX = {"city": 100, "district": 100, "hotspot": 150}


class EncountersKind(RecordKind):
    code = "encounters"
    label = _("Outreach encounters")
    columns = ENCOUNTER_COLUMNS
    model = Encounter
    order = 20
    key = "key"  # (time, hotspot key, caseworker), computed by check_row
    key_column = "hotspot"
    repeated_message = _("The same encounter (time, place and caseworker) is in row %(row)s.")

    def resource(self, lang="fa"):
        names = {f.name for f in Encounter._meta.concrete_fields} - {"caseworker"}
        return column_resource(
            Encounter, [c for c in self.columns if c.name in names], lang, key="hotspot"
        )()

    def checks(self, today):
        def too_long(limit):
            def check(value):
                if isinstance(value, str) and len(value) > limit:
                    return _("Too long: at most %(limit)s characters.") % {"limit": limit}
                return None

            return check

        checks = {name: too_long(limit) for name, limit in _MAX.items()}
        checks["occurred_on"] = lambda value: (
            _("The date is in the future.") if value and value > today else None
        )
        return checks

    def validate(self, rows, *, organisation, check_duplicates=True, progress=None):
        self._organisation = organisation
        users = get_user_model().objects.filter(
            membership__organisation=organisation, is_active=True
        )
        self._users = {user.username.lower(): user for user in users}
        from .kinds import default_caseworker

        self._default = default_caseworker(organisation)
        return super().validate(rows, organisation=organisation)

    def check_row(self, values, error):
        username = values.get("caseworker")
        user = self._users.get(username.lower()) if username else self._default
        if user is None:
            error(
                "caseworker",
                _("No active member of this organisation has this username.")
                if username
                else _("The organisation has no active manager or caseworker."),
            )
            return
        on, at = values["occurred_on"], values.get("time") or datetime.time(12, 0)
        if on is None:
            return
        values["caseworker"] = user
        values["time"] = at
        for name in (*_COUNTS, "follow_up_needed"):
            if name in values and values[name] is None:
                values[name] = 0 if name != "follow_up_needed" else False
        values["occurred_at"] = timezone.make_aware(datetime.datetime.combine(on, at))
        values["key"] = (values["occurred_at"], hotspot_key(values.get("hotspot") or ""), user.pk)

    def existing(self, keys, organisation):
        if not keys:
            return {}
        found = Encounter.objects.filter(
            organisation=organisation,
            occurred_at__in={key[0] for key in keys},
            hotspot_key__in={key[1] for key in keys},
        )
        return {(e.occurred_at, e.hotspot_key, e.caseworker_id): e for e in found}

    def current(self, record, name):
        if name == "occurred_on":
            return timezone.localtime(record.occurred_at).date()
        if name == "time":
            return timezone.localtime(record.occurred_at).time().replace(second=0, microsecond=0)
        if name == "caseworker":
            return record.caseworker
        if name == "province":
            return record.province_id
        value = getattr(record, name)
        return value

    def load(self, *, preview, organisation, by, job_id):
        new, updated = [], 0
        present = set(preview.present_fields)
        for row in preview.rows:
            values = row.values
            fields = {
                "occurred_at": values["occurred_at"],
                "province_id": values["province"],
                "city": values["city"],
                "district": values.get("district") or "",
                "hotspot": values["hotspot"],
                "hotspot_key": hotspot_key(values["hotspot"]),
                "activity": values["activity"],
                "observations": values.get("observations") or "",
                "follow_up_needed": bool(values.get("follow_up_needed")),
                **{name: values.get(name) or 0 for name in _COUNTS},
            }
            if row.action == "create":
                new.append(
                    Encounter(organisation=organisation, caseworker=values["caseworker"], **fields)
                )
            elif row.action == "update":
                changes = {
                    k: v
                    for k, v in fields.items()
                    if k in present or (k == "province_id" and "province" in present)
                }
                Encounter.objects.filter(pk=row.existing.pk).update(**changes)
                updated += 1
        Encounter.objects.bulk_create(new, batch_size=1000)
        return {"created": len(new), "updated": updated, "unchanged": preview.count("unchanged")}
