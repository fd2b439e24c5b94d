"""The ministry dashboard: the quarterly summary's figures, live from the summary tables."""

import functools
from collections.abc import Mapping

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core import audit
from core.access import require_permission
from core.models import Province
from core.permissions import Perm
from core.ratelimits import rate_limit
from core.xlsx import tables_xlsx

from .. import periods
from ..access import officer_province
from ..files.csv import tables_csv
from ..national_tables import TREND_QUARTERS, summary
from ..protection_tables import protection_summary
from ..selectors.national import ALL, CACHE_SECONDS, province_rows
from ..selectors.overdue_referrals import overdue_referrals
from ..summary import last_refresh
from .reports import CONTENT_TYPES

QUARTER_CHOICES_COUNT = 12


def current_quarter():
    """The dashboard opens on the quarter under way: its figures are live."""
    return periods.containing(periods.QUARTER, timezone.localdate())


def quarter_choices(today=None):
    return list(_quarter_choices(today or timezone.localdate(), translation.get_language()))


@functools.lru_cache(maxsize=16)
def _quarter_choices(today, language):
    """The choices of one day in one language: the same for every request of that day."""
    current = periods.containing(periods.QUARTER, today)
    choices = [(current.key, _("%(quarter)s (so far)") % {"quarter": current.label()})]
    past = periods.recent(periods.QUARTER, QUARTER_CHOICES_COUNT, today)
    return tuple(choices + [(p.key, p.label()) for p in past])


class _ProvinceChoices(forms.models.ModelChoiceIterator):
    """The province options from the compiled read of their ids and names (issue 21), not from
    a Province object each: the same values and labels, in the same order."""

    def _rows(self):
        rows = self.field.rows
        return province_rows() if rows is None else rows

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self._rows()

    def __len__(self):
        return len(self._rows()) + (self.field.empty_label is not None)


class ProvinceChoiceField(forms.ModelChoiceField):
    """A province, cleaned to the Province as before; only the options are read differently.
    `rows`: the provinces as this request read them (province_rows()); None reads them."""

    iterator = _ProvinceChoices
    rows = None


class DashboardFilter(forms.Form):
    quarter = forms.ChoiceField(label=_("Quarter"), required=False)
    province = ProvinceChoiceField(
        label=_("Province"),
        queryset=Province.objects.all(),
        required=False,
        empty_label=_("All provinces"),
    )

    def __init__(self, *args, fixed_province=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = quarter_choices()
        if fixed_province is not None:
            del self.fields["province"]

    def period(self):
        key = self.cleaned_data.get("quarter") if self.is_valid() else None
        return periods.from_key(key) if key else current_quarter()


def dashboard_scope(request):
    """(form, period, scope, scope label) for the dashboard and its export."""
    fixed = officer_province(request.user)
    form = DashboardFilter(request.GET or None, fixed_province=fixed)
    period = form.period() if form.is_bound else current_quarter()
    if fixed is not None:
        return form, period, fixed.pk, fixed.name
    province = form.cleaned_data.get("province") if form.is_bound and form.is_valid() else None
    if province is not None:
        return form, period, province.pk, province.name
    return form, period, ALL, _("All provinces")


class ReadWhenAsked(Mapping):
    """A dict worked out on its first read. Not a SimpleLazyObject: `isinstance` on one works
    it out, and the layout's error summary asks every value of the context what it is."""

    def __init__(self, compute):
        self._compute = compute
        self._data = None

    def _read(self):
        if self._data is None:
            self._data = self._compute()
        return self._data

    def __getitem__(self, key):
        return self._read()[key]

    def __iter__(self):
        return iter(self._read())

    def __len__(self):
        return len(self._read())


def figures_html(period, scope, trend, refresh):
    """The dashboard's figures (tiles, tables, charts, the protection block) as HTML.

    They change only when the summaries are refreshed, so the HTML is kept until then: keyed by
    the refresh, the language, the quarter, the trend's quarters and the scope (the nation or the
    one province shown; a provincial officer's scope is always his province). Every figure in it
    is already protected and aggregate, the same for every officer who may see that scope.
    """
    key = ":".join(
        [
            "reports:dashboard-html",
            str(refresh.token if refresh else "none"),
            translation.get_language() or "",
            period.key,
            str(scope),
            ",".join(p.key for p in trend),
        ]
    )
    html = cache.get(key)
    if html is None:
        context = {
            "figures": summary(period, scope, trend_periods=trend, refresh=refresh),
            "protection": protection_summary(period, scope, trend, refresh),
        }
        html = render_to_string("reports/partials/national_figures.html", context)
        cache.set(key, str(html), CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by our template, escaped there


@require_permission(Perm.NATIONAL_DASHBOARD)
def national_dashboard(request):
    form, period, scope, scope_label = dashboard_scope(request)
    # The provinces, read once for the filter's options and the duty block (issue 21); the
    # form's field is its own copy, so this is this request's.
    rows = province_rows()
    if "province" in form.fields:
        form.fields["province"].rows = rows
    trend = periods.this_and_previous(period, TREND_QUARTERS)
    refresh = last_refresh()
    return render(
        request,
        "reports/national_dashboard.html",
        {
            "filter_form": form,
            "period": period,
            "scope": scope,
            "scope_label": scope_label,
            "is_national": scope == ALL,
            "figures_html": figures_html(period, scope, trend, refresh),
            # The figures behind the HTML, read only by whoever looks (tests, debugging).
            "figures": ReadWhenAsked(
                lambda: summary(period, scope, trend_periods=trend, refresh=refresh)
            ),
            "protection": ReadWhenAsked(lambda: protection_summary(period, scope, trend, refresh)),
            "refresh": refresh,
            "province_rows": rows,
        },
    )


@require_permission(Perm.NATIONAL_DASHBOARD)
@rate_limit("export")
def national_export(request, fmt):
    """The dashboard's tables as XLSX or CSV: the same protected figures as the page."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form, period, scope, scope_label = dashboard_scope(request)
    figures = summary(period, scope)
    figures["tables"] = figures["tables"] + protection_summary(period, scope)["tables"]
    title = _("Ministry dashboard")
    subtitle = f"{scope_label} · {period.label()}"
    name = f"dashboard-{period.key}.{fmt}"
    audit.record(
        audit.Action.EXPORT,
        user=request.user,
        object_type="reports.dashboard",
        object_id=period.key,
        detail={"format": fmt, "province": str(scope)},
    )
    if fmt == "csv":
        response = HttpResponse(
            tables_csv(title, subtitle, figures["tables"]), content_type="text/csv; charset=utf-8"
        )
    else:
        content = tables_xlsx(
            str(title),
            str(subtitle),
            figures["tables"],
            right_to_left=translation.get_language_bidi(),
            sheet_names=(str(_("Figures")), str(_("Chart data")), str(_("Chart"))),
        )
        response = HttpResponse(content, content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_permission(Perm.NATIONAL_DASHBOARD)
def overdue_referrals_view(request):
    """Overdue referrals per organisation: a provincial officer his province only (AC-12)."""
    fixed = officer_province(request.user)
    figures = overdue_referrals(province_id=fixed.pk if fixed is not None else None)
    return render(
        request,
        "reports/overdue_referrals.html",
        {
            "figures": figures,
            "scope_label": fixed.name if fixed is not None else _("All provinces"),
            "answer_days": settings.REFERRAL_ANSWER_DAYS,
        },
    )
