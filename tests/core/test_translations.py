"""Every user-facing string has its Persian translation, and the compiled catalogue is current."""

import gettext
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale" / "fa" / "LC_MESSAGES"
# Where user-facing text is written.
SOURCES = ("children", "core", "ngos", "meetings", "reports", "config", "templates")


def test_every_message_has_a_persian_translation():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


def test_no_message_still_in_use_has_dropped_out_of_the_catalogue():
    """makemessages finds a message only where it is written as a literal in a gettext call,
    outside any f-string. A literal looked up through a variable (a page's word cache, a tuple of
    column names) or a call inside an f-string drops out: its entry turns obsolete, and the text
    shows in English on Persian pages while every other test passes (it did on My work's
    approvals queue). Such literals are marked with gettext_noop."""
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    dropped = {entry.msgid for entry in catalogue.obsolete_entries() if len(entry.msgid) > 3}
    written = [
        path.read_text(encoding="utf-8")
        for folder in SOURCES
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".html", ".txt"} and "migrations" not in path.parts
    ]
    still_used = sorted(
        msgid
        for msgid in dropped
        if any(f'"{msgid}"' in text or f"'{msgid}'" in text for text in written)
    )
    assert still_used == [], "mark them with gettext_noop, then run `make messages`"


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
