"""Plain substring tests that a name must pass before pg_trgm compares it (issue 21).

A search compares each case of the organisation by trigram word similarity (`%>`), about 7 µs a
name: for a first name with a few hundred matches, ruling out the other thousands of cases was
most of the search's database time. A name can only reach the similarity threshold if it shares
enough of the term's trigrams, and every trigram but a word's first ("  a") holds two or three
letters of the term in a row. So a name that holds none of those letter runs cannot match, and a
`strpos(name, run) > 0` (a byte search, a fraction of a µs) rules it out before the similarity is
computed. The result is the same: these tests only skip similarities that would fail.

pg_trgm splits text into words at every character that is not a letter or digit, pads each word
with two spaces before and one after, lowercases it and compares sets of distinct trigrams;
`word_similarity(term, name)` is at most the share of the term's trigrams the name holds.
Anchors are given only for terms of Persian letters and digits (no case to fold, no character
whose word-ness could differ between Python and PostgreSQL); any other term is compared as before.
"""

import functools
import math
import unicodedata
from typing import Any

from django.db.models import F, Lookup, Q

# The similarity threshold the connection sets (config/settings/base.py, TRIGRAM_OPTIONS).
WORD_SIMILARITY_THRESHOLD = 0.4
# pg_trgm computes the similarity in single precision: allow for its rounding.
_SLACK = 1e-4


def _is_plain(char: str) -> bool:
    """A letter of the Arabic script block or an ASCII digit: a word character for pg_trgm,
    the same after lowercasing."""
    if "0" <= char <= "9":
        return True
    return "\u0600" <= char <= "\u06ff" and unicodedata.category(char) == "Lo"


def _words(term: str) -> list[str] | None:
    """The term's words as pg_trgm reads them, or None if it holds any other character."""
    words = term.split(" ")
    if not all(word and all(_is_plain(char) for char in word) for word in words):
        return None
    return words


def _trigrams(word: str) -> list[str]:
    padded = f"  {word} "
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


def _runs(words: list[str]) -> set[str]:
    """The letter runs the term's trigrams hold, one a trigram, except each word's first
    ("  a", which holds one letter and marks only where a word starts)."""
    return {trigram.strip() for word in words for trigram in _trigrams(word) if trigram[:2] != "  "}


@functools.lru_cache(maxsize=1024)
def runs_one_of(term: str) -> tuple[str, ...] | None:
    """Letter runs of `term` of which a name must hold one to be similar to it at the threshold.
    None when no such list is sure: the term is not plain, or it could reach the threshold
    through its words' first trigrams alone (a word of one letter)."""
    words = _words(term)
    if words is None:
        return None
    trigrams = {trigram for word in words for trigram in _trigrams(word)}
    word_starts = sum(1 for trigram in trigrams if trigram[:2] == "  ")
    needed = math.ceil(WORD_SIMILARITY_THRESHOLD * len(trigrams) - _SLACK)
    if needed <= word_starts:
        return None
    runs = _runs(words)
    # A run holding a shorter one adds nothing to "holds one of them".
    return tuple(sorted(run for run in runs if not any(other in run for other in runs - {run})))


@functools.lru_cache(maxsize=1024)
def runs_all_of(term: str) -> tuple[str, ...] | None:
    """Letter runs of `term` a name must all hold to hold every trigram of it (a word
    similarity of 1). None when the term is not plain."""
    words = _words(term)
    if words is None:
        return None
    runs = _runs(words)
    # A run inside a longer one is tested by the longer.
    return tuple(sorted(run for run in runs if not any(run in other for other in runs - {run})))


class _Anchored(Lookup):
    """A similarity test on a name column (`lhs`) for `term` (`rhs`), written behind the
    letter runs the name must hold to pass it, so PostgreSQL tests them first. They are
    `strpos`, not `LIKE`: a `LIKE` is a condition the trigram indexes serve, and PostgreSQL,
    misjudging how many names hold two letters in a row, would read the whole country's index
    entries for it instead of the organisation's cases. One node, as the bare test was: the
    anchors cost Django nothing to build and resolve (as expressions of their own they added
    3 to 4 ms of CPU to a search)."""

    prepare_rhs = False
    joiner = ""

    def runs(self, term: str) -> tuple[str, ...] | None:
        raise NotImplementedError

    def similarity(self, column: str, column_params: list[Any]) -> tuple[str, list[Any]]:
        raise NotImplementedError

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        column, column_params = self.process_lhs(compiler, connection)
        sql, params = self.similarity(column, list(column_params))
        runs = self.runs(self.rhs)
        if not runs:
            return sql, params
        tests = self.joiner.join(f"STRPOS({column}, %s) > 0" for _ in runs)
        run_params = [param for run in runs for param in (*column_params, run)]
        return f"(({tests}) AND {sql})", [*run_params, *params]


class SimilarWord(_Anchored):
    """`column %> term`: some extent of the name is similar to the term at the threshold,
    as `column__trigram_word_similar=term` writes it."""

    lookup_name = "anchored_trigram_word_similar"
    joiner = " OR "

    def runs(self, term: str) -> tuple[str, ...] | None:
        return runs_one_of(term)

    def similarity(self, column: str, column_params: list[Any]) -> tuple[str, list[Any]]:
        return f"{column} %%> %s", [*column_params, self.rhs]


class HoldsEveryTrigram(_Anchored):
    """`WORD_SIMILARITY(term, column) >= 1`: the name holds every trigram of the term."""

    lookup_name = "holds_every_trigram"
    joiner = " AND "

    def runs(self, term: str) -> tuple[str, ...] | None:
        return runs_all_of(term)

    def similarity(self, column: str, column_params: list[Any]) -> tuple[str, list[Any]]:
        return f"WORD_SIMILARITY(%s, {column}) >= 1", [self.rhs, *column_params]


def similar_word(field: str, term: str) -> Q:
    """`field %> term`, behind the letter runs `field` must hold to pass it."""
    return Q(SimilarWord(F(field), term))


def holds_every_trigram(field: str, term: str) -> Q:
    """`word_similarity(term, field) >= 1`, behind the letter runs `field` must hold to pass it."""
    return Q(HoldsEveryTrigram(F(field), term))
