"""Persian text: digits, storage cleaning, search and duplicate-matching keys, localdigits."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe
from django.utils.translation import override

from core.persian import (
    ZWNJ,
    clean_text,
    compact,
    normalize,
    to_latin_digits,
    to_latin_number,
    to_persian_digits,
)

# --- digits -------------------------------------------------------------------------------


def test_persian_and_arabic_indic_digits_become_ascii():
    assert to_latin_digits("۱۲۳") == "123"
    assert to_latin_digits("١٢٣") == "123"
    assert to_latin_digits("کد ۰۹۱۲-٣٤٥") == "کد 0912-345"


def test_ascii_digits_become_persian_for_display():
    assert to_persian_digits("1405/09/07") == "۱۴۰۵/۰۹/۰۷"
    assert to_persian_digits(2017) == "۲۰۱۷"


def test_digit_conversion_keeps_none():
    assert to_latin_digits(None) is None
    assert to_persian_digits(None) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("۱٬۲۳۴٫۵", "1234.5"),
        ("1,234", "1234"),
        ("۱۲,۳۴۵,۶۷۸", "12345678"),
        ("−۵", "-5"),
        ("\u200f۱۲ ", "12"),
        ("٣٫٧٥", "3.75"),
    ],
)
def test_typed_numbers_become_text_int_and_decimal_can_read(typed, expected):
    assert to_latin_number(typed) == expected


@pytest.mark.parametrize("typed", ["1,5", "12,34", "1,2345"])
def test_commas_that_do_not_group_thousands_are_left_for_the_field_to_reject(typed):
    assert to_latin_number(typed) == typed


# --- normalize: the search key -----------------------------------------------------------


def test_arabic_yeh_and_alef_maksura_match_persian_yeh():
    assert normalize("علي") == normalize("على") == normalize("علی") == "علی"


def test_arabic_kaf_and_yeh_match_persian_letters():
    assert normalize("كريم") == normalize("کریم")


def test_diacritics_are_ignored():
    assert normalize("مُحَمَّد") == normalize("محمد")


def test_tatweel_is_ignored():
    assert normalize("محـــمد") == normalize("محمد")


def test_all_digit_forms_match():
    assert normalize("۱۲۳") == normalize("١٢٣") == normalize("123") == "123"


def test_hamza_forms_match_their_plain_letters():
    assert normalize("أحمد") == normalize("احمد")
    assert normalize("مؤمن") == normalize("مومن")
    assert normalize("رئیسی") == normalize("رییسی")
    assert normalize("ضیاء") == normalize("ضیا")


def test_alef_madda_matches_plain_alef_in_search_keys():
    assert normalize("آزاده") == normalize("ازاده")


def test_teh_marbuta_and_heh_with_hamza_match_heh():
    assert normalize("فاطمة") == normalize("فاطمه")
    assert normalize("خانۀ") == normalize("خانهٔ") == normalize("خانه")


def test_zwnj_and_spaces_of_every_kind_are_one_space():
    assert normalize(f"  سازمان{ZWNJ}های\u00a0\u00a0مردم\tنهاد ") == "سازمان های مردم نهاد"


def test_bidi_marks_and_zero_width_characters_are_ignored():
    assert normalize("\u200fعلی\u200b\u200e") == "علی"


def test_latin_letters_are_casefolded():
    assert normalize("  Ali REZA ") == "ali reza"


def test_normalize_of_nothing_is_empty():
    assert normalize(None) == ""
    assert normalize("") == ""
    assert normalize(f" {ZWNJ}\u200f ") == ""


# --- compact: the duplicate-matching key -------------------------------------------------


def test_joined_spaced_and_zwnj_names_compact_equal():
    joined, spaced, zwnj = "محمدرضا", "محمد رضا", f"محمد{ZWNJ}رضا"

    keys = {compact(joined), compact(spaced), compact(zwnj)}

    assert keys == {"محمدرضا"}


def test_normalize_keeps_word_boundaries_that_compact_drops():
    assert normalize("محمد رضا") != normalize("محمدرضا")
    assert normalize("محمد رضا", join_words=True) == compact("محمدرضا")


def test_compact_folds_letters_like_normalize():
    assert compact("علي‌رضا كريمي") == compact("علیرضا کریمی")


def test_compact_of_nothing_is_empty():
    assert compact(None) == ""


# --- clean_text: what is stored ----------------------------------------------------------


def test_clean_text_writes_persian_yeh_and_kaf():
    assert clean_text("كريمي") == "کریمی"
    assert clean_text("موسى") == "موسی"


def test_clean_text_removes_tatweel_and_collapses_whitespace():
    assert clean_text("  محـــمد \t\u00a0 رضایی\n") == "محمد رضایی"


def test_clean_text_keeps_zwnj_between_letters():
    assert clean_text(f"سازمان{ZWNJ}های مردم{ZWNJ}نهاد") == f"سازمان{ZWNJ}های مردم{ZWNJ}نهاد"


def test_clean_text_collapses_repeated_zwnj_and_zwnj_next_to_spaces():
    assert (
        clean_text(f"{ZWNJ}می{ZWNJ}{ZWNJ}روم {ZWNJ} به{ZWNJ} خانه{ZWNJ}") == f"می{ZWNJ}روم به خانه"
    )


def test_clean_text_keeps_digits_and_legitimate_letters_as_typed():
    text = "آیة‌الله مسئول مأمور ۱۲۳ 45"

    assert clean_text(text) == text


def test_clean_text_removes_invisible_and_control_characters():
    assert clean_text("\ufeffعلی\u200f\x00") == "علی"


def test_clean_text_multiline_keeps_line_breaks_but_not_runs_of_blank_lines():
    typed = "  خط  اول \r\n\r\n\r\n\r\nخط   دوم  \n"

    assert clean_text(typed, multiline=True) == "خط اول\n\nخط دوم"


def test_clean_text_single_line_joins_lines():
    assert clean_text("خط اول\nخط دوم") == "خط اول خط دوم"


def test_clean_text_keeps_none_and_empty():
    assert clean_text(None) is None
    assert clean_text("") == ""


# --- localdigits filter --------------------------------------------------------------------


def render(template_text, **context):
    return Template("{% load persian_dates %}" + template_text).render(Context(context))


def test_localdigits_groups_numbers_with_persian_separators_in_persian():
    with override("fa"):
        assert render("{{ n|localdigits }}", n=1234567) == "۱٬۲۳۴٬۵۶۷"
        assert render("{{ n|localdigits }}", n=Decimal("1234.5")) == "۱٬۲۳۴٫۵"


def test_localdigits_groups_numbers_with_commas_in_english():
    with override("en"):
        assert render("{{ n|localdigits }}", n=1234567) == "1,234,567"
        assert render("{{ n|localdigits }}", n=Decimal("1234.5")) == "1,234.5"


def test_localdigits_converts_text_digits_without_grouping():
    with override("fa"):
        assert render("{{ s|localdigits }}", s="KD-2025-00123") == "KD-۲۰۲۵-۰۰۱۲۳"
    with override("en"):
        assert render("{{ s|localdigits }}", s="KD-2025-00123") == "KD-2025-00123"


def test_localdigits_renders_zero_but_dash_for_missing():
    with override("fa"):
        assert render("{{ n|localdigits }}", n=0) == "۰"
        assert render("{{ n|localdigits }}", n=None) == "—"
        assert render("{{ n|localdigits }}", n="") == "—"


def test_localdigits_follows_an_explicit_language_argument():
    with override("fa"):
        assert render('{{ n|localdigits:"en" }}', n=1500) == "1,500"


def test_localdigits_still_escapes_markup():
    with override("fa"):
        assert render("{{ s|localdigits }}", s="<b>5</b>") == "&lt;b&gt;۵&lt;/b&gt;"
        assert render("{{ s|localdigits }}", s=mark_safe("<b>5</b>")) == "<b>۵</b>"  # noqa: S308


def test_clean_text_fast_path_gives_what_the_full_steps_give(monkeypatch):
    """clean_text skips its steps for text they would not change; random text of the tricky
    characters must come out the same with and without that shortcut."""
    import random

    from core import persian

    alphabet = [*"ab آاکيكیـ 1۱", "\u200c", "\u200b", "\t", "\n", "\r", "\xa0", "\u2028"]
    alphabet += ["\x1c", "\x00", "\u0301", "\u0653", "\u202e", "\u2066", "\x85", "\u3000", "\xad"]
    rng = random.Random(8)
    samples = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8))) for _ in range(5000)]
    fast = [persian.clean_text(text) for text in samples]

    class NeverClean:
        def fullmatch(self, text):
            return None

    monkeypatch.setattr(persian, "_ALREADY_CLEAN", NeverClean())
    assert fast == [persian.clean_text(text) for text in samples]


# --- normalize: the steps no other test reaches -------------------------------------------


def test_presentation_forms_full_width_letters_and_digits_fold_through_nfkc():
    # What PDFs and old software paste: Arabic presentation forms, full-width Latin and digits.
    assert normalize("\ufedb\ufeae\ufbfe\ufee1") == normalize("کریم") == "کریم"
    assert normalize("ＡＬＩ １２３") == "ali 123"


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("إبراهیم", "ابراهیم"),  # alef with hamza below
        ("عبدٱلرحمن", "عبدالرحمن"),  # alef wasla
        ("ڪریم", "کریم"),  # swash kaf
        ("مھدی", "مهدی"),  # heh doachashmee (Urdu keyboards)
        ("فاطمہ", "فاطمه"),  # heh goal (Urdu keyboards)
        ("شېر", "شیر"),  # Pashto e
        ("ګلالۍ", "ګلالی"),  # Pashto yeh with tail
        ("فاطمە", "فاطمه"),  # Kurdish ae
    ],
)
def test_letter_forms_of_neighbouring_scripts_fold_to_the_persian_letter(variant, plain):
    assert variant != plain
    assert normalize(variant) == normalize(plain) == plain


@pytest.mark.parametrize("length", [119, 120])
def test_short_texts_are_keyed_once_and_remembered(length):
    from core import persian

    text = "ن" * length
    persian._normalize_cached.cache_clear()

    assert normalize(text) == text
    assert persian._normalize_cached.cache_info().currsize == 1


@pytest.mark.parametrize("words", [61, 1000])
def test_long_texts_are_keyed_without_filling_the_cache(words):
    from core import persian

    text = " ".join(["ن"] * words)  # 121 characters and more
    persian._normalize_cached.cache_clear()

    assert normalize(f" {text} ") == text
    assert compact(text) == "ن" * words
    assert persian._normalize_cached.cache_info().currsize == 0


# --- clean_text: the edges ---------------------------------------------------------------


def test_clean_text_turns_numbers_into_text():
    assert clean_text(1405) == "1405"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("خط اول\r\nخط دوم", "خط اول\nخط دوم"),  # Windows line ends
        ("خط اول\rخط دوم", "خط اول\nخط دوم"),  # old Mac line ends
        ("X-ray\nXL", "X-ray\nXL"),  # only blank lines are trimmed at the ends
    ],
)
def test_clean_text_multiline_reads_every_kind_of_line_end(typed, expected):
    assert clean_text(typed, multiline=True) == expected


def test_clean_text_trims_only_spaces_and_zwnj_at_the_ends():
    assert clean_text("  Max\tX ") == "Max X"
