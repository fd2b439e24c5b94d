"""The vocabulary of values: the words people write in choice columns (docs/adr/0018).

Everyone's words (organisation NULL) are seeded by a migration and extended in the admin; an
organisation's own words are the decisions its administrator made on an import's preview or with
``import_data --map``. A file is read with both, loaded once (``load_vocabulary``); the parsers
(``core.spreadsheets.cells.choice_parser``) resolve each distinct cell once.
"""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import override

from core import audit
from core.spreadsheets.cells import Vocabulary, word_key
from core.spreadsheets.table import Column

from .models import ValueWord
from .registry import all_kinds

if TYPE_CHECKING:
    from core.models import User

EMPTY = "empty"  # what a form or --map says for "leave the cell empty"
AUDIT_OBJECT_TYPE = "imports.valueword"


def load_vocabulary(organisation: Any) -> Vocabulary:
    """Everyone's words and ``organisation``'s own (None: everyone's only), in one query."""
    scope = Q(organisation__isnull=True)
    if organisation is not None:
        scope |= Q(organisation=organisation)
    rows = ValueWord.objects.filter(scope).values_list("column", "word", "value", "organisation_id")
    return Vocabulary(
        ((column, word, value, owner is not None) for column, word, value, owner in rows),
        # An unknown word waits for a decision only where there is an organisation to keep it.
        decides=organisation is not None,
    )


def vocabulary_fingerprint(organisation: Any) -> str:
    """Text that changes whenever the words ``load_vocabulary(organisation)`` reads change: a
    word saved, changed or deleted, everyone's or the organisation's (the count, the highest id
    and the latest change of those rows). The import reuses its dry run's typed rows only while
    it is the same (``ImportKind.parse_fingerprint``, docs/adr/0021)."""
    scope = Q(organisation__isnull=True)
    if organisation is not None:
        scope |= Q(organisation=organisation)
    found = ValueWord.objects.filter(scope).aggregate(
        count=Count("pk"), last=Max("pk"), changed=Max("updated_at")
    )
    changed = found["changed"].isoformat() if found["changed"] is not None else ""
    return f"words:{found['count']}:{found['last'] or 0}:{changed}"


def vocabulary_columns(*, decided: bool = True) -> dict[str, Column]:
    """{field name: column} of the columns read with the vocabulary. ``decided``: only those of
    kinds that import into a chosen organisation, whose unknown words can be decided and kept
    (the others' words are everyone's vocabulary, kept in the admin)."""
    found: dict[str, Column] = {}
    for kind in all_kinds().values():
        if decided and not kind.organisation_chosen:
            continue  # no organisation to remember a decision for: its words are errors
        for column in kind.columns:
            if column.choices is not None:
                found.setdefault(column.name, column)
    return found


def column_options(column: Column, lang: str) -> list[tuple[str, str]]:
    """(value, label in ``lang``) a word of ``column`` may stand for."""
    with override(lang):
        return [(str(value), str(label)) for value, label in column.choices.choices]


def find_column(name: str, columns: dict[str, Column] | None = None) -> Column | None:
    """The column named ``name``: its field name or a header as written (either language)."""
    columns = vocabulary_columns() if columns is None else columns
    key = word_key(name.replace("*", "").split("(")[0])
    for column in columns.values():
        if key in {word_key(w) for w in (column.name, column.fa, column.en, *column.aliases)}:
            return column
    return None


def find_choice(column: Column, text: str) -> str | None:
    """The value ``text`` names in ``column`` (its value or its label in either language),
    ``""`` for "empty" on an optional column, or None."""
    key = word_key(text)
    if key == word_key(EMPTY) or key == word_key("خالی"):
        return "" if not column.required else None
    for lang in ("fa", "en"):
        for value, label in column_options(column, lang):
            if key in (word_key(value), word_key(label)):
                return value
    return None


def _check(column_name: str, value: str) -> Column:
    column = vocabulary_columns().get(column_name)
    if column is None:
        raise ValidationError(_("This column has no list of values."))
    if value == "" and column.required:
        raise ValidationError(_("This column cannot be left empty."))
    if value and value not in {v for v, _label in column_options(column, "en")}:
        raise ValidationError(_("This value is not one of the column's values."))
    return column


@transaction.atomic
def value_word_save(
    *, by: "User", organisation: Any, column: str, word: str, value: str
) -> ValueWord:
    """Remember that ``word`` in ``column`` means ``value`` ("" = leave empty) for
    ``organisation``'s files, replacing an earlier decision on the same word. Audited."""
    _check(column, value)
    key = word_key(word)
    if not key:
        raise ValidationError(_("The word is empty."))
    item = ValueWord.objects.filter(organisation=organisation, column=column, key=key).first()
    action = audit.Action.UPDATE if item is not None else audit.Action.CREATE
    before = item.value if item is not None else None
    if item is None:
        item = ValueWord(organisation=organisation, column=column, created_by=by)
    item.word, item.value = word, value
    item.save()
    audit.record(
        action,
        user=by,
        organisation=organisation,
        object_type=AUDIT_OBJECT_TYPE,
        object_id=str(item.pk),
        detail={"column": column, "word": audit.clean(word, 200), "value": value, "was": before},
    )
    return item


@transaction.atomic
def value_word_change(*, by: "User", item: ValueWord, value: str) -> ValueWord:
    """Give a remembered word another value. Audited."""
    _check(item.column, value)
    before, item.value = item.value, value
    item.save(update_fields=["value", "updated_at"])
    audit.record(
        audit.Action.UPDATE,
        user=by,
        organisation=item.organisation,
        object_type=AUDIT_OBJECT_TYPE,
        object_id=str(item.pk),
        detail={
            "column": item.column,
            "word": audit.clean(item.word, 200),
            "value": value,
            "was": before,
        },
    )
    return item


@transaction.atomic
def value_word_delete(*, by: "User", item: ValueWord) -> None:
    """Forget a remembered word: the organisation's next files ask about it again. Audited."""
    audit.record(
        audit.Action.DELETE,
        user=by,
        organisation=item.organisation,
        object_type=AUDIT_OBJECT_TYPE,
        object_id=str(item.pk),
        detail={"column": item.column, "word": audit.clean(item.word, 200), "was": item.value},
    )
    item.delete()


def organisation_words(organisation: Any) -> list[ValueWord]:
    """The organisation's remembered words (never another organisation's)."""
    if organisation is None:
        return []
    return list(ValueWord.objects.filter(organisation=organisation).order_by("column", "word"))
