"""Case numbers: `TEH-NGO12-1405-00042` is the home province, the organisation, the Jalali year
of registration and a sequence per organisation and year.

Registration takes one number, an import a block per year; both go through one upsert on
CaseNumberSequence, which takes the numbers atomically, so concurrent writers never share one.
"""

from django.db import connection

from core.jalali import to_jalali


def reserve_case_numbers(organisation, years):
    """{jalali year: [case numbers]} for ``years`` = {year: how many}; one upsert per year."""
    prefix = organisation.home_province.abbreviation or "IRN"
    numbers = {}
    with connection.cursor() as cursor:
        for year, count in sorted(years.items()):
            cursor.execute(
                """
                INSERT INTO children_casenumbersequence (organisation_id, jalali_year, last)
                VALUES (%s, %s, %s)
                ON CONFLICT (organisation_id, jalali_year)
                DO UPDATE SET last = children_casenumbersequence.last + EXCLUDED.last
                RETURNING last
                """,
                [organisation.pk, year, count],
            )
            (last,) = cursor.fetchone()
            numbers[year] = [
                f"{prefix}-{organisation.code}-{year}-{n:05d}"
                for n in range(last - count + 1, last + 1)
            ]
    return numbers


def next_case_number(organisation, on_date):
    """The next case number of the organisation for a child registered on ``on_date``."""
    year = to_jalali(on_date).year
    return reserve_case_numbers(organisation, {year: 1})[year][0]
