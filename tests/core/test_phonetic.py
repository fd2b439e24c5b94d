"""The phonetic key of Persian names: each fold with real name pairs, and its stability."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.persian import LATIN_VARIANTS, ZWNJ, normalize, phonetic_key, phonetic_keys


@pytest.mark.parametrize(
    ("written", "misspelled"),
    [
        # ز ذ ض ظ
        ("زهرا", "ظهرا"),
        ("رضا", "رزا"),
        ("ذبیح", "زبیح"),
        ("ناظری", "نازری"),
        # س ص ث
        ("صادق", "سادق"),
        ("ثمین", "سمین"),
        ("صدیقه", "ثدیقه"),
        # ت ط
        ("طاهره", "تاهره"),
        ("فاطمه", "فاتمه"),
        # ه ح
        ("حسین", "هسین"),
        ("محمدی", "مهمدی"),
        # ق غ
        ("قاسم", "غاسم"),
        ("غلامی", "قلامی"),
        # ا ع ء at the start of a syllable
        ("عباس", "اباس"),
        ("علی", "الی"),
        ("ضیاء", "ضیا"),
        ("آزاده", "ازاده"),
        ("أحمد", "احمد"),
        # hamza seats
        ("مسئول", "مسیول"),
        ("رئیسی", "رییسی"),
        ("رؤوف", "رئوف"),
        ("مؤمنی", "مومنی"),
        # tashdid and doubled letters
        ("محمّد", "محمد"),
        ("محممد", "محمد"),
        ("عزّت", "عزت"),
        # compounds joined
        ("علی‌رضا", "علیرضا"),
        ("محمد رضا", "محمدرضا"),
        ("اله‌یار", "الهیار"),
        ("عبدالله", "عبد الله"),
        # one swap in the given name and one in the surname
        ("زهرا حسینی", "ظهرا هسینی"),
    ],
)
def test_names_that_sound_alike_have_one_key(written, misspelled):
    assert phonetic_key(written) == phonetic_key(misspelled)
    assert phonetic_key(written)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("حسین", "حسن"),  # Hossein and Hassan: a long vowel tells them apart
        ("زهرا", "زهره"),  # Zahra and Zohreh
        ("هادی", "هدی"),  # Hadi and Hoda
        ("صالح", "صالحه"),  # Saleh and Salehe: ح then ه are two letters, not a doubled one
        ("مریم", "مرضیه"),
    ],
)
def test_different_names_keep_different_keys(one, other):
    assert phonetic_key(one) != phonetic_key(other)


def test_empty_and_none_give_an_empty_key():
    assert phonetic_key(None) == ""
    assert phonetic_key("") == ""
    assert phonetic_key(" \u200c ") == ""


def test_a_long_text_gives_the_same_key_as_through_the_cache():
    name = "محمد‌حسین " * 20
    assert phonetic_key(name) == phonetic_key(name.strip()) == "مهمدهسین" * 20


# --- stability under the normaliser's own variations -------------------------------------

# Letters of Persian names, in the forms stored text uses.
_LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیآ"
_TO_ARABIC = str.maketrans({"ی": "ي", "ک": "ك"})
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_DIACRITICS = "\u064e\u064f\u0650\u0651\u0652\u064b"

_words = st.lists(
    st.text(alphabet=_LETTERS + "0123456789", min_size=1, max_size=8), min_size=1, max_size=3
)


@st.composite
def _typed_variants(draw: st.DrawFn) -> tuple[str, str]:
    """A name, and the same name as another keyboard or writer would type it."""
    words = draw(_words)
    plain = " ".join(words)
    typed = []
    for word in words:
        if draw(st.booleans()):
            word = word.translate(_TO_ARABIC)
        if draw(st.booleans()):
            word = word.translate(_PERSIAN_DIGITS)
        letters = []
        for letter in word:
            letters.append(letter)
            if draw(st.booleans()):
                letters.append(draw(st.sampled_from([ZWNJ, *_DIACRITICS])))
        typed.append("".join(letters))
    separator = draw(st.sampled_from([" ", "  ", ZWNJ, "", "\u00a0"]))
    return plain, separator.join(typed)


@settings(max_examples=300, deadline=None)
@given(_typed_variants())
def test_the_key_does_not_change_with_how_the_name_was_typed(variants):
    plain, typed = variants
    assert phonetic_key(typed) == phonetic_key(plain)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_LETTERS + " \u200c", max_size=20))
def test_the_key_of_the_normalised_name_is_the_key_of_the_name(name):
    assert phonetic_key(normalize(name)) == phonetic_key(name)


# --- Latin transliteration ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latin", "persian"),
    [
        ("Mohammad", "محمد"),
        ("Mohammed", "محمد"),
        ("Muhammad", "محمد"),
        ("Mohamad", "محمد"),
        ("Hossein", "حسین"),
        ("Hosein", "حسین"),
        ("Husayn", "حسین"),
        ("Zahra", "زهرا"),
        ("Fatemeh", "فاطمه"),
        ("Fatima", "فاطمه"),
        ("Reza", "رضا"),
        ("Ali", "علی"),
        ("Ahmad", "احمد"),
        ("Abbas", "عباس"),
        ("Maryam", "مریم"),
        ("Sadegh", "صادق"),
        ("Ghasem", "قاسم"),
        ("Zeynab", "زینب"),
        ("Mahmoud", "محمود"),
        ("Ebrahim", "ابراهیم"),
        ("Sa'id", "سعید"),
        ("Saeed", "سعید"),
        ("Mostafa", "مصطفی"),
        ("Mohammad Reza", "محمدرضا"),
        ("HOSSEINI", "حسینی"),
    ],
)
def test_a_latin_transliteration_has_the_persian_name_among_its_keys(latin, persian):
    assert phonetic_key(persian) in phonetic_keys(latin)


def test_the_likeliest_reading_comes_first():
    assert phonetic_keys("Mohammad")[0] == phonetic_key("محمد") == phonetic_key("Mohammad")
    assert phonetic_keys("Zahra")[0] == phonetic_key("زهرا")


def test_a_latin_name_has_a_bounded_number_of_keys():
    assert 1 <= len(phonetic_keys("Mohammadreza Abdolhosseini Kermanshahi")) <= LATIN_VARIANTS


def test_a_persian_name_has_exactly_its_key():
    assert phonetic_keys("ظهرا") == (phonetic_key("زهرا"),)
    assert phonetic_keys("") == ()
    assert phonetic_keys(None) == ()
