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

from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from core import jalali
from core.jalali import format_date
from core.persian import clean_text, compact, normalize, to_latin_digits

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from core.models import Province


class ParseError(ValueError):
    """A cell that cannot be read; ``str(error)`` is the reason for the user."""

    def reason_in(self, column: Any) -> str:
        """The reason kept for the cell (``column``: the table's Column it was read in)."""
        return str(self)


class Undecided(str):
    """The reason of a cell whose word no table knows: a row holding one waits for the
    administrator to say what the word means (``Preview.reject``), it is not invalid."""

    column: str  # the field name
    text: str  # the cell as typed, cleaned
    optional: bool  # the column may be left empty

    def __new__(cls, reason: str, *, column: str, text: str, optional: bool) -> "Undecided":
        self = super().__new__(cls, reason)
        self.column, self.text, self.optional = column, text, optional
        return self

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, Any]]:
        # Pickled with the dry run's typed rows (core.spreadsheets.parsed): str's own
        # __getnewargs__ would leave out the keyword arguments __new__ requires.
        return (str(self),), {"column": self.column, "text": self.text, "optional": self.optional}


class UnknownValue(ParseError):
    """A word of a choice column found neither among the values nor in the vocabulary."""

    def __init__(self, message: object, *, column: str, text: str) -> None:
        super().__init__(message)
        self.column, self.text = column, text

    def reason_in(self, column: Any) -> str:
        return Undecided(
            str(self), column=self.column, text=self.text, optional=not column.required
        )


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


class WordTable(dict[str, Any]):
    """{word key: stored value}, and the choices it was built from (``allowed_values``)."""

    choices: ChoicesLike | None = None


def allowed_values(choices: ChoicesLike | None) -> str:
    """ "Allowed values: …" in the active language, for a reason beside a refused cell."""
    if choices is None:
        return ""
    # A list separator in the reader's language (the Persian comma reads oddly in English).
    separator = "، " if (get_language() or "fa").startswith("fa") else ", "
    labels = separator.join(str(label) for _value, label in choices.choices)
    return str(_("Allowed values: %(values)s.") % {"values": labels})


def words_table(choices: ChoicesLike, extra: Mapping[Any, Iterable[str]]) -> WordTable:
    """Stored value → words in either language: the choice labels in fa and en, and ``extra``."""
    table = WordTable()
    table.choices = choices
    for value, _label in choices.choices:
        table[word_key(value)] = value
        for lang in ("fa", "en"):
            with override(lang):
                table[word_key(str(choices(value).label))] = value
    for value, words in extra.items():
        for word in words:
            table[word_key(word)] = value
    return table


# The longest word a cell is tried against is WORD_LIMIT characters: longer text is a sentence,
# never a value (and could not be saved as a vocabulary word).
WORD_LIMIT = 200
_TOKENS = re.compile(r"[\W_]+")
# A phrase with one of these outside the word it contains says the opposite of it («بدون
# شناسنامه», "not working" when only "working" were known): left for a person to decide.
_NEGATIONS = frozenset(
    normalize(word) for word in ("غیر", "بدون", "فاقد", "نه", "نا", "non", "not", "no", "without")
)
# Phrases are read in spans of at most this many words.
_SPAN_LIMIT = 6


def tokens(text: object) -> list[str]:
    """The whole words of ``text`` as keys: joined, a span of them is that span's word_key."""
    return [t for t in _TOKENS.split(normalize(cell_text(text) or "")) if t]


class Vocabulary:
    """The words a file's choice columns are read with: everyone's vocabulary and, over it, the
    organisation's own decisions (docs/adr/0018). Built once per file (``ParseContext``)."""

    def __init__(
        self, rows: Iterable[tuple[str, str, str, bool]] = (), *, decides: bool = False
    ) -> None:
        """``rows``: (column, word, value, own), own = the organisation's decision.
        ``decides``: an unknown word can be decided for the file (it has an organisation to
        remember the decision for), so it waits (``UnknownValue``) rather than being an error."""
        self.decides = decides
        shared: dict[str, dict[str, str]] = {}
        own: dict[str, dict[str, str]] = {}
        for column, word, value, is_own in rows:
            key = word_key(word)
            if key:
                (own if is_own else shared).setdefault(column, {})[key] = value
        self._shared, self._own = shared, own
        self._merged: dict[tuple[str, int], dict[str, Any]] = {}

    def words(self, column: str, table: Mapping[str, Any]) -> dict[str, Any]:
        """{key: value} for ``column``: the column's own ``table`` (its values and labels), then
        everyone's words over it, then the organisation's over those. A word whose value is not
        one of the table's (a value since removed, a ministry where a file may not give one) is
        left out: the vocabulary names values, it never adds any."""
        cache_key = (column, id(table))
        merged = self._merged.get(cache_key)
        if merged is None:
            merged = dict(table)
            allowed = set(table.values())
            for words in (self._shared.get(column, {}), self._own.get(column, {})):
                merged.update((k, v) for k, v in words.items() if v == "" or v in allowed)
            self._merged[cache_key] = merged
        return merged


_NO_WORDS = Vocabulary()


def find_word(words: Mapping[str, Any], text: object) -> Any:
    """The value of ``text`` read on whole words, or None: the key of the whole cell first, then
    the longest known words inside it («گل فروشی سر چهارراه» holds «گل فروشی»). A phrase holding
    words of two values, or a negation outside its word, is not read (None)."""
    key = word_key(text)
    if key in words:
        return words[key]
    parts = tokens(text)
    if len(parts) < 2:
        return None
    spans: list[tuple[int, int, Any]] = []
    for start in range(len(parts)):
        for end in range(min(len(parts), start + _SPAN_LIMIT), start, -1):
            joined = "".join(parts[start:end])
            if len(joined) > 1 and joined in words:
                spans.append((start, end, words[joined]))
                break
    # A word inside a longer known word is part of that word («کارت آمایش» holds «آمایش»).
    kept = [
        s for s in spans if not any(o is not s and o[0] <= s[0] and s[1] <= o[1] for o in spans)
    ]
    values = {s[2] for s in kept if s[2] != ""}
    if len(values) != 1:
        return None
    covered = {i for s in kept for i in range(s[0], s[1])}
    if any(part in _NEGATIONS for i, part in enumerate(parts) if i not in covered):
        return None
    return values.pop()


def _unknown(vocabulary: Vocabulary, reason: str, column: str, value: object) -> ParseError:
    """The error for a word found nowhere: one to decide, or (when nobody can decide it for
    this file, or it is a sentence or only punctuation) an ordinary error."""
    text = _text(value) or ""
    if not vocabulary.decides or len(text) > WORD_LIMIT or not word_key(text):
        return ParseError(reason)
    return UnknownValue(reason, column=column, text=text)


def choice_parser(
    table: Mapping[str, Any], message: "StrOrPromise", column: str | None = None
) -> Parser:
    """A parser of a choice column: ``table`` (its values and labels, ``words_table``) and, when
    ``column`` names it, the file's vocabulary for that column (``ParseContext.vocabulary``).
    A word found nowhere raises ``UnknownValue`` (the row waits for a decision) for a column
    with a vocabulary, else ``ParseError`` with ``message``."""

    def parse(value: object, context: "ParseContext | None" = None) -> Any:
        if is_blank(value):
            return None
        found = table.get(word_key(value))
        if found is not None:
            return found
        if column is None:
            raise ParseError(message)
        vocabulary = context.vocabulary if context is not None else _NO_WORDS
        found = find_word(vocabulary.words(column, table), value)
        if found == "":
            return None  # the organisation chose to leave this word's cells empty
        if found is not None:
            return found
        reason = f"{message} {allowed_values(getattr(table, 'choices', None))}".strip()
        raise _unknown(vocabulary, reason, column, value)

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
    # Everyone's vocabulary for ``current``: set by the imports app, which keeps it (ADR 0018).
    shared_vocabulary: "Callable[[], Vocabulary] | None" = None

    def __init__(self, provinces: "list[Province]", vocabulary: Vocabulary | None = None) -> None:
        self.vocabulary = vocabulary or _NO_WORDS
        self.provinces: dict[str, int] = {}
        for province in provinces:
            for name in (province.name_fa, province.name_en, province.code):
                self.provinces[province_key(name)] = province.pk
        self.province_names = {p.pk: (p.name_fa, p.name_en) for p in provinces}
        # For the vocabulary, whose words name a province by its code (docs/adr/0018).
        self.province_ids = {p.code: p.pk for p in provinces}
        self.province_words = WordTable(
            (word_key(name), p.code) for p in provinces for name in (p.name_fa, p.name_en, p.code)
        )

    @classmethod
    def load(cls, vocabulary: Vocabulary | None = None) -> "ParseContext":
        from core.models import Province

        return cls(list(Province.objects.all()), vocabulary)

    @classmethod
    def current(cls) -> "ParseContext":
        """A context for code that cannot pass one (django-import-export widgets)."""
        if getattr(cls._local, "context", None) is None:
            loader = cls.shared_vocabulary
            cls._local.context = cls.load(loader() if loader is not None else None)
        context: ParseContext = cls._local.context
        return context


def parse_province(value: object, context: ParseContext) -> int | None:
    if is_blank(value):
        return None
    found = context.provinces.get(province_key(value))
    if found is not None:
        return found
    # The vocabulary's words for provinces, then the names inside a longer phrase.
    vocabulary = context.vocabulary
    code = find_word(vocabulary.words("province", context.province_words), value)
    if code and code in context.province_ids:
        return context.province_ids[code]
    reason = _("Unknown province. Write its Persian or English name, e.g. تهران.")
    raise _unknown(vocabulary, str(reason), "province", value)


class _Provinces:
    """Iran's provinces as a choices class for the vocabulary (``Column.choices``): (code, name
    in the active language), read when a page or the command lists them."""

    @property
    def choices(self) -> list[tuple[str, str]]:
        from django.utils.translation import get_language

        from core.models import Province

        persian = (get_language() or "fa").startswith("fa")
        return [
            (p.code, p.name_fa if persian else p.name_en)
            for p in Province.objects.order_by("name_fa" if persian else "name_en")
        ]

    def __call__(self, value: Any, /) -> Any:
        from core.models import Province

        return Province.objects.get(code=value)


PROVINCES = _Provinces()


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
