"""Which closed cases the retention rule has reached (RT-01, docs/adr/0028).

A case is due when all of these hold on `today` (Tehran's date):
- it is closed, not anonymised already, and not under a legal hold;
- RETENTION_YEARS_AFTER_CLOSURE years have passed since the day it was closed;
- the child is past 18 plus RETENTION_YEARS_AFTER_18 years. With a birth date that is the
  birthday; with only an estimated age, the latest birthday the estimate allows (a child said
  to be A years old on day D may have turned A on D itself), so an estimate never brings the
  day forward.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from ..models import Case
from ..models.choices import CaseStatus

ADULT_AGE = 18


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class Rule:
    years_after_closure: int
    years_after_adulthood: int

    @classmethod
    def configured(cls) -> "Rule":
        return cls(settings.RETENTION_YEARS_AFTER_CLOSURE, settings.RETENTION_YEARS_AFTER_18)

    def closed_before(self, today: datetime.date) -> datetime.datetime:
        """Cases closed before this moment have been closed long enough on `today`."""
        return _start_of_day(years_after(today, -self.years_after_closure) + datetime.timedelta(1))

    def adult_enough_on(self, case: Case) -> datetime.date | None:
        """The day the child is past 18 plus the margin, or None when the age is unknown."""
        years = ADULT_AGE + self.years_after_adulthood
        if case.birth_date is not None:
            return years_after(case.birth_date, years)
        if case.estimated_age is not None:
            estimated_on = case.estimated_age_on or case.registered_on
            return years_after(estimated_on, years - case.estimated_age)
        return None


def closed_long_enough(today: datetime.date, rule: Rule | None = None) -> QuerySet[Case]:
    """Closed, not anonymised, not held cases closed long enough ago (the age is not checked)."""
    rule = rule or Rule.configured()
    return Case.objects.filter(
        status=CaseStatus.CLOSED,
        anonymised_at__isnull=True,
        legal_hold=False,
        closed_at__lt=rule.closed_before(today),
    )


def is_due(case: Case, today: datetime.date, rule: Rule | None = None) -> bool:
    rule = rule or Rule.configured()
    if case.status != CaseStatus.CLOSED or case.anonymised_at is not None or case.legal_hold:
        return False
    if case.closed_at is None or case.closed_at >= rule.closed_before(today):
        return False
    adult_on = rule.adult_enough_on(case)
    return adult_on is not None and adult_on <= today


def due_case_ids(today: datetime.date, rule: Rule | None = None) -> list[int]:
    """Ids of the cases the rule has reached on `today`, oldest closure first."""
    rule = rule or Rule.configured()
    candidates = (
        closed_long_enough(today, rule)
        .only(
            "id",
            "status",
            "closed_at",
            "anonymised_at",
            "legal_hold",
            "registered_on",
            "birth_date",
            "estimated_age",
            "estimated_age_on",
        )
        .order_by("closed_at", "id")
    )
    return [case.pk for case in candidates.iterator() if is_due(case, today, rule)]


@dataclass(frozen=True)
class RetentionCounts:
    """What a run would do or did: the dry run's report."""

    due: int
    held: int
    anonymised_before: int


def retention_counts(
    today: datetime.date, rule: Rule | None = None, due: list[int] | None = None
) -> RetentionCounts:
    """The dry run's figures; `due` is due_case_ids' answer when the caller has it already."""
    rule = rule or Rule.configured()
    held = Case.objects.filter(
        status=CaseStatus.CLOSED, legal_hold=True, closed_at__lt=rule.closed_before(today)
    ).count()
    return RetentionCounts(
        due=len(due if due is not None else due_case_ids(today, rule)),
        held=held,
        anonymised_before=Case.objects.filter(anonymised_at__isnull=False).count(),
    )
