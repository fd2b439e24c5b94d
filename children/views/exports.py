"""Exports of the case list, the encounter list and the referral lists (issue 8).

Each starts from the FilterSet its page uses, over the same scoped queryset (AC-02), so the file
holds the page's rows, all of them, and nothing the page would not show. Each is audited with its
filters and row count before the first row leaves (LG-01); the case and referral exports also
link their audit row to every case in the file (LG-05), the encounter export names no child. Rows are read with `values_list`
rather than as model instances: 200,000 cases come out of the database in about a second
instead of thirteen (docs/performance.md).
"""

from django.utils.translation import gettext as _

from core.access import require_permission
from core.exports import (
    Dates,
    Memo,
    audit_export,
    export_language,
    export_response,
    person_name,
    yes_no,
)
from core.i18n import localised
from core.models import Province
from core.permissions import Perm
from core.ratelimits import rate_limit

from ..filters import CaseFilter
from ..imports import parsing
from ..imports.columns import COLUMNS, header_row
from ..models import ANONYMOUS_FIELDS
from ..models.choices import Activity, CaseStatus, ReferralState
from ..selectors.cases import cases_visible_to
from ..selectors.referrals import referral_inbox, referral_outbox
from .outreach import encounter_filter

_CHUNK = 2000
_PERSON = ("first_name", "last_name", "username")


def _provinces(lang):
    names = {p.pk: p.name_in(lang) for p in Province.objects.all()}
    return lambda pk: names.get(pk, "")


def _choice(choices):
    return Memo(lambda value: str(choices(value).label) if value else "")


# --- Cases -------------------------------------------------------------------------------------


def _case_renderers(lang):
    """Per column of the import template, a function of the stored value: the template's own
    renderers (children.imports.columns), each computed once per distinct value where values
    repeat down the column; None where the stored value is the cell (text and numbers: an empty
    one is None, which every writer leaves empty)."""
    provinces = {p.pk: p for p in Province.objects.all()}
    renderers = []
    for column in COLUMNS:
        if column.name == "province":
            renderers.append(
                Memo(lambda pk: parsing.render_province(provinces.get(pk), lang) if pk else "")
            )
        elif column.render in (parsing.render_text, parsing.render_number):
            renderers.append(None)
        else:
            renderers.append(Memo(lambda value, render=column.render: render(value, lang)))
    return renderers


def case_rows(queryset, lang):
    """The header and the rows of the case export: the import template's columns (so an export
    can be edited and imported again), then status and caseworker."""
    header = [*header_row(lang), _("Status"), _("Caseworker")]
    fields = [column.name + ("_id" if column.name == "province" else "") for column in COLUMNS]
    fields += ["status", *(f"assigned_to__{name}" for name in _PERSON)]
    renderers = _case_renderers(lang)
    status = _choice(CaseStatus)
    width = len(COLUMNS)

    def rows():
        for values in queryset.values_list(*fields).iterator(chunk_size=_CHUNK):
            row = [
                value if render is None else render(value)
                for render, value in zip(renderers, values, strict=False)
            ]
            row.append(status(values[width]))
            row.append(person_name(*values[width + 1 :]))
            yield row

    return header, rows()


@require_permission(Perm.CASE_VIEW)
@rate_limit("export")
def case_export(request, fmt):
    case_filter = CaseFilter(request.GET, queryset=cases_visible_to(request.user), request=request)
    cases = case_filter.qs
    audit_export(
        request.user,
        what="children.case",
        fmt=fmt,
        filterset=case_filter,
        rows=cases.count(),
        cases=cases.values_list("pk"),
    )
    lang = export_language()
    header, rows = case_rows(cases, lang)
    return export_response(fmt, name="cases", sheet=_("Cases"), header=header, rows=rows, lang=lang)


# --- Street outreach ----------------------------------------------------------------------------


def encounter_rows(queryset, lang):
    """The encounter list's columns, with the place split into its parts."""
    header = [
        _("When"),
        _("Province"),
        _("City"),
        _("District"),
        _("Hotspot"),
        _("Activity"),
        _("Follow-up needed"),
        _("Children not registered"),
        _("Caseworker"),
    ]
    anonymous = list(ANONYMOUS_FIELDS.values())
    fields = [
        "occurred_at",
        "province_id",
        "city",
        "district",
        "hotspot",
        "activity",
        "follow_up_needed",
        *(f"caseworker__{name}" for name in _PERSON),
        *anonymous,
    ]
    dates = Dates(lang)
    province = _provinces(lang)
    activity = _choice(Activity)
    people = Memo(lambda names: person_name(*names))

    def rows():
        for values in queryset.values_list(*fields).iterator(chunk_size=_CHUNK):
            yield [
                dates.datetime(values[0]),
                province(values[1]),
                values[2],
                values[3],
                values[4],
                activity(values[5]),
                yes_no(values[6]),
                sum(values[10:]),
                people(values[7:10]),
            ]

    return header, rows()


@require_permission(Perm.OUTREACH_LOG)
@rate_limit("export")
def encounter_export(request, fmt):
    filterset = encounter_filter(request)
    encounters = filterset.qs
    audit_export(
        request.user,
        what="children.encounter",
        fmt=fmt,
        filterset=filterset,
        rows=encounters.count(),
        search=(),
    )
    lang = export_language()
    header, rows = encounter_rows(encounters, lang)
    return export_response(
        fmt, name="encounters", sheet=_("Street outreach"), header=header, rows=rows, lang=lang
    )


# --- Referrals ------------------------------------------------------------------------------------


def referral_rows(queryset, lang, *, box):
    """The referral list's columns and nothing more (ADR 0006): in the inbox the child's name
    only while the referral is shared with the receiver, as the page shows it."""
    other = "from_organisation" if box == "inbox" else "to_organisation"
    header = [
        _("Sent on"),
        _("From") if box == "inbox" else _("To"),
        _("Child"),
        _("Service"),
        _("State"),
        _("Overdue"),
        _("Answer due"),
    ]
    fields = [
        "sent_at",
        f"{other}__name_fa",
        f"{other}__name_en",
        "case__given_name",
        "case__family_name",
        "shared",
        "service__name_fa",
        "service__name_en",
        "state",
        "overdue",
        "answer_due_at",
    ]
    dates = Dates(lang)
    state = _choice(ReferralState)
    ended = _("No longer shared")

    def rows():
        for values in queryset.values_list(*fields).iterator(chunk_size=_CHUNK):
            sent_at, org_fa, org_en, given, family, shared, svc_fa, svc_en = values[:8]
            if box == "sent" or shared:
                child = " ".join(part for part in (given, family) if part)
            else:
                child = ended
            yield [
                dates.date(sent_at),
                localised(org_fa, org_en, lang),
                child,
                localised(svc_fa, svc_en, lang),
                state(values[8]),
                yes_no(values[9]),
                dates.date(values[10]) if values[8] == ReferralState.SENT else "",
            ]

    return header, rows()


def _referral_export(request, fmt, box):
    select = referral_inbox if box == "inbox" else referral_outbox
    filterset = select(user=request.user, filters=request.GET)
    referrals = filterset.qs
    audit_export(
        request.user,
        what="children.referral",
        object_id=box,
        fmt=fmt,
        filterset=filterset,
        rows=referrals.count(),
        search=(),
        cases=referrals.values_list("case_id"),
    )
    lang = export_language()
    header, rows = referral_rows(referrals, lang, box=box)
    return export_response(
        fmt,
        name="referrals-received" if box == "inbox" else "referrals-sent",
        sheet=_("Referrals received") if box == "inbox" else _("Referrals sent"),
        header=header,
        rows=rows,
        lang=lang,
    )


@require_permission(Perm.REFERRAL_ANSWER)
@rate_limit("export")
def referral_inbox_export(request, fmt):
    return _referral_export(request, fmt, "inbox")


@require_permission(Perm.CASE_VIEW)
@rate_limit("export")
def referral_sent_export(request, fmt):
    return _referral_export(request, fmt, "sent")
