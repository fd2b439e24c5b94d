"""Child labour and Iran's Labour Law (قانون کار): which of a child's work the law bars.

The one place the rules live (docs/adr/0035). Pure functions: no database, no clock unless
given a date. The services store the flags on the case (``Case.labour_flags``) when a case is
saved or imported, and a daily job rechecks the cases whose age crossed 15 or 18
(``Case.labour_flags_recheck_on``), so that the case list filters on a column.

The articles (Labour Law of 1369 / 1990):

- Article 79: employing a person under 15 full years of age is prohibited.
- Article 80: a worker aged 15 to 18 full years is a "young worker" (کارگر نوجوان).
- Article 82: a young worker's working day is half an hour shorter than other workers'.
- Article 83: overtime, night work, hard, harmful or dangerous work and carrying loads by hand
  beyond the limit are prohibited for young workers.
- Article 84: in work that by its nature or conditions harms the health or morals of the young,
  the minimum age is 18 full years (the Ministry of Labour decides which work that is).
- Article 51 (with its 1380 amendment): the ordinary working week is 44 hours, over six days.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from .ages import age_on
from .models.choices import Hazard, LabourFlag, WorkType

# Article 79: no employment under 15 full years. Article 80: a young worker is 15 to 18.
MINIMUM_WORKING_AGE = 15
ADULT_AGE = 18
# Article 51: 44 hours a week for adults, over six working days. Article 82: a young worker's day
# is half an hour shorter, so at most 44 - 6 × 0.5 = 41 hours a week; Article 83 bars overtime.
ADULT_HOURS_PER_WEEK = 44
WORKING_DAYS_PER_WEEK = 6
YOUNG_WORKER_HOURS_PER_WEEK = ADULT_HOURS_PER_WEEK - WORKING_DAYS_PER_WEEK // 2  # 41

# Article 84 (and 83's "hard, harmful or dangerous work and carrying loads by hand"): the hazards
# the case records that make work harmful to a child's health. Traffic, weather and violence are
# recorded for protection, but the law does not bar work because of them. Night work is
# Article 83's own rule (YOUNG_WORKER_HOURS below), barred for young workers, not a hazard here.
HARMFUL_HAZARDS = frozenset({Hazard.HEAVY_LOADS, Hazard.CHEMICALS, Hazard.MACHINERY})
# Work that is harmful by its nature: waste collection (زباله‌گردی), which the Ministry of Labour
# names among the worst forms of child labour, and carrying loads (Article 83).
HARMFUL_WORK_TYPES = frozenset({WorkType.WASTE_PICKING, WorkType.PORTERING})


ARTICLES = {
    LabourFlag.UNDER_15: _("Labour Law, Article 79"),
    LabourFlag.HAZARDOUS: _("Labour Law, Articles 83 and 84"),
    LabourFlag.YOUNG_WORKER_HOURS: _("Labour Law, Articles 82 and 83"),
}


@dataclass(frozen=True)
class Finding:
    """One flag with why it holds, for the case page."""

    flag: LabourFlag
    reason: str

    @property
    def label(self) -> str:
        return str(self.flag.label)

    @property
    def article(self) -> str:
        return str(ARTICLES[self.flag])


def is_working(work_type: str, hours_per_week: int | None) -> bool:
    """A child works when a type of work is recorded, or hours of work without a type.

    "Not working" recorded by the caseworker wins over stray hours.
    """
    if work_type == WorkType.NONE:
        return False
    return bool(work_type) or bool(hours_per_week)


def flags(
    *, age: int | None, work_type: str, hours_per_week: int | None, hazards: Iterable[str]
) -> list[str]:
    """The flags that hold for a child of `age` (None: not known) doing this work, as stored on
    the case, in LabourFlag's order. The rules themselves; `findings` explains them.

    An unknown age raises no flag: the law's lines are ages, and a guess would accuse wrongly.
    From 18 the Labour Law's rules for children no longer apply.
    """
    if age is None or age >= ADULT_AGE or not is_working(work_type, hours_per_week):
        return []
    hazards = set(hazards or ())
    found = []
    if age < MINIMUM_WORKING_AGE:  # Article 79
        found.append(LabourFlag.UNDER_15.value)
    if hazards & HARMFUL_HAZARDS or work_type in HARMFUL_WORK_TYPES:  # Articles 83, 84
        found.append(LabourFlag.HAZARDOUS.value)
    if age >= MINIMUM_WORKING_AGE and (  # Articles 80, 82, 83: young workers
        Hazard.NIGHT_WORK in hazards
        or (hours_per_week is not None and hours_per_week > YOUNG_WORKER_HOURS_PER_WEEK)
    ):
        found.append(LabourFlag.YOUNG_WORKER_HOURS.value)
    return found


def findings(
    *, age: int | None, work_type: str, hours_per_week: int | None, hazards: Iterable[str]
) -> list[Finding]:
    """The flags of `flags`, each with the reason it holds, in the reader's language."""
    hazards = set(hazards or ())
    found = []
    for flag in flags(age=age, work_type=work_type, hours_per_week=hours_per_week, hazards=hazards):
        if flag == LabourFlag.UNDER_15:
            reason = str(_("Employing a child under 15 is prohibited."))
        elif flag == LabourFlag.HAZARDOUS:
            what = [str(Hazard(h).label) for h in sorted(hazards & HARMFUL_HAZARDS)]
            if work_type in HARMFUL_WORK_TYPES:
                what.insert(0, str(WorkType(work_type).label))
            reason = str(_("Harmful work is barred under 18: %(what)s.")) % {
                "what": ", ".join(what)
            }
        else:
            parts = []
            if Hazard.NIGHT_WORK in hazards:
                parts.append(str(_("works at night")))
            if hours_per_week is not None and hours_per_week > YOUNG_WORKER_HOURS_PER_WEEK:
                parts.append(
                    str(_("works %(hours)s hours a week, more than %(limit)s"))
                    % {"hours": hours_per_week, "limit": YOUNG_WORKER_HOURS_PER_WEEK}
                )
            reason = str(_("A young worker (15 to 17) %(what)s.")) % {"what": "; ".join(parts)}
        found.append(Finding(LabourFlag(flag), reason))
    return found


def next_age_line(
    *,
    birth_date: datetime.date | None,
    estimated_age: int | None,
    estimated_age_on: datetime.date | None,
    on: datetime.date,
) -> datetime.date | None:
    """The first day after `on` on which the child turns 15 or 18 (when the flags may change),
    None when both are past or the age is not known."""
    age = age_on(
        birth_date=birth_date, estimated_age=estimated_age, estimated_age_on=estimated_age_on, on=on
    )
    if age is None or age >= ADULT_AGE:
        return None
    line = MINIMUM_WORKING_AGE if age < MINIMUM_WORKING_AGE else ADULT_AGE
    if birth_date:
        try:
            return birth_date.replace(year=birth_date.year + line)
        except ValueError:  # born on 29 February: the birthday is 1 March in other years
            return datetime.date(birth_date.year + line, 3, 1)
    if estimated_age is None or estimated_age_on is None:
        return None
    # age_on adds a year every 365 days since the estimate.
    return estimated_age_on + datetime.timedelta(days=365 * (line - estimated_age))


def case_values(case: Any, on: datetime.date) -> tuple[list[str], datetime.date | None]:
    """(labour_flags, labour_flags_recheck_on) of a Case (or any object with its fields) on `on`."""
    since = case.estimated_age_on or case.registered_on
    dates: dict[str, Any] = {
        "birth_date": case.birth_date,
        "estimated_age": case.estimated_age,
        "estimated_age_on": since,
        "on": on,
    }
    stored = flags(
        age=age_on(**dates),
        work_type=case.work_type,
        hours_per_week=case.work_hours_per_week,
        hazards=case.hazards,
    )
    return stored, next_age_line(**dates)


def case_findings(case: Any, on: datetime.date) -> list[Finding]:
    """The findings shown on the case page, computed from the case as it is on `on`."""
    return findings(
        age=case.age(on=on),
        work_type=case.work_type,
        hours_per_week=case.work_hours_per_week,
        hazards=case.hazards,
    )
