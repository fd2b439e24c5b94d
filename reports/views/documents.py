"""The ministry's view of document policy changes: open cases affected, by province, suppressed
(AC-08, docs/adr/0005, 0008); never a child. A provincial officer sees only his province (AC-12)."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from children.selectors import reporting
from core.access import require_permission
from core.jalali import format_date
from core.models import Province
from core.permissions import Perm

from ..access import officer_province
from ..suppression import protect
from ..tables import table

TOTAL = "total"


def policy_table(change, provinces, fixed_province=None):
    """One table: affected open cases per province and the national total, protected as one
    cube (so a provincial officer's slice shows what the national table shows)."""
    counts = reporting.policy_affected_by_province(change)
    raw = {province.pk: counts.get(province.pk, 0) for province in provinces}
    raw[TOTAL] = sum(raw.values())
    protected = protect(raw, [(TOTAL, [province.pk for province in provinces])])
    if fixed_province is not None:
        shown = [p for p in provinces if p.pk == fixed_province.pk]
    else:
        # Provinces with none affected are left out: a zero identifies nobody, and 31 rows of
        # mostly zeros hide the few that matter.
        shown = [p for p in provinces if protected[p.pk] != 0]
    rows = [[province.name, protected[province.pk]] for province in shown]
    total = None if fixed_province is not None else [_("Total"), protected[TOTAL]]
    title = _("%(type)s: no longer valid from %(date)s") % {
        "type": change.get_type_display(),
        "date": format_date(change.invalid_from),
    }
    data = table(
        f"policy-{change.pk}",
        title,
        [_("Province"), _("Affected open cases")],
        rows,
        total=total,
        note=change.note,
    )
    data["change"] = change
    return data


@require_permission(Perm.NATIONAL_DASHBOARD)
def document_policy_figures(request):
    fixed = officer_province(request.user)
    provinces = sorted(Province.objects.all(), key=lambda province: province.name)
    tables = [policy_table(change, provinces, fixed) for change in reporting.policy_changes()]
    return render(
        request,
        "reports/document_policy.html",
        {"tables": tables, "scope_label": fixed.name if fixed else _("All provinces")},
    )
