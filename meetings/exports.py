"""Export of the resolution tracker (issue 8): every resolution the tracker's filters select
among those the user may see, with the columns of its list and the whole text. Resolutions name
organisations, never children, so the export is not audited."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import signed_in
from core.exports import Dates, export_language, export_response, joined, yes_no
from core.i18n import localised
from core.ratelimits import rate_limit

from .models import Resolution
from .selectors import resolution_list


def resolution_rows(queryset, lang):
    header = [
        _("Working group"),
        _("Meeting number"),
        _("Meeting date"),
        _("Resolution number"),
        _("Resolution"),
        _("Type"),
        _("Lead organisation"),
        _("Supporting organisations"),
        _("Deadline"),
        _("Status"),
        _("Confirmed"),
    ]
    dates = Dates(lang)
    today = timezone.localdate()
    statuses = {key: str(label) for key, label in Resolution.DISPLAY_STATUSES}

    def rows():
        for resolution in queryset.iterator(chunk_size=500):
            meeting = resolution.meeting
            group = meeting.working_group
            responsible = list(resolution.responsibilities.all())
            lead = next((r.organisation for r in responsible if r.is_lead), None)
            yield [
                localised(group.title_fa, group.title_en, lang),
                meeting.number,
                dates.date(meeting.held_on),
                resolution.number,
                resolution.text,
                resolution.get_kind_display(),
                lead.name_in(lang) if lead else "",
                joined((r.organisation.name_in(lang) for r in responsible if not r.is_lead), lang),
                dates.date(resolution.due_date),
                statuses[resolution.display_status_of(today)],
                yes_no(resolution.confirmed_at),
            ]

    return header, rows()


@signed_in
@rate_limit("export")
def tracker_export(request, fmt):
    resolutions = resolution_list(user=request.user, filters=request.GET)
    lang = export_language()
    header, rows = resolution_rows(resolutions, lang)
    return export_response(
        fmt, name="resolutions", sheet=_("Resolutions"), header=header, rows=rows, lang=lang
    )
