"""Numbered referral letters «نامه ارجاع» to agencies outside the system (docs/adr/0039).

A letter gets the next number of its organisation's sequence for the Jalali year, e.g.
NGOA-1405-0001, taken under a lock on the organisation's row so that two letters written at the
same moment never share a number. The letter keeps what the caseworker wrote; what it says about
the child is decided each time it is printed, from the consent the case holds then
(`letter_child_details`): the child is named only while a consent covering letters to outside
agencies stands. Writing a letter and printing it are audited against the case.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit
from core.jalali import to_jalali
from core.models import User
from core.permissions import Perm, check_permission
from core.persian import clean_text
from ngos.models import Organisation

from ..models import Case, Consent, ReferralLetter
from ..models.choices import ConsentScope

Action = audit.Action


def letter_number(organisation: Organisation, year: int, sequence: int) -> str:
    return f"{organisation.code}-{year}-{sequence:04d}"


@transaction.atomic
def letter_create(*, by: User, case: Case, data: Mapping[str, Any]) -> ReferralLetter:
    """Write a numbered letter about `case` from its organisation; returns it.

    `data` holds `recipient`, `subject` and `body` (required) and `attachments`.
    """
    check_permission(
        by,
        Perm.REFERRAL_SEND,
        case.organisation_id,
        message=_("You cannot write letters about this organisation's cases."),
    )
    values = {
        name: clean_text(data.get(name) or "", multiline=name == "body").strip()
        for name in ("recipient", "subject", "body", "attachments")
    }
    missing = {
        name: _("This field is required.")
        for name in ("recipient", "subject", "body")
        if not values[name]
    }
    if missing:
        raise ValidationError(missing)
    organisation = Organisation.objects.select_for_update().get(pk=case.organisation_id)
    now = timezone.now()
    year = to_jalali(timezone.localdate(now)).year
    last = ReferralLetter.objects.filter(organisation=organisation, year=year).aggregate(
        last=Max("sequence")
    )["last"]
    sequence = (last or 0) + 1
    letter = ReferralLetter.objects.create(
        case=case,
        organisation=organisation,
        year=year,
        sequence=sequence,
        number=letter_number(organisation, year, sequence),
        created_by=by,
        created_at=now,
        **values,
    )
    audit.record(
        Action.CREATE,
        user=by,
        obj=case,
        detail={"referral_letter": letter.pk, "number": letter.number},
    )
    return letter


def external_consent_for(case: Case) -> Consent | None:
    """The active consent of `case` that covers naming the child to outside agencies."""
    return (
        Consent.objects.filter(
            case=case, withdrawn_at__isnull=True, scope__contains=[ConsentScope.EXTERNAL]
        )
        .order_by("-given_on", "-id")
        .first()
    )


def letter_child_details(case: Case) -> dict[str, Any]:
    """What a letter may say about the child now: everything below with consent, else only sex
    and age, and `identified` False so the letter says the details were left out."""
    consent = external_consent_for(case)
    details: dict[str, Any] = {
        "identified": consent is not None,
        "consent": consent,
        "sex": case.get_sex_display(),
        "age": case.age(),
    }
    if consent is not None:
        details.update(
            full_name=case.full_name,
            father_name=case.father_name,
            birth_date=case.birth_date,
            nationality=case.get_nationality_display(),
            documentation=case.get_documentation_display(),
            id_number=case.id_number,
            city=case.city,
            case_number=case.case_number,
        )
    return details
