"""The duty to report danger to a child: starting, deciding and escalating alerts.

docs/adr/0036-duty-to-report.md. Alerts start inside the transaction of the change that calls for
them (registration, a section save, an assessment), so a change that rolls back starts nothing.
Mail carries counts and a link, never a child's name or case number.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, outbox
from core.exceptions import InvalidState
from core.mail import send_templated_mail, site_url
from core.models import User
from core.permissions import Perm, check_permission
from core.persian import clean_text
from ngos.models import Membership, Organisation
from ngos.selectors import managers_of, staff_administrators

from ..models import Case, ReportAlert
from ..models.choices import RiskLevel
from ..models.duty import (
    ACKNOWLEDGE_WITHIN,
    CONCERN_TRIGGERS,
    AlertTrigger,
    ReportDecision,
    ReportedTo,
)

Action = audit.Action

STARTED = "started"
ESCALATED = "escalated"
# The organisation has no active manager, so nobody there can decide: the administrators, who
# can name one, are told (counts and the organisation's name only).
NO_MANAGER = "no_manager"


def triggers_for_change(
    *,
    previous_risk: str | None,
    risk: str | None,
    previous_concerns: Iterable[str] = (),
    concerns: Iterable[str] = (),
) -> list[str]:
    """The triggers a change sets off: the risk *becoming* critical, a concern newly recorded."""
    triggers: list[str] = []
    if risk == RiskLevel.CRITICAL and previous_risk != RiskLevel.CRITICAL:
        triggers.append(AlertTrigger.CRITICAL_RISK)
    added = set(concerns or ()) - set(previous_concerns or ())
    triggers += sorted(str(t) for t in CONCERN_TRIGGERS if str(t) in added)
    return triggers


def responsible_manager(organisation_id: int, by: User | None) -> User | None:
    """Who answers first: the acting user when they manage the organisation, else its
    longest-serving active manager."""
    if by is not None and by.pk is not None:
        membership = getattr(by, "membership_or_none", None)
        if (
            membership is not None
            and membership.organisation_id == organisation_id
            and membership.role == "org_manager"
        ):
            return by
    membership_row = (
        Membership.objects.filter(
            organisation_id=organisation_id, role="org_manager", user__is_active=True
        )
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )
    return membership_row.user if membership_row else None


def report_alerts_start(
    *,
    case: Case,
    by: User | None,
    previous_risk: str | None,
    previous_concerns: Iterable[str] = (),
) -> list[ReportAlert]:
    """Start the alerts a change to `case` calls for; call inside the change's transaction.

    Idempotent: a trigger whose alert is still open starts nothing new.
    """
    triggers = triggers_for_change(
        previous_risk=previous_risk,
        risk=case.risk_level,
        previous_concerns=previous_concerns,
        concerns=case.protection_concerns or (),
    )
    return [alert for t in triggers if (alert := report_alert_start(case=case, trigger=t, by=by))]


def report_alert_start(*, case: Case, trigger: str, by: User | None) -> ReportAlert | None:
    """Open one alert for `case` and `trigger` unless one is open already (then None).

    Two changes racing to start the same alert meet at the one-open-alert constraint; the loser
    starts nothing and its own change still commits (the insert runs in a savepoint).
    """
    if ReportAlert.objects.open().filter(case=case, trigger=trigger).exists():
        return None
    try:
        return _start(case=case, trigger=trigger, by=by)
    except IntegrityError:
        return None


@transaction.atomic
def _start(*, case: Case, trigger: str, by: User | None) -> ReportAlert:
    now = timezone.now()
    manager = responsible_manager(case.organisation_id, by)
    alert = ReportAlert.objects.create(
        case=case,
        trigger=trigger,
        started_at=now,
        started_by=by if by is not None and by.pk else None,
        manager=manager,
        due_at=now + ACKNOWLEDGE_WITHIN,
    )
    audit.record(
        Action.CREATE,
        user=by,
        obj=case,
        organisation=case.organisation_id,
        detail={"report_alert": alert.pk, "trigger": trigger},
    )
    if manager is None:
        _queue_mail(case.organisation_id, NO_MANAGER, [])
    else:
        _queue_mail(case.organisation_id, STARTED, [manager.pk])
    return alert


def _queue_mail(organisation_id: int, kind: str, to_ids: list[int]) -> None:
    from ..tasks import send_report_alert_mail

    outbox.enqueue(send_report_alert_mail, organisation_id, kind, to_ids)


def _check_decision(
    decision: str,
    reported_to: str,
    reported_to_other: str,
    reported_on: datetime.date | None,
    reason_not_reported: str,
) -> None:
    errors: dict[str, str] = {}
    if decision not in ReportDecision.values:
        errors["decision"] = _("Choose whether the danger was reported.")
    elif decision == ReportDecision.REPORTED:
        if reported_to not in ReportedTo.values:
            errors["reported_to"] = _("Choose to whom it was reported.")
        elif reported_to == ReportedTo.OTHER and not reported_to_other:
            errors["reported_to_other"] = _("Name the authority it was reported to.")
        if reported_on is None:
            errors["reported_on"] = _("Enter the date it was reported.")
        elif reported_on > timezone.localdate():
            errors["reported_on"] = _("The date cannot be in the future.")
    elif not reason_not_reported:
        errors["reason_not_reported"] = _("Say why it was not reported.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def report_alert_decide(
    *,
    by: User,
    alert: ReportAlert,
    decision: str,
    reported_to: str = "",
    reported_to_other: str = "",
    reported_on: datetime.date | None = None,
    reference: str = "",
    reason_not_reported: str = "",
) -> ReportAlert:
    """A manager acknowledges the alert with the decision; audited. Decided once."""
    check_permission(
        by,
        Perm.REPORT_ALERT_DECIDE,
        alert.case.organisation_id,
        message=_("Only a manager of the organisation can decide on reporting."),
    )
    alert = ReportAlert.objects.select_for_update().select_related("case").get(pk=alert.pk)
    if not alert.is_open:
        raise InvalidState(_("This alert has already been decided."))
    reported_to_other = clean_text(reported_to_other)
    reason_not_reported = clean_text(reason_not_reported, multiline=True)
    _check_decision(decision, reported_to, reported_to_other, reported_on, reason_not_reported)
    reported = decision == ReportDecision.REPORTED
    alert.decision = decision
    alert.reported_to = reported_to if reported else ""
    alert.reported_to_other = (
        reported_to_other if reported_to == ReportedTo.OTHER and reported else ""
    )
    alert.reported_on = reported_on if reported else None
    alert.reference = clean_text(reference) if reported else ""
    alert.reason_not_reported = "" if reported else reason_not_reported
    alert.decided_by = by
    alert.decided_at = timezone.now()
    alert.save()
    audit.record(
        Action.UPDATE,
        user=by,
        obj=alert.case,
        detail={"report_alert": alert.pk, "decision": decision, "reported_to": alert.reported_to},
    )
    return alert


def report_alerts_escalate(*, now: datetime.datetime | None = None) -> int:
    """Escalate every open alert past its 24 hours, once each; return how many escalated.

    Each escalated alert is audited; each organisation's other managers get one mail.
    Safe to run twice and beside itself (rows are locked and skipped).
    """
    now = now or timezone.now()
    escalated = 0
    with transaction.atomic():
        due: QuerySet[ReportAlert] = (
            ReportAlert.objects.open()
            .filter(escalated_at__isnull=True, due_at__lte=now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("case")
        )
        by_organisation: dict[int, set[int]] = {}
        for alert in due:
            ReportAlert.objects.filter(pk=alert.pk).update(escalated_at=now)
            audit.record(
                Action.UPDATE,
                obj=alert.case,
                organisation=alert.case.organisation_id,
                detail={"report_alert": alert.pk, "escalated": True},
            )
            by_organisation.setdefault(alert.case.organisation_id, set()).add(alert.manager_id or 0)
            escalated += 1
        for organisation_id, first_managers in by_organisation.items():
            others = list(
                managers_of(organisation=organisation_id)
                .exclude(pk__in=first_managers)
                .values_list("pk", flat=True)
            )
            # An organisation with one manager: the reminder goes back to them; with none, to
            # the administrators, who can name one.
            to_ids = others or sorted(first_managers - {0})
            if to_ids:
                _queue_mail(organisation_id, ESCALATED, to_ids)
            else:
                _queue_mail(organisation_id, NO_MANAGER, [])
    return escalated


def report_alert_mail(*, organisation_id: int, kind: str, to_ids: list[int]) -> int:
    """Mail the managers `to_ids` of `organisation_id` about alerts waiting for a decision.

    Counts and a link only; alerts decided in the meantime are not counted. Returns how many
    messages went out.
    """
    if kind not in (STARTED, ESCALATED, NO_MANAGER):
        raise ValueError(kind)
    open_alerts = ReportAlert.objects.open().filter(case__organisation_id=organisation_id)
    counts: dict[str, Any] = {
        "open": open_alerts.count(),
        "escalated": open_alerts.escalated().count(),
    }
    if not counts["open"]:
        return 0
    if kind == NO_MANAGER:
        return _no_manager_mail(organisation_id, counts)
    url = site_url(reverse("children:report_alerts"))
    sent = 0
    for manager in managers_of(organisation=organisation_id).filter(pk__in=to_ids):
        send_templated_mail(
            to=manager.email,
            template="children/email/report_alert",
            language=manager.language,
            html=False,
            context={"manager": manager, "kind": kind, "counts": counts, "url": url},
        )
        sent += 1
    return sent


def _no_manager_mail(organisation_id: int, counts: dict[str, Any]) -> int:
    """Tell the administrators that `organisation_id`'s alerts have nobody to decide them."""
    if managers_of(organisation=organisation_id).exists():
        return 0  # a manager was named in the meantime; the escalation reaches them
    organisation = Organisation.objects.get(pk=organisation_id)
    url = site_url(reverse("ngos:staff_list", args=[organisation_id]))
    sent = 0
    for administrator in staff_administrators():
        send_templated_mail(
            to=administrator.email,
            template="children/email/report_alert_no_manager",
            language=administrator.language,
            html=False,
            context={
                "administrator": administrator,
                "organisation": organisation,
                "counts": counts,
                "url": url,
            },
        )
        sent += 1
    return sent
