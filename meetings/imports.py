"""Meeting attendance from a spreadsheet (issue 8): who attended recorded meetings.

Each row names a meeting by its working group (Persian or English title) and meeting number,
then one attendee: name, title, organisation (by code), attendance and chair. A row whose meeting
already has an attendee of that name updates the attendee; others are added after the meeting's
attendees. Meetings are recorded on the meetings pages; an import does not create them, and the
attendance of a meeting whose minutes are approved is not changed.
"""

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from core.persian import compact, to_latin_digits
from core.spreadsheets.cells import (
    ParseError,
    choice_parser,
    is_blank,
    parse_name,
    parse_text,
    whole_number_parser,
    words_table,
)
from core.spreadsheets.table import Column
from imports.kinds import RecordKind, column_resource, mark_invalid
from ngos.imports import parse_code
from ngos.models import Organisation

from .models import Attendee, Meeting, Minutes, WorkingGroup

# The answers and their labels; other words are in the vocabulary (docs/adr/0018).
PRESENCE_WORDS = words_table(Attendee.Presence, {})
parse_presence = choice_parser(PRESENCE_WORDS, _("Unknown attendance."), "presence")


parse_number = whole_number_parser(1, 10000, _("Write the meeting's number, e.g. 12."))


def parse_chair(value, context=None):
    if is_blank(value):
        return False
    text = to_latin_digits(str(value)).strip().lower()
    if text in {"بله", "رئیس", "رئیس جلسه", "yes", "chair", "1", "x"}:
        return True
    if text in {"خیر", "نه", "no", "0"}:
        return False
    raise ParseError(_("Write yes or no (بله or خیر)."))


ATTENDANCE_COLUMNS = (
    Column(
        "working_group",
        "کارگروه",
        "Working group",
        parse_text,
        required=True,
        example_fa="کارگروه کودکان کار",
        example_en="Working children working group",
        allowed=(_("The working group's title, as on its page."),),
    ),
    Column(
        "meeting_number",
        "شماره جلسه",
        "Meeting number",
        parse_number,
        required=True,
        example_fa="۱",
        example_en="1",
    ),
    Column(
        "name",
        "نام حاضر",
        "Attendee",
        parse_name,
        required=True,
        example_fa="اکبری",
        example_en="Akbari",
    ),
    Column(
        "title",
        "سمت",
        "Title",
        parse_text,
        example_fa="معاون مشارکت‌های اجتماعی",
        example_en="Deputy for Social Participation",
    ),
    Column(
        "organisation",
        "کد سازمان",
        "Organisation code",
        parse_code,
        example_fa="MOI",
        example_en="MOI",
    ),
    Column(
        "presence",
        "حضور",
        "Attendance",
        parse_presence,
        example_fa="حاضر",
        example_en="Present",
        allowed=tuple(label for _value, label in Attendee.Presence.choices),
        choices=Attendee.Presence,
    ),
    Column("represented_by", "نماینده", "Represented by", parse_text),
    Column("is_chair", "رئیس جلسه", "Chair", parse_chair, example_fa="بله", example_en="yes"),
)


class AttendanceKind(RecordKind):
    code = "attendance"
    order = 50
    label = _("Meeting attendance")
    columns = ATTENDANCE_COLUMNS
    model = Attendee
    organisation_chosen = False
    key = "key"  # (meeting id, compact name), computed by check_row
    key_column = "name"
    key_parts = ("working_group", "meeting_number")
    repeated_message = _("The same attendee of this meeting is in row %(row)s.")

    def resource(self, lang="fa"):
        names = {"name", "title", "presence", "represented_by", "is_chair"}
        return column_resource(
            Attendee, [c for c in self.columns if c.name in names], lang, key="name"
        )()

    def validate(self, rows, *, organisation, check_duplicates=True, progress=None):
        self._groups = {}
        for group in WorkingGroup.objects.all():
            for title in (group.title_fa, group.title_en):
                if title:
                    self._groups[compact(title)] = group.pk
        self._meetings = {
            (m.working_group_id, m.number): m
            for m in Meeting.objects.filter(working_group_id__in=set(self._groups.values()))
        }
        approved = Minutes.objects.filter(status=Minutes.Status.APPROVED)
        self._locked = set(approved.values_list("meeting_id", flat=True))
        self._organisations = dict(Organisation.objects.values_list("code", "pk"))
        preview = super().validate(rows, organisation=organisation)
        self._check_chairs(preview)
        return preview

    def check_row(self, values, error):
        group = self._groups.get(compact(values.get("working_group") or ""))
        if group is None:
            error("working_group", _("No working group has this title."))
            return
        meeting = self._meetings.get((group, values.get("meeting_number")))
        if meeting is None:
            error("meeting_number", _("This working group has no meeting with this number."))
            return
        if meeting.pk in self._locked:
            error(
                "meeting_number", _("This meeting's minutes are approved: its attendance is kept.")
            )
            return
        code = values.get("organisation")
        if code and code not in self._organisations:
            error("organisation", _("No organisation has this code."))
            return
        values["organisation"] = self._organisations.get(code) if code else None
        presence = values.get("presence") or Attendee.Presence.PRESENT
        values["presence"] = presence
        values["represented_by"] = values.get("represented_by") or ""
        if (presence == Attendee.Presence.REPRESENTED) != bool(values["represented_by"]):
            error(
                "represented_by",
                _("Name the representative exactly when the attendance is «represented»."),
            )
            return
        values["is_chair"] = bool(values.get("is_chair"))
        values["meeting"] = meeting
        values["key"] = (meeting.pk, compact(values["name"]))

    def existing(self, keys, organisation):
        found = Attendee.objects.filter(meeting_id__in={key[0] for key in keys})
        return {(a.meeting_id, compact(a.name)): a for a in found}

    def current(self, record, name):
        if name == "organisation":
            return record.organisation_id
        return getattr(record, name)

    def _check_chairs(self, preview):
        """One chair a meeting (a unique constraint): in the file, and against the recorded one."""
        chairs = dict(Attendee.objects.filter(is_chair=True).values_list("meeting_id", "name"))
        seen = {}
        for row in list(preview.rows):
            if not row.values["is_chair"]:
                continue
            meeting = row.values["meeting"].pk
            if (
                meeting in seen
                or compact(chairs.get(meeting, row.values["name"])) != row.values["key"][1]
            ):
                mark_invalid(
                    preview, row, "is_chair", _("This meeting already has a chair."), self.columns
                )
            seen[meeting] = row.row

    def load(self, *, preview, organisation, by, job_id):
        created = updated = 0
        last = dict(
            Attendee.objects.filter(
                meeting_id__in={row.values["meeting"].pk for row in preview.rows}
            )
            .values("meeting_id")
            .annotate(last=Max("position"))
            .values_list("meeting_id", "last")
        )
        fields = ("name", "title", "presence", "represented_by", "is_chair")
        for row in preview.rows:
            values = row.values
            data = {
                name: values.get(name) or ("" if name != "is_chair" else False) for name in fields
            }
            data["organisation_id"] = values.get("organisation")
            if row.action == "create":
                meeting = values["meeting"].pk
                last[meeting] = last.get(meeting, 0) + 1
                Attendee.objects.create(meeting_id=meeting, position=last[meeting], **data)
                created += 1
            elif row.action == "update":
                Attendee.objects.filter(pk=row.existing.pk).update(**data)
                updated += 1
        return {"created": created, "updated": updated, "unchanged": preview.count("unchanged")}
