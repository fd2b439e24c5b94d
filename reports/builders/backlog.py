"""The weekly backlog of one organisation, for its managers only: what is late, case by case.

Judged at the end of the week (Friday night): follow-ups due before then and not done by then,
referrals past their answer date with no answer by then (those the organisation must answer and
those it is waiting on), and open cases with no contact in CASE_UNSEEN_DAYS. Identifiable: the
report's access rule keeps it to the organisation's managers (reports.access).
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from children.selectors import reporting
from core.jalali import format_date

from ..tables import table

LIST_LIMIT = 500


def _person(user):
    return (user.get_full_name() or user.get_username()) if user else ""


def build(report):
    period = report.period
    organisation = report.organisation
    zone = ZoneInfo(settings.TIME_ZONE)
    week_end = datetime.datetime.combine(period.end, datetime.time.min, tzinfo=zone)
    last_day = period.last_day

    follow_ups = reporting.backlog_follow_ups(organisation, last_day=last_day, week_end=week_end)
    late_answers = reporting.backlog_referrals(organisation, week_end=week_end)
    unseen = reporting.backlog_unseen_cases(organisation, today=last_day)
    counts = [follow_ups.count(), late_answers.count(), unseen.count()]

    overview = table(
        "backlog-counts",
        _("Backlog at the end of the week"),
        [_("Item"), _("Number")],
        [
            [_("Overdue follow-ups"), counts[0]],
            [_("Referrals past their answer date"), counts[1]],
            [
                _("Open cases with no contact in %(days)s days")
                % {"days": settings.CASE_UNSEEN_DAYS},
                counts[2],
            ],
        ],
    )
    follow_up_rows = [
        [
            f.case.case_number,
            f.case.full_name,
            _person(f.responsible),
            format_date(f.due_on, "fa"),
            (last_day - f.due_on).days,
        ]
        for f in follow_ups[:LIST_LIMIT]
    ]
    referral_rows = [
        [
            r.case.case_number if r.from_organisation_id == organisation.pk else "",
            r.service.name,
            _("To answer") if r.to_organisation_id == organisation.pk else _("Waiting on"),
            r.to_organisation.name_fa
            if r.from_organisation_id == organisation.pk
            else r.from_organisation.name_fa,
            format_date(r.answer_due_at, "fa"),
        ]
        for r in late_answers[:LIST_LIMIT]
    ]
    unseen_rows = [
        [
            c.case_number,
            c.full_name,
            _person(c.assigned_to),
            format_date(c.last_contact_on, "fa") if c.last_contact_on else "",
        ]
        for c in unseen[:LIST_LIMIT]
    ]
    note = _("At most %(limit)s rows are listed; the counts above are complete.") % {
        "limit": LIST_LIMIT
    }
    return {
        "title": _("Weekly backlog"),
        "subtitle": f"{organisation.name_fa} · {period.label()}",
        "tables": [
            overview,
            table(
                "backlog-follow-ups",
                _("Overdue follow-ups"),
                [_("Case number"), _("Child"), _("Responsible"), _("Due"), _("Days overdue")],
                follow_up_rows,
                note=note if counts[0] > LIST_LIMIT else "",
            ),
            table(
                "backlog-referrals",
                _("Referrals past their answer date"),
                [_("Case number"), _("Service"), _("Side"), _("Organisation"), _("Answer due")],
                referral_rows,
                note=note if counts[1] > LIST_LIMIT else "",
            ),
            table(
                "backlog-unseen",
                _("Open cases not seen lately"),
                [_("Case number"), _("Child"), _("Caseworker"), _("Last contact")],
                unseen_rows,
                note=note if counts[2] > LIST_LIMIT else "",
            ),
        ],
        "summary": {"follow_ups": counts[0], "referrals": counts[1], "unseen": counts[2]},
    }
