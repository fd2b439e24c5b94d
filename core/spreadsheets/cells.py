"""Reading one cell: header words and values in Persian or English, in any digit form.

Every parser takes the raw cell (str, number, date or None) and a ``ParseContext`` and returns
the typed value, ``None`` for an empty cell, or raises ``ParseError`` with a message in the
active language. Words are matched on ``core.persian.compact`` keys, so Arabic letters, ZWNJ,
spaces, diacritics and case do not matter: «مؤنث», «مونث» and «Female» are all read. Shared by
every kind of import; a kind's own word tables live with it (``children.imports.parsing``).
"""

import datetime
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from core import jalali
from core.jalali import format_date
from core.persian import clean_text, compact, to_latin_digits

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from core.models import Province


class ParseError(ValueError):
    """A cell that cannot be read; ``str(error)`` is the reason for the user."""


# A parser: (raw cell, the file's context) → typed value or None; raises ParseError. The cell is
# whatever a reader gives (text, number, bool, date or None), so it is Any; so is the value.
Parser: TypeAlias = Callable[[Any, "ParseContext"], Any]
# A renderer: (stored value, language) → what a cell or a page shows.
Renderer: TypeAlias = Callable[[Any, str], Any]


class _Labelled(Protocol):
    @property
    def label(self) -> "StrOrPromise": ...


class ChoicesLike(Protocol):
    """A Django choices class, or any class like it: ``choices`` (value, label) pairs, and
    ``cls(value).label``."""

    @property
    def choices(self) -> Iterable[tuple[Any, "StrOrPromise"]]: ...

    def __call__(self, value: Any, /) -> _Labelled: ...


# --- Raw cells ----------------------------------------------------------------------------------


def cell_text(value: object) -> str | None:
    """The cell as text: spreadsheet numbers lose a trailing ".0"; None stays None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


# Whitespace and the invisible characters clean_text removes: a cell of only these is empty.
BLANK = " \t\n\r\x0b\x0c\x00\u00a0\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u061c\u202a\u202b\u202c\u202d\u202e"


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(BLANK))


def _text(value: object) -> str | None:
    if value is None:
        return None
    return clean_text(cell_text(value)) or None


SHOWN_VALUE_CHARS = 60  # of a rejected cell, shown beside its reason


def shown_value(cell: object) -> str:
    """A rejected cell as text for the error list: cleaned, one line, cut short."""
    text = " ".join((_text(cell) or "").split())
    if len(text) > SHOWN_VALUE_CHARS:
        text = text[: SHOWN_VALUE_CHARS - 1] + "…"
    return text


# --- Word tables ---------------------------------------------------------------------------------

_NON_WORD = re.compile(r"[\W_]+")


def word_key(value: object) -> str:
    """What a word is matched on: compact key without punctuation («مؤنث» = «مونث» = "Mo-nث")."""
    return _NON_WORD.sub("", compact(cell_text(value) or ""))


def words_table(choices: ChoicesLike, extra: Mapping[Any, Iterable[str]]) -> dict[str, Any]:
    """Stored value → words in either language: the choice labels in fa and en, and ``extra``."""
    table: dict[str, Any] = {}
    for value, _label in choices.choices:
        table[word_key(value)] = value
        for lang in ("fa", "en"):
            with override(lang):
                table[word_key(str(choices(value).label))] = value
    for value, words in extra.items():
        for word in words:
            table[word_key(word)] = value
    return table


def choice_parser(table: Mapping[str, Any], message: "StrOrPromise") -> Parser:
    def parse(value: object, context: "ParseContext | None" = None) -> Any:
        if is_blank(value):
            return None
        found = table.get(word_key(value))
        if found is None:
            raise ParseError(message)
        return found

    return parse


# --- Provinces ----------------------------------------------------------------------------------

_PROVINCE_WORDS = ("استان", "province", "ostan")


def province_key(value: object) -> str:
    key = word_key(value)
    for word in _PROVINCE_WORDS:
        word = word_key(word)
        if key.startswith(word) and len(key) > len(word):
            key = key[len(word) :]
        if key.endswith(word) and len(key) > len(word):
            key = key[: -len(word)]
    if key.startswith("of"):
        key = key[2:]
    return key


class ParseContext:
    """Reference data the parsers need (provinces), loaded once per file."""

    _local = threading.local()

    def __init__(self, provinces: "list[Province]") -> None:
        self.provinces: dict[str, int] = {}
        for province in provinces:
            for name in (province.name_fa, province.name_en, province.code):
                self.provinces[province_key(name)] = province.pk
        self.province_names = {p.pk: (p.name_fa, p.name_en) for p in provinces}

    @classmethod
    def load(cls) -> "ParseContext":
        from core.models import Province

        return cls(list(Province.objects.all()))

    @classmethod
    def current(cls) -> "ParseContext":
        """A context for code that cannot pass one (django-import-export widgets)."""
        if getattr(cls._local, "context", None) is None:
            cls._local.context = cls.load()
        context: ParseContext = cls._local.context
        return context


def parse_province(value: object, context: ParseContext) -> int | None:
    if is_blank(value):
        return None
    found = context.provinces.get(province_key(value))
    if found is None:
        raise ParseError(_("Unknown province. Write its Persian or English name, e.g. تهران."))
    return found


# --- Values -------------------------------------------------------------------------------------


def parse_text(value: object, context: ParseContext | None = None) -> str | None:
    return _text(value)


def parse_name(value: object, context: ParseContext | None = None) -> str | None:
    text = _text(value)
    if text is not None and not re.search(r"[^\W\d_]", text):
        raise ParseError(_("A name needs letters."))
    return text


_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_date(value: object, context: ParseContext | None = None) -> datetime.date | None:
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        # A date cell that lost its date format arrives as Excel's serial day number.
        return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
    try:
        return jalali.parse_date(value if isinstance(value, datetime.date) else cell_text(value))
    except jalali.DateParseError as error:
        raise ParseError(str(error)) from None


def whole_number_parser(low: int, high: int, message: Any) -> Parser:
    """Reads a whole number from `low` to `high` in any digits ("۱۲", 12, 12.0); else `message`."""

    def parse(value: object, context: ParseContext | None = None) -> int | None:
        if is_blank(value):
            return None
        text = to_latin_digits(str(value)).strip().removesuffix(".0")
        if not text.isdigit() or not low <= int(text) <= high:
            raise ParseError(message)
        return int(text)

    return parse


def parse_phone(value: object, context: ParseContext | None = None) -> str | None:
    text = _text(value)
    if text is None:
        return None
    digits = re.sub(r"[\s\-()]", "", to_latin_digits(text))
    if not re.fullmatch(r"\+?\d{4,15}", digits):
        raise ParseError(_("A phone number has only digits."))
    # A spreadsheet that stored the number as a number dropped the leading zero of 0912…
    if len(digits) == 10 and digits.startswith("9"):
        digits = "0" + digits
    return digits


# --- Rendering (exports and templates) --------------------------------------------------------


def render_text(value: object, lang: str) -> str:
    return "" if value is None else str(value)


def render_number(value: object, lang: str) -> object:
    return "" if value is None else value


def render_date(value: datetime.date | None, lang: str) -> str:
    return format_date(value, lang) if value else ""


def render_choice(choices: ChoicesLike) -> Renderer:
    def render(value: object, lang: str) -> str:
        if not value:
            return ""
        with override(lang):
            return str(choices(value).label)

    return render


def render_province(value: Any, lang: str) -> str:
    # Exports pass the Province instance (select_related), templates a name (Any: whatever has
    # name_fa and name_en is shown as a province).
    if value is None:
        return ""
    if hasattr(value, "name_fa"):
        name: str = value.name_fa if lang == "fa" else value.name_en
        return name
    return str(value)
