"""The encounter list's and the referral lists' page rows, read as values (issue 21).

The rows were model instances (an encounter with its province and caseworker, a referral with
its case, organisation and service), made by the ORM and then looked up by the template engine
attribute by attribute. Here each page is read as plain tuples (`values_list`) and written in
one pass by children/templatetags/list_row_tags.py. Without filters the page's query is the
same on every request but for the organisation and the page's bounds, so it is compiled once
per process for each bounds (core/compiled.py); with filters it is built by the FilterSet as
before and read as values.
"""

from collections.abc import Callable
from typing import Any, NamedTuple

from django.db.models import BooleanField, ExpressionWrapper, QuerySet

from core.compiled import CompiledRows
from core.pagination import count_of

from ..models import ANONYMOUS_FIELDS, Encounter, Referral
from .referrals import SHARED_WITH_RECEIVER


class EncounterRow(NamedTuple):
    """What a row of children/encounter_list.html shows of an encounter."""

    pk: int
    occurred_at: Any
    hotspot: str
    city: str
    district: str
    activity: str
    follow_up_needed: bool
    province_fa: str
    province_en: str
    caseworker_first_name: str
    caseworker_last_name: str
    caseworker_username: str
    anonymous_total: int


ENCOUNTER_COLUMNS = (
    *("pk", "occurred_at", "hotspot", "city", "district", "activity", "follow_up_needed"),
    *("province__name_fa", "province__name_en"),
    *("caseworker__first_name", "caseworker__last_name", "caseworker__username"),
    *ANONYMOUS_FIELDS.values(),
)
_FIRST_ANONYMOUS = len(EncounterRow._fields) - 1


def encounter_row(values: tuple[Any, ...]) -> EncounterRow:
    """A row of `ENCOUNTER_COLUMNS`, its children not registered summed
    (`Encounter.anonymous_total`)."""
    return EncounterRow._make((*values[:_FIRST_ANONYMOUS], sum(values[_FIRST_ANONYMOUS:])))


class ReferralRow(NamedTuple):
    """What a row of children/referrals/inbox.html shows of a referral: `organisation_*` is
    the other side's (the sender in the inbox, the receiver in the sent list)."""

    pk: int
    sent_at: Any
    answer_due_at: Any
    state: str
    shared: bool
    given_name: str
    family_name: str
    service_fa: str
    service_en: str
    organisation_fa: str
    organisation_en: str


def referral_columns(other_side: str) -> tuple[str, ...]:
    """The columns of a `ReferralRow`; `other_side`: "from_organisation" or "to_organisation"."""
    return (
        *("pk", "sent_at", "answer_due_at", "state", "shared"),
        *("case__given_name", "case__family_name", "service__name_fa", "service__name_en"),
        *(f"{other_side}__name_fa", f"{other_side}__name_en"),
    )


def with_shared(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    """`shared` as children/selectors/referrals.py annotates it (the receiver may read it now)."""
    return queryset.annotate(
        shared=ExpressionWrapper(SHARED_WITH_RECEIVER, output_field=BooleanField())
    )


class CompiledPages:
    """An unfiltered list for a Paginator: `count()` and each page's slice read with queries
    compiled once per process (the page's bounds are in its SQL, so they are the key), each
    row made by `make`."""

    def __init__(
        self,
        rows: CompiledRows,
        counted: CompiledRows,
        make: Callable[[tuple[Any, ...]], Any],
        **ids: int,
    ) -> None:
        self._rows, self._counted, self._make, self._ids = rows, counted, make, ids

    def count(self) -> int:
        count: int = self._counted.rows(None, **self._ids)[0][0]
        return count

    def __getitem__(self, bounds: slice) -> list[Any]:
        rows = self._rows.rows((bounds.start, bounds.stop), **self._ids)
        return [self._make(row) for row in rows]


# encounters_visible_to's rows for a user who logs outreach: the organisation's, newest first.
ORGANISATION_ENCOUNTERS = CompiledRows(
    Encounter,
    lambda key, organisation: count_of(Encounter.objects.filter(organisation_id=organisation)),
)
ORGANISATION_ENCOUNTER_PAGE = CompiledRows(
    Encounter,
    lambda bounds, organisation: (
        Encounter.objects.filter(organisation_id=organisation)
        .order_by("-occurred_at", "-id")
        .values_list(*ENCOUNTER_COLUMNS)[slice(*bounds)]
    ),
)

# referral_inbox's rows for a user who answers referrals: those sent to the organisation,
# newest first.
RECEIVED_REFERRALS = CompiledRows(
    Referral,
    lambda key, organisation: count_of(Referral.objects.filter(to_organisation_id=organisation)),
)
RECEIVED_REFERRAL_PAGE = CompiledRows(
    Referral,
    lambda bounds, organisation: (
        with_shared(Referral.objects.filter(to_organisation_id=organisation))
        .order_by("-sent_at", "-pk")
        .values_list(*referral_columns("from_organisation"))[slice(*bounds)]
    ),
)
