"""Demo examples of child labour and the law and of children back in school (issue 20,
docs/adr/0035): called once from children/demo.py:seed_children."""

import datetime

from django.utils import timezone

from . import services
from .models import Case, SchoolStatusChange
from .models.choices import Hazard, SchoolStatus, WorkType
from .selectors.schooling import school_year_start

# Per organisation: how many children go back to school in this school year.
BACK_TO_SCHOOL = 8


def _save_work(case, data):
    case.refresh_from_db()
    return services.case_update(
        by=case.assigned_to, case=case, data=data, expected_version=case.version, section="work"
    )


def seed_labour_and_schooling(registered):
    """Give each demo organisation a child of each Labour Law flag and a few children back in
    school since 1 Mehr, dated through the school year."""
    today = timezone.localdate()
    start = school_year_start(today)
    span = max((today - start).days, 1)
    for _organisation, _staff, stale in registered.values():
        # Read again: other demo steps have changed them since they were registered.
        cases = list(Case.objects.filter(pk__in=[c.pk for c in stale]).order_by("id"))
        younger = [c for c in cases if (c.age(today) or 0) < 15]
        young_workers = [c for c in cases if 15 <= (c.age(today) or 0) < 18]
        if younger:
            _save_work(younger[0], {"work_type": WorkType.STREET_VENDING, "hazards": []})
        if len(younger) > 1:
            _save_work(
                younger[1], {"work_type": WorkType.WASTE_PICKING, "hazards": [Hazard.CHEMICALS]}
            )
        if young_workers:
            _save_work(
                young_workers[0],
                {
                    "work_type": WorkType.WORKSHOP,
                    "work_hours_per_week": 54,
                    "hazards": [Hazard.NIGHT_WORK, Hazard.MACHINERY],
                },
            )
        out_of_school = [
            c
            for c in cases
            if c.school_status in (SchoolStatus.DROPPED_OUT, SchoolStatus.NEVER_ENROLLED, "")
        ]
        for index, case in enumerate(out_of_school[:BACK_TO_SCHOOL]):
            case.refresh_from_db()
            if not case.school_status:
                case = services.case_update(
                    by=case.assigned_to,
                    case=case,
                    data={"school_status": SchoolStatus.DROPPED_OUT},
                    expected_version=case.version,
                    section="schooling",
                )
                # Dropped out the year before.
                SchoolStatusChange.objects.filter(case=case).update(
                    changed_on=start - datetime.timedelta(days=200)
                )
            services.case_update(
                by=case.assigned_to,
                case=case,
                data={"school_status": SchoolStatus.ENROLLED, "school_grade": 3 + index % 6},
                expected_version=case.version,
                section="schooling",
            )
            back_on = start + datetime.timedelta(days=(index * span) // BACK_TO_SCHOOL)
            SchoolStatusChange.objects.filter(case=case, to_status=SchoolStatus.ENROLLED).update(
                changed_on=back_on
            )
