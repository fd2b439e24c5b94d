"""Rebuild the summary tables the dashboards and reports read (a Celery job, every 15 minutes).

Each source table is read once with GROUPING SETS: one pass gives the totals and every
breakdown per Jalali month and province. The rebuild deletes and refills `reports_summaryfact`
in one transaction, so readers see the old figures until the new ones are complete, and an
advisory lock keeps two rebuilds from interleaving.

Case figures count children: cases two organisations agreed are the same child (an accepted
CaseLink) count once, as the group's first-registered case (docs/adr/0017). The rows read here
are children_case and children_caselink, the exception children/selectors/reporting.py names.
"""

import datetime
import time

import jdatetime
from django.conf import settings
from django.db import connection, router, transaction
from django.utils import timezone

from core.compiled import CompiledRows

from . import summary_protection
from .models import CalendarDay, SummaryFact, SummaryRefresh

# The calendar covers 1370 (1991) onwards: older dates in imported files are not reported on.
CALENDAR_FROM = datetime.date(1991, 3, 21)
CALENDAR_AHEAD_DAYS = 400
LOCK_KEY = 7_301_405  # pg_advisory_xact_lock key of the summary rebuild

# Age at registration from the date of birth, else the estimated age, in the bands.
AGE_BAND_SQL = """
    CASE
        WHEN age IS NULL OR age > 17 THEN 'unknown'
        WHEN age < 6 THEN 'under6'
        WHEN age <= 11 THEN '6_11'
        WHEN age <= 14 THEN '12_14'
        ELSE '15_17'
    END
"""

# The f-strings below assemble constants only; nothing a person typed reaches them.

# Cases linked as one child (docs/adr/0017): `summary_linked_case(case_id, first_id,
# first_province_id)` has one row per case in a group of accepted links, naming the group's
# first-registered case (the earliest registration date, then the lowest id) and its province.
# Links join cases pairwise and a child may be held by three organisations, so the groups are the
# connected components of the accepted links, followed both ways; UNION (not UNION ALL) stops the
# walk on a cycle. The groups are worked out once per rebuild into a temporary table, analysed so
# the planner knows how few they are (its guess for a recursive CTE is fifty times too many),
# and read by the three case statements.
LINKED_TABLE = "summary_linked_case"
LINKED_SQL = f"""
CREATE TEMPORARY TABLE {LINKED_TABLE} ON COMMIT DROP AS
WITH RECURSIVE edges(a, b) AS (
    SELECT requesting_case_id, target_case_id FROM children_caselink WHERE state = 'accepted'
    UNION
    SELECT target_case_id, requesting_case_id FROM children_caselink WHERE state = 'accepted'
),
reach(start, case_id) AS (
    SELECT DISTINCT a, a FROM edges
    UNION
    SELECT r.start, e.b FROM reach r JOIN edges e ON e.a = r.case_id
)
SELECT DISTINCT ON (r.start) r.start AS case_id, m.id AS first_id,
       m.province_id AS first_province_id
FROM reach r JOIN children_case m ON m.id = r.case_id
ORDER BY r.start, m.registered_on, m.id
"""  # noqa: S608

# A linked case other than its group's first is left out: the child is counted with the first.
CASES_SQL = f"""
INSERT INTO reports_summaryfact (jalali_month, province_id, measure, dimension, category, count)
SELECT jalali_month, province_id, 'registered',
       CASE WHEN GROUPING(sex_age) = 0 THEN 'sex_age'
            WHEN GROUPING(nationality) = 0 THEN 'nationality'
            WHEN GROUPING(documentation) = 0 THEN 'documentation'
            WHEN GROUPING(work_type) = 0 THEN 'work_type'
            WHEN GROUPING(school_status) = 0 THEN 'school_status'
            ELSE '' END,
       COALESCE(sex_age, nationality, documentation, work_type, school_status, ''),
       count(*)
FROM (
    SELECT d.jalali_month, c.province_id,
           c.sex || ':' || {AGE_BAND_SQL} AS sex_age,
           COALESCE(NULLIF(c.nationality, ''), 'unknown') AS nationality,
           -- An import without the column says "not recorded" (issue 16): counted as unknown.
           COALESCE(NULLIF(NULLIF(c.documentation, ''), 'not_recorded'), 'unknown')
               AS documentation,
           COALESCE(NULLIF(c.work_type, ''), 'unknown') AS work_type,
           COALESCE(NULLIF(c.school_status, ''), 'unknown') AS school_status
    FROM (
        SELECT *, COALESCE(date_part('year', age(registered_on, birth_date))::int,
                           estimated_age) AS age
        FROM children_case
        WHERE NOT EXISTS (
            SELECT 1 FROM {LINKED_TABLE} l
            WHERE l.case_id = children_case.id AND l.first_id <> l.case_id
        )
    ) c
    JOIN reports_calendarday d ON d.day = c.registered_on
) cases
GROUP BY GROUPING SETS (
    (jalali_month, province_id),
    (jalali_month, province_id, sex_age),
    (jalali_month, province_id, nationality),
    (jalali_month, province_id, documentation),
    (jalali_month, province_id, work_type),
    (jalali_month, province_id, school_status)
)
"""  # noqa: S608

# A child is closed when every case of it is: a linked child closes with the last of its cases
# (that case's month and reason), in its first case's province, where it was counted as
# registered, so that open = registered - closed holds in every province.
CLOSED_SQL = f"""
INSERT INTO reports_summaryfact (jalali_month, province_id, measure, dimension, category, count)
SELECT d.jalali_month, c.province_id, 'closed',
       CASE WHEN GROUPING(reason) = 0 THEN 'closure_reason' ELSE '' END,
       COALESCE(reason, ''), count(*)
FROM (
    SELECT province_id, COALESCE(NULLIF(closure_reason, ''), 'unknown') AS reason,
           (closed_at AT TIME ZONE %(zone)s)::date AS closed_on
    FROM children_case
    WHERE closed_at IS NOT NULL AND status = 'closed'
      AND NOT EXISTS (SELECT 1 FROM {LINKED_TABLE} l WHERE l.case_id = children_case.id)
    UNION ALL
    SELECT g.province_id, COALESCE(NULLIF(g.reason, ''), 'unknown'),
           (g.closed_at AT TIME ZONE %(zone)s)::date
    FROM (
        SELECT l.first_id, l.first_province_id AS province_id,
               bool_and(m.status = 'closed') AS all_closed,
               max(m.closed_at) AS closed_at,
               (array_agg(m.closure_reason ORDER BY m.closed_at DESC, m.id DESC))[1] AS reason
        FROM {LINKED_TABLE} l JOIN children_case m ON m.id = l.case_id
        GROUP BY l.first_id, l.first_province_id
    ) g
    WHERE g.all_closed
) c
JOIN reports_calendarday d ON d.day = c.closed_on
GROUP BY GROUPING SETS ((d.jalali_month, c.province_id), (d.jalali_month, c.province_id, reason))
"""  # noqa: S608

# The cases left out of "registered" because their child was counted with another organisation's
# case, in their own month and province: the quarterly report says how many it merged.
MERGED_SQL = f"""
INSERT INTO reports_summaryfact (jalali_month, province_id, measure, dimension, category, count)
SELECT d.jalali_month, c.province_id, 'merged', '', '', count(*)
FROM {LINKED_TABLE} l
JOIN children_case c ON c.id = l.case_id
JOIN reports_calendarday d ON d.day = c.registered_on
WHERE l.first_id <> l.case_id
GROUP BY d.jalali_month, c.province_id
"""  # noqa: S608

_ANONYMOUS_COLUMNS = [
    (sex, band) for sex in ("female", "male") for band in ("under6", "6_11", "12_14", "15_17")
]

ENCOUNTERS_SQL = f"""
WITH monthly AS (
    SELECT d.jalali_month, e.province_id, count(*) AS encounters,
           {", ".join(f"sum(anon_{sex}_{band}) AS a_{sex}_{band}" for sex, band in _ANONYMOUS_COLUMNS)}
    FROM children_encounter e
    JOIN reports_calendarday d ON d.day = (e.occurred_at AT TIME ZONE %(zone)s)::date
    GROUP BY d.jalali_month, e.province_id
)
INSERT INTO reports_summaryfact (jalali_month, province_id, measure, dimension, category, count)
SELECT jalali_month, province_id, 'encounters', '', '', encounters FROM monthly
UNION ALL
SELECT jalali_month, province_id, 'anonymous', '', '',
       {" + ".join(f"a_{sex}_{band}" for sex, band in _ANONYMOUS_COLUMNS)} FROM monthly
UNION ALL
SELECT m.jalali_month, m.province_id, 'anonymous', 'sex_age', v.category, v.count
FROM monthly m
CROSS JOIN LATERAL (VALUES
    {", ".join(f"('{sex}:{band}', a_{sex}_{band})" for sex, band in _ANONYMOUS_COLUMNS)}
) AS v(category, count)
WHERE v.count > 0
"""  # noqa: S608


def ensure_calendar(today=None):
    """Add the calendar days up to a year ahead of today (a no-op on most runs)."""
    today = today or timezone.localdate()
    until = today + datetime.timedelta(days=CALENDAR_AHEAD_DAYS)
    last = CalendarDay.objects.order_by("-day").values_list("day", flat=True).first()
    day = CALENDAR_FROM if last is None else last + datetime.timedelta(days=1)
    rows = []
    while day <= until:
        j = jdatetime.date.fromgregorian(date=day)
        rows.append(CalendarDay(day=day, jalali_month=j.year * 100 + j.month))
        day += datetime.timedelta(days=1)
    CalendarDay.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)


def refresh_summaries():
    """Rebuild every summary figure; returns the SummaryRefresh row."""
    started = time.monotonic()
    ensure_calendar()
    params = {"zone": settings.TIME_ZONE}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        cursor.execute("DELETE FROM reports_summaryfact")
        # JIT compiling costs about half a second per statement here, more than it saves on these
        # few hundred thousand rows (measured at national scale: docs/adr/0017).
        cursor.execute("SET LOCAL jit = off")
        # Dropped at commit; dropped here too when the rebuild runs inside an outer transaction
        # (a test), where a second rebuild would otherwise find it still there.
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{LINKED_TABLE}")
        cursor.execute(LINKED_SQL)
        cursor.execute(f"ANALYZE {LINKED_TABLE}")
        cursor.execute(CASES_SQL)
        cursor.execute(CLOSED_SQL, params)
        cursor.execute(MERGED_SQL)
        summary_protection.refresh(cursor, LINKED_TABLE)
        cursor.execute(ENCOUNTERS_SQL, params)
        facts = SummaryFact.objects.count()
        refresh = SummaryRefresh.objects.create(
            refreshed_at=timezone.now(), seconds=time.monotonic() - started, facts=facts
        )
        SummaryRefresh.objects.filter(refreshed_at__lt=refresh.refreshed_at).delete()
    return refresh


# Every field, in the model's order: from_db takes a whole row positionally.
_REFRESH_FIELDS = tuple(field.attname for field in SummaryRefresh._meta.concrete_fields)
# Every dashboard request asks; compiled once per process (core/compiled.py, issue 21). The
# newest: two rebuilds can share a timestamp (a frozen clock), and both rows are kept.
_LAST_REFRESH = CompiledRows(
    SummaryRefresh,
    lambda key: SummaryRefresh.objects.order_by("-refreshed_at", "-id").values_list(
        *_REFRESH_FIELDS
    )[:1],
)


def last_refresh():
    rows = _LAST_REFRESH.rows(None)
    if not rows:
        return None
    return SummaryRefresh.from_db(
        router.db_for_read(SummaryRefresh), list(_REFRESH_FIELDS), rows[0]
    )
