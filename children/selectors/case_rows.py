"""The case list's page rows, read as values (issue 21).

The list's 25 rows were Case instances (with their caseworker), made by the ORM for the twelve
columns the table shows: about a fifth of the case search's CPU. Here they are read with
`values_list` into `CaseRow`s, which give what children/templatetags/case_list_tags.py
`case_row` reads of a case (`full_name`, `age()`, the caseworker as `str(user)` gives). Without
filters the page's query is compiled once per process for each page's bounds (core/compiled.py).
"""

import datetime
from typing import Any, NamedTuple

from django.db.models import QuerySet
from django.utils import timezone

from core.compiled import CompiledRows
from core.exports import person_name

from ..ages import age_on
from ..models import Case
from ..models.cases import join_names
from .cases import organisation_cases


class CaseRow(NamedTuple):
    """What a row of children/case_list.html shows of a case."""

    pk: int
    case_number: str
    given_name: str
    family_name: str
    father_name: str
    status: str
    risk_level: str
    labour_flags: list[str] | None
    birth_date: datetime.date | None
    estimated_age: int | None
    estimated_age_on: datetime.date | None
    registered_on: datetime.date | None
    assigned_to: str  # the caseworker, as `str(user)` gives

    @property
    def full_name(self) -> str:
        return join_names(self.given_name, self.family_name)

    def age(self, on: datetime.date | None = None) -> int | None:
        """`Case.age`: whole years today (or `on`), from the birth date or the dated estimate."""
        return age_on(
            birth_date=self.birth_date,
            estimated_age=self.estimated_age,
            estimated_age_on=self.estimated_age_on or self.registered_on,
            on=on or timezone.localdate(),
        )


CASE_ROW_COLUMNS = (
    *("pk", "case_number", "given_name", "family_name", "father_name", "status", "risk_level"),
    *("labour_flags", "birth_date", "estimated_age", "estimated_age_on", "registered_on"),
    *("assigned_to__first_name", "assigned_to__last_name", "assigned_to__username"),
)
_CASEWORKER = len(CaseRow._fields) - 1


def case_row(values: tuple[Any, ...]) -> CaseRow:
    """A row of `CASE_ROW_COLUMNS`, the caseworker's names made into one."""
    return CaseRow._make((*values[:_CASEWORKER], person_name(*values[_CASEWORKER:])))


def case_rows(queryset: QuerySet[Case]) -> list[CaseRow]:
    """`queryset`'s cases as rows, in its order."""
    return [case_row(values) for values in queryset.values_list(*CASE_ROW_COLUMNS)]


class CaseRowsOf:
    """A QuerySet of cases for a Paginator: `count()` as it counts, each page's slice as rows."""

    def __init__(self, queryset: QuerySet[Case]) -> None:
        self._queryset = queryset

    def count(self) -> int:
        return self._queryset.count()

    def __getitem__(self, bounds: slice) -> list[CaseRow]:
        return case_rows(self._queryset[bounds])


# cases_visible_to's rows for a user who reads cases: the organisation's, newest first (the
# model's ordering, as the list gives them unfiltered).
ORGANISATION_CASE_PAGE = CompiledRows(
    Case,
    lambda bounds, organisation: (
        organisation_cases(organisation)
        .order_by("-created_at", "-id")  # the model's ordering
        .values_list(*CASE_ROW_COLUMNS)[slice(*bounds)]
    ),
)
