"""Export of the organisation directory (issue 8): the directory's filters and results, and only
the fields its public pages show every reader (no verification notes, suspension reasons or
staff). Organisations are not people, so the export is not audited; ministry officers may
export it like the page."""

from django.utils.translation import gettext as _

from core.access import require_permission
from core.exports import Dates, export_language, export_response, joined
from core.permissions import Perm
from core.ratelimits import rate_limit

from ..models import Focus, RegisteringAuthority, StaffLanguage
from ..selectors import organisation_list


def _label(choices, value):
    return str(choices(value).label) if value in choices.values else ""


def organisation_rows(queryset, lang):
    header = [
        _("Persian name"),
        _("English name"),
        _("Code"),
        _("Kind"),
        _("Verification"),
        _("Verified on"),
        _("Registration number"),
        _("Registering authority"),
        _("Year founded (Solar Hijri)"),
        _("Head office"),
        _("Provinces of operation"),
        _("Cities of operation"),
        _("Services offered"),
        _("Focus"),
        _("Languages spoken by staff"),
        _("Address"),
        _("Phone"),
        _("Email"),
        _("Website"),
        _("Contact person"),
    ]
    dates = Dates(lang)

    def rows():
        for organisation in queryset.iterator(chunk_size=500):
            yield [
                organisation.name_fa,
                organisation.name_en,
                organisation.code,
                organisation.get_kind_display(),
                organisation.get_verification_status_display(),
                dates.date(organisation.verified_at),
                organisation.registration_number,
                _label(RegisteringAuthority, organisation.registering_authority),
                organisation.founded_year,
                organisation.home_province.name_in(lang),
                joined((p.name_in(lang) for p in organisation.provinces.all()), lang),
                joined(organisation.cities, lang),
                joined(
                    (o.service.name_in(lang) for o in organisation.service_offerings.all()), lang
                ),
                joined((_label(Focus, value) for value in organisation.focus), lang),
                joined((_label(StaffLanguage, value) for value in organisation.languages), lang),
                organisation.address,
                organisation.phone,
                organisation.email,
                organisation.website,
                organisation.contact_person,
            ]

    return header, rows()


@require_permission(Perm.DIRECTORY_VIEW)
@rate_limit("export")
def directory_export(request, fmt):
    organisations = organisation_list(user=request.user, filters=request.GET)
    lang = export_language()
    header, rows = organisation_rows(organisations, lang)
    return export_response(
        fmt,
        name="organisations",
        sheet=_("Organisation directory"),
        header=header,
        rows=rows,
        lang=lang,
    )
