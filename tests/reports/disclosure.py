"""An attacker for the suppression tests: what a reader can work out from a protected table.

The reader knows every shown figure, every additive relation (a total and its parts) and what
the markers say: "<5" is a count from 1 to 4, "*" a count of 5 or more (reports.suppression
never hides a zero, and a count from 1 to 4 would show as "<5"). `feasible_values` enumerates every table that agrees with
all of that and answers, for each hidden figure, the values it can take. It is brute force with
propagation (a relation with one unknown left gives it), independent of how reports.suppression
finds its own answers, and meant for small tables only.
"""

from reports.suppression import HIDDEN, SUPPRESSED, Minus


def _terms(relations):
    """Each relation as [(key, sign)] summing to zero: total minus its parts."""
    result = []
    for total, parts in relations:
        terms = [(total, -1)]
        for part in parts:
            terms.append((part.key, -1) if isinstance(part, Minus) else (part, 1))
        result.append(terms)
    return result


def _domain(marker, cap):
    if marker == SUPPRESSED:
        return (1, 4)
    assert marker == HIDDEN, marker
    return (5, cap)


def _narrow(terms, domains):
    """Bounds propagation to a fixed point: in each relation, each member lies between what the
    others' bounds leave. False when some figure has no value left."""
    changed = True
    while changed:
        changed = False
        for relation in terms:
            low = sum(s * domains[k][0] if s > 0 else s * domains[k][1] for k, s in relation)
            high = sum(s * domains[k][1] if s > 0 else s * domains[k][0] for k, s in relation)
            for key, sign in relation:
                lo, hi = domains[key]
                # sign * x = -(sum of the others), whose range is [-(high - own), -(low - own)].
                own_low, own_high = (sign * lo, sign * hi) if sign > 0 else (sign * hi, sign * lo)
                rest_low, rest_high = -(high - own_high), -(low - own_low)
                new = (rest_low, rest_high) if sign > 0 else (-rest_high, -rest_low)
                new = (max(lo, new[0]), min(hi, new[1]))
                if new[0] > new[1]:
                    return False
                if new != (lo, hi):
                    domains[key] = new
                    changed = True
    return True


def _feasible(terms, domains, budget):
    """Whether some integer table lies within `domains` (bisection with propagation)."""
    budget[0] -= 1
    assert budget[0] > 0, "table too large for brute force"
    domains = dict(domains)
    if not _narrow(terms, domains):
        return False
    open_keys = [k for k, (lo, hi) in domains.items() if lo < hi]
    if not open_keys:
        return True
    key = min(open_keys, key=lambda k: (domains[k][1] - domains[k][0], str(k)))
    lo, hi = domains[key]
    middle = (lo + hi) // 2
    return any(
        _feasible(terms, {**domains, key: half}, budget)
        for half in ((lo, middle), (middle + 1, hi))
    )


def feasible_values(result, relations, known=None, cap=None, limit=100_000):
    """{"<5" key: set of values from 1 to 4 that some consistent table gives it}.

    `known` {key: value} adds figures the reader knows from elsewhere (a figure decided in
    another table). "*" figures are searched up to `cap` (default: twice the largest shown
    figure, plus 10), so the sets can only be smaller than what is feasible: a set of two or
    more values proves the figure is not pinned.
    """
    terms = _terms(relations)
    shown = {k: v for k, v in result.items() if not isinstance(v, str)}
    shown |= known or {}
    for relation in terms:
        for key, _sign in relation:
            if key not in shown and key not in result:
                shown[key] = 0  # a member missing from both counts as zero
    if cap is None:
        cap = 2 * max([0, *shown.values()]) + 10
    domains = {k: (v, v) for k, v in shown.items()}
    domains |= {k: _domain(v, cap) for k, v in result.items() if isinstance(v, str)}
    budget = [limit]
    return {
        key: {v for v in range(1, 5) if _feasible(terms, {**domains, key: (v, v)}, budget)}
        for key, marker in sorted(result.items(), key=lambda item: str(item[0]))
        if marker == SUPPRESSED
    }


def consistent(result, relations, counts, known=None):
    """Whether the true table is one the reader would accept: every relation holds and every
    hidden figure is within what its marker says."""
    values = dict(counts) | (known or {})
    for key, marker in result.items():
        if isinstance(marker, str):
            low, high = _domain(marker, max(values.values()))
            if not low <= values.get(key, 0) <= high:
                return False
    return all(
        sum(sign * values.get(key, 0) for key, sign in relation) == 0
        for relation in _terms(relations)
    )


def pinned(result, relations, known=None, cap=None):
    """{key: value} of the "<5" figures a reader can work out exactly."""
    return {
        key: next(iter(options))
        for key, options in feasible_values(result, relations, known, cap).items()
        if len(options) == 1
    }
