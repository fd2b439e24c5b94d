"""Keeping the Labour Law flags and the schooling history of cases (docs/adr/0035).

The rules are children/labour_law.py; this module stores what they say on the case, in the
caller's transaction, and records schooling changes.
"""

import datetime
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from core.models import User

from .. import labour_law
from ..models import Case, SchoolStatusChange

# Read per case to compute its flags: the work and the age, nothing identifying.
FLAG_INPUTS = (
    "id",
    "birth_date",
    "estimated_age",
    "estimated_age_on",
    "registered_on",
    "work_type",
    "work_hours_per_week",
    "hazards",
)
CHUNK = 5000


def apply_labour_flags(case: Case, on: datetime.date | None = None) -> None:
    """Set the case's stored flags and their recheck date from its fields (not saved here)."""
    case.labour_flags, case.labour_flags_recheck_on = labour_law.case_values(
        case, on or timezone.localdate()
    )


def record_school_change(
    *,
    case: Case,
    from_status: str,
    to_status: str,
    by: User | None,
    on: datetime.date | None = None,
) -> SchoolStatusChange | None:
    """Keep a change of the case's school status with its date; nothing when it did not change."""
    if from_status == to_status:
        return None
    return SchoolStatusChange.objects.create(
        case=case,
        from_status=from_status,
        to_status=to_status,
        changed_on=on or timezone.localdate(),
        recorded_by=by,
    )


class _Row:
    """A case's flag inputs read as a tuple, with the attribute names labour_law reads."""

    __slots__ = FLAG_INPUTS

    def __init__(self, values: tuple[object, ...]) -> None:
        for name, value in zip(FLAG_INPUTS, values, strict=True):
            setattr(self, name, value)


def labour_flags_refresh(
    case_ids: Iterable[int] | None = None, on: datetime.date | None = None
) -> int:
    """Recompute the stored flags of `case_ids` (every case when None) and write those that
    changed, a chunk at a time: one read and one ``UPDATE … FROM unnest`` per 5,000 cases.
    Returns how many cases changed. Used by imports, the daily recheck and the fill command."""
    on = on or timezone.localdate()
    cases = Case.objects.order_by("id")
    if case_ids is not None:
        ids = sorted(set(case_ids))
        if not ids:
            return 0
        chunks: Iterable[list[int] | None] = (ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK))
    else:
        chunks = [None]
    changed = 0
    for chunk in chunks:
        rows = cases if chunk is None else cases.filter(id__in=chunk)
        batch: list[tuple[int, str, datetime.date | None]] = []
        for values in rows.values_list(*FLAG_INPUTS).iterator(chunk_size=CHUNK):
            row = _Row(values)
            flags, recheck = labour_law.case_values(row, on)
            batch.append((int(values[0]), ",".join(flags), recheck))
            if len(batch) >= CHUNK:
                changed += _write(batch)
                batch = []
        changed += _write(batch)
    return changed


def _write(batch: list[tuple[int, str, datetime.date | None]]) -> int:
    if not batch:
        return 0
    ids, flags, rechecks = zip(*batch, strict=True)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE children_case c
            SET labour_flags = string_to_array(u.flags, ',')::varchar(16)[],
                labour_flags_recheck_on = u.recheck
            FROM unnest(%s::bigint[], %s::text[], %s::date[]) AS u(id, flags, recheck)
            WHERE c.id = u.id
              AND (c.labour_flags, c.labour_flags_recheck_on)
                  IS DISTINCT FROM (string_to_array(u.flags, ',')::varchar(16)[], u.recheck)
            """,
            [list(ids), list(flags), list(rechecks)],
        )
        return int(cursor.rowcount)


@transaction.atomic
def labour_flags_recheck_due(today: datetime.date | None = None) -> int:
    """The daily job: recheck the cases whose child turned 15 or 18 by `today`."""
    today = today or timezone.localdate()
    due = Case.objects.filter(labour_flags_recheck_on__lte=today).values_list("id", flat=True)
    return labour_flags_refresh(list(due), on=today)
