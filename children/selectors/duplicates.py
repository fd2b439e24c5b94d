"""Duplicate detection: is this child already registered, here or at another organisation?

Candidates come from PostgreSQL (trigram similarity on normalised names, the same phonetic key
of the name (docs/adr/0015), or the same ID number)
and are scored here on names, father's name, birth year, sex, ID number and province. The caller
decides what to show: full details for the user's own organisation, only the organisation's name
for anyone else's (the registering caseworker must not learn the other child's details).
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from core.persian import compact, normalize, phonetic_key, to_latin_digits

from ..models import Case

LIKELY = 50
CANDIDATE_LIMIT = 30
# Without a father's name to compare, a case scores at most 20 besides its name (birth year 10,
# sex 5, province 5), so it reaches LIKELY only if round(40 * name similarity) >= 30, that is a
# similarity of 0.7375 or more. Candidates are then looked up at this trigram threshold, not the
# connection's 0.3 (config/settings/base.py): a common name has tens of thousands of weak matches
# nationally and only hundreds of close ones.
CLOSE_NAME = 0.73
# A name that sounds the same as the probe's («ظهرا هسینی» for «زهرا حسینی») is nearly as good
# as the same written name: with the same birth year, sex and province it is likely (36 + 20)
# even when no father's name is known.
SOUNDS_THE_SAME = 0.9
_SET_THRESHOLD = "SELECT set_config('pg_trgm.similarity_threshold', %s, true)"


@dataclass
class Candidate:
    case: Case
    score: int
    reasons: list[str] = field(default_factory=list)

    @property
    def is_likely(self) -> bool:
        return self.score >= LIKELY


@dataclass(frozen=True)
class Probe:
    """What is known about the child being checked, already normalised."""

    name: str
    compact_name: str
    father: str
    sex: str
    birth_year: int | None
    id_number: str
    province_id: int | None
    phonetic: str = ""
    father_phonetic: str = ""

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "Probe":
        name = f"{data.get('given_name', '')} {data.get('family_name', '')}"
        birth_year = None
        if data.get("birth_date"):
            birth_year = data["birth_date"].year
        elif data.get("estimated_age") is not None:
            birth_year = timezone.localdate().year - int(data["estimated_age"])
        province = data.get("province")
        return cls(
            name=normalize(name),
            compact_name=compact(name),
            father=normalize(data.get("father_name", "")),
            sex=data.get("sex", ""),
            birth_year=birth_year,
            id_number=to_latin_digits(data.get("id_number") or "").strip(),
            province_id=getattr(province, "pk", province),
            phonetic=phonetic_key(name),
            father_phonetic=phonetic_key(data.get("father_name", "")),
        )

    @classmethod
    def from_case(cls, case: Case) -> "Probe":
        return cls(
            name=case.search_name,
            compact_name=case.search_compact,
            father=case.search_father,
            sex=case.sex,
            birth_year=case.birth_year,
            id_number=to_latin_digits(case.id_number or ""),
            province_id=case.province_id,
            phonetic=case.search_phonetic,
            father_phonetic=case.search_father_phonetic,
        )


def _score(probe: Probe, case: Case) -> Candidate:
    score, reasons = 0, []
    if probe.id_number and case.id_number and to_latin_digits(case.id_number) == probe.id_number:
        score += 60
        reasons.append("id_number")
    name_similarity = getattr(case, "name_similarity", 0) or 0
    if probe.compact_name and probe.compact_name == case.search_compact:
        name_similarity = 1.0
    elif probe.phonetic and probe.phonetic == getattr(case, "search_phonetic", ""):
        name_similarity = max(name_similarity, SOUNDS_THE_SAME)
    score += round(40 * name_similarity)
    if name_similarity >= 0.5:
        reasons.append("name")
    if probe.father and case.search_father:
        if compact(probe.father) == compact(case.search_father) or (
            probe.father_phonetic
            and probe.father_phonetic == getattr(case, "search_father_phonetic", "")
        ):
            score += 15
            reasons.append("father_name")
        elif (getattr(case, "father_similarity", 0) or 0) >= 0.5:
            score += 8
            reasons.append("father_name")
    if probe.birth_year and case.birth_year:
        gap = abs(probe.birth_year - case.birth_year)
        if gap <= 1:
            score += 10
            reasons.append("birth_year")
        elif gap > 3:
            score -= 15
    if probe.sex and case.sex:
        score += 5 if probe.sex == case.sex else -40
    if probe.province_id and probe.province_id == case.province_id:
        score += 5
        reasons.append("province")
    return Candidate(case=case, score=score, reasons=reasons)


def _could_be_likely(probe: Probe) -> Q:
    """The cases whose name may be close enough: `_score` can never make the others likely,
    so leaving them out only frees places among the CANDIDATE_LIMIT best for ones it can.

    Another sex costs 40: at most 40 + 15 + 10 + 5 - 40 = 30 even with the same name, father,
    birth year and province. Without a father's name, a birth year more than 3 years off costs
    15: at most 40 + 5 + 5 - 15 = 35. (An ID number is matched apart: it may outweigh both.)
    The sex is a required choice, so a case always has one."""
    could = Q()
    if probe.sex:
        could &= Q(sex=probe.sex)
    if probe.birth_year and not probe.father:
        years = (probe.birth_year - 3, probe.birth_year + 3)
        could &= Q(birth_year__range=years) | Q(birth_year__isnull=True)
    return could


def _newest_same_names(probe: Probe) -> list[int] | None:
    """Without a father's name, a child whose name is written the same (joined) has the highest
    rank there is (similarity 1): when CANDIDATE_LIMIT of them could be likely, they are the
    candidates, newest first, read from `case_compact_sex_id_idx` in a few pages whatever the
    size of the country (issue 21). None when there are fewer: the full search decides."""
    if probe.father or probe.id_number or not probe.compact_name:
        return None
    same = (
        Case.objects.filter(Q(search_compact=probe.compact_name) & _could_be_likely(probe))
        .order_by("-id")
        .values_list("pk", flat=True)[:CANDIDATE_LIMIT]
    )
    pks = list(same)
    return pks if len(pks) == CANDIDATE_LIMIT else None


def find_candidates(probe: Probe, *, exclude_pk: int | None = None) -> list[Candidate]:
    """Every case, in any organisation, that may be the same child, best first."""
    if not probe.name and not probe.id_number:
        return []
    matches = Q()
    threshold = None
    if probe.name:
        if probe.father:
            by_name = Q(search_name__trigram_similar=probe.name) | Q(
                search_compact=probe.compact_name
            )
            # A common name matches tens of thousands of children nationally; the father's name
            # keeps the real duplicate among the few candidates scored.
            by_father = Q(search_father__trigram_similar=probe.father) | Q(search_father="")
            if probe.father_phonetic:
                by_father |= Q(search_father_phonetic=probe.father_phonetic)
            by_name &= by_father
        else:
            by_name = Q(search_name__trigram_similar=probe.name) | Q(
                search_compact__trigram_similar=probe.compact_name
            )
            threshold = CLOSE_NAME
        if probe.phonetic:
            # The same key, not a similar one: at the close threshold a similar key of a short
            # name would bring back the weak matches the threshold keeps out.
            sounds_alike = Q(search_phonetic=probe.phonetic)
            if probe.father:
                sounds_alike &= (
                    Q(search_father__trigram_similar=probe.father)
                    | Q(search_father="")
                    | Q(search_father_phonetic=probe.father_phonetic)
                )
            by_name |= sounds_alike
        matches |= by_name & _could_be_likely(probe)
    if probe.id_number:
        matches |= Q(id_number=probe.id_number)
    name_similarity = Greatest(
        TrigramSimilarity("search_name", probe.name),
        TrigramSimilarity("search_compact", probe.compact_name),
        # Sounding alike counts for less than being written alike.
        TrigramSimilarity("search_phonetic", probe.phonetic) * SOUNDS_THE_SAME,
    )
    father_similarity = TrigramSimilarity("search_father", probe.father or "")
    same_names = _newest_same_names(probe)
    if same_names is not None:
        chosen = Case.objects.filter(pk__in=same_names)
    else:
        # The best few are chosen on the narrow rows first; only those are read in full, with
        # their organisation and both similarities for scoring. Without a father's name the
        # same written name comes first, as in _newest_same_names: its rank is already the
        # highest, so only its order among other names of similarity 1 changes.
        order = ["-rank", "-id"]
        if not probe.father:
            order.insert(0, "-same_name")
        best = (
            Case.objects.filter(matches)
            .annotate(
                rank=name_similarity + father_similarity,
                same_name=ExpressionWrapper(
                    Q(search_compact=probe.compact_name), output_field=BooleanField()
                ),
            )
            .order_by(*order)
            .values("pk")[:CANDIDATE_LIMIT]
        )
        chosen = Case.objects.filter(pk__in=best)
    queryset = (
        chosen.select_related("organisation")
        .annotate(name_similarity=name_similarity, father_similarity=father_similarity)
        .annotate(rank=F("name_similarity") + F("father_similarity"))
        .order_by("-rank", "-id")
    )
    with _similarity_threshold(threshold):
        cases = list(queryset)
    candidates = [_score(probe, case) for case in cases if case.pk != exclude_pk]
    return sorted(candidates, key=lambda c: -c.score)


@contextmanager
def _similarity_threshold(value: float | None) -> Iterator[None]:
    """Run the queries inside with pg_trgm's `%` threshold at `value` (None: as configured).

    The setting is local to a transaction (a savepoint inside a request's transaction) and is set
    back before leaving it; an error inside rolls it back with the savepoint.
    """
    if value is None:
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pg_trgm.similarity_threshold', true)")
        previous = cursor.fetchone()[0] or "0.3"  # pg_trgm's default
        cursor.execute(_SET_THRESHOLD, [str(value)])
        yield
        cursor.execute(_SET_THRESHOLD, [previous])


def likely_duplicates(data: Mapping[str, Any], *, exclude_pk: int | None = None) -> list[Candidate]:
    return [c for c in find_candidates(Probe.from_data(data), exclude_pk=exclude_pk) if c.is_likely]


def likely_duplicates_of_case(case: Case) -> list[Candidate]:
    return [c for c in find_candidates(Probe.from_case(case), exclude_pk=case.pk) if c.is_likely]
