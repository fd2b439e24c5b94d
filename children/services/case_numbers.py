"""Case numbers: `TEH-NGO12-1405-00042` is the home province, the organisation, the Jalali year
of registration and a sequence per organisation and year.

Registration takes one number, an import a block per year; both go through one upsert on
CaseNumberSequence, which takes the numbers atomically, so concurrent writers never share one.
"""

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import connection

from core.jalali import to_jalali

if TYPE_CHECKING:
    from ngos.models import Organisation


def reserve_case_numbers(
    organisation: "Organisation", years: Mapping[int, int]
) -> dict[int, list[str]]:
    """{jalali year: [case numbers]} for ``years`` = {year: how many}; one upsert per year."""
    prefix = organisation.home_province.abbreviation or "IRN"
    numbers: dict[int, list[str]] = {}
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
            row = cursor.fetchone()
            assert row is not None  # noqa: S101  (RETURNING always gives the row)
            last = row[0]
            numbers[year] = [
                f"{prefix}-{organisation.code}-{year}-{n:05d}"
                for n in range(last - count + 1, last + 1)
            ]
    return numbers


def next_case_number(organisation: "Organisation", on_date: datetime.date) -> str:
    """The next case number of the organisation for a child registered on ``on_date``."""
    year = to_jalali(on_date).year
    return reserve_case_numbers(organisation, {year: 1})[year][0]
