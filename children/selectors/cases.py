"""Which cases a user may see, and finding them again."""

import re

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Greatest

from core.models import User
from core.permissions import Perm, has_permission, roles_with
from core.persian import compact, normalize, phonetic_keys, to_latin_digits
from ngos.models import Organisation

from ..models import Case, TimelineEntry

NAME_MATCH_THRESHOLD = 0.4
# "TEH-", "TEH-NGO12-1405-00042", "-1405-": a case number or a piece of one.
_CASE_NUMBER = re.compile(r"^[A-Za-z]{2,}-|-\d{4}-")
_DOCUMENT_NUMBER = re.compile(r"[A-Za-z]{1,3}\d{5,}")


def cases_visible_to(user: User) -> QuerySet[Case]:
    """The cases `user` may open: their own organisation's, for those whose role reads cases.

    Ministry officers and administrators hold no case permission and get none (they see figures).
    The referrals issue widens this with cases shared by an active referral.
    """
    if not has_permission(user, Perm.CASE_VIEW):
        return Case.objects.none()
    return Case.objects.filter(organisation_id=user.membership.organisation_id)


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
        .order_by("first_name", "last_name")
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
    latin = to_latin_digits(term)
    digits = re.sub(r"[\s-]", "", latin)
    if digits.isdigit() and len(digits) >= 4:
        return queryset.filter(Q(search_digits__contains=digits) | Q(case_number__contains=digits))
    if _DOCUMENT_NUMBER.fullmatch(digits):
        # Passports and other documents mix letters and digits (e.g. P01234567).
        return queryset.filter(id_number__iexact=digits)
    if _CASE_NUMBER.search(latin):
        return queryset.filter(case_number__icontains=latin)
    name = normalize(term)
    joined = compact(term)
    keys = phonetic_keys(term) or ("",)
    sounds_like = Q(search_phonetic__trigram_word_similar=keys[0])
    for key in keys:
        sounds_like |= Q(search_phonetic__contains=key) | Q(search_father_phonetic=key)
    # The `%>` operators use the trigram indexes; the connection sets their threshold to 0.4
    # (config/settings/base.py) so short misspelled names still match: "فاطیمه" scores 0.44
    # against "فاطمه". The similarities are computed again only to order the matches.
    return (
        queryset.filter(
            Q(search_name__trigram_word_similar=name)
            | Q(search_father__trigram_word_similar=name)
            | Q(search_compact__contains=joined)
            | sounds_like
        )
        .annotate(
            written=Greatest(
                TrigramWordSimilarity(name, "search_name"),
                TrigramWordSimilarity(name, "search_father"),
            )
        )
        .annotate(
            exactness=SqlCase(
                # Every word of the term, as typed, is a word of the name (or the whole name).
                When(Q(search_compact=joined) | Q(written__gte=1), then=Value(2)),
                When(
                    Q(search_phonetic__in=keys) | Q(search_father_phonetic__in=keys), then=Value(1)
                ),
                default=Value(0),
                output_field=IntegerField(),
            ),
            match=Greatest("written", TrigramWordSimilarity(keys[0], "search_phonetic")),
        )
        .order_by("-exactness", "-match", "-created_at")
    )


TIMELINE_LINES = 50  # the case page shows the newest lines
# What a line shows of who acted: the name, and whether they are of the case's organisation.
ACTOR_COLUMNS = ("first_name", "last_name", "username", "membership__organisation")


def case_timeline(
    case: Case, limit: int = TIMELINE_LINES, *, stored: bool = True, viewer: User | None = None
) -> list[TimelineEntry]:
    """The case's timeline, newest first. Its registration comes last and is not a stored line:
    the case row already records when and by whom (and an import writes 100,000 of them at once,
    where each stored line would cost the import time for nothing new).

    `stored=False` when the caller knows the case has no stored line (the registration only);
    `viewer`, the user reading the page (with their membership), stands for who registered the
    case when that is them."""
    lines = (
        list(
            case.timeline.select_related("actor__membership").only(
                "case", "kind", "at", "detail", *(f"actor__{name}" for name in ACTOR_COLUMNS)
            )[:limit]
        )
        if stored
        else []
    )
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
