"""Turn audit rows about an organisation into lines a person can read: what changed, from what
to what, with labels in the reader's language."""

from django.utils.translation import gettext_lazy as _

from core.i18n import is_persian
from core.models import Province
from core.permissions import Role

from .models import (
    EligibleNationality,
    EligibleSex,
    Focus,
    Organisation,
    RegisteringAuthority,
    Service,
    StaffLanguage,
)

EVENT_LABELS = {
    "profile_updated": _("Profile changed"),
    "verified": _("Organisation verified"),
    "suspended": _("Organisation suspended"),
    "reinstated": _("Suspension ended"),
    "staff_invited": _("Staff member invited"),
    "invitation_resent": _("Invitation sent again"),
    "invitation_accepted": _("Invitation accepted"),
    "staff_role_changed": _("Role changed"),
    "staff_deactivated": _("Staff member deactivated"),
    "staff_reactivated": _("Staff member reactivated"),
}

_CHOICES = {
    "kind": dict(Organisation.Kind.choices),
    "registering_authority": dict(RegisteringAuthority.choices),
    "focus": dict(Focus.choices),
    "languages": dict(StaffLanguage.choices),
    "role": {key: definition.label for key, definition in Role.DEFINITIONS.items()},
}


def _join(items):
    return ("، " if is_persian() else ", ").join(items)


def _field_label(name, services):
    if name.startswith("service."):
        service = services.get(name.removeprefix("service."))
        return _("Service: %(service)s") % {"service": service.name if service else name}
    if name == "provinces":
        return _("Provinces of operation")
    if name == "logo":
        return _("Logo")
    if name == "role":
        return _("Role")
    if name == "title":
        return _("Job title")
    if name == "province":
        return _("Province")
    try:
        return Organisation._meta.get_field(name).verbose_name
    except Exception:  # an old row naming a field that no longer exists
        return name


def _offering_text(value):
    if not value:
        return str(_("Not offered"))
    parts = []
    if value.get("capacity_per_month") is not None:
        parts.append(str(_("%(count)s a month") % {"count": value["capacity_per_month"]}))
    if value.get("age_min") is not None or value.get("age_max") is not None:
        parts.append(
            str(
                _("ages %(from)s–%(to)s")
                % {"from": value.get("age_min") or 0, "to": value.get("age_max") or "…"}
            )
        )
    if value.get("sex"):
        parts.append(str(dict(EligibleSex.choices).get(value["sex"], value["sex"])))
    if value.get("nationalities"):
        labels = dict(EligibleNationality.choices)
        parts.append(_join(str(labels.get(v, v)) for v in value["nationalities"]))
    return " · ".join(parts) or str(_("Offered"))


def _value_text(name, value, provinces):
    if name.startswith("service."):
        return _offering_text(value)
    if value in (None, "", []):
        return "—"
    if name == "logo":
        return str(_("Yes")) if value else "—"
    if name in ("home_province", "provinces"):
        codes = value if isinstance(value, list) else [value]
        return _join(str(provinces.get(code, code)) for code in codes)
    if name == "province":
        return str(provinces.get(value, value))
    labels = _CHOICES.get(name)
    if labels is not None:
        items = value if isinstance(value, list) else [value]
        return _join(str(labels.get(item, item)) for item in items)
    if isinstance(value, list):
        return _join(str(item) for item in value)
    return str(value)


def describe_events(events):
    """[{"event": AuditEvent, "label": str, "changes": [(label, from, to)], "note": str}]"""
    provinces = {}
    for province in Province.objects.all():
        provinces[province.code] = province.name
        provinces[province.pk] = province.name
    services = {service.code: service for service in Service.objects.all()}
    entries = []
    for event in events:
        detail = event.detail or {}
        kind = detail.get("event", "")
        changes = [
            (
                _field_label(name, services),
                _value_text(name, change.get("from"), provinces),
                _value_text(name, change.get("to"), provinces),
            )
            for name, change in (detail.get("changed") or {}).items()
        ]
        entries.append(
            {
                "event": event,
                "label": EVENT_LABELS.get(kind, event.get_action_display()),
                "changes": changes,
                "note": detail.get("reason") or detail.get("note") or "",
                "username": detail.get("username", ""),
                "verification_withdrawn": detail.get("verification_withdrawn", False),
                "cases_reassigned": detail.get("cases_reassigned"),
                "reassigned_to": detail.get("reassigned_to", ""),
            }
        )
    return entries
