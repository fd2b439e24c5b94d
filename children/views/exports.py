"""Export of the case list, with the same filters and scope as the list page (AC-02, LG-01)."""

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import audit
from core.access import require_permission
from core.permissions import Perm
from core.spreadsheets.writing import csv_stream, xlsx_file

from ..filters import CaseFilter
from ..imports.columns import case_row, header_row
from ..selectors.cases import cases_visible_to


def _rows(queryset, lang):
    yield [*header_row(lang), _("Status"), _("Caseworker")]
    for case in queryset.iterator(chunk_size=2000):
        yield [
            *case_row(case, lang),
            case.get_status_display(),
            case.assigned_to.get_full_name() or case.assigned_to.get_username(),
        ]


def _filter_detail(case_filter):
    """What was filtered on, without search words (they may be a child's name: ADR 0003)."""
    if not case_filter.form.is_valid():
        return {}
    detail = {}
    for name, value in case_filter.form.cleaned_data.items():
        if value in (None, ""):
            continue
        detail[name] = "(search)" if name == "q" else str(getattr(value, "pk", value))
    return detail


@require_permission(Perm.CASE_VIEW)
def case_export(request, fmt):
    queryset = cases_visible_to(request.user).select_related("assigned_to", "province")
    case_filter = CaseFilter(request.GET, queryset=queryset, request=request)
    cases = case_filter.qs
    count = cases.count()
    audit.record(
        audit.Action.EXPORT,
        user=request.user,
        object_type="children.case",
        object_id="list",
        detail={"format": fmt, "filters": _filter_detail(case_filter), "rows": count},
    )
    lang = "fa" if (get_language() or "fa").startswith("fa") else "en"
    filename = f"cases-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_stream(_rows(cases, lang)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    handle = xlsx_file([(_("Cases"), _rows(cases, lang))], right_to_left=lang == "fa")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
