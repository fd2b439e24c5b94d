"""Monthly resolution tracking: resolutions by status and lead organisation, and overdue ones.

Counts of resolutions are not counts of children: nothing here is suppressed (ADR 0005).
Statuses are as recorded when the report is built, with "overdue" judged at the month's end.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.jalali import format_date
from meetings.models import Resolution

from ..tables import column_chart, table

STATUS_COLUMNS = ["open", "in_progress", "overdue", "done", "dropped"]
OVERDUE_LIST_LIMIT = 200


def build(report):
    period = report.period
    last_day = period.last_day
    resolutions = Resolution.objects.filter(meeting__held_on__lte=last_day)
    open_statuses = list(Resolution.OPEN_STATUSES)
    overdue = Q(status__in=open_statuses, due_date__lte=last_day)
    counts = (
        resolutions.values("responsibilities__organisation__name_fa")
        .filter(responsibilities__is_lead=True)
        .annotate(
            open=Count("id", filter=Q(status="open") & ~overdue),
            in_progress=Count("id", filter=Q(status="in_progress") & ~overdue),
            overdue=Count("id", filter=overdue),
            done=Count("id", filter=Q(status="done")),
            dropped=Count("id", filter=Q(status="dropped")),
        )
        .order_by("responsibilities__organisation__name_fa")
    )
    labels = dict(Resolution.DISPLAY_STATUSES)
    rows = []
    for row in counts:
        cells = [row[key] for key in STATUS_COLUMNS]
        rows.append([row["responsibilities__organisation__name_fa"], *cells, sum(cells)])
    totals = [sum(row[index] for row in rows) for index in range(1, len(STATUS_COLUMNS) + 2)]
    columns = [_("Lead organisation"), *[labels[key] for key in STATUS_COLUMNS], _("Total")]
    by_status = table(
        "by-organisation",
        _("Resolutions by lead organisation and status"),
        columns,
        rows,
        total=[_("Total"), *totals] if rows else None,
    )
    by_status["chart"] = column_chart(by_status, [1, 2, 3, 4, 5], stacked=True)

    late = (
        resolutions.filter(overdue)
        .select_related("meeting__working_group")
        .prefetch_related("responsibilities__organisation")
        .order_by("due_date")[:OVERDUE_LIST_LIMIT]
    )
    late_rows = [
        [
            f"{r.meeting.working_group.title} · {r.number}",
            _shorten(r.text),
            r.lead.name_fa if r.lead else "",
            format_date(r.due_date, "fa"),
            (last_day - r.due_date).days,
        ]
        for r in late
    ]
    overdue_table = table(
        "overdue",
        _("Overdue resolutions at the end of the month"),
        [_("Resolution"), _("Text"), _("Lead organisation"), _("Deadline"), _("Days overdue")],
        late_rows,
    )
    return {
        "title": _("Monthly resolution tracking"),
        "subtitle": period.label(),
        "tables": [by_status, overdue_table],
        "summary": {"overdue": totals[2] if rows else 0, "total": totals[-1] if rows else 0},
    }


def _shorten(text, limit=140):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
