"""Which of a case's related lists hold anything, asked in one query for the case page.

Most cases have no transfer, link, report alert, letter, document or schooling change, and many
no note, plan or closure request: the page reads each list only when this says it has rows,
instead of asking a dozen empty questions. The caller has already checked that the user may see
the case; this reads nothing but whether rows exist.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connections, router
from django.db.models import ForeignObjectRel

from ..models import Case

# Related names of Case (reverse foreign keys) whose rows the case page lists.
RELATED = (
    "assessments",
    "closure_requests",
    "consents",
    "documents",
    "encounter_links",
    "follow_ups",
    "link_requests_received",
    "link_requests_sent",
    "notes",
    "plan_goals",
    "referral_letters",
    "referrals",
    "report_alerts",
    "school_changes",
    "timeline",
    "transfers",
)


@cache
def _probe_sql() -> str:
    """SELECT EXISTS (...), ... one column a related name, built once from the models, so a
    renamed table or column follows."""
    connection = connections[router.db_for_read(Case)]
    quote = connection.ops.quote_name
    columns: list[str] = []
    for name in RELATED:
        relation = Case._meta.get_field(name)
        if not isinstance(relation, ForeignObjectRel) or relation.field.column is None:
            raise TypeError(f"Case.{name} is not a list of rows pointing at the case")
        table = quote(relation.field.model._meta.db_table)
        column = quote(relation.field.column)
        # Quoted names from the models; the case id is a parameter.
        columns.append(f"EXISTS (SELECT 1 FROM {table} WHERE {column} = %(case)s)")  # noqa: S608
    return "SELECT " + ", ".join(columns)


@dataclass(frozen=True)
class CaseContents:
    """Which related lists of one case hold rows (`names`, of `RELATED`)."""

    case_id: int
    names: frozenset[str]

    def has(self, name: str) -> bool:
        return name in self.names


def case_page_contents(case: Case) -> CaseContents:
    """The related lists of `case` (of `RELATED`) that hold at least one row."""
    with connections[router.db_for_read(Case)].cursor() as cursor:
        cursor.execute(_probe_sql(), {"case": case.pk})
        found = cursor.fetchone()
    return CaseContents(
        case_id=case.pk,
        names=frozenset(name for name, exists in zip(RELATED, found, strict=True) if exists),
    )


def known_empty(context: Any, case: Case, name: str) -> bool:
    """For the case page's template tags: True when the page's `case_contents` says `case` has
    no rows of `name`, so the tag need not ask; False on a page that did not probe, or for
    another case than the one probed."""
    contents = context.get("case_contents") if context is not None else None
    return contents is not None and contents.case_id == case.pk and not contents.has(name)
