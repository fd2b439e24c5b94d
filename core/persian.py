"""Persian text: digit conversion, storage cleaning and the match keys used for search.

Three levels, from lightest to heaviest:

* ``clean_text`` is applied when *storing* user input. It only fixes what the glossary forbids
  (Arabic ي/ك, tatweel, stray whitespace and invisible characters) and never changes what a
  reader sees as the spelling, so stored text is still the text the caseworker typed.
* ``normalize`` builds a *search key*: it folds every spelling variant that people type for the
  same word (Arabic and Persian letters, hamza forms, diacritics, digit forms, case, ZWNJ vs
  space) to one form. Keys are compared, never shown.
* ``compact`` is ``normalize`` without word boundaries, for duplicate matching of names:
  "محمدرضا", "محمد رضا" and "محمد‌رضا" (with ZWNJ) are the same person's name.
* ``phonetic_key`` is ``compact`` with the letters that sound alike folded to one and doubled
  letters dropped: how a name sounds, so that «ظهرا» finds «زهرا» (docs/adr/0015).

Both keys must be computed by these functions on both sides of a comparison (the stored value
and the query); a key computed any other way (for example in SQL) will drift.
"""

import itertools
import re
import unicodedata
from functools import lru_cache
from typing import overload

__all__ = [
    "ARABIC_INDIC_DIGITS",
    "LATIN_VARIANTS",
    "PERSIAN_DIGITS",
    "ZWNJ",
    "clean_text",
    "compact",
    "normalize",
    "phonetic_key",
    "phonetic_keys",
    "to_latin_digits",
    "to_latin_number",
    "to_persian_digits",
]

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"  # U+06F0..U+06F9, what Persian keyboards type
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"  # U+0660..U+0669, arrive by copy-paste and from Arabic keyboards
ZWNJ = "\u200c"  # نیم‌فاصله: part of correct Persian spelling (سازمان‌های)

_TO_LATIN_DIGITS = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, "0123456789" * 2)
_TO_PERSIAN_DIGITS = str.maketrans("0123456789", PERSIAN_DIGITS)

# Invisible characters that carry no spelling: zero-width space, zero-width joiner, word joiner,
# byte-order mark, soft hyphen, and the bidi controls that copy-paste from Word, Excel and
# messaging apps leaves behind (LRM, RLM, ALM, embeddings, overrides, isolates). They make two
# identical-looking strings compare unequal, so every level removes them.
_INVISIBLE = (
    "\u200b\u200d\u2060\ufeff\u00ad"
    "\u200e\u200f\u061c"
    "\u202a\u202b\u202c\u202d\u202e"
    "\u2066\u2067\u2068\u2069"
)

# --- Storage level ------------------------------------------------------------------------

# Only what the glossary forbids. ة, أ, إ, ؤ, ئ and آ are legitimate Persian orthography
# (آیة‌الله، مأمور، مسئول، آزاده) and stay as typed.
_CLEAN_LETTERS = str.maketrans(
    {
        "ي": "ی",  # U+064A Arabic yeh
        "ى": "ی",  # U+0649 alef maksura: no Persian keyboard types it; Persian writes موسی
        "ك": "ک",  # U+0643 Arabic kaf
        "ـ": None,  # U+0640 tatweel: stretches a word for looks, not part of the spelling
        **dict.fromkeys(_INVISIBLE),
    }
)
# ZWNJ only means something between two letters of one word. Next to a space, at either end of
# a word, or repeated, it is a typing accident (a Shift+Space pressed twice or next to Space).
_ZWNJ_RUN = re.compile("\u200c{2,}")
_ZWNJ_NEXT_TO_SPACE = re.compile(r"[ \u200c]*[ ][ \u200c]*")
_SPACES_IN_LINE = re.compile(r"[^\S\n]+")  # any whitespace except newline
# Control characters are never content, and PostgreSQL refuses NUL in text columns, so a pasted
# NUL would otherwise fail the whole save. Tab, LF, VT, FF and CR are whitespace, handled below.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n{3,}")
# Text that clean_text would return unchanged: words of characters none of the steps touch
# (no whitespace but single spaces between words, no control, invisible, ZWNJ, Arabic ي ى ك or
# tatweel), with nothing at either end to trim.
_UNTOUCHED = "[^\\s\x00-\x1f\x7f\u200c\u064a\u0649\u0643\u0640" + _INVISIBLE + "]+"
_ALREADY_CLEAN = re.compile(f"{_UNTOUCHED}(?: {_UNTOUCHED})*")


@overload
def to_latin_digits(s: None) -> None: ...
@overload
def to_latin_digits(s: object) -> str: ...
def to_latin_digits(s: object) -> str | None:
    """Return ``s`` with Persian (۰-۹) and Arabic-Indic (٠-٩) digits replaced by ASCII 0-9.

    For parsing: numbers, dates and IDs arrive in any of the three digit forms. ``None`` is
    returned unchanged so that "no value" stays distinguishable from "".
    """
    if s is None:
        return None
    return str(s).translate(_TO_LATIN_DIGITS)


# Thousands separators accepted in typed numbers: ASCII comma, Arabic thousands separator ٬ and
# Arabic comma ، (what some Persian keyboards give for Shift+comma). They are removed only when
# they group digits in threes, so "1,5" (a decimal comma from a European partner) is not read
# as 15 but rejected by the number field.
_GROUPED_NUMBER = re.compile(r"^[-+]?\d{1,3}(?:([,\u066c\u060c])\d{3})(?:\1\d{3})*(?:\.\d*)?$")
_NUMBER_MARKS = str.maketrans(
    {
        "\u066b": ".",  # Arabic decimal separator ٫, the Persian decimal point
        "\u2212": "-",  # minus sign
        **dict.fromkeys(_INVISIBLE + ZWNJ),
    }
)


@overload
def to_latin_number(s: None) -> None: ...
@overload
def to_latin_number(s: object) -> str: ...
def to_latin_number(s: object) -> str | None:
    """Return typed number text in the form ``int()`` and ``Decimal()`` read: "۱٬۲۳۴٫۵" → "1234.5".

    Digits become ASCII, ٫ becomes ".", the minus sign becomes "-", bidi marks and surrounding
    whitespace go, and thousands separators are removed where they group digits in threes.
    Anything else is left for the caller's parser to reject. ``None`` is returned unchanged.
    """
    if s is None:
        return None
    text = to_latin_digits(s).translate(_NUMBER_MARKS).strip()
    if _GROUPED_NUMBER.match(text):
        text = re.sub("[,\u066c\u060c]", "", text)
    return text


@overload
def to_persian_digits(s: None) -> None: ...
@overload
def to_persian_digits(s: object) -> str: ...
def to_persian_digits(s: object) -> str | None:
    """Return ``s`` (any value; numbers are turned into text) with ASCII digits as Persian digits.

    For display in Persian text, where the glossary asks for Persian digits. Only digits change:
    separators and signs are the caller's choice. ``None`` is returned unchanged.
    """
    if s is None:
        return None
    return str(s).translate(_TO_PERSIAN_DIGITS)


@overload
def clean_text(s: None, *, multiline: bool = False) -> None: ...
@overload
def clean_text(s: object, *, multiline: bool = False) -> str: ...
def clean_text(s: object, *, multiline: bool = False) -> str | None:
    """Return user input in the form it should be stored: the glossary's spelling, tidy spaces.

    Arabic ي/ى/ك become Persian ی/ک, tatweel and invisible characters go, whitespace of every kind
    (NBSP, tabs, thin spaces) is trimmed and collapsed to one space, ZWNJ is kept between letters
    but runs of it, and ZWNJ next to a space, collapse. Digits and every other letter stay as
    typed: changing them would change what the caseworker wrote.

    ``multiline=True`` is for notes and other textareas: line breaks survive (at most one empty
    line in a row), spaces inside each line are collapsed as above.
    ``None`` is returned unchanged.
    """
    if s is None:
        return None
    # Most cells of a spreadsheet and most form fields are already clean: one match and an NFC
    # check instead of the steps below, which would return the same text.
    if (
        not multiline
        and type(s) is str
        and _ALREADY_CLEAN.fullmatch(s)
        and unicodedata.is_normalized("NFC", s)
    ):
        return s
    # NFC only composes (ا + ◌ٓ → آ): it never changes meaning, unlike NFKC, which would rewrite
    # ligatures and superscripts in what we store.
    text = unicodedata.normalize("NFC", str(s)).translate(_CLEAN_LETTERS)
    text = _CONTROL.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        lines = [_tidy_line(line) for line in text.split("\n")]
        return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")
    return _tidy_line(" ".join(text.splitlines()))


def _tidy_line(line: str) -> str:
    line = _SPACES_IN_LINE.sub(" ", line)
    line = _ZWNJ_RUN.sub(ZWNJ, line)
    line = _ZWNJ_NEXT_TO_SPACE.sub(" ", line)
    # A ZWNJ at either end of the text separates nothing.
    return line.strip(" " + ZWNJ)


# --- Search level ---------------------------------------------------------------------------

# Every spelling variant folded to one letter. Applied after NFKC, which has already turned
# Arabic presentation forms (ﻙ, ﻱ, ﻻ from PDFs and old software) into ordinary letters.
_NORMALIZE_LETTERS = str.maketrans(
    {
        # yeh: Arabic forms; ئ because رئیسی/رییسی are both written; Pashto ې ۍ because Afghan
        # names are typed on Persian keyboards, where they become ی anyway.
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ې": "ی",
        "ۍ": "ی",
        # kaf: Arabic ك and swash kaf
        "ك": "ک",
        "ڪ": "ک",
        # heh: ة of Arabic spellings (فاطمة/فاطمه), ۀ (heh with yeh above: خانۀ/خانه) and the heh
        # forms Urdu and Kurdish keyboards produce. ة is sometimes written ت instead (رحمة/رحمت),
        # but folding to ت would break far more words than it joins.
        "ة": "ه",
        "ۀ": "ه",
        "ە": "ه",
        "ھ": "ه",
        "ہ": "ه",
        # alef: أ إ ٱ are Arabic spellings of ا (احمد/أحمد). آ is folded too, though in Persian it
        # is a letter of its own: in match keys we care about recall, and dropping its madda
        # (آزاده typed as ازاده, common in spreadsheets) is a frequent slip, while two different
        # names that differ only by آ/ا are rare. Stored text keeps آ (see clean_text).
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "آ": "ا",
        # waw with hamza: مؤمن/مومن, رؤوف/رئوف/رووف
        "ؤ": "و",
        # a bare hamza is dropped by many writers (ضیاء/ضیا, علاءالدین/علاالدین)
        "ء": None,
        "ـ": None,  # tatweel
        ZWNJ: " ",  # ZWNJ and space are both word boundaries for search; compact drops both
        **dict.fromkeys(_INVISIBLE),
        **dict(zip(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, "0123456789" * 2, strict=True)),
    }
)
# Diacritics: Arabic harakat, tanwin, shadda, sukun and combining hamza (U+064B-U+065F),
# superscript alef (U+0670), honorific signs (U+0610-U+061A) and Quranic marks (U+06D6-U+06ED).
# Persian text rarely writes them, so a name with them must match the same name without.
_DIACRITICS = re.compile(
    "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]"
)


def normalize(s: object, *, join_words: bool = False) -> str:
    """Return the search key of ``s``: one form for every way of typing the same words.

    Folds Arabic/Persian letter variants (ي ى ئ → ی, ك → ک, ة ۀ → ه, أ إ آ → ا, ؤ → و, drops ء),
    strips diacritics, tatweel and invisible characters, turns ZWNJ and every kind of
    whitespace into one space, maps digits to ASCII, casefolds Latin letters and trims.

    With ``join_words=True`` spaces are removed as well (see ``compact``). ``None`` and "" give "",
    so callers must not treat two empty keys as a match.
    """
    if s is None:
        return ""
    text = str(s)
    if len(text) <= _CACHED_LENGTH:
        return _normalize_cached(text, join_words)
    return _normalize(text, join_words)


# Names, fathers' names and places repeat: an import keys each distinct one once. Only short
# strings are remembered, so long notes do not fill the cache.
_CACHED_LENGTH = 120


def _normalize(text: str, join_words: bool) -> str:
    # NFKC first so that presentation forms and decomposed letters (ا + ◌ٓ) are ordinary letters
    # before the table sees them; full-width Latin and digits become ASCII on the way.
    text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS.sub("", text).translate(_NORMALIZE_LETTERS).casefold()
    if join_words:
        return "".join(text.split())
    return " ".join(text.split())


_normalize_cached = lru_cache(maxsize=1 << 16)(_normalize)


def compact(s: object) -> str:
    """Return ``normalize(s)`` with no spaces: the key for duplicate matching of names.

    "محمدرضا", "محمد رضا" and "محمد‌رضا" (ZWNJ) give the same key. ``None`` and "" give "".
    """
    return normalize(s, join_words=True)


# --- Phonetic level ------------------------------------------------------------------------

# Letters that Persian speakers pronounce alike, folded to the commonest one. Applied to the
# output of ``compact``, which has already folded the hamza seats (ئ → ی, ؤ → و, أ إ آ → ا),
# dropped a bare ء, tashdid and every other diacritic, and joined compound names.
_PHONETIC_LETTERS = str.maketrans(
    {
        "ذ": "ز",
        "ض": "ز",
        "ظ": "ز",
        "ص": "س",
        "ث": "س",
        "ط": "ت",
        "ح": "ه",
        "غ": "ق",
        # ع is a glottal stop or silent, the same as the hamza a word-initial ا carries: عباس is
        # heard, and sometimes written, as اباس; علی as الی.
        "ع": "ا",
    }
)
# A doubled letter is a tashdid written out (محممد) or a key held too long. Collapsed before
# the letters are folded, so that two letters that only sound alike (صالحه: ح then ه) stay two.
_DOUBLED = re.compile(r"(.)\1+")


def phonetic_key(s: object) -> str:
    """Return the key of how the name ``s`` sounds: the same for its usual misspellings.

    ``compact`` (one form for every way of typing the same letters, no word boundaries), then
    doubled letters dropped and the letters that sound alike folded: ز ذ ض ظ → ز, س ص ث → س,
    ت ط → ت, ه ح → ه, ق غ → ق, ع → ا. A written ؤو (رؤوف) is read as ئو (رئوف). Latin words
    (Mohammad) are written in Persian letters first, in their likeliest spelling (see
    ``phonetic_keys``). Keys are compared, never shown. ``None`` and "" give "".
    """
    if s is None:
        return ""
    text = str(s)
    if len(text) <= _CACHED_LENGTH:
        return _phonetic_cached(text)
    return _phonetic(text)


def _phonetic(text: str) -> str:
    if _LATIN_LETTER.search(text):
        return _latin_keys(text)[0]
    return _fold(text)


def _fold(text: str) -> str:
    if "ؤو" in text:
        text = text.replace("ؤو", "ئو")
    return _DOUBLED.sub(r"\1", compact(text)).translate(_PHONETIC_LETTERS)


_phonetic_cached = lru_cache(maxsize=1 << 16)(_phonetic)


def phonetic_keys(s: object) -> tuple[str, ...]:
    """Every key the name ``s`` may have: one for Persian, a few for a Latin transliteration.

    "Fatemeh" does not say whether its "a" is a long vowel (written ا, as in فاطمه) or a short
    one (not written, as in محمد for "Mohammad"); each reading is a key, likeliest first, at most
    ``LATIN_VARIANTS``. The first is ``phonetic_key(s)``. An empty name gives no key.
    """
    if s is None:
        return ()
    text = str(s)
    if not _LATIN_LETTER.search(text):
        key = phonetic_key(text)
        return (key,) if key else ()
    return tuple(key for key in _latin_keys(text) if key)


# --- Latin transliteration into the phonetic key space --------------------------------------

_LATIN_LETTER = re.compile("[A-Za-z]")
LATIN_VARIANTS = 16
_VOWELS = "aeiou"
# Consonants, two letters before one. "gh" and "q" are both ق/غ, "th" is ث and "dh" ذ in
# Arabic-style spellings; an apostrophe (Sa'id, Ja'far) is ع.
_LATIN_CONSONANTS = {
    "kh": "خ",
    "gh": "ق",
    "sh": "ش",
    "ch": "چ",
    "zh": "ژ",
    "th": "ث",
    "dh": "ذ",
    "ph": "ف",
    "b": "ب",
    "p": "پ",
    "t": "ت",
    "j": "ج",
    "h": "ه",
    "d": "د",
    "r": "ر",
    "z": "ز",
    "s": "س",
    "f": "ف",
    "q": "ق",
    "k": "ک",
    "c": "ک",
    "g": "گ",
    "l": "ل",
    "m": "م",
    "n": "ن",
    "v": "و",
    "w": "و",
    "y": "ی",
    "x": "کس",
    "'": "ع",
    "\u2019": "ع",
    "\u02bf": "ع",
    "`": "ع",
}
# Vowels written as long in every position: ā, ī/ey (Hossein, Zeynab), ū (Mahmoud).
_LATIN_LONG_VOWELS = {
    "aa": "ا",
    "ee": "ی",
    "ii": "ی",
    "ei": "ی",
    "ey": "ی",
    "ai": "ی",
    "ay": "ی",
    "oo": "و",
    "ou": "و",
    "uu": "و",
}
# One vowel letter: the Persian it may stand for, likeliest first ("" = a short vowel, which
# Persian does not write). At the start of a word a vowel is carried by ا; at the end a is ا
# (Zahra, Reza), ه (Fatima) or the ی of Arabic names (Mostafa, Morteza, Musa), e the silent ه.
_INITIAL = {"a": ("ا",), "e": ("ا",), "o": ("ا",), "i": ("ای", "ا"), "u": ("او", "ا")}
_MEDIAL = {"a": ("", "ا"), "e": ("",), "o": ("", "و"), "i": ("ی", ""), "u": ("", "و")}
_FINAL = {"a": ("ا", "ه", "ی"), "e": ("ه",), "o": ("و",), "i": ("ی",), "u": ("و",)}


def _latin_word(word: str) -> list[tuple[str, ...]]:
    """The Persian letters a Latin word may stand for, as a list of choices per sound."""
    choices: list[tuple[str, ...]] = []
    i, end = 0, len(word)
    while i < end:
        pair = word[i : i + 2]
        after = word[i + 2 : i + 3]
        if pair in _LATIN_LONG_VOWELS and not (pair[1] == "y" and after and after in _VOWELS):
            long_vowel = _LATIN_LONG_VOWELS[pair]
            # At the start of a word a long vowel is carried by ا too (Eisa → عیسی, Ou → او).
            choices.append(("ا" + long_vowel,) if i == 0 and long_vowel != "ا" else (long_vowel,))
            i += 2
        elif pair in _LATIN_CONSONANTS:
            choices.append((_LATIN_CONSONANTS[pair],))
            i += 2
        elif (letter := word[i]) in _VOWELS:
            if i == 0:
                choices.append(_INITIAL[letter])
            elif i == end - 1 or (i == end - 2 and word[end - 1] == "h" and letter in "ae"):
                choices.append(_FINAL[letter])
                i += i == end - 2  # the h of a final "eh" or "ah" is the silent ه itself
            else:
                choices.append(_MEDIAL[letter])
            i += 1
        else:
            choices.append((_LATIN_CONSONANTS.get(word[i], ""),))
            i += 1
    return choices


def _latin_keys(text: str) -> list[str]:
    choices: list[tuple[str, ...]] = []
    for word in normalize(text).split():
        if _LATIN_LETTER.search(word):
            choices.extend(_latin_word(word))
        else:
            choices.append((word,))
    keys: list[str] = []
    for letters in itertools.islice(itertools.product(*choices), LATIN_VARIANTS * 4):
        key = _fold("".join(letters))
        if key not in keys:
            keys.append(key)
            if len(keys) == LATIN_VARIANTS:
                break
    return keys or [""]
