"""The organisation dashboard: a manager's live figures for their own organisation."""

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import require_permission
from core.i18n import is_persian
from core.permissions import Perm
from core.templatetags.persian_dates import localdigits

from ..selectors.organisation import (
    DEFAULT_PERIOD,
    last_days,
    organisation_figures,
    period_for,
    period_options,
)

# The same colours for risk levels as the badges (static/css/app.css), and for outcomes.
RISK_COLOURS = {
    "low": "rgba(25, 135, 84, 0.8)",
    "medium": "rgba(255, 193, 7, 0.85)",
    "high": "rgba(253, 126, 20, 0.85)",
    "critical": "rgba(220, 53, 69, 0.85)",
    "": "rgba(108, 117, 125, 0.6)",
}
OUTCOME_COLOURS = {
    "on_time": "rgba(25, 135, 84, 0.8)",
    "late": "rgba(255, 193, 7, 0.85)",
    "missed": "rgba(220, 53, 69, 0.8)",
    "overdue": "rgba(111, 66, 193, 0.8)",
}


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=gettext_lazy("Period"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select-sm"}),
    )

    def __init__(self, data, *, today):
        super().__init__(data)
        self.today = today
        choices = []
        for group, periods in period_options(today):
            options = [(period.key, period.label) for period in periods]
            if group:
                choices.append((group, options))
            else:
                choices.extend(options)
        self.fields["period"].choices = choices
        self.fields["period"].initial = DEFAULT_PERIOD

    def chosen_period(self):
        """The period asked for; the default (the last 90 days) when none or a bad one is."""
        if self.is_bound and self.is_valid() and self.cleaned_data["period"]:
            return period_for(self.cleaned_data["period"], self.today)
        return last_days(self.today)


@require_permission(Perm.ORG_DASHBOARD)
def organisation_dashboard(request):
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, today=today)
    figures = organisation_figures(user=request.user, period=form.chosen_period())
    for box in (figures["referrals_out"], figures["referrals_in"]):
        box["share_text"] = percent(box["share_in_time"])
    figures["follow_ups"]["share_text"] = percent(figures["follow_ups"]["share_on_time"])
    context = {
        "form": form,
        "figures": figures,
        "referral_boxes": [figures["referrals_out"], figures["referrals_in"]],
        "referral_states": [
            {"state": out["state"], "label": out["label"], "out": out["count"], "in": in_["count"]}
            for out, in_ in zip(
                figures["referrals_out"]["by_state"],
                figures["referrals_in"]["by_state"],
                strict=True,
            )
        ],
        "service_level_days": settings.REFERRAL_ANSWER_DAYS,
        "charts": chart_specs(figures),
        "caseworkers_with_open_cases": sum(1 for row in figures["per_caseworker"] if row["open"]),
        "caseworkers_charted": CHARTED_CASEWORKERS,
        "organisation": request.user.membership.organisation,
        "generated_at": timezone.now(),
        # Reversed once here: the page links to each list many times (issue 21).
        "urls": {
            name: reverse(f"children:{name}")
            for name in ("case_list", "my_work", "hotspots", "referral_sent", "referral_inbox")
        },
    }
    return render(request, "reports/organisation_dashboard.html", context)


def percent(value):
    """A whole percentage in the reader's digits and sign (۸۳٪, 83%); None stays None."""
    if value is None:
        return None
    return f"{localdigits(value)}٪" if is_persian() else f"{value}%"


# A chart of a hundred caseworkers is a wall of bars: it shows those with the most open cases,
# and the table beneath it lists every caseworker.
CHARTED_CASEWORKERS = 15


def chart_specs(figures):
    """The spec each chart of the page draws (static/js/dashboard-charts.js); every number
    here is also in the table beside the chart."""
    caseload_rows = figures["by_status"]
    follow_ups = figures["follow_ups"]
    hotspot_rows = figures["hotspots"]["rows"]
    # per_caseworker comes sorted by open cases, most first.
    workers = [row for row in figures["per_caseworker"] if row["open"]][:CHARTED_CASEWORKERS]
    return {
        "status": {
            "type": "bar",
            "stacked": True,
            # Horizontal, so long status names stay readable on a phone.
            "horizontal": True,
            "labels": [str(row["label"]) for row in caseload_rows],
            "datasets": [
                {
                    "label": str(column["label"]),
                    "data": [row["counts"][index] for row in caseload_rows],
                    "colour": RISK_COLOURS[column["risk"]],
                }
                for index, column in enumerate(figures["risk_columns"])
            ],
        },
        "caseworkers": {
            "type": "bar",
            "horizontal": True,
            "labels": [str(row["user"]) for row in workers],
            "datasets": [
                {"label": _("Open cases"), "data": [row["open"] for row in workers]},
                {
                    "label": _("High or critical risk"),
                    "data": [row["high"] for row in workers],
                    "colour": RISK_COLOURS["critical"],
                },
            ],
        },
        "registrations": {
            "type": "bar",
            "labels": [row["label"] for row in figures["registrations"]["months"]],
            "datasets": [
                {
                    "label": _("New registrations"),
                    "data": [row["count"] for row in figures["registrations"]["months"]],
                }
            ],
        },
        "closures": {
            "type": "bar",
            "horizontal": True,
            "labels": [str(row["label"]) for row in figures["closures"]["rows"]],
            "datasets": [
                {
                    "label": _("Cases closed"),
                    "data": [row["count"] for row in figures["closures"]["rows"]],
                }
            ],
        },
        "referrals": {
            "type": "bar",
            "labels": [str(row["label"]) for row in figures["referrals_out"]["by_state"]],
            "datasets": [
                {
                    "label": _("Sent by the organisation"),
                    "data": [row["count"] for row in figures["referrals_out"]["by_state"]],
                },
                {
                    "label": _("Received by the organisation"),
                    "data": [row["count"] for row in figures["referrals_in"]["by_state"]],
                },
            ],
        },
        "follow_ups": {
            "type": "bar",
            "horizontal": True,
            "stacked": True,
            "labels": [_("Follow-ups due")],
            "datasets": [
                {
                    "label": str(row["label"]),
                    "data": [row["count"]],
                    "colour": OUTCOME_COLOURS[row["key"]],
                }
                for row in follow_ups["outcomes"]
            ],
        },
        "hotspots": {
            "type": "bar",
            "horizontal": True,
            "labels": [row["hotspot"] for row in hotspot_rows],
            "datasets": [
                {"label": _("Encounters"), "data": [row["encounters"] for row in hotspot_rows]},
                {"label": _("Children met"), "data": [row["children"] for row in hotspot_rows]},
            ],
        },
    }
