"""Where to refer: the organisations offering a service, ranked for one child (docs/adr/0039).

Each organisation is ranked by the child's eligibility for its offering of the service (age,
sex, nationality, documents: `ServiceOffering.ineligible_for`) and by the places it has left this
Jalali month (its capacity a month minus the referrals for that service it accepted this month).
Eligible organisations with places come first, most places first; then eligible ones that state
no capacity; then eligible ones that are full; ineligible ones last (fewest reasons first),
still selectable with a warning. Verified before not yet verified, then by name, within each.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from core.jalali import jalali_month_bounds, to_jalali
from core.templatetags.persian_dates import localdigits
from ngos.models import Organisation, Service, ServiceOffering

from ..models import Case, Referral
from ..models.choices import ReferralState

REASON_LABELS = {
    "age": lambda: pgettext("eligibility", "age"),
    "sex": lambda: pgettext("eligibility", "sex"),
    "nationality": lambda: pgettext("eligibility", "nationality"),
    "documents": lambda: pgettext("eligibility", "documents"),
}


@dataclass
class RankedOrganisation:
    organisation: Organisation
    offering: ServiceOffering | None
    reasons: list[str] = field(default_factory=list)
    places_left: int | None = None

    @property
    def eligible(self) -> bool:
        return not self.reasons

    @property
    def full(self) -> bool:
        return self.places_left is not None and self.places_left <= 0

    @property
    def reason(self) -> str:
        """What the form shows beside the name: "eligible · 4 places left", "not eligible: age"."""
        if self.reasons:
            return _("not eligible: %(reasons)s") % {
                "reasons": pgettext("list separator", ", ").join(
                    str(REASON_LABELS[r]()) for r in self.reasons
                )
            }
        if self.places_left is None:
            return _("eligible · capacity not stated")
        if self.places_left <= 0:
            return _("eligible · no places left this month")
        return ngettext(
            "eligible · %(count)s place left",
            "eligible · %(count)s places left",
            self.places_left,
        ) % {"count": localdigits(self.places_left)}

    def sort_key(self) -> tuple[Any, ...]:
        return (
            len(self.reasons),  # eligible first, then the nearest to eligible
            self.full,
            self.places_left is None,
            -(self.places_left or 0),
            not self.organisation.is_verified,
            self.organisation.name,
        )


def this_month(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    jalali = to_jalali(today)
    return jalali_month_bounds(jalali.year, jalali.month)


def accepted_this_month(
    *, service: Service, organisation_ids: Iterable[int], today: datetime.date | None = None
) -> dict[int, int]:
    """{organisation id: referrals for `service` it accepted this Jalali month}. A referral
    accepted and later completed, not completed or withdrawn still took its place."""
    first, last = this_month(today)
    rows = (
        Referral.objects.filter(
            service=service,
            to_organisation_id__in=list(organisation_ids),
            answered_at__date__gte=first,
            answered_at__date__lte=last,
        )
        .exclude(state__in=[ReferralState.SENT, ReferralState.DECLINED])
        .values("to_organisation_id")
        .annotate(n=Count("pk"))
    )
    return {row["to_organisation_id"]: row["n"] for row in rows}


def rank_organisations(
    *,
    case: Case,
    service: Service,
    organisations: Iterable[Organisation],
    today: datetime.date | None = None,
) -> list[RankedOrganisation]:
    """`organisations` (those the user may refer to for `service`) ranked for `case`'s child."""
    organisations = list(organisations)
    ids = [o.pk for o in organisations]
    offerings = {
        o.organisation_id: o
        for o in ServiceOffering.objects.filter(service=service, organisation_id__in=ids)
    }
    taken = accepted_this_month(service=service, organisation_ids=ids, today=today)
    facts = {
        "age": case.age(today),
        "sex": case.sex,
        "nationality": case.nationality,
        "documentation": case.documentation,
    }
    ranked = []
    for organisation in organisations:
        offering = offerings.get(organisation.pk)
        reasons = offering.ineligible_for(**facts) if offering else []
        capacity = offering.capacity_per_month if offering else None
        places = None if capacity is None else capacity - taken.get(organisation.pk, 0)
        ranked.append(RankedOrganisation(organisation, offering, reasons, places))
    return sorted(ranked, key=RankedOrganisation.sort_key)
