"""The children template's columns, in order: the ONE place that names them.

Headers are the literal words a spreadsheet carries (Persian and English), not translations of
each other at run time: a file written in either language is read whatever the page language is.
Each column has a parser (text in a cell → typed value, or ``ParseError``) and a renderer (typed
value → cell text) so imports, exports and templates cannot drift apart.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from core.jalali import format_date

from ..models import Case
from ..models.choices import Documentation, Nationality, SchoolStatus, Sex, WorkType
from . import parsing


@dataclass(frozen=True)
class Column:
    name: str  # the Case field it fills
    fa: str
    en: str
    parse: object
    render: object = parsing.render_text
    required: bool = False
    example_fa: str = ""
    example_en: str = ""
    # Allowed values, for the template's second sheet (lazy strings).
    allowed: tuple = field(default=())
    # Values repeat down a column (provinces, dates, words): parse each distinct cell once.
    cache: bool = True

    def header(self, lang):
        return self.fa if lang == "fa" else self.en


def _choice_values(choices):
    return tuple(label for _value, label in choices)


COLUMNS = (
    Column(
        "case_number",
        "شماره پرونده",
        "Case number",
        parsing.parse_case_number,
        cache=False,
        allowed=(_("Empty for a new child; this organisation's case number to update a case."),),
    ),
    Column(
        "given_name",
        "نام",
        "First name",
        parsing.parse_name,
        required=True,
        cache=False,
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
        allowed=_choice_values(Sex.choices),
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
        allowed=_choice_values(Nationality.choices),
    ),
    Column(
        "documentation",
        "وضعیت مدرک",
        "Documentation status",
        parsing.parse_documentation,
        parsing.render_choice(Documentation),
        required=True,
        example_fa="کارت آمایش",
        example_en="Amayesh card",
        allowed=_choice_values(Documentation.choices),
    ),
    Column(
        "id_number",
        "شماره مدرک",
        "ID document number",
        parsing.parse_id_number,
        cache=False,
        allowed=(_("A national ID is checked by its check digit."),),
    ),
    Column(
        "province",
        "استان",
        "Province",
        parsing.parse_province,
        parsing.render_province,
        required=True,
        example_fa="تهران",
        example_en="Tehran",
    ),
    Column("city", "شهر", "City", parsing.parse_text, example_fa="تهران", example_en="Tehran"),
    Column("district", "منطقه", "District", parsing.parse_text, example_fa="۱۲", example_en="12"),
    Column("phone", "تلفن تماس", "Contact phone", parsing.parse_phone, cache=False),
    Column("guardian_name", "نام سرپرست", "Guardian's name", parsing.parse_text),
    Column(
        "work_type",
        "نوع کار",
        "Type of work",
        parsing.parse_work_type,
        parsing.render_choice(WorkType),
        example_fa="دستفروشی",
        example_en="Street vending",
        allowed=_choice_values(WorkType.choices),
    ),
    Column(
        "school_status",
        "وضعیت تحصیل",
        "Schooling",
        parsing.parse_school_status,
        parsing.render_choice(SchoolStatus),
        example_fa="ترک تحصیل",
        example_en="Dropped out",
        allowed=_choice_values(SchoolStatus.choices),
    ),
    Column(
        "registered_on",
        "تاریخ پذیرش",
        "Registration date",
        parsing.parse_date,
        parsing.render_date,
        allowed=(_("Empty means the day of the import."),),
    ),
)

BY_NAME = {column.name: column for column in COLUMNS}
# The fields an import writes on a case (all but the case number, which identifies it).
CASE_FIELDS = tuple(column.name for column in COLUMNS if column.name != "case_number")


def header_row(lang):
    return [column.header(lang) for column in COLUMNS]


def example_row(lang):
    return [column.example_fa if lang == "fa" else column.example_en for column in COLUMNS]


def case_row(case, lang):
    """A case as one row of the template's columns, in ``lang`` (for exports)."""
    return [column.render(getattr(case, column.name), lang) for column in COLUMNS]


# --- The same columns for django-import-export ------------------------------------------------


class _ColumnWidget(widgets.Widget):
    """Cleans and renders through the column's own parser and renderer."""

    def __init__(self, column, lang):
        super().__init__()
        self.column = column
        self.lang = lang

    def clean(self, value, row=None, **kwargs):
        return self.column.parse(value, parsing.ParseContext.current())

    def render(self, value, obj=None, **kwargs):
        return self.column.render(value, self.lang)


def child_resource(lang="fa"):
    """A ChildResource whose headers are in ``lang``."""
    return type(
        "ChildResource",
        (ChildResource,),
        {
            column.name: fields.Field(
                attribute=column.name,
                column_name=column.header(lang),
                widget=_ColumnWidget(column, lang),
            )
            for column in COLUMNS
        },
    )()


class ChildResource(resources.ModelResource):
    """The template's columns for django-import-export (admin export, templates).

    Not the import path: its per-row save runs at ~300 rows a second (facts.md); the bulk path
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
