"""An import that updates a child in a family keeps the family's answers once.

The shared answers (guardian, people and earners: ``SHARED_FIELDS``) are the household's, and each
member's case holds a copy (docs/adr/0016-families-and-households.md). A file row that changes
them on one brother's case changes the household and so every brother and sister, as the
household section of the case page does; otherwise the copies would drift apart. Set-based, in the
import's transaction, after the changed cases are written.
"""

import json

from django.utils import timezone

from ..models import SHARED_FIELDS


def spread_to_households(cursor, present_fields, by, job_id):
    """Give each household touched by the file's updated rows the values of its member's row (the
    file's last such row where two siblings are in the file), then copy them onto every member
    whose copy differs. Returns the ids of the members changed this way, whose search keys (the
    guardian's phone is one) the caller refreshes."""
    fields = [name for name in SHARED_FIELDS if name in present_fields]
    if not fields:
        return []
    now = timezone.now()
    columns = ", ".join(fields)
    household_columns = ", ".join(f"h.{name}" for name in fields)
    case_columns = ", ".join(f"c.{name}" for name in fields)
    source_columns = ", ".join(f"s.{name}" for name in fields)
    # Constant column names from the model; only values are parameters.
    cursor.execute(
        f"""
        UPDATE children_household h
        SET ({columns}) = ROW({source_columns}), version = h.version + 1, updated_at = %s
        FROM (
            SELECT DISTINCT ON (c.household_id) c.household_id, {case_columns}
            FROM children_case c JOIN import_stage_update u ON u.case_id = c.id
            WHERE c.household_id IS NOT NULL
            ORDER BY c.household_id, u.row_no DESC
        ) s
        WHERE h.id = s.household_id AND ({household_columns}) IS DISTINCT FROM ({source_columns})
        RETURNING h.id
        """,  # noqa: S608
        [now],
    )
    households = [row[0] for row in cursor.fetchall()]
    if not households:
        return []
    cursor.execute(
        f"""
        UPDATE children_case c
        SET ({columns}) = ROW({household_columns}), version = c.version + 1, updated_at = %s
        FROM children_household h
        WHERE c.household_id = h.id AND h.id = ANY(%s)
          AND ({case_columns}) IS DISTINCT FROM ({household_columns})
        RETURNING c.id, c.household_id
        """,  # noqa: S608
        [now, households],
    )
    changed = cursor.fetchall()
    if changed:
        cursor.execute(
            """
            INSERT INTO children_timelineentry (case_id, kind, at, actor_id, detail)
            SELECT member.id, 'updated', %s, %s, jsonb_build_object(
                'import', %s::int, 'household', member.household_id, 'fields', %s::jsonb)
            FROM unnest(%s::bigint[], %s::bigint[]) AS member(id, household_id)
            """,
            [
                now,
                by.pk,
                job_id,
                json.dumps(fields),
                [pk for pk, _household in changed],
                [household for _pk, household in changed],
            ],
        )
    return [pk for pk, _household in changed]
