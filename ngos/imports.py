"""Spreadsheet imports of organisations and staff (issue 8), on the shared pipeline.

Organisations: the organisation code is a column (an administrator loads the directory; a code
already present updates that organisation). Staff: the organisation is chosen on the upload form,
like children; a username already in that organisation updates the member's role and title, one
in another organisation is refused. New staff get the same invitation as from the staff page.
"""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from core.permissions import Role
from core.persian import to_latin_digits
from core.spreadsheets.cells import (
    ParseError,
    choice_parser,
    parse_name,
    parse_phone,
    parse_text,
    render_choice,
    whole_number_parser,
    words_table,
)
from core.spreadsheets.table import Column, province_column
from imports.kinds import RecordKind, column_resource, mark_invalid

from .models import Membership, Organisation
from .services import staff_change_role, staff_invite

# --- Cells ----------------------------------------------------------------------------------------


def parse_code(value, context=None):
    """An organisation code: Latin capitals and digits, any digit form (NGO0001)."""
    text = parse_text(value)
    if text is None:
        return None
    code = to_latin_digits(text).upper().replace(" ", "")
    if not re.fullmatch(r"[A-Z0-9]{1,16}", code):
        raise ParseError(_("A code has only Latin letters and digits, at most 16."))
    return code


def parse_email(value, context=None):
    text = parse_text(value)
    if text is None:
        return None
    text = to_latin_digits(text).lower()
    try:
        validate_email(text)
    except ValidationError:
        raise ParseError(_("This is not an email address.")) from None
    return text


def parse_username(value, context=None):
    text = parse_text(value)
    if text is None:
        return None
    text = to_latin_digits(text)
    if not re.fullmatch(r"[\w.@+-]{1,150}", text, flags=re.ASCII):
        raise ParseError(_("A username has only Latin letters, digits and . @ + - _"))
    return text


parse_year = whole_number_parser(
    1250, 1500, _("Write the year founded in the Solar Hijri calendar, e.g. 1385.")
)


# Ministries are set up by the system's administrators, not imported.
IMPORTABLE_KINDS = [k for k in Organisation.Kind if k != Organisation.Kind.MINISTRY]


class _KindChoices:
    """The kinds a file may give, as choices (value → label): no ministry."""

    choices = [(kind.value, kind.label) for kind in IMPORTABLE_KINDS]

    def __init__(self, value):
        self.label = Organisation.Kind(value).label


# The kinds and their labels; other words are in the vocabulary (docs/adr/0018), which can only
# name these kinds (a vocabulary word for another value is never used).
KIND_WORDS = words_table(_KindChoices, {})
parse_kind = choice_parser(KIND_WORDS, _("Unknown kind of organisation."), "kind")

# Roles an import gives: the organisation's own staff. Ministry officers and administrators are
# created one by one on the staff page, where their scope is chosen.
IMPORTABLE_ROLES = (Role.CASEWORKER, Role.ORG_MANAGER)


class _RoleChoices:
    """Role as choices for words_table (value → label)."""

    choices = [(key, Role.get(key).label) for key in IMPORTABLE_ROLES]

    def __init__(self, value):
        self.label = Role.get(value).label


ROLE_WORDS = words_table(
    _RoleChoices,
    {
        Role.CASEWORKER: ["مددکار", "مددکار اجتماعی", "caseworker", "social worker"],
        Role.ORG_MANAGER: ["مدیر", "مدیر سازمان", "manager", "organisation manager"],
    },
)
parse_role = choice_parser(
    ROLE_WORDS, _("Unknown role. Write caseworker or manager (مددکار or مدیر).")
)


def render_role(value, lang):
    from django.utils.translation import override

    if not value:
        return ""
    with override(lang):
        return str(Role.get(value).label)


# --- Organisations --------------------------------------------------------------------------------

ORGANISATION_COLUMNS = (
    Column(
        "code",
        "کد سازمان",
        "Organisation code",
        parse_code,
        required=True,
        example_fa="NGO0042",
        example_en="NGO0042",
        allowed=(_("Latin letters and digits; a code already in the system updates it."),),
    ),
    Column(
        "name_fa",
        "نام فارسی",
        "Persian name",
        parse_name,
        required=True,
        example_fa="انجمن حمایت از کودکان کار",
        example_en="انجمن حمایت از کودکان کار",
    ),
    Column(
        "name_en",
        "نام انگلیسی",
        "English name",
        parse_text,
        example_fa="Society for Working Children",
        example_en="Society for Working Children",
    ),
    Column(
        "kind",
        "نوع سازمان",
        "Kind",
        parse_kind,
        render_choice(Organisation.Kind),
        example_fa="سازمان مردم‌نهاد",
        example_en="NGO",
        allowed=tuple(k.label for k in IMPORTABLE_KINDS),
        choices=_KindChoices,
    ),
    Column(
        "registration_number",
        "شماره ثبت",
        "Registration number",
        parse_text,
        example_fa="۱۲۳۴۵",
        example_en="12345",
    ),
    province_column("home_province"),
    Column(
        "founded_year",
        "سال تأسیس",
        "Year founded",
        parse_year,
        example_fa="۱۳۸۵",
        example_en="1385",
    ),
    Column(
        "phone", "تلفن", "Phone", parse_phone, example_fa="۰۲۱۸۸۰۰۰۰۰۰", example_en="02188000000"
    ),
    Column(
        "email",
        "ایمیل",
        "Email",
        parse_email,
        example_fa="info@example.org",
        example_en="info@example.org",
    ),
    Column(
        "contact_person",
        "نام رابط",
        "Contact person",
        parse_text,
        example_fa="مریم رضایی",
        example_en="Maryam Rezaei",
    ),
)
_ORGANISATION_MAX = {
    f.name: f.max_length
    for f in Organisation._meta.concrete_fields
    if getattr(f, "max_length", None)
}


def _too_long(name, limits):
    limit = limits.get(name)

    def check(value):
        if limit and isinstance(value, str) and len(value) > limit:
            return _("Too long: at most %(limit)s characters.") % {"limit": limit}
        return None

    return check


class OrganisationsKind(RecordKind):
    code = "organisations"
    order = 30
    label = _("Organisations")
    columns = ORGANISATION_COLUMNS
    model = Organisation
    organisation_chosen = False
    key = "code"
    repeated_message = _("The same organisation code is in row %(row)s.")

    def checks(self, today):
        return {c.name: _too_long(c.name, _ORGANISATION_MAX) for c in self.columns}

    def existing(self, keys, organisation):
        return {o.code: o for o in Organisation.objects.filter(code__in=keys)}

    def refuse(self, record, values, organisation):
        if record.kind == Organisation.Kind.MINISTRY:
            return _("A ministry is not changed by an import.")
        return None

    def current(self, record, name):
        return record.home_province_id if name == "home_province" else getattr(record, name)

    def validate(self, rows, *, organisation, check_duplicates=True, progress=None):
        preview = super().validate(rows, organisation=organisation)
        self._check_registration_numbers(preview)
        return preview

    def _check_registration_numbers(self, preview):
        """A registration number belongs to one organisation (a unique constraint)."""
        numbers = {}
        for row in preview.rows:
            number = row.values.get("registration_number")
            if number:
                numbers.setdefault(number, []).append(row)
        taken = dict(
            Organisation.objects.filter(registration_number__in=list(numbers)).values_list(
                "registration_number", "code"
            )
        )
        for number, rows in numbers.items():
            for index, row in enumerate(rows):
                if index:
                    reason = _("The same registration number is in row %(row)s.") % {
                        "row": rows[0].row
                    }
                elif taken.get(number, row.values["code"]) != row.values["code"]:
                    reason = _("Another organisation has this registration number.")
                else:
                    continue
                mark_invalid(preview, row, "registration_number", reason, self.columns)

    def load(self, *, preview, organisation, by, job_id):
        created = updated = 0
        for row in preview.rows:
            values = dict(row.values)
            values["home_province_id"] = values.pop("home_province")
            if row.action == "create":
                values["kind"] = values.get("kind") or Organisation.Kind.NGO
                Organisation(
                    **{k: v if v is not None or k in _NULLABLE else "" for k, v in values.items()}
                ).save()
                created += 1
            elif row.action == "update":
                record = row.existing
                present = [f for f in preview.present_fields if f != "code"]
                for name in present:
                    field = "home_province_id" if name == "home_province" else name
                    value = values.get(field)
                    setattr(
                        record, field, "" if value is None and field not in _NULLABLE else value
                    )
                record.save()
                updated += 1
        return {"created": created, "updated": updated, "unchanged": preview.count("unchanged")}


_NULLABLE = {"founded_year", "home_province_id", "kind"}

# --- Staff ------------------------------------------------------------------------------------------

STAFF_COLUMNS = (
    Column(
        "username",
        "نام کاربری",
        "Username",
        parse_username,
        required=True,
        example_fa="m.rezaei",
        example_en="m.rezaei",
        allowed=(
            _(
                "Latin letters, digits and . @ + - _; a username of this organisation updates that member."
            ),
        ),
    ),
    Column("first_name", "نام", "First name", parse_name, example_fa="مریم", example_en="Maryam"),
    Column(
        "last_name",
        "نام خانوادگی",
        "Last name",
        parse_text,
        example_fa="رضایی",
        example_en="Rezaei",
    ),
    Column(
        "email",
        "ایمیل",
        "Email",
        parse_email,
        required=True,
        example_fa="m.rezaei@example.org",
        example_en="m.rezaei@example.org",
        allowed=(_("The invitation to choose a password is sent here."),),
    ),
    Column(
        "role",
        "نقش",
        "Role",
        parse_role,
        render_role,
        required=True,
        example_fa="مددکار",
        example_en="Caseworker",
        allowed=tuple(Role.get(key).label for key in IMPORTABLE_ROLES),
    ),
    Column(
        "title",
        "سمت",
        "Job title",
        parse_text,
        example_fa="مددکار اجتماعی",
        example_en="Social worker",
    ),
)
_USER_MAX = {"username": 150, "first_name": 150, "last_name": 150, "email": 254, "title": 120}


class StaffKind(RecordKind):
    code = "staff"
    order = 40
    label = _("Staff")
    columns = STAFF_COLUMNS
    model = Membership
    key = "username"
    repeated_message = _("The same username is in row %(row)s.")

    def resource(self, lang="fa"):
        return column_resource(get_user_model(), self.columns[:4], lang, key="username")()

    def checks(self, today):
        return {c.name: _too_long(c.name, _USER_MAX) for c in self.columns}

    def existing(self, keys, organisation):
        users = get_user_model().objects.filter(username__in=keys).select_related("membership")
        return {user.username: user for user in users}

    def refuse(self, record, values, organisation):
        membership = getattr(record, "membership", None)
        if membership is None or membership.organisation_id != organisation.pk:
            return _("This username belongs to someone outside this organisation.")
        if membership.role not in IMPORTABLE_ROLES:
            return _("This member's role is changed on the staff page, not by an import.")
        return None

    def current(self, record, name):
        if name in ("role", "title"):
            return getattr(record.membership, name)
        return getattr(record, name)

    def validate(self, rows, *, organisation, check_duplicates=True, progress=None):
        preview = super().validate(rows, organisation=organisation)
        self._check_emails(preview)
        return preview

    def _check_emails(self, preview):
        """An email address belongs to one account."""
        emails = {}
        for row in preview.rows:
            emails.setdefault(row.values["email"], []).append(row)
        owners = dict(
            get_user_model().objects.filter(email__in=list(emails)).values_list("email", "username")
        )
        for email, rows in emails.items():
            for index, row in enumerate(rows):
                if index:
                    reason = _("The same email is in row %(row)s.") % {"row": rows[0].row}
                elif owners.get(email, row.values["username"]) != row.values["username"]:
                    reason = _("Someone already has an account with this address.")
                else:
                    continue
                mark_invalid(preview, row, "email", reason, self.columns)

    def load(self, *, preview, organisation, by, job_id):
        created = updated = 0
        for row in preview.rows:
            values = {k: ("" if v is None else v) for k, v in row.values.items()}
            if row.action == "create":
                staff_invite(by=by, organisation=organisation, data=values)
                created += 1
            elif row.action == "update":
                user = row.existing
                for name in ("first_name", "last_name", "email"):
                    if name in preview.present_fields:
                        setattr(user, name, values[name])
                user.save(update_fields=["first_name", "last_name", "email"])
                staff_change_role(
                    by=by,
                    membership=user.membership,
                    role=values.get("role") or user.membership.role,
                    title=values["title"] if "title" in preview.present_fields else None,
                )
                updated += 1
        return {"created": created, "updated": updated, "unchanged": preview.count("unchanged")}
