"""Small-count suppression for every figure a ministry officer sees (AC-08, docs/adr/0008).

The rule, in one place for dashboards, reports and exports:

1. Primary: a count from 1 to 4 is shown as "<5". Zero is shown: it identifies nobody.
2. Complementary: figures are linked by additive relations (a total and its parts: a row and
   its total, a column and its total, the nation and its provinces). Where exactly one member of
   a relation is hidden, the others would give it away by subtraction, so one more member is
   hidden: the smallest non-zero part that is still shown, else the total (a hidden zero is
   often known to be zero from another relation, so it would protect nothing).
   This repeats until no relation has exactly one hidden member. A complementary cell shows
   HIDDEN, not "<5", because its value is usually larger.
3. Differencing: every view (one province or the nation, one period) is a slice of one cube per
   period that was protected as a whole, and filters pick only whole periods and whole provinces.
   Two overlapping views therefore show the same protected cells, and their difference is a
   figure of the same cube, which rule 2 already protects.

A figure is addressed by a hashable key (usually a tuple); `protect` takes the raw counts and
the relations and answers a new mapping in which hidden counts are replaced by the markers.
"""

from collections import defaultdict

THRESHOLD = 5
SUPPRESSED = "<5"  # a count from 1 to 4
HIDDEN = "*"  # a complementary cell, hidden so that a total cannot reveal a small count

__all__ = [
    "HIDDEN",
    "SUPPRESSED",
    "THRESHOLD",
    "is_hidden",
    "protect",
    "protect_share",
    "protect_statistic",
    "table_relations",
]


def is_hidden(value):
    return value in (SUPPRESSED, HIDDEN)


def is_small(count):
    return 0 < count < THRESHOLD


def protect(counts, relations=(), fixed=None):
    """`counts` {key: int}; `relations` [(total_key, [part_keys])]. Returns {key: int | marker}.

    Keys named in relations but missing from `counts` count as zero. `fixed` {key: hidden?}
    names figures whose fate another table already decided (a stock shown or hidden in the
    previous period's cube): they count as hidden or shown and are never picked to hide.
    """
    values = defaultdict(int, counts)
    fixed = fixed or {}
    primary = {key for key, count in values.items() if is_small(count)}
    hidden = set(primary) | {key for key, is_hidden_there in fixed.items() if is_hidden_there}
    relations = [(total, list(parts)) for total, parts in relations if parts]
    by_member = defaultdict(list)
    for index, (total, parts) in enumerate(relations):
        for key in (total, *parts):
            by_member[key].append(index)

    pending = {index for key in hidden for index in by_member[key]}
    while pending:
        index = pending.pop()
        total, parts = relations[index]
        members = (total, *parts)
        if sum(1 for key in members if key in hidden) != 1:
            continue
        extra = _complement(values, hidden, parts, total, fixed)
        if extra is None:
            continue
        hidden.add(extra)
        pending.update(by_member[extra])

    result = {}
    for key in set(values) | {key for total, parts in relations for key in (total, *parts)}:
        if key in fixed:
            continue  # shown or hidden where it belongs, not here
        if key in primary:
            result[key] = SUPPRESSED
        elif key in hidden:
            result[key] = HIDDEN
        else:
            result[key] = values[key]
    return result


def _complement(values, hidden, parts, total, fixed=()):
    """The member to hide beside a lone hidden one: the smallest non-zero part still shown,
    else the total, else the smallest (zero) part still shown.

    A hidden zero protects little: wherever it also sits beside a shown total of 0, or beside
    other shown zeros under a shown total, it is known to be 0 and the lone cell is revealed.
    """
    shown_parts = [key for key in parts if key not in hidden and key not in fixed]
    non_zero = [key for key in shown_parts if values[key] > 0]
    if non_zero:
        return min(non_zero, key=lambda key: (values[key], str(key)))
    if total not in hidden and total not in fixed:
        return total
    if shown_parts:
        return min(shown_parts, key=lambda key: (values[key], str(key)))
    return None


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
