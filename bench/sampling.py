"""Drawing from weighted lists with `random.choices(..., cum_weights=...)`."""

import itertools
import random


def weighted(weights):
    """(keys, cumulative weights) of a {key: weight} dict."""
    keys = list(weights)
    return keys, list(itertools.accumulate(weights[k] for k in keys))


def zipf_cum(n, exponent=1.0):
    """Cumulative Zipf weights of n items: the first is the most frequent."""
    return list(itertools.accumulate(1 / (rank + 1) ** exponent for rank in range(n)))


class FastRandom(random.Random):
    """random.Random with `choice`, `randint` and `randrange` drawn from one `random()` call.

    The standard ones go through `_randbelow` and are several times slower; over millions of
    rows that is minutes. Still deterministic for a seed; the 53 bits of `random()` are plenty
    for the ranges used here.
    """

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a, b):
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start, stop=None, step=1):
        if stop is None:
            start, stop = 0, start
        if step != 1:
            return super().randrange(start, stop, step)
        return start + int(self.random() * (stop - start))
