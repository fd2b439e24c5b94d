"""Small-count suppression for every figure a ministry officer sees (AC-08, docs/adr/0005, 0008).

The rule, in one place for dashboards, reports, exports and the API:

1. Primary: a count from 1 to 4 is shown as "<5". Zero is shown: it identifies nobody.
2. Complementary: figures are linked by additive relations (a total and its parts: a row and
   its total, a column and its total, the nation and its provinces, a stock and its flows).
   Where exactly one member of a relation is hidden, the others would give it away by
   subtraction, so one more member is hidden: the smallest non-zero part that is still shown,
   else the total. This repeats until no relation has exactly one hidden member. A
   complementary cell shows HIDDEN, not "<5", because its value is 5 or more.
3. Differencing: every view (one province or the nation, one period) is a slice of one cube per
   period that was protected as a whole, and filters pick only whole periods and whole provinces.
   Two overlapping views therefore show the same protected cells, and their difference is a
   figure of the same cube, which rules 2 and 4 already protect.
4. No small count is pinned. A reader knows more than the shown figures: "<5" is 1 to 4 and
   "*" is 5 or more. Rule 2 alone can leave a hidden count with one possible value (12 = 10 +
   "<5" + "<5" makes both 1; 18 = 10 + "<5" + "<5" makes both 4). So each "<5" must have a
   second table, equal in every shown figure and relation and within those bounds, in which it
   is one more or one less (`_State.can_move`). Where none is found, the figures still shown
   that such a change would move are hidden (`_State.room_by_hiding`), and the change found is
   the proof. Zeros are never hidden: "*" is never 1 to 4, so a hidden zero could not move and
   would protect nothing. (docs/adr/0005, update of 2026-12-06.)

A figure is addressed by a hashable key (usually a tuple); `protect` takes the raw counts and
the relations and answers a new mapping in which hidden counts are replaced by the markers.
"""

import logging
import math
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass

THRESHOLD = 5
SUPPRESSED = "<5"  # a count from 1 to 4
HIDDEN = "*"  # a complementary cell, hidden so that a total cannot reveal a small count
# How far the search for a second table consistent with what is shown may go, per figure and
# direction, before the figure counts as exposed (and one more figure is hidden beside it).
SEARCH_STEPS = 300

logger = logging.getLogger(__name__)

__all__ = [
    "HIDDEN",
    "SUPPRESSED",
    "THRESHOLD",
    "Minus",
    "is_hidden",
    "protect",
    "protect_share",
    "protect_statistic",
    "table_relations",
]


@dataclass(frozen=True)
class Minus:
    """A part that a relation subtracts: open at the end = start + registered - closed."""

    key: Hashable


def is_hidden(value):
    return value in (SUPPRESSED, HIDDEN)


def is_small(count):
    return 0 < count < THRESHOLD


def protect(counts, relations=(), fixed=None):
    """`counts` {key: int}; `relations` [(total_key, [part_keys])]. Returns {key: int | marker}.

    A part may be wrapped in `Minus` when the relation subtracts it. Keys named in relations but
    missing from `counts` count as zero. `fixed` {key: hidden?} names figures whose fate another
    table already decided (a stock shown or hidden in the previous period's cube): they count as
    hidden or shown and are never picked to hide.
    """
    values = defaultdict(int, counts)
    fixed = fixed or {}
    relations = [_Relation.of(total, parts) for total, parts in relations if parts]
    by_member = defaultdict(list)
    for index, relation in enumerate(relations):
        for key, sign in relation.terms:
            by_member[key].append((index, sign))
    primary = {key for key, count in values.items() if is_small(count)}
    hidden = set(primary) | {key for key, is_hidden_there in fixed.items() if is_hidden_there}
    state = _State(values, fixed, relations, by_member, hidden)

    state.complement({index for key in hidden for index, _sign in by_member[key]})
    # Rule 4: no small count may be pinned by the figures around it.
    # Hiding more never pins what could move, so each count is settled once, in a fixed order.
    for key in sorted((key for key in primary if key in by_member), key=str):
        while not state.can_move(key):
            extra = state.room_by_hiding(key)
            if extra is None:
                extra = state.widen(key)
            if extra is None:
                # Every figure linked to it is hidden already: the table is too small to
                # publish at this detail. Logged without figure or key, so it can be merged.
                logger.warning("suppression: a small count cannot be protected in this table")
                break
            if not extra:
                break  # that search found room among the hidden figures alone
            hidden.update(extra)
            state.complement({index for k in extra for index, _sign in by_member[k]})

    result = {}
    for key in set(values) | set(by_member):
        if key in fixed:
            continue  # shown or hidden where it belongs, not here
        if key in primary:
            result[key] = SUPPRESSED
        elif key in hidden:
            result[key] = HIDDEN
        else:
            result[key] = values[key]
    return result


@dataclass
class _Relation:
    total: Hashable
    parts: list
    terms: list  # [(key, sign)] that sum to zero: the total minus its parts

    @classmethod
    def of(cls, total, parts):
        keys = [part.key if isinstance(part, Minus) else part for part in parts]
        terms = [(total, -1)]
        terms += [(part.key, -1) if isinstance(part, Minus) else (part, 1) for part in parts]
        return cls(total, keys, terms)

    def members(self):
        return (self.total, *self.parts)


class _State:
    """The figures being protected and the search for what a reader could work out."""

    def __init__(self, values, fixed, relations, by_member, hidden):
        self.values, self.fixed, self.relations = values, fixed, relations
        self.by_member, self.hidden = by_member, hidden

    def complement(self, pending):
        """Rule 2: until no relation has exactly one hidden member."""
        while pending:
            index = pending.pop()
            relation = self.relations[index]
            if sum(1 for key in relation.members() if key in self.hidden) != 1:
                continue
            extra = self._complement(relation)
            if extra is None:
                continue
            self.hidden.add(extra)
            pending.update(i for i, _sign in self.by_member[extra])

    def _shown(self, key):
        return key not in self.hidden and key not in self.fixed and self.values[key] > 0

    def _complement(self, relation):
        """The member to hide beside a lone hidden one: the smallest non-zero part still shown,
        else the total when it is not zero.

        A hidden zero protects nothing: a reader who knows the rule knows that "*" is never 1
        to 4, so a zero could not move to 1 to make room for a small count beside it.
        """
        parts = [key for key in relation.parts if self._shown(key)]
        if parts:
            return min(parts, key=lambda key: (self.values[key], str(key)))
        return relation.total if self._shown(relation.total) else None

    def room_by_hiding(self, key):
        """The figures still shown to hide so that `key` can move: those of the first change
        found by the search of `can_move` when it may also move figures still shown (each tried
        after every hidden one; parts before totals, smaller values first). An empty list when
        the change needs no new figure; None when no change is found."""
        for step in (1, -1):
            change = self._search(key, step, hide=True)
            if change:
                return [k for k in change if k not in self.hidden]
        return None

    def widen(self, key):
        """[one figure to hide] near the small count `key`, for when `room_by_hiding` found no
        change within its steps. The nearest figures first: the relations of `key`, then those
        of the hidden figures they hold, and so on; among the nearest, the smallest non-zero
        part still shown, else the smallest such total. None when every figure linked to `key`
        through hidden ones is hidden, zero or decided elsewhere.
        """
        seen, layer = {key}, [key]
        while layer:
            relations = {index for k in layer for index, _sign in self.by_member[k]}
            relations = [self.relations[index] for index in sorted(relations)]
            for members in ([r.parts for r in relations], [[r.total] for r in relations]):
                candidates = {k for group in members for k in group if self._shown(k)}
                if candidates:
                    return [min(candidates, key=lambda k: (self.values[k], str(k)))]
            layer = list(
                dict.fromkeys(
                    k for r in relations for k in r.members() if k in self.hidden and k not in seen
                )
            )
            seen.update(layer)
        return None

    def bounds(self, key):
        """What a reader knows of a hidden figure without the relations: "<5" is 1 to 4; "*" is
        5 or more (a count from 1 to 4 would be "<5"); anything else cannot move."""
        value = self.values[key]
        if key not in self.hidden:
            return value, value
        if is_small(value):
            return 1, THRESHOLD - 1
        if value >= THRESHOLD:
            return THRESHOLD, math.inf
        return value, value

    def can_move(self, key):
        """Whether a second table, equal in every shown figure and every relation and within
        every hidden figure's bounds, has `key` one higher or one lower.

        A depth-first search for such a change, one unit per figure: every relation left out
        of balance is put back by moving one more member of it. Finding one proves the reader
        cannot pin `key`; not finding one within SEARCH_STEPS counts as pinned, which only ever
        hides more.
        """
        return any(self._search(key, step) is not None for step in (1, -1))

    def _search(self, key, step, hide=False):
        """{figure: +1 or -1} that keeps every relation, or None. With `hide`, figures still
        shown (not zero, not decided elsewhere) may move too, as they would once hidden."""
        change, imbalance, budget = {}, defaultdict(int), [SEARCH_STEPS]
        room = {}  # figure: (how far down, how far up) it may move

        def movable(k, d):
            if k in change:
                return False
            if k not in room:
                if k in self.hidden:
                    low, high = self.bounds(k)
                    room[k] = (low - self.values[k], high - self.values[k])
                elif hide and self._shown(k):
                    room[k] = (THRESHOLD - self.values[k], math.inf)
                else:
                    room[k] = (0, 0)
            return room[k][0] <= d <= room[k][1]

        def apply(k, d):
            change[k] = d
            for index, sign in self.by_member[k]:
                imbalance[index] += sign * d
                if not imbalance[index]:
                    del imbalance[index]

        def undo(k):
            d = change.pop(k)
            for index, sign in self.by_member[k]:
                imbalance[index] -= sign * d
                if not imbalance[index]:
                    del imbalance[index]

        def candidates(index):
            # A member moves against the imbalance: sign * d has the opposite sign to it.
            needed = -1 if imbalance[index] > 0 else 1
            return [
                (k, needed * sign)
                for k, sign in self.relations[index].terms
                if movable(k, needed * sign)
            ]

        def order(index, found):
            # Hidden figures first; then parts before the total (totals stay shown where a part
            # will do), then the fewest relations put out of balance, then the smallest value.
            def rank(item):
                k = item[0]
                shown = k not in self.hidden
                upset = sum(1 for i, _s in self.by_member[k] if i != index and i not in imbalance)
                total = shown and k == self.relations[index].total
                return (shown, total, upset, self.values[k] if shown else 0, str(k))

            return sorted(found, key=rank)

        def solve():
            if not imbalance:
                return True
            budget[0] -= 1
            if budget[0] < 0:
                return False
            best, choices = None, None
            for index in list(imbalance):  # the relation with the fewest ways to balance it
                found = candidates(index)
                if not found:
                    return False
                if choices is None or len(found) < len(choices):
                    best, choices = index, found
                    if len(found) == 1:
                        break  # forced: no relation can have fewer ways
            for k, d in order(best, choices):
                apply(k, d)
                if solve():
                    return True
                undo(k)
            return False

        if not movable(key, step):
            return None
        apply(key, step)
        return dict(change) if solve() else None


def protect_share(numerator, denominator):
    """A percentage (one decimal) or a marker when it could reveal a small count.

    A share of a known total gives its numerator away, so it is shown only when both the
    numerator and the rest of the total are either zero or at least THRESHOLD.
    """
    if not denominator:
        return None
    if is_small(numerator) or is_small(denominator - numerator):
        return SUPPRESSED
    return round(100 * numerator / denominator, 1)


def protect_statistic(value, base):
    """A median or mean computed over `base` records: hidden when the base is small."""
    if value is None or base == 0:
        return None
    return SUPPRESSED if base < THRESHOLD else value


def table_relations(rows, columns, cell, row_total, column_total, grand_total):
    """The relations of a table with totals: each row, each column and the grand total both ways.

    `cell(r, c)`, `row_total(r)`, `column_total(c)` and `grand_total` name the keys.
    """
    relations = [(row_total(r), [cell(r, c) for c in columns]) for r in rows]
    relations += [(column_total(c), [cell(r, c) for r in rows]) for c in columns]
    relations.append((grand_total, [row_total(r) for r in rows]))
    relations.append((grand_total, [column_total(c) for c in columns]))
    return relations
