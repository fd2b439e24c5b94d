"""Rows of one children file that are the same child: grouped and imported once (ADR 0019).

A caseworker's sheet often has the same child twice, typed on two days or by two people:
«زهرا» and «ظهرا», a dropped letter, one row with a phone and the other with the school. The
rows are matched as the duplicate check at registration matches (children/selectors/duplicates.py,
docs/adr/0015): the name as it sounds (``phonetic_key`` of the full name), the father's name (the
same sound, or unknown on one side), birth year (or estimated age) within one year, and sex. A
match is looked up in dictionaries on a coarse key, so a 100,000-row file needs no query and no
comparison of every row with every other: by name sound and sex (and birth year), and, for a
name with one letter dropped, by father's name, sex, birth year and the name's length.

The group is written once. Its first row (in file order) decides what happens: a new case, an
update of the case it names by natural key, or a skip the administrator chose; that row's write
goes in with its chunk. The other rows add their values at the end (``TwinIndex.merges``): per
field, the value of the row with the most fields filled (ties: the later row, as the newer
record) that has one. The preview says which row was kept and why.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.persian import compact, phonetic_key

from .columns import CASE_FIELDS

_BIT = {name: 1 << index for index, name in enumerate(CASE_FIELDS)}
# Letters whose absence makes another name: long vowels (حسین/حسن, هادی/هدی, احمد/احمدی) and ه,
# silent at the end of a word (بهار/بهاره) and the fold of ح.
_NOT_DROPPED = frozenset("اویه")


def _empty(value):
    return value is None or value == "" or value == [] or value == ()


def filled_mask(values):
    """The fields of ``values`` that hold something, as bits (a row is ranked by how many)."""
    mask = 0
    for name, bit in _BIT.items():
        if not _empty(values.get(name)):
            mask |= bit
    return mask


@lru_cache(maxsize=65536)
def name_key(name):
    """How a full name sounds. Digits are not sounds: a name with digits is matched as written
    (the phonetic key would read «کودک11» as «کودک1», a doubled letter)."""
    written = compact(name)
    if any(ch.isdigit() for ch in written):
        return written
    return phonetic_key(name)


def _one_letter_dropped(longer, shorter):
    """``shorter`` is ``longer`` with one letter left out, a letter that is not a vowel."""
    index = 0
    while index < len(shorter) and longer[index] == shorter[index]:
        index += 1
    dropped = longer[index]
    return (
        longer[index + 1 :] == shorter[index:]
        and dropped not in _NOT_DROPPED
        and not dropped.isdigit()
    )


@dataclass(slots=True, eq=False)
class Entry:
    """One row as the index keeps it: its number, keys, which fields it fills, and, once it has
    twins, its group."""

    row: int
    name: str
    father: str
    year: int | None
    mask: int
    group: "Group | None" = None
    # What the row's write did: a case id (update) or the new case's number (create).
    case_id: int | None = None
    case_number: str | None = None
    action: str = "create"

    @property
    def rank(self):
        return (self.mask.bit_count(), self.row)


@dataclass(slots=True, eq=False)
class Group:
    members: list[Entry]
    # {field: (rank of the row it comes from, value)}: what the later rows add to the first.
    writes: dict = field(default_factory=dict)

    @property
    def first(self):
        return self.members[0]


def _year(values, today):
    if values.get("birth_date"):
        return values["birth_date"].year
    if values.get("estimated_age") is not None:
        return today.year - int(values["estimated_age"])
    return None


def _fathers_agree(one, other):
    return not one or not other or one == other


class TwinIndex:
    """The rows without a case number seen so far, for finding the same child again."""

    def __init__(self, today):
        self.today = today
        self.by_name = {}  # (sex, name key, year) → [Entry]
        self.by_father = {}  # (sex, father key, year, length of the name key) → [Entry]
        self.groups = []

    def place(self, values, number):
        """(entry, group): ``group`` is the earlier row's group when this row is a twin of one
        (the row then adds its values to it), else None and the row stands alone for now."""
        name = name_key(f"{values.get('given_name') or ''} {values.get('family_name') or ''}")
        father = name_key(values.get("father_name") or "")
        year, sex = _year(values, self.today), values.get("sex")
        entry = Entry(number, name, father, year, filled_mask(values))
        twin = self._find(entry, sex)
        self._add(entry, sex)
        if twin is None:
            return entry, None
        group = twin.group
        if group is None:
            group = twin.group = Group([twin])
            self.groups.append(group)
        self._merge(group, entry, values)
        entry.group = group
        group.members.append(entry)
        return entry, group

    def _years(self, year):
        return (year,) if year is None else (year - 1, year, year + 1)

    def _find(self, entry, sex):
        for year in self._years(entry.year):
            for other in self.by_name.get((sex, entry.name, year), ()):
                if _fathers_agree(other.father, entry.father):
                    return other
        if entry.father:
            length = len(entry.name)
            for year in self._years(entry.year):
                for other_length in (length - 1, length + 1):
                    for other in self.by_father.get((sex, entry.father, year, other_length), ()):
                        longer, shorter = (
                            (other.name, entry.name)
                            if other_length > length
                            else (entry.name, other.name)
                        )
                        if _one_letter_dropped(longer, shorter):
                            return other
        return None

    def _add(self, entry, sex):
        self.by_name.setdefault((sex, entry.name, entry.year), []).append(entry)
        if entry.father and entry.name:
            key = (sex, entry.father, entry.year, len(entry.name))
            self.by_father.setdefault(key, []).append(entry)

    def _merge(self, group, entry, values):
        """Take the row's values for the fields where it outranks every earlier row that fills
        them (the first row's values are in its case already)."""
        rank = entry.rank
        for name, bit in _BIT.items():
            if not entry.mask & bit:
                continue
            best = max((m.rank for m in group.members if m.mask & bit), default=None)
            written = group.writes.get(name)
            if written is not None:
                best = max(best, written[0]) if best is not None else written[0]
            if best is None or rank > best:
                group.writes[name] = (rank, values[name])

    def written(self, entry, *, case_id=None, case_number=None):
        """Remember the case the row went into (its twins found later are added to it)."""
        entry.case_id, entry.case_number = case_id, case_number

    def merges(self):
        """[(case id or None, case number or None, {field: value})] for each group whose later
        rows add something to the first row's case, whose write was not a skip."""
        out = []
        for group in self.groups:
            first = group.first
            if first.action == "skip" or not group.writes:
                continue
            values = {name: value for name, (_rank, value) in group.writes.items()}
            out.append((first.case_id, first.case_number, values))
        return out

    def summary(self):
        """The groups for the preview: {"rows", "kept", "why"} each, in file order."""
        return [_describe(group) for group in self.groups]


def _describe(group):
    members = group.members
    kept = max(members, key=lambda m: m.rank)
    filled = kept.mask.bit_count()
    tied = [m for m in members if m is not kept and m.mask.bit_count() == filled]
    if tied:
        why = _("row %(row)s kept: as many fields filled as row %(other)s, and later in the file")
        why %= {"row": kept.row, "other": max(m.row for m in tied)}
    else:
        why = _("row %(row)s kept: most fields filled") % {"row": kept.row}
    taken = {}
    for bit in _BIT.values():
        if kept.mask & bit:
            continue
        sources = [m for m in members if m.mask & bit]
        if sources:
            source = max(sources, key=lambda m: m.rank)
            taken[source.row] = taken.get(source.row, 0) + 1
    parts = [why]
    for row, count in sorted(taken.items()):
        parts.append(
            ngettext(
                "%(count)s value taken from row %(row)s",
                "%(count)s values taken from row %(row)s",
                count,
            )
            % {"count": count, "row": row}
        )
    return {"rows": [m.row for m in members], "kept": kept.row, "why": "; ".join(parts)}
