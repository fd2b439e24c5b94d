"""A child's age on a day: the one rule for cases (``Case.age``), imports and the Labour Law
flags (children/labour_law.py). No imports of its own, so models and rules can both use it."""

import datetime


def age_on(
    *,
    birth_date: datetime.date | None,
    estimated_age: int | None,
    estimated_age_on: datetime.date | None,
    on: datetime.date,
) -> int | None:
    """Age in whole years on `on`, from the birth date, else the estimate and the date it was
    true on (a year more every 365 days since); None when neither is known."""
    if birth_date:
        before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
        return on.year - birth_date.year - before_birthday
    if estimated_age is not None and estimated_age_on is not None:
        return estimated_age + max(0, (on - estimated_age_on).days // 365)
    return None
