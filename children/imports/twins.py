"""Rows of one children file that are the same child: grouped and imported once (ADR 0019).

A caseworker's sheet often has the same child twice, typed on two days or by two people:
«زهرا» and «ظهرا», a dropped letter, one row with a phone and the other with the school. The
rows are matched as the duplicate check at registration matches (children/selectors/duplicates.py,
docs/adr/0015): the name as it sounds (``phonetic_key`` of the full name), the father's name (the
same sound, or unknown on one side), birth year (or estimated age) within one year, and sex. A
match is looked up in dictionaries on a coarse key, so a 100,000-row file needs no query and no
comparison of every row with every other: by name sound and sex (and father's name), and, for
a name with one letter dropped, by sex, father's name and the other of the two names; birth
years are compared within a bucket.

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


def filled_mask(values):
    """The fields of ``values`` that hold something, as bits (a row is ranked by how many)."""
    mask = 0
    for name, value in values.items():
        # Empty: None, "" and []; 0 and False are values.
        if value or value == 0:
            mask |= _BIT.get(name, 0)
    return mask


def _put(index, key, entry):
    # Keys are kept as their hash (an int is smaller than a tuple: 100,000 rows make 400,000
    # keys), so whoever reads a bucket compares the names again. Most keys hold one row: the
    # entry itself, a list only from the second.
    key = hash(key)
    held = index.get(key)
    if held is None:
        index[key] = entry
    elif held.__class__ is list:
        held.append(entry)
    else:
        index[key] = [held, entry]


def _get(index, key):
    held = index.get(hash(key))
    if held is None:
        return ()
    return held if held.__class__ is list else (held,)


@lru_cache(maxsize=65536)
def name_key(name):
    """How a full name sounds. Digits are not sounds: a name with digits is matched as written
    (the phonetic key would read «کودک11» as «کودک1», a doubled letter)."""
    written = compact(name)
    if any(ch.isdigit() for ch in written):
        return written
    return phonetic_key(name)


def _near(year, other):
    return year is None or other is None or -1 <= year - other <= 1


def _one_apart(one, other):
    """One of the two names is the other with a letter dropped (see ``_one_letter_dropped``)."""
    difference = len(one) - len(other)
    if difference == 1:
        return _one_letter_dropped(one, other)
    if difference == -1:
        return _one_letter_dropped(other, one)
    return False


def _one_letter_dropped(longer, shorter):
    """``shorter`` is ``longer`` with one letter left out, a letter that is not a vowel (nor the
    first: the index looks names up by their first letter)."""
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
    given: str
    family: str
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
    # {field: rank of the row its value comes from}; a rank ends with the row's number.
    best: dict = field(default_factory=dict)
    # {field: value}: what the later rows add to the first row's case.
    writes: dict = field(default_factory=dict)

    @property
    def first(self):
        return self.members[0]

    @classmethod
    def of(cls, first):
        rank = first.rank
        return cls([first], {name: rank for name, bit in _BIT.items() if first.mask & bit})


def _year(values, today):
    if values.get("birth_date"):
        return values["birth_date"].year
    if values.get("estimated_age") is not None:
        return today.year - int(values["estimated_age"])
    return None


class TwinIndex:
    """The rows without a case number seen so far, for finding the same child again."""

    def __init__(self, today):
        self.today = today
        # Birth years are compared in the bucket (within one), not looked up three times.
        self.by_name = {}  # (sex, name key) → Entry or [Entry]
        self.by_father = {}  # (sex, name key, father's key) → Entry or [Entry]
        # For a letter dropped from one of the two names, the other name and the father's the
        # same, the first letter and length of the name compared: (sex, father's key, 0, given
        # name's key, family name's first letter and length), and (…, 1, family name's key, …).
        self.by_part = {}
        self.groups = []

    def place(self, values, number):
        """(entry, group): ``group`` is the earlier row's group when this row is a twin of one
        (the row then adds its values to it), else None and the row stands alone for now."""
        given, family = values.get("given_name") or "", values.get("family_name") or ""
        entry = Entry(
            number,
            name_key(f"{given} {family}"),
            name_key(given),
            name_key(family),
            name_key(values.get("father_name") or ""),
            _year(values, self.today),
            filled_mask(values),
        )
        sex = values.get("sex")
        twin = self._find(entry, sex)
        self._add(entry, sex)
        if twin is None:
            return entry, None
        group = twin.group
        if group is None:
            group = twin.group = Group.of(twin)
            self.groups.append(group)
        self._merge(group, entry, values)
        entry.group = group
        group.members.append(entry)
        return entry, group

    def _find(self, entry, sex):
        year = entry.year
        name = entry.name
        if entry.father:
            # The same father's name, or none given.
            for father in (entry.father, ""):
                for other in _get(self.by_father, (sex, name, father)):
                    if other.name == name and other.father == father and _near(other.year, year):
                        return other
        else:
            for other in _get(self.by_name, (sex, name)):
                if other.name == name and _near(other.year, year):
                    return other
        if entry.father and entry.given and entry.family:
            family, given, father = entry.family, entry.given, entry.father
            for length in (len(family) - 1, len(family) + 1):
                key = (sex, father, 0, given, family[0], length)
                for other in _get(self.by_part, key):
                    if (
                        other.given == given
                        and other.father == father
                        and _near(other.year, year)
                        and _one_apart(other.family, family)
                    ):
                        return other
            for length in (len(given) - 1, len(given) + 1):
                key = (sex, father, 1, family, given[0], length)
                for other in _get(self.by_part, key):
                    if (
                        other.family == family
                        and other.father == father
                        and _near(other.year, year)
                        and _one_apart(other.given, given)
                    ):
                        return other
        return None

    def _add(self, entry, sex):
        _put(self.by_name, (sex, entry.name), entry)
        _put(self.by_father, (sex, entry.name, entry.father), entry)
        if entry.father and entry.given and entry.family:
            given, family = entry.given, entry.family
            _put(self.by_part, (sex, entry.father, 0, given, family[0], len(family)), entry)
            _put(self.by_part, (sex, entry.father, 1, family, given[0], len(given)), entry)

    def _merge(self, group, entry, values):
        """Take the row's values for the fields where it outranks every earlier row that fills
        them (the first row's values are in its case already)."""
        rank, best, mask = entry.rank, group.best, entry.mask
        for name, bit in _BIT.items():
            if mask & bit and (name not in best or rank > best[name]):
                best[name] = rank
                group.writes[name] = values[name]

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
            out.append((first.case_id, first.case_number, dict(group.writes)))
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
    for _filled, row in group.best.values():
        if row != kept.row:
            taken[row] = taken.get(row, 0) + 1
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
