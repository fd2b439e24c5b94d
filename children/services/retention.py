"""The retention rule (RT-01, docs/adr/0028): anonymising closed cases, and the legal hold.

Anonymising a case clears everything that can name or find the child and keeps everything the
figures count: sex, age band at registration, nationality, documentation status, province,
registration and closure dates and reasons, work, schooling, risk, the case workflow and the
referrals' and follow-ups' states. The row history (pghistory's event rows) is cleared of the
same values, since it would otherwise keep them. Each case is anonymised in its own transaction
with its audit row; the audit log itself is append-only and names no child (LG-03).
"""

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case as SqlCase
from django.db.models import F, Value, When
from django.utils import timezone

from core import audit
from core.models import User
from core.permissions import Perm, check_permission

from ..models import (
    Assessment,
    Case,
    CaseNote,
    CaseTransfer,
    ClosureRequest,
    Consent,
    FollowUp,
    Household,
    PlanAction,
    PlanGoal,
    Referral,
    ReferralLetter,
    ReportAlert,
    TransferSummary,
)
from ..selectors.retention import Rule, due_case_ids, is_due, retention_counts, years_after
from .documents import DOCUMENT_HISTORY_CLEARED, documents_anonymise

logger = logging.getLogger(__name__)
MAX_PER_RUN = 20_000
Action = audit.Action

# Case fields that name, locate or describe the child in free text, and their cleared value.
CASE_IDENTITY: dict[str, Any] = {
    "given_name": "",
    "family_name": "",
    "father_name": "",
    "id_number": "",
    "district": "",
    "phone": "",
    "guardian_name": "",
    "guardian_phone": "",
    "workplace": "",
    "health_concerns": "",
    "protection_notes": "",
    "search_name": "",
    "search_compact": "",
    "search_father": "",
    "search_phonetic": "",
    "search_father_phonetic": "",
    "search_digits": "",
}
# Free text on the case's other records; each may name the child or the family.
RELATED_TEXT: list[tuple[type[Any], str, tuple[str, ...]]] = [
    (CaseNote, "case", ("body",)),
    (Consent, "case", ("given_by_name", "withdrawal_reason")),
    (
        Referral,
        "case",
        (
            "need",
            "contact_arrangements",
            "sender_note",
            "consent_override_reason",
            "decline_reason",
            "outcome_notes",
            "withdrawn_reason",
        ),
    ),
    (FollowUp, "case", ("outcome",)),
    (Assessment, "case", ("notes",)),
    (PlanGoal, "case", ("goal",)),
    (PlanAction, "goal__case", ("description",)),
    (ClosureRequest, "case", ("note", "comment")),
    # Issue 20's records of a case: transfers, duty-to-report decisions, letters to agencies.
    (CaseTransfer, "case", ("reason", "decline_reason", "withdrawn_reason")),
    (ReportAlert, "case", ("reason_not_reported",)),
    (ReferralLetter, "case", ("subject", "body")),
    # What the sender kept of a transferred case names the child too (docs/adr/0037).
    (TransferSummary, "transfer__case", ("given_name", "reason")),
]
HOUSEHOLD_IDENTITY = {"guardian_name": "", "guardian_phone": ""}
CONSENT_IDENTITY = {"given_by_name": "", "withdrawal_reason": ""}
# Row history is append-only for the application (LG-03) except these columns, which this rule
# clears in the history too; children/apps.py hands them to core.dbroles at start.
HISTORY_CLEARED_ON_ANONYMISING = {
    "children.CaseEvent": (
        *CASE_IDENTITY,
        "birth_date",
        "birth_year",
        "estimated_age",
        "estimated_age_on",
    ),
    "children.ConsentEvent": tuple(CONSENT_IDENTITY),
    "children.HouseholdEvent": tuple(HOUSEHOLD_IDENTITY),
    "children.CaseDocumentEvent": DOCUMENT_HISTORY_CLEARED,
}
# What replaces free text that was written: language-neutral, and not empty, so the checks that
# want a reason (a declined referral, a consent override) still hold.
CLEARED_TEXT = "—"


def _cleared(name: str) -> SqlCase:
    """Empty text stays empty; any other becomes CLEARED_TEXT."""
    return SqlCase(When(**{name: ""}, then=Value("")), default=Value(CLEARED_TEXT))


def _age_at_registration(case: Case) -> int | None:
    """The age the figures count (reports.summary: age at registration), as a whole number."""
    if case.birth_date is None:
        return case.estimated_age
    on, born = case.registered_on, case.birth_date
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _scrub_history(table: str, object_ids: list[int], values: dict[str, Any]) -> int:
    """Clear `values` in the pghistory event rows of these objects; returns rows changed."""
    if not object_ids:
        return 0
    columns = ", ".join(f'"{name}" = %s' for name in values)
    with connection.cursor() as cursor:
        # Table and column names are this module's constants; the values are parameters.
        cursor.execute(
            f'UPDATE "{table}" SET {columns} WHERE pgh_obj_id = ANY(%s)',  # noqa: S608
            [*values.values(), object_ids],
        )
        return int(cursor.rowcount)


def _event_table(model: type[Any]) -> str:
    """The table of the model's pghistory events (CaseEvent for Case)."""
    from django.apps import apps

    event_model = apps.get_model(model._meta.app_label, f"{model.__name__}Event")
    return str(event_model._meta.db_table)


@transaction.atomic
def case_anonymise(*, case_id: int, today: datetime.date, rule: Rule | None = None) -> bool:
    """Anonymise one case if the rule still reaches it; returns whether it did (safe to repeat)."""
    rule = rule or Rule.configured()
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or not is_due(case, today, rule):
        return False
    age = _age_at_registration(case)
    birth_year = case.birth_date.year if case.birth_date else case.birth_year
    changes: dict[str, Any] = {
        **CASE_IDENTITY,
        # Year of birth only; the age the figures count kept as an estimate on the
        # registration day (capped where the check constraint needs it: over 17 is "unknown"
        # in every figure either way).
        "birth_date": None,
        "birth_year": birth_year,
        "estimated_age": None if age is None else max(0, min(age, 25)),
        "estimated_age_on": case.registered_on,
        "anonymised_at": timezone.now(),
        "version": F("version") + 1,
    }
    Case.objects.filter(pk=case.pk).update(**changes)
    history_values = {k: v for k, v in changes.items() if k not in ("version", "anonymised_at")}
    scrubbed = _scrub_history(_event_table(Case), [case.pk], history_values)

    counts: dict[str, int] = {}
    for model, path, fields in RELATED_TEXT:
        rows = model.objects.filter(**{path: case.pk})
        counts[model._meta.model_name] = rows.update(**{name: _cleared(name) for name in fields})
    consent_ids = list(Consent.objects.filter(case=case.pk).values_list("pk", flat=True))
    scrubbed += _scrub_history(_event_table(Consent), consent_ids, CONSENT_IDENTITY)
    if case.household_id is not None:
        scrubbed += _household_scrub(case.household_id)
    scrubbed += _documents_scrub(case.pk, counts)
    TransferSummary.objects.filter(transfer__case=case.pk).update(family_initial="")

    audit.record(
        Action.ANONYMISE,
        obj=case,
        organisation=case.organisation_id,
        detail={
            "rule": {
                "years_after_closure": rule.years_after_closure,
                "years_after_18": rule.years_after_adulthood,
            },
            "cleared": sorted(k for k, v in counts.items() if v),
            "history_rows": scrubbed,
        },
    )
    return True


def _documents_scrub(case_id: int, counts: dict[str, int]) -> int:
    """Clear the documents' numbers, notes and scans, and the same in their history."""
    from ..models import CaseDocument

    ids = list(CaseDocument.objects.filter(case_id=case_id).values_list("pk", flat=True))
    counts["casedocument"] = documents_anonymise(case_id)
    return _scrub_history(
        _event_table(CaseDocument), ids, dict.fromkeys(DOCUMENT_HISTORY_CLEARED, "")
    )


def _household_scrub(household_id: int) -> int:
    """Clear the guardian's name and phone once every child of the household is anonymised."""
    if Case.objects.filter(household_id=household_id, anonymised_at__isnull=True).exists():
        return 0
    Household.objects.filter(pk=household_id).update(**HOUSEHOLD_IDENTITY)
    return _scrub_history(_event_table(Household), [household_id], HOUSEHOLD_IDENTITY)


@dataclass
class RetentionRun:
    """What one run found and did; `dry_run` runs change nothing."""

    dry_run: bool
    due: int
    held: int
    anonymised_before: int
    anonymised: int = 0
    case_ids: list[int] = field(default_factory=list)


def retention_run(
    *, dry_run: bool, today: datetime.date | None = None, rule: Rule | None = None
) -> RetentionRun:
    """Anonymise every case the rule reaches (one transaction each), or only count them."""
    today = today or timezone.localdate()
    rule = rule or Rule.configured()
    ids = due_case_ids(today, rule)
    counts = retention_counts(today, rule, due=ids)
    run = RetentionRun(
        dry_run=dry_run,
        due=counts.due,
        held=counts.held,
        anonymised_before=counts.anonymised_before,
        case_ids=ids,
    )
    if dry_run:
        return run
    # A first run on years of old cases leaves the rest to the following nights: 20,000 cases at
    # the ~27 ms a case measured on a shared 2-core machine is about 9 minutes, inside the
    # task's 25-minute soft limit.
    for case_id in ids[:MAX_PER_RUN]:
        if case_anonymise(case_id=case_id, today=today, rule=rule):
            run.anonymised += 1
    return run


def encounter_observations_clear(*, today: datetime.date, dry_run: bool = False) -> int:
    """Clear the free-text observations of encounters older than the closure rule's years.

    An observation may describe a child met on the street in words; after as many years as a
    closed case is kept, the encounter keeps its place, date and counts (the hotspot figures) and
    loses its words, unless a child met there is on a legal hold. Returns encounters cleared.
    """
    from ..models import Encounter

    cutoff = years_after(today, -settings.RETENTION_YEARS_AFTER_CLOSURE)
    due = (
        Encounter.objects.filter(occurred_at__date__lt=cutoff)
        .exclude(observations="")
        .exclude(children__legal_hold=True)
    )
    if dry_run:
        return due.count()
    return due.update(observations="")


def retention_job() -> dict[str, Any]:
    """The nightly job: a dry run unless RETENTION_ANONYMISE is on."""
    run = retention_run(dry_run=not settings.RETENTION_ANONYMISE)
    observations = encounter_observations_clear(
        today=timezone.localdate(), dry_run=not settings.RETENTION_ANONYMISE
    )
    logger.info("retention: %s encounters' observations cleared or due", observations)
    logger.info(
        "retention: %s due, %s held, %s anonymised (dry run: %s)",
        run.due,
        run.held,
        run.anonymised,
        run.dry_run,
    )
    return {
        "due": run.due,
        "held": run.held,
        "anonymised": run.anonymised,
        "observations": observations,
        "dry_run": run.dry_run,
    }


@transaction.atomic
def case_legal_hold_set(*, by: User, case: Case, hold: bool, reason: str = "") -> Case:
    """Put a closed or open case under a legal hold (or lift it): a manager's audited decision.

    A held case is never anonymised; an anonymised case cannot be held (nothing is left to keep).
    """
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    check_permission(by, Perm.CASE_LEGAL_HOLD, case.organisation_id)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.anonymised_at is not None:
        raise ValidationError(_("This case is anonymised already."), code="anonymised")
    reason = reason.strip()
    if hold and not reason:
        raise ValidationError(_("Say why the case is held."), code="reason")
    if locked.legal_hold == hold and (not hold or locked.legal_hold_reason == reason):
        return locked
    Case.objects.filter(pk=case.pk).update(
        legal_hold=hold, legal_hold_reason=reason if hold else "", version=F("version") + 1
    )
    audit.record(Action.UPDATE, user=by, obj=case, detail={"legal_hold": hold})
    locked.refresh_from_db()
    return locked
