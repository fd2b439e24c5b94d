"""Every user-facing string has its Persian translation, and the compiled catalogue is current."""

import gettext
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "fa" / "LC_MESSAGES"


def test_every_message_has_a_persian_translation():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


def test_compiled_catalogue_matches_the_source():
    source = polib.pofile(str(LOCALE / "django.po"))
    with open(LOCALE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    def compiled_text(entry):
        if entry.msgctxt:
            return compiled.pgettext(entry.msgctxt, entry.msgid)
        return compiled.gettext(entry.msgid)

    stale = [
        entry.msgid
        for entry in source.translated_entries()
        if not entry.msgid_plural and compiled_text(entry) != entry.msgstr
    ]
    assert stale == [], "run `make messages` to compile locale/fa"


def test_persian_text_follows_the_glossary_letters():
    # Persian ی and ک, never Arabic ي and ك.
    source = polib.pofile(str(LOCALE / "django.po"))
    arabic = [entry.msgstr for entry in source if "ي" in entry.msgstr or "ك" in entry.msgstr]
    assert arabic == []
