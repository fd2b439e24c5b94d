"""The monthly referral report: referrals sent in the month, where they stand now, how fast.

Every count is protected as one cube (province, service and receiving organisation kind share
the same state totals), and medians and shares are hidden when few referrals stand behind them.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from children.selectors import reporting
from children.selectors.reporting import ReferralState
from ngos.models import Organisation, Service

from .. import suppression
from ..selectors.national import UNRECORDED, provinces
from ..tables import column_chart, table

STATES = [state for state, _label in ReferralState.choices]


def _read(period):
    zone = ZoneInfo(settings.TIME_ZONE)
    return reporting.referral_month_rows(
        start=datetime.datetime.combine(period.start, datetime.time.min, tzinfo=zone),
        end=datetime.datetime.combine(period.end, datetime.time.min, tzinfo=zone),
    )


def build(report):
    period = report.period
    counts, speed = _read(period)
    dimensions = {
        "province": provinces(),
        "service": [(s.pk, s.name) for s in Service.objects.order_by("pk")],
        "kind": list(Organisation.Kind.choices),
    }
    raw = {}
    for province, service, kind, state, count in counts:
        for dimension, row in (("province", province), ("service", service), ("kind", kind)):
            for key in ((dimension, row, state), (dimension, row)):
                raw[key] = raw.get(key, 0) + count
        # The state totals and the grand total once per referral, whatever the dimension.
        raw[("state", state)] = raw.get(("state", state), 0) + count
        raw[("all",)] = raw.get(("all",), 0) + count
    # Every dimension shares the state totals and the grand total.
    relations = []
    for dimension, rows in dimensions.items():
        relations += suppression.table_relations(
            [key for key, _label in rows],
            STATES,
            cell=lambda r, c, d=dimension: (d, r, c),
            row_total=lambda r, d=dimension: (d, r),
            column_total=lambda c: ("state", c),
            grand_total=("all",),
        )
    # The state totals are shared by the three tables, so they are hidden alike in all three.
    protected = suppression.protect(raw, relations)
    state_labels = dict(ReferralState.choices)
    # "Sent" is both the total and the state of those not answered yet: name them apart.
    state_labels[ReferralState.SENT] = _("Awaiting an answer")
    columns = [_("All referrals"), *[state_labels[s] for s in STATES]]
    total = [
        _("Total"),
        protected.get(("all",), 0),
        *[protected.get(("state", s), 0) for s in STATES],
    ]
    titles = {
        "province": (_("Province"), _("Referrals sent in the month by province and state")),
        "service": (_("Service"), _("Referrals by service and state")),
        "kind": (_("Receiving organisation"), _("Referrals by kind of receiving organisation")),
    }
    tables = []
    for dimension, rows in dimensions.items():
        first, title = titles[dimension]
        body = [
            [
                label,
                protected.get((dimension, key), 0),
                *[protected.get((dimension, key, s), 0) for s in STATES],
            ]
            for key, label in rows
        ]
        if dimension == "province":
            body = [
                row
                for row, (key, _l) in zip(body, rows, strict=True)
                if row[1] != 0 or key != UNRECORDED
            ]
        data = table(f"referrals-{dimension}", title, [first, *columns], body, total=total)
        data["chart"] = column_chart(data, [1])
        tables.append(data)
    tables.insert(1, _speed_table(speed, dict(dimensions["province"]), protected))
    return {
        "title": _("Monthly referral report"),
        "subtitle": period.label(),
        "tables": tables,
        "summary": {"sent": total[1]},
    }


def _share(row, protected):
    """The on-time share, hidden where the number sent is hidden in the counts above: a share
    and the numbers around it would give that number back (10 of 15 is the only 66.7%)."""
    share = suppression.protect_share(row["on_time"], row["sent"])
    sent = protected.get(("all",) if row["national"] else ("province", row["province"]), 0)
    if isinstance(share, float) and suppression.is_hidden(sent):
        return suppression.HIDDEN
    return share


def _speed_table(speed, province_labels, protected):
    rows, total = [], None
    for row in sorted(
        speed, key=lambda r: (r["national"], str(province_labels.get(r["province"])))
    ):
        cells = [
            _share(row, protected),
            _days(suppression.protect_statistic(row["median_answer"], row["answered"])),
            _days(suppression.protect_statistic(row["median_complete"], row["completed"])),
        ]
        if row["national"]:
            total = [_("All provinces"), *cells]
        else:
            rows.append([province_labels.get(row["province"], ""), *cells])
    columns = [
        _("Province"),
        _("Answered within the service level (%)"),
        _("Median days to answer"),
        _("Median days to complete"),
    ]
    note = _(
        "Shares and medians resting on fewer than 5 referrals, or that would reveal such a "
        "number, are hidden."
    )
    data = table(
        "referrals-speed", _("How fast referrals were answered"), columns, rows, total, note=note
    )
    data["chart"] = column_chart(data, [1])
    return data


def _days(value):
    return round(value, 1) if isinstance(value, float) else value
