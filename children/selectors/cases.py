"""Which cases a user may see, and finding them again."""

import datetime
import re

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Case as SqlCase
from django.db.models import FloatField, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Greatest
from django.db.models.lookups import GreaterThanOrEqual

from core.compiled import CompiledObjects
from core.models import User
from core.permissions import Perm, has_permission, roles_with
from core.persian import compact, normalize, phonetic_keys, to_latin_digits
from ngos.models import Organisation

from ..models import Case, TimelineEntry
from .trigram_anchors import holds_every_trigram, similar_word

NAME_MATCH_THRESHOLD = 0.4
# "TEH-", "TEH-NGO12-1405-00042", "-1405-": a case number or a piece of one.
_CASE_NUMBER = re.compile(r"^[A-Za-z]{2,}-|-\d{4}-")
_DOCUMENT_NUMBER = re.compile(r"[A-Za-z]{1,3}\d{5,}")


def cases_visible_to(user: User) -> QuerySet[Case]:
    """The cases `user` may open: their own organisation's, for those whose role reads cases.

    Ministry officers and administrators hold no case permission and get none (they see figures).
    The referrals issue widens this with cases shared by an active referral.
    `get_case_for_user` (children/access.py) runs this same rule as SQL compiled once a process:
    a change here must be made there too (tests/children/test_case_access.py checks both).
    """
    if not has_permission(user, Perm.CASE_VIEW):
        return Case.objects.none()
    return organisation_cases(user.membership.organisation_id)


def organisation_cases(organisation_id: int) -> QuerySet[Case]:
    """The cases of one organisation: those `cases_visible_to` gives its members who read cases."""
    return Case.objects.filter(organisation_id=organisation_id)


def case_holders(organisation: Organisation | int) -> QuerySet[User]:
    """Active caseworkers and managers of `organisation`: who may be given a case or a task
    (whoever may edit cases)."""
    return (
        get_user_model()
        .objects.filter(
            membership__organisation=organisation,
            membership__role__in=roles_with(Perm.CASE_EDIT),
            is_active=True,
            # An API token's service account holds no case (AC-11).
            api_token__isnull=True,
        )
        .order_by("first_name", "last_name", "pk")
    )


def search_cases(queryset: QuerySet[Case], term: str | None) -> QuerySet[Case]:
    """Filter by name, father's name, case number, ID number or phone, Persian-normalised.

    Names match by trigram word similarity (so a misspelling still finds the child), as a
    space- and ZWNJ-insensitive substring, or by how they sound: the phonetic key of the term
    (or of each reading of a Latin term) contained in the case's, or close to it by trigram word
    similarity (docs/adr/0015). Digits match ID numbers and phones; case numbers match their
    text. Results come exact written names first, then names that sound the same, then by
    similarity, so a sound-alike never pushes down the child whose name was typed exactly.
    """
    term = (term or "").strip()
    if not term:
        return queryset
    number = _number_match(term)
    if number is not None:
        return queryset.filter(number)
    name = _NameTerm(term)
    return queryset.filter(name.matches()).order_by(name.rank().desc(), "-created_at", "-id")


# How many of the newest cases `first_rank_matches` looks at.
EXAMINED = 1500
_EARLIEST = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)


def first_rank_matches(queryset: QuerySet[Case], term: str | None) -> QuerySet[Case] | None:
    """The matches `search_cases` ranks first, in its order (newest first), among the newest
    `EXAMINED` cases of `queryset`; None for a term that is not a one-word name.

    They all tie on rank: the term, as typed, is a word of the name or of the father's name (or
    the whole name, sounding exactly like it). So while they fill a page, that page of the
    search is theirs, read newest first from the organisation's index: a few dozen cases
    compared, where ranking every match of a common first name compares thousands (issue 21).
    A case older than the newest `EXAMINED` is not looked at, so a term with few such matches
    costs a bounded look (a few ms) before the full ranking; the page is still exact, as every
    first-rank match left out is older than those found. A name of two words or more has few
    such matches, so it goes to the ranking straight away.
    """
    term = (term or "").strip()
    if not term or _number_match(term) is not None or len(normalize(term).split()) > 1:
        return None
    newest = queryset.order_by("-created_at").values("created_at")[EXAMINED - 1 : EXAMINED]
    return queryset.filter(
        _NameTerm(term).first_rank(),
        created_at__gte=Coalesce(Subquery(newest), Value(_EARLIEST)),
    ).order_by("-created_at", "-id")


def _number_match(term: str) -> Q | None:
    """The filter for a term that is an ID number, a phone, a document or case number."""
    latin = to_latin_digits(term)
    digits = re.sub(r"[\s-]", "", latin)
    if digits.isdigit() and len(digits) >= 4:
        return Q(search_digits__contains=digits) | Q(case_number__contains=digits)
    if _DOCUMENT_NUMBER.fullmatch(digits):
        # Passports and other documents mix letters and digits (e.g. P01234567).
        return Q(id_number__iexact=digits)
    if _CASE_NUMBER.search(latin):
        return Q(case_number__icontains=latin)
    return None


class _NameTerm:
    """A name as searched: its keys, and the SQL that matches and ranks cases by them."""

    def __init__(self, term: str) -> None:
        self.name = normalize(term)
        self.joined = compact(term)
        self.keys = phonetic_keys(term) or ("",)
        self.written_name = TrigramWordSimilarity(self.name, "search_name")
        self.written_father = TrigramWordSimilarity(self.name, "search_father")
        self.sound = TrigramWordSimilarity(self.keys[0], "search_phonetic")

    def matches(self) -> Q:
        """Any of these. The plain comparisons come first: a case one of them finds is not
        compared by similarity, the costly part (a few µs a name). The `%>` operators use the
        trigram indexes; the connection sets their threshold to 0.4 (config/settings/base.py)
        so short misspelled names still match: "فاطیمه" scores 0.44 against "فاطمه"."""
        found = Q(search_compact__contains=self.joined)
        for key in self.keys:
            found |= Q(search_phonetic__contains=key) | Q(search_father_phonetic=key)
        return (
            found
            | similar_word("search_father", self.name)
            | similar_word("search_name", self.name)
            | similar_word("search_phonetic", self.keys[0])
        )

    def first_rank(self) -> Q:
        """The cases `rank` gives its highest value, 5: every word of the term, as typed, is a
        word of the name or of the father's name (a similarity of 1, the most there is); or the
        term is the whole name and sounds exactly like it."""
        return (
            holds_every_trigram("search_father", self.name)
            | holds_every_trigram("search_name", self.name)
            | Q(search_compact=self.joined) & Q(GreaterThanOrEqual(self.sound, 1))
        )

    def rank(self) -> SqlCase:
        """Exactness (2: as written, every word of the term a word of the name or the whole
        name; 1: the name or the father's name sounds the same; 0: similar), then closeness
        (the best of the three similarities, 0 to 1), as one number: 2 × exactness + closeness.
        The written similarities are compared first (the father's name, short, before the
        name), so a case that holds the term as typed is compared once or twice, not five
        times."""
        closeness = Cast(Greatest(self.written_name, self.written_father, self.sound), FloatField())
        return SqlCase(
            When(GreaterThanOrEqual(self.written_father, 1), then=Value(5.0)),
            When(GreaterThanOrEqual(self.written_name, 1), then=Value(5.0)),
            When(search_compact=self.joined, then=Value(4.0) + closeness),
            When(
                Q(search_phonetic__in=self.keys) | Q(search_father_phonetic__in=self.keys),
                then=Value(2.0) + closeness,
            ),
            default=closeness,
            output_field=FloatField(),
        )


TIMELINE_LINES = 50  # the case page shows the newest lines
# What a line shows of who acted: the name, and whether they are of the case's organisation.
ACTOR_COLUMNS = ("first_name", "last_name", "username", "membership__organisation")


# `case.timeline`'s newest lines (the key: how many), compiled once a process (issue 21).
_TIMELINE = CompiledObjects(
    TimelineEntry,
    lambda limit, *, case: (
        TimelineEntry.objects.filter(case_id=case)
        .select_related("actor__membership")
        .only("case", "kind", "at", "detail", *(f"actor__{name}" for name in ACTOR_COLUMNS))[:limit]
    ),
)


def case_timeline(
    case: Case, limit: int = TIMELINE_LINES, *, stored: bool = True, viewer: User | None = None
) -> list[TimelineEntry]:
    """The case's timeline, newest first. Its registration comes last and is not a stored line:
    the case row already records when and by whom (and an import writes 100,000 of them at once,
    where each stored line would cost the import time for nothing new).

    `stored=False` when the caller knows the case has no stored line (the registration only);
    `viewer`, the user reading the page (with their membership), stands for who registered the
    case when that is them."""
    lines = _TIMELINE.objects(limit, known={"case": case}, case=case.pk) if stored else []
    if len(lines) < limit:
        # Most often the one who registered the child also wrote a later line.
        known = next((line.actor for line in lines if line.actor_id == case.created_by_id), None)
        if known is None and viewer is not None and viewer.pk == case.created_by_id:
            known = viewer
        lines.append(registration_line(case, registered_by=known))
    return lines


def registration_line(case: Case, registered_by: User | None = None) -> TimelineEntry:
    """The timeline's first line, from the case itself (unsaved); `registered_by` is the case's
    `created_by` when the caller has already read it."""
    if registered_by is None:
        registered_by = (
            get_user_model()
            .objects.select_related("membership")
            .only(*ACTOR_COLUMNS)
            .filter(pk=case.created_by_id)
            .first()
        )
    return TimelineEntry(
        case=case,
        kind=TimelineEntry.Kind.REGISTERED,
        at=case.created_at,
        actor=registered_by,
    )
