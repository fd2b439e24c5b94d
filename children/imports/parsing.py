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

SEX_WORDS = words_table(
    Sex,
    {
        Sex.MALE: ["پسر", "مذکر", "مرد", "ذکور", "male", "m", "boy", "man"],
        Sex.FEMALE: ["دختر", "مونث", "مؤنث", "زن", "اناث", "female", "f", "girl", "woman"],
    },
)
NATIONALITY_WORDS = words_table(
    Nationality,
    {
        Nationality.IRANIAN: ["ایرانی", "ایران", "iran", "iranian"],
        Nationality.AFGHAN: [
            "افغان",
            "افغانی",
            "افغانستانی",
            "افغانستان",
            "afghan",
            "afghani",
            "afghanistan",
        ],
        Nationality.PAKISTANI: ["پاکستانی", "پاکستان", "pakistan", "pakistani"],
        Nationality.IRAQI: ["عراقی", "عراق", "iraq", "iraqi"],
        Nationality.OTHER: ["سایر", "دیگر", "other"],
        Nationality.UNKNOWN: ["نامشخص", "نامعلوم", "نمیداند", "unknown"],
    },
)
DOCUMENTATION_WORDS = words_table(
    Documentation,
    {
        Documentation.NATIONAL_ID: [
            "کد ملی",
            "کارت ملی",
            "شماره ملی",
            "شناسنامه",  # the Iranian birth certificate, which carries the national ID
            "birth certificate",
            "national id",
            "national code",
        ],
        Documentation.AMAYESH: ["آمایش", "کارت آمایش", "amayesh", "amayesh card"],
        Documentation.PASSPORT: ["گذرنامه", "پاسپورت", "passport"],
        Documentation.OTHER: [
            "سایر",
            "مدرک دیگر",
            "سایر مدارک",
            "برگه سرشماری",  # the census slip given to undocumented Afghans in 2022
            "برگ سرشماری",
            "other",
        ],
        Documentation.UNDOCUMENTED: ["فاقد مدرک", "بدون مدرک", "ندارد", "undocumented", "none"],
    },
)
WORK_WORDS = words_table(
    WorkType,
    {
        WorkType.STREET_VENDING: [
            "دستفروشی",
            "دست فروشی",
            "فال فروشی",
            "street vending",
            "vending",
        ],
        WorkType.WASTE_PICKING: ["زباله گردی", "زباله‌گردی", "جمع آوری زباله", "waste picking"],
        WorkType.CAR_WASHING: ["شیشه شویی", "ماشین شویی", "شستن ماشین", "car wash"],
        WorkType.BEGGING: ["تکدی", "تکدی گری", "گدایی", "begging"],
        WorkType.WORKSHOP: ["کارگاه", "کارگاهی", "workshop"],
        WorkType.AGRICULTURE: ["کشاورزی", "agriculture", "farming"],
        WorkType.DOMESTIC: ["کار خانگی", "خانگی", "domestic"],
        WorkType.PORTERING: ["باربری", "حمل بار", "portering", "porter"],
        WorkType.OTHER: ["سایر", "other"],
        WorkType.NONE: ["کار نمی کند", "بدون کار", "ندارد", "none", "not working"],
    },
)
SCHOOL_WORDS = words_table(
    SchoolStatus,
    {
        SchoolStatus.ENROLLED: [
            "در حال تحصیل",
            "محصل",
            "دانش آموز",
            "ثبت نام شده",
            "enrolled",
            "in school",
        ],
        SchoolStatus.DROPPED_OUT: ["ترک تحصیل", "بازمانده از تحصیل", "dropped out", "dropout"],
        SchoolStatus.NEVER_ENROLLED: [
            "هرگز ثبت نام نشده",
            "مدرسه نرفته",
            "never enrolled",
            "never",
        ],
    },
)


parse_sex = choice_parser(SEX_WORDS, _("Write the sex as girl or boy (دختر or پسر)."))
parse_nationality = choice_parser(
    NATIONALITY_WORDS, _("Unknown nationality. See the allowed values.")
)
parse_documentation = choice_parser(
    DOCUMENTATION_WORDS, _("Unknown documentation status. See the allowed values.")
)
parse_work_type = choice_parser(WORK_WORDS, _("Unknown type of work. See the allowed values."))
parse_school_status = choice_parser(
    SCHOOL_WORDS, _("Unknown schooling status. See the allowed values.")
)


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
