"""Writes about organisations and their staff.

Each service checks that `by` may act, runs in one transaction, writes its audit row in that
transaction and queues mail through `core.outbox.enqueue`, so a rolled-back change sends nothing.
Refusals follow ADR 0013: acting without the permission raises `ActionNotAllowed` (a 403);
a step the organisation's or person's state does not allow raises `InvalidState`; input a
person can fix is a `ValidationError` with a message to show beside the form.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from core.audit import Action, record
from core.exceptions import ActionNotAllowed, InvalidState
from core.permissions import Perm, Role, check_permission, has_permission, roles_with

from .forms import MANAGER_ASSIGNABLE_ROLES
from .models import (
    IDENTITY_FIELDS,
    PROFILE_FIELDS,
    Membership,
    Organisation,
    Service,
    ServiceOffering,
)
from .signals import member_deactivating
from .tasks import end_user_sessions, send_invitation, send_organisation_notice

if TYPE_CHECKING:
    from core.models import AuditEvent, Province, User

# Changing these on a verified organisation withdraws the verification: it was about them.
VERIFIED_FIELDS = ["registration_number", "registering_authority"]
OFFERING_FIELDS = [
    "capacity_per_month",
    "age_min",
    "age_max",
    "sex",
    "nationalities",
    "documents",
    "notes",
]


# --- Profile --------------------------------------------------------------------------------


def _snapshot(organisation: Organisation) -> dict[str, Any]:
    """The profile as plain JSON values, for the audit row's before/after."""
    values: dict[str, Any] = {}
    for name in [*IDENTITY_FIELDS, *PROFILE_FIELDS]:
        value = getattr(organisation, name)
        if name == "home_province":
            value = organisation.home_province.code
        elif isinstance(value, list):
            value = list(value)
        values[name] = value
    values["provinces"] = sorted(organisation.provinces.values_list("code", flat=True))
    values["logo"] = bool(organisation.logo)
    for offering in organisation.service_offerings.select_related("service"):
        values[f"service.{offering.service.code}"] = {
            field: getattr(offering, field) for field in OFFERING_FIELDS
        }
    return values


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        key: {"from": before.get(key), "to": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def organisation_update_profile(
    *,
    by: "User",
    organisation: Organisation,
    data: Mapping[str, Any],
    offerings: Mapping[str, Mapping[str, Any] | None] | None = None,
) -> Organisation:
    """Change an organisation's profile and, with `offerings` ({service code: values or None}),
    the services it offers. Audits the fields that changed, with old and new values.

    `data` holds cleaned form values; keys it lacks stay as they are. `kind` and `code` change
    only for administrators. A new `logo` file replaces the old one; `logo=None` removes it.
    Changing the registration of a verified organisation withdraws its verification.
    """
    check_permission(by, Perm.ORG_EDIT_PROFILE, organisation)
    fields = PROFILE_FIELDS + (IDENTITY_FIELDS if has_permission(by, Perm.ORGS_MANAGE_ALL) else ())
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = _snapshot(org)
        for name in fields:
            if name in data:
                setattr(org, name, data[name])
        old_logo = org.logo.name if org.logo else ""
        if "logo" in data:
            org.logo = data["logo"] or None
        withdrawn = org.is_verified and any(
            before[name] != getattr(org, name) for name in VERIFIED_FIELDS
        )
        if withdrawn:
            org.verified_at = None
            org.verified_by = None
            org.verification_note = ""
        # The form checked each field; this catches what only the whole row shows (a
        # registration number another organisation holds). Stored logos are not re-read.
        org.full_clean(exclude=None if data.get("logo") else ["logo"])
        org.save()
        if "provinces" in data:
            org.provinces.set(data["provinces"])
        if offerings is not None:
            _save_offerings(org, offerings)
        changes = _diff(before, _snapshot(org))
        if changes:
            record(
                Action.UPDATE,
                user=by,
                obj=org,
                detail={
                    "event": "profile_updated",
                    "changed": changes,
                    "verification_withdrawn": withdrawn,
                },
            )
        if old_logo and "logo" in data and org.logo.name != old_logo:
            storage = org.logo.storage
            transaction.on_commit(lambda: storage.delete(old_logo))
    return org


def _save_offerings(
    organisation: Organisation, offerings: Mapping[str, Mapping[str, Any] | None]
) -> None:
    services = {s.code: s for s in Service.objects.filter(code__in=offerings)}
    existing = {o.service.code: o for o in organisation.service_offerings.select_related("service")}
    for code, values in offerings.items():
        if code not in services:
            continue
        current = existing.get(code)
        if values is None:
            if current is not None:
                current.delete()
            continue
        offering = current or ServiceOffering(organisation=organisation, service=services[code])
        for field in OFFERING_FIELDS:
            setattr(offering, field, values.get(field, getattr(offering, field)))
        offering.full_clean(exclude=["organisation", "service"], validate_unique=False)
        offering.save()


# --- Verification ---------------------------------------------------------------------------


def _notify_managers(event: "AuditEvent") -> None:
    outbox.enqueue(send_organisation_notice, event.pk)


def _verifiable(by: "User", organisation: Organisation) -> None:
    # Imported here: selectors import forms and filters, which are not needed for the check.
    from .selectors import organisations_verifiable

    if not organisations_verifiable(user=by).filter(pk=organisation.pk).exists():
        raise ActionNotAllowed


def organisation_verify(*, by: "User", organisation: Organisation, note: str = "") -> Organisation:
    """Record that a ministry officer checked the documents and confirmed the registration.

    A suspended organisation is reinstated first, then verified. Verifying again renews the date.
    The organisation's managers are told by email.
    """
    check_permission(by, Perm.ORG_VERIFY)
    _verifiable(by, organisation)
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if org.is_suspended:
            raise InvalidState(
                _("A suspended organisation cannot be verified. End the suspension first."),
                code="suspended",
            )
        org.verified_at = timezone.now()
        org.verified_by = by
        org.verification_note = note
        org.save(update_fields=["verified_at", "verified_by", "verification_note", "updated_at"])
        event = record(
            Action.UPDATE,
            user=by,
            obj=org,
            detail={"event": "verified", "note": note},
        )
        _notify_managers(event)
    return org


def organisation_suspend(*, by: "User", organisation: Organisation, reason: str) -> Organisation:
    """Suspend an organisation, with a reason: it receives no new referrals from now on.

    Its people still sign in and read their own cases. The managers are told by email.
    """
    check_permission(by, Perm.ORG_VERIFY)
    _verifiable(by, organisation)
    if not (reason or "").strip():
        raise ValidationError(_("Give a reason."), code="required")
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if org.is_suspended:
            raise InvalidState(_("This organisation is already suspended."), code="suspended")
        org.status = Organisation.Status.SUSPENDED
        org.suspended_at = timezone.now()
        org.suspended_by = by
        org.suspension_reason = reason
        org.save(
            update_fields=[
                "status",
                "suspended_at",
                "suspended_by",
                "suspension_reason",
                "updated_at",
            ]
        )
        event = record(
            Action.UPDATE,
            user=by,
            obj=org,
            detail={"event": "suspended", "reason": reason},
        )
        _notify_managers(event)
    return org


def organisation_reinstate(*, by: "User", organisation: Organisation, note: str) -> Organisation:
    """End a suspension; the organisation receives referrals again. Managers are told."""
    check_permission(by, Perm.ORG_VERIFY)
    _verifiable(by, organisation)
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if not org.is_suspended:
            raise InvalidState(_("This organisation is not suspended."), code="not_suspended")
        previous_reason = org.suspension_reason
        org.status = Organisation.Status.ACTIVE
        org.suspended_at = None
        org.suspended_by = None
        org.suspension_reason = ""
        org.save(
            update_fields=[
                "status",
                "suspended_at",
                "suspended_by",
                "suspension_reason",
                "updated_at",
            ]
        )
        event = record(
            Action.UPDATE,
            user=by,
            obj=org,
            detail={"event": "reinstated", "note": note, "suspension_reason": previous_reason},
        )
        _notify_managers(event)
    return org


# --- Staff ----------------------------------------------------------------------------------


def _check_role(
    by: "User", organisation: Organisation, role: str, province: "Province | None"
) -> None:
    if role not in Role.DEFINITIONS:
        raise ValidationError(_("Choose a role."), code="role")
    if role not in MANAGER_ASSIGNABLE_ROLES:
        check_permission(by, Perm.USERS_MANAGE_ALL)
    if role in (Role.MINISTRY_OFFICER, Role.ADMINISTRATOR) and (
        organisation.kind == Organisation.Kind.NGO
    ):
        raise ValidationError(
            _("Ministry officers and administrators belong to a government organisation."),
            code="role",
        )
    if province is not None and role != Role.MINISTRY_OFFICER:
        raise ValidationError(_("Only a ministry officer has a province."), code="province")


def _staff_detail(event: str, membership: Membership, **extra: Any) -> dict[str, Any]:
    return {
        "event": event,
        "organisation_id": membership.organisation_id,
        "username": membership.user.username,
        **extra,
    }


def staff_invite(*, by: "User", organisation: Organisation, data: Mapping[str, Any]) -> Membership:
    """Create an account for a new member of `organisation` and email them a one-time link to
    choose a password (valid 72 hours). Until then the account has no usable password.

    `data`: username, email, first_name, last_name, role, title, language, province (optional).
    Managers give the caseworker or manager role; administrators any role.
    """
    check_permission(by, Perm.ORG_MANAGE_STAFF, organisation)
    role = data["role"]
    province = data.get("province")
    _check_role(by, organisation, role, province)
    User = get_user_model()
    with transaction.atomic():
        if User.objects.filter(username__iexact=data["username"]).exists():
            raise ValidationError(_("This username is taken."), code="taken")
        if User.objects.filter(email__iexact=data["email"]).exists():
            raise ValidationError(
                _("Someone already has an account with this address."), code="taken"
            )
        user = User(
            username=data["username"],
            email=data["email"],
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            language=data.get("language") or "fa",
        )
        user.set_unusable_password()
        user.save()
        membership = Membership.objects.create(
            user=user,
            organisation=organisation,
            role=role,
            title=data.get("title", ""),
            province=province,
            invited_by=by,
        )
        record(
            Action.CREATE,
            user=by,
            obj=membership,
            detail=_staff_detail("staff_invited", membership, role=role),
        )
        outbox.enqueue(send_invitation, membership.pk)
    return membership


def staff_invite_resend(*, by: "User", membership: Membership) -> Membership:
    """Send a fresh invitation; links sent before stop working."""
    check_permission(by, Perm.ORG_MANAGE_STAFF, membership.organisation)
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=membership.user_id)
        if not user.is_active or user.has_usable_password():
            raise InvalidState(
                _("This person has already accepted the invitation."), code="accepted"
            )
        user.set_unusable_password()  # a new marker: older links no longer match
        user.save(update_fields=["password"])
        record(
            Action.UPDATE,
            user=by,
            obj=membership,
            detail=_staff_detail("invitation_resent", membership),
        )
        outbox.enqueue(send_invitation, membership.pk)
    return membership


def invitation_accept(*, user: "User", password: str) -> "User":
    """The invited person chose their password: the account can now sign in."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        membership = user.membership_or_none
        record(
            Action.PASSWORD_RESET_DONE,
            user=user,
            obj=membership or user,
            detail=_staff_detail("invitation_accepted", membership) if membership else {},
        )
    return user


def second_approver_set(
    *, by: "User", organisation: Organisation, user: "User | None"
) -> Membership | None:
    """Name `user` (an active caseworker of `organisation`) its second approver, or nobody.

    The second approver may approve the organisation's closures and consent overrides
    (`core.permissions.SECOND_APPROVER_PERMISSIONS`, docs/adr/0038), so an organisation with one
    manager still has four eyes. One per organisation (a database constraint); audited.
    """
    check_permission(by, Perm.ORG_MANAGE_STAFF, organisation)
    with transaction.atomic():
        members = list(
            Membership.objects.select_for_update()
            .select_related("user")
            .filter(organisation=organisation)
            .filter(
                Q(second_approver=True) | Q(user=user)
                if user is not None
                else Q(second_approver=True)
            )
        )
        previous = next((m for m in members if m.second_approver), None)
        chosen = next((m for m in members if user is not None and m.user_id == user.pk), None)
        if user is not None and (
            chosen is None or chosen.role != Role.CASEWORKER or not chosen.user.is_active
        ):
            raise ValidationError(
                {"second_approver": _("Choose an active caseworker of this organisation.")},
                code="invalid",
            )
        if previous is not None and previous != chosen:
            previous.second_approver = False
            previous.save(update_fields=["second_approver"])
        if chosen is not None and not chosen.second_approver:
            chosen.second_approver = True
            chosen.save(update_fields=["second_approver"])
        if previous != chosen:
            record(
                Action.UPDATE,
                user=by,
                obj=organisation,
                detail={
                    "event": "second_approver_set",
                    "organisation_id": organisation.pk,
                    "username": chosen.user.username if chosen else "",
                    "previous": previous.user.username if previous else "",
                },
            )
    return chosen


def staff_change_role(
    *,
    by: "User",
    membership: Membership,
    role: str,
    title: str | None = None,
    province: "Province | None" = None,
) -> Membership:
    """Give a member another role (and job title). Nobody changes their own role."""
    check_permission(by, Perm.ORG_MANAGE_STAFF, membership.organisation)
    if membership.user_id == by.pk:
        raise ValidationError(_("You cannot change your own role."), code="self")
    _check_role(by, membership.organisation, role, province)
    with transaction.atomic():
        current = (
            Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        )
        before = {"role": current.role, "title": current.title, "province": current.province_id}
        current.role = role
        if title is not None:
            current.title = title
        current.province = province
        # Only a caseworker is named second approver (a manager approves anyway).
        current.second_approver = current.second_approver and role == Role.CASEWORKER
        current.save(update_fields=["role", "title", "province", "second_approver"])
        after = {"role": current.role, "title": current.title, "province": current.province_id}
        changes = _diff(before, after)
        if changes:
            record(
                Action.UPDATE,
                user=by,
                obj=current,
                detail=_staff_detail("staff_role_changed", current, changed=changes),
            )
    return current


def staff_deactivate(
    *, by: "User", membership: Membership, reassign_to: "User | None" = None
) -> int:
    """Deactivate a member who leaves, and give their open cases to `reassign_to`, in one step.

    The cases move in this transaction through `ngos.signals.member_deactivating`, which the
    children app answers (ngos does not depend on children).
    The person cannot sign in any more; sessions they have open end at their next request
    (Django refuses inactive users) and are also deleted right after the commit (SE-01).
    Returns the number of cases reassigned.
    """
    check_permission(by, Perm.ORG_MANAGE_STAFF, membership.organisation)
    if membership.user_id == by.pk:
        raise ValidationError(_("You cannot deactivate yourself."), code="self")
    User = get_user_model()
    with transaction.atomic():
        leaver = User.objects.select_for_update().get(pk=membership.user_id)
        if not leaver.is_active:
            raise InvalidState(_("This person is already deactivated."), code="inactive")
        if reassign_to is not None:
            _check_reassignment(membership, reassign_to)
        # Each receiver answers with the number of cases it moved (django-stubs says str).
        answers: list[tuple[Any, int | None]] = member_deactivating.send(  # type: ignore[assignment]
            sender=Membership, by=by, membership=membership, leaver=leaver, reassign_to=reassign_to
        )
        moved = sum(moved_by_receiver or 0 for _receiver, moved_by_receiver in answers)
        leaver.is_active = False
        leaver.save(update_fields=["is_active"])
        record(
            Action.UPDATE,
            user=by,
            obj=membership,
            detail=_staff_detail(
                "staff_deactivated",
                membership,
                cases_reassigned=moved,
                reassigned_to=reassign_to.username if reassign_to is not None else "",
            ),
        )
        outbox.enqueue(end_user_sessions, leaver.pk)
    return moved


def _check_reassignment(membership: Membership, to_user: "User") -> None:
    to_membership = getattr(to_user, "membership_or_none", None)
    if (
        to_user.pk == membership.user_id
        or not to_user.is_active
        or to_membership is None
        or to_membership.organisation_id != membership.organisation_id
        or to_membership.role not in roles_with(Perm.CASE_EDIT)
    ):
        raise ValidationError(
            _("Choose an active caseworker or manager of the same organisation."),
            code="reassign_to",
        )


def staff_reactivate(*, by: "User", membership: Membership) -> Membership:
    """Let a deactivated member sign in again (with the password they had)."""
    check_permission(by, Perm.ORG_MANAGE_STAFF, membership.organisation)
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=membership.user_id)
        if user.is_active:
            raise InvalidState(_("This person is already active."), code="active")
        user.is_active = True
        user.save(update_fields=["is_active"])
        record(
            Action.UPDATE,
            user=by,
            obj=membership,
            detail=_staff_detail("staff_reactivated", membership),
        )
    return membership
