"""Summary figures for child labour and the law and for children back in school (issue 20,
docs/adr/0035), rebuilt with the other summaries by reports/summary.py, in its transaction.

Like the case figures there, they count children: a case linked to another organisation's case
of the same child counts as the group's first case, in that case's province (docs/adr/0017).
They read children_case (its stored Labour Law flags, children/labour_law.py) and
children_schoolstatuschange, the exception children/selectors/reporting.py names.

- "labour" / "flag" / <flag>: children registered in the month whose case now holds the flag
  (the work section is filled in over later visits, so the flags are read as they stand).
- "reenrolled": children back in school in the month: a change of school status into
  "enrolled" from "dropped out" or "never enrolled", counted once per child and school year
  (in the month of the first such change of that school year, which starts on 1 Mehr), so that
  the months of one school year add up to its children.
"""

# The f-strings below assemble constants only; nothing a person typed reaches them.

SCHOOL_YEAR_START_MONTH = 7  # Mehr


def _labour_sql(linked: str) -> str:
    return f"""
INSERT INTO reports_summaryfact (jalali_month, province_id, measure, dimension, category, count)
SELECT d.jalali_month, c.province_id, 'labour', 'flag', f.flag, count(*)
FROM children_case c
CROSS JOIN LATERAL unnest(c.labour_flags) AS f(flag)
JOIN reports_calendarday d ON d.day = c.registered_on
WHERE c.labour_flags <> '{{}}'
  AND NOT EXISTS (SELECT 1 FROM {linked} l WHERE l.case_id = c.id AND l.first_id <> l.case_id)
GROUP BY d.jalali_month, c.province_id, f.flag
"""  # noqa: S608


def _reenrolled_sql(linked: str) -> str:
    return f"""
INSERT INTO reports_summaryfact (jalali_month, province_id, measure, dimension, category, count)
SELECT jalali_month, province_id, 'reenrolled', '', '', count(*)
FROM (
    SELECT DISTINCT ON (child, school_year) child, province_id, jalali_month
    FROM (
        SELECT COALESCE(l.first_id, c.id) AS child,
               COALESCE(l.first_province_id, c.province_id) AS province_id,
               d.jalali_month, s.changed_on, s.id,
               d.jalali_month / 100
                   - CASE WHEN d.jalali_month % 100 >= {SCHOOL_YEAR_START_MONTH} THEN 0 ELSE 1 END
                   AS school_year
        FROM children_schoolstatuschange s
        JOIN children_case c ON c.id = s.case_id
        JOIN reports_calendarday d ON d.day = s.changed_on
        LEFT JOIN {linked} l ON l.case_id = c.id
        WHERE s.to_status = 'enrolled' AND s.from_status IN ('dropped_out', 'never_enrolled')
    ) returns
    ORDER BY child, school_year, changed_on, id
) firsts
GROUP BY jalali_month, province_id
"""  # noqa: S608


def refresh(cursor, linked_table: str) -> None:
    """Insert this module's summary facts (the caller has emptied the table and built
    `linked_table`, the linked children of docs/adr/0017)."""
    cursor.execute(_labour_sql(linked_table))
    cursor.execute(_reenrolled_sql(linked_table))
