"""The preview in the viewer's language, whatever language the dry run ran in (issue 16).

A job's row errors are kept as text in the uploader's language (the dry run gives reasons as
text, from every kind and many parsers). Opened in the other language, each reason is found in
the translation catalogue (exactly, or by the shape of a message with placeholders, such as
"The same child is in row %(row)s.") and given again in the viewer's language with the same
values. A reason that matches no message is shown as it was written. Column names are the
template's headers in the viewer's language. See docs/adr/0020.
"""

import re
from functools import lru_cache

from django.utils.translation import get_language, gettext, override, trans_real

from core.spreadsheets.table import header_key, header_keys

LANGUAGES = ("fa", "en")
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def page_language(lang: str | None = None) -> str:
    """ "fa" or "en": ``lang``'s, or the active language's when none is given."""
    return "fa" if (lang or get_language() or "fa").startswith("fa") else "en"


@lru_cache(maxsize=2)
def _index(lang):
    """(exact {text: message id}, [(pattern, message id)]) of the catalogue's messages as they
    read in ``lang`` (English: the message ids themselves)."""
    catalog = trans_real.translation("fa")._catalog
    exact, patterns = {}, []
    for msgid, msgstr in catalog.items():
        if not isinstance(msgid, str) or not msgid:
            continue  # plural forms are keyed by (msgid, n)
        text = msgstr if lang == "fa" else msgid
        if not text:
            continue
        if "%(" in text:
            # A message that is mostly placeholders ("%(sex)s, %(age)s") would match any reason.
            if len(_PLACEHOLDER.sub("", text).strip(" ,.،:;-–()")) < 4:
                continue
            pattern = _pattern(text)
            if pattern is not None:
                patterns.append((pattern, msgid))
        else:
            exact.setdefault(text, msgid)
    # The longest messages first: the most specific shape wins.
    patterns.sort(key=lambda item: -len(item[0].pattern))
    return exact, patterns


def _pattern(text):
    parts, seen, at = [], set(), 0
    for match in _PLACEHOLDER.finditer(text):
        parts.append(re.escape(text[at : match.start()].replace("%%", "%")))
        name = match.group(1)
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        at = match.end()
    parts.append(re.escape(text[at:].replace("%%", "%")))
    try:
        return re.compile("".join(parts) + r"\Z", re.DOTALL)
    except re.error:
        return None


@lru_cache(maxsize=4096)
def retranslate(text, source, target):
    """``text``, written in ``source``, in ``target``; unchanged when no message matches.

    A reason may be two messages in a row ("Unknown sex. Allowed values: Girl, Boy."): where the
    whole matches no message, it is split after a sentence and each part is looked up alone."""
    source, target = page_language(source), page_language(target)
    if not text or source == target:
        return text
    found = _message(text, source, target)
    if found is not None:
        return found
    for at in (match.end() for match in re.finditer(r"[.:!?]\s+", text)):
        head = _message(text[:at].rstrip(), source, target)
        if head is not None:
            return f"{head} {retranslate(text[at:], source, target)}"
    return text


_LIST = re.compile(r"\s*[،,]\s*")


def _message(text, source, target):
    """``text`` in ``target`` when it is one catalogue message (its values, where they are
    messages or a list of them such as choice labels, given in ``target`` too), else None."""
    exact, patterns = _index(source)
    msgid = exact.get(text)
    params = None
    if msgid is None:
        for pattern, candidate in patterns:
            match = pattern.match(text)
            if match:
                msgid, params = candidate, match.groupdict()
                break
    if msgid is None:
        return None
    with override(target):
        translated = gettext(msgid)
        if params:
            params = {name: _value(value, exact, target) for name, value in params.items()}
    try:
        return translated % params if params else translated
    except (KeyError, ValueError, TypeError):
        return None


def _value(value, exact, target):
    """A placeholder's value in ``target``: a message, or a list of messages joined in the
    target's way; anything else (a row number, a name) as it is."""
    if value in exact:
        return gettext(exact[value])
    parts = _LIST.split(value.rstrip("."))
    if len(parts) > 1 and all(part in exact for part in parts):
        separator = "، " if target == "fa" else ", "
        return separator.join(gettext(exact[part]) for part in parts)
    return value


def errors_in(errors, *, columns, source, target, file_language=None):
    """The job's row errors as the page shows them in ``target``: the column as written when the
    file's headers are in ``target``, else by the template's header in it; the reason in
    ``target`` too; the cell as typed, and its cleaned value in ``target`` where there is one."""
    keys = header_keys(columns) if file_language != target else {}
    out = []
    for error in errors:
        column = keys.get(header_key(error.get("column")))
        cleaned = (error.get("cleaned") or {}).get(target, "")
        out.append(
            {
                **error,
                "column": column.header(target) if column else error.get("column"),
                "reason": retranslate(error.get("reason", ""), source, target),
                "cleaned": cleaned if cleaned != error.get("value") else "",
            }
        )
    return out
