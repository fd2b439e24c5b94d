"""The children template's columns, in order: the ONE place that names them.

Headers are the literal words a spreadsheet carries (Persian and English), not translations of
each other at run time: a file written in either language is read whatever the page language is.
Each column has a parser (text in a cell → typed value, or ``ParseError``) and a renderer (typed
value → cell text) so imports, exports and templates cannot drift apart.
"""

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from core.jalali import format_date
from core.spreadsheets.examples import example_cell
from core.spreadsheets.table import Column, choice_values, province_column
from imports.kinds import ColumnWidget

from ..models import Case
from ..models.choices import Documentation, Nationality, SchoolStatus, Sex, WorkType
from . import parsing

COLUMNS = (
    Column(
        "case_number",
        "شماره پرونده",
        "Case number",
        parsing.parse_case_number,
        allowed=(_("Empty for a new child; this organisation's case number to update a case."),),
    ),
    Column(
        "given_name",
        "نام",
        "First name",
        parsing.parse_name,
        required=True,
        example_fa="محمدرضا",
        example_en="Mohammadreza",
    ),
    Column(
        "family_name",
        "نام خانوادگی",
        "Last name",
        parsing.parse_text,
        example_fa="احمدی",
        example_en="Ahmadi",
    ),
    Column(
        "father_name",
        "نام پدر",
        "Father's name",
        parsing.parse_text,
        example_fa="حسن",
        example_en="Hassan",
    ),
    Column(
        "sex",
        "جنسیت",
        "Sex",
        parsing.parse_sex,
        parsing.render_choice(Sex),
        required=True,
        example_fa="پسر",
        example_en="boy",
        allowed=choice_values(Sex.choices),
        choices=Sex,
    ),
    Column(
        "birth_date",
        "تاریخ تولد",
        "Date of birth",
        parsing.parse_date,
        parsing.render_date,
        example_fa="۱۳۹۳/۰۲/۱۱",
        example_en="2014-05-01",
        allowed=(_("Jalali 1393/02/11 or 93/2/11, or Gregorian 2014-05-01."),),
    ),
    Column(
        "estimated_age",
        "سن تقریبی",
        "Estimated age",
        parsing.parse_age,
        parsing.render_number,
        allowed=(_("Years, when the date of birth is not known."),),
    ),
    Column(
        "nationality",
        "ملیت",
        "Nationality",
        parsing.parse_nationality,
        parsing.render_choice(Nationality),
        required=True,
        example_fa="افغانستانی",
        example_en="Afghan",
        allowed=choice_values(Nationality.choices),
        choices=Nationality,
    ),
    Column(
        "documentation",
        "وضعیت مدارک",
        "Documentation status",
        parsing.parse_documentation,
        parsing.render_choice(Documentation),
        # Optional: a file without it imports its children as "not recorded" (issue 16).
        example_fa="کارت آمایش",
        example_en="Amayesh card",
        allowed=choice_values(Documentation.choices),
        choices=Documentation,
        aliases=("documentation_status", "وضعیت مدرک"),
    ),
    Column(
        "id_number",
        "کد ملی",
        "National ID",
        parsing.parse_id_number,
        allowed=(
            _("A national ID is checked by its check digit."),
            _("An Amayesh card or passport number may be written here too."),
        ),
        aliases=("national_id", "شماره مدرک", "ID document number"),
    ),
    province_column("province"),
    Column("city", "شهر", "City", parsing.parse_text, example_fa="تهران", example_en="Tehran"),
    Column(
        "work_type",
        "نوع کار",
        "Type of work",
        parsing.parse_work_type,
        parsing.render_choice(WorkType),
        example_fa="دستفروشی",
        example_en="Street vending",
        allowed=choice_values(WorkType.choices),
        choices=WorkType,
    ),
    Column(
        "school_status",
        "وضعیت تحصیل",
        "Schooling",
        parsing.parse_school_status,
        parsing.render_choice(SchoolStatus),
        example_fa="ترک تحصیل",
        example_en="Dropped out",
        allowed=choice_values(SchoolStatus.choices),
        choices=SchoolStatus,
    ),
    Column(
        "guardian_phone",
        "تلفن سرپرست",
        "Guardian's phone",
        parsing.parse_phone,
        example_fa="۰۹۱۲۳۴۵۶۷۸۹",
        example_en="09123456789",
    ),
    Column(
        "registered_on",
        "تاریخ ثبت",
        "Registration date",
        parsing.parse_date,
        parsing.render_date,
        allowed=(_("Empty means the day of the import."),),
        aliases=("registration_date", "تاریخ پذیرش"),
    ),
    # Optional columns after the template's sixteen: older lists often carry them.
    Column("district", "منطقه", "District", parsing.parse_text, example_fa="۱۲", example_en="12"),
    Column("phone", "تلفن تماس", "Contact phone", parsing.parse_phone),
    Column("guardian_name", "نام سرپرست", "Guardian's name", parsing.parse_text),
)

BY_NAME = {column.name: column for column in COLUMNS}
# The fields an import writes on a case (all but the case number, which identifies it).
CASE_FIELDS = tuple(column.name for column in COLUMNS if column.name != "case_number")


def header_row(lang):
    return [column.header(lang) for column in COLUMNS]


def example_row(lang):
    """The template's example row, its first cell marked as an example (issue 16)."""
    values = [column.example_fa if lang == "fa" else column.example_en for column in COLUMNS]
    values[0] = example_cell(lang, values[0])
    return values


def case_row(case, lang):
    """A case as one row of the template's columns, in ``lang`` (for exports)."""
    return [column.render(getattr(case, column.name), lang) for column in COLUMNS]


# --- The same columns for django-import-export ------------------------------------------------


def child_resource(lang="fa"):
    """A ChildResource whose headers are in ``lang``."""
    return type(
        "ChildResource",
        (ChildResource,),
        {
            column.name: fields.Field(
                attribute=column.name,
                column_name=column.header(lang),
                widget=ColumnWidget(column, lang, Case),
            )
            for column in COLUMNS
        },
    )()


class ChildResource(resources.ModelResource):
    """The template's columns for django-import-export (admin export, templates).

    Not the import path: its per-row save runs at ~300 rows a second (measured, docs/adr/0007); the bulk path
    is ``children.imports.load``. Use ``child_resource(lang)`` for headers in a language.
    """

    class Meta:
        model = Case
        fields = tuple(column.name for column in COLUMNS)
        export_order = fields
        import_id_fields = ("case_number",)
        skip_unchanged = True


__all__ = [
    "BY_NAME",
    "CASE_FIELDS",
    "COLUMNS",
    "ChildResource",
    "Column",
    "child_resource",
    "format_date",
]
