"""The children template's own words and values; the generic cell readers are in
``core.spreadsheets.cells`` (re-exported here for the columns and the tests).
"""

from django.utils.translation import gettext_lazy as _

from core.national_id import is_valid_national_id, normalize_national_id
from core.persian import clean_text, to_latin_digits, to_latin_number
from core.spreadsheets.cells import (  # noqa: F401 - the columns and tests read them from here
    ParseContext,
    ParseError,
    cell_text,
    choice_parser,
    is_blank,
    parse_date,
    parse_name,
    parse_phone,
    parse_province,
    parse_text,
    province_key,
    render_choice,
    render_date,
    render_number,
    render_province,
    render_text,
    word_key,
    words_table,
)

from ..models.choices import Documentation, Nationality, SchoolStatus, Sex, WorkType

# --- Word tables ---------------------------------------------------------------------------------

# Each choice column reads its values and their labels in both languages here; every other word
# people write (گل‌فروشی, کارت آمایش, boy...) is in the vocabulary, data an administrator extends
# (imports.ValueWord, seeded by imports/migrations/0003; docs/adr/0018).
SEX_WORDS = words_table(Sex, {})
NATIONALITY_WORDS = words_table(Nationality, {})
DOCUMENTATION_WORDS = words_table(Documentation, {})
WORK_WORDS = words_table(WorkType, {})
SCHOOL_WORDS = words_table(SchoolStatus, {})


parse_sex = choice_parser(SEX_WORDS, _("Unknown sex."), "sex")
parse_nationality = choice_parser(NATIONALITY_WORDS, _("Unknown nationality."), "nationality")
parse_documentation = choice_parser(
    DOCUMENTATION_WORDS, _("Unknown documentation status."), "documentation"
)
parse_work_type = choice_parser(WORK_WORDS, _("Unknown type of work."), "work_type")
parse_school_status = choice_parser(SCHOOL_WORDS, _("Unknown schooling status."), "school_status")


# --- Values -------------------------------------------------------------------------------------


def parse_case_number(value, context=None):
    text = parse_text(value)
    return to_latin_digits(text).upper() if text else None


def parse_age(value, context=None):
    if is_blank(value):
        return None
    text = to_latin_number(cell_text(value))
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit() or not 0 <= int(text) <= 25:
        raise ParseError(_("Write the estimated age in whole years, from 0 to 25."))
    return int(text)


def parse_id_number(value, context=None):
    """The document number as typed, digits made Latin; national IDs are checked per row."""
    if is_blank(value):
        return None
    if isinstance(value, float | int) and not isinstance(value, bool):
        return normalize_national_id(int(value))
    return normalize_national_id(clean_text(str(value))).upper()


def check_national_id(number):
    """The reason a national ID is wrong, or None."""
    if not is_valid_national_id(number):
        return _("This is not a valid national ID. Check the digits against the card.")
    return None
