"""Roles and permissions, as data.

Each role has a human description and a fixed set of permissions. Code asks one question,
`has_permission(user, perm, organisation=...)`, and never checks a role by name. Adding a
permission to a role is a one-line change here, reviewed like any other.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, cast

from django.utils.translation import gettext_lazy as _

from .types import AnyUser

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .models import User
from .exceptions import ActionNotAllowed


class Perm(StrEnum):
    # Case work within the user's own organisation.
    CASE_VIEW = "case.view"
    CASE_EDIT = "case.edit"
    CASE_REASSIGN = "case.reassign"
    CASE_APPROVE_CLOSURE = "case.approve_closure"
    CASE_LEGAL_HOLD = "case.legal_hold"
    # Send a case to another organisation, and answer one sent to this one (docs/adr/0037).
    CASE_TRANSFER = "case.transfer"
    OUTREACH_LOG = "outreach.log"
    REFERRAL_SEND = "referral.send"
    REFERRAL_ANSWER = "referral.answer"
    CONSENT_OVERRIDE = "consent.override"
    # Countersign a referral another person sent on a consent override (docs/adr/0038).
    CONSENT_OVERRIDE_APPROVE = "consent.override_approve"
    FOLLOWUP_MANAGE = "followup.manage"
    # The organisation's open cases holding a document a policy change made invalid.
    DOCUMENT_POLICY_CASES = "documents.policy_cases"
    # The duty to report danger to a child: list the organisation's alerts and decide them.
    REPORT_ALERT_DECIDE = "report_alert.decide"
    # Who opened, changed or exported the organisation's cases: the audit trail (LG-05).
    CASE_AUDIT_VIEW = "case.audit_view"
    # The organisation itself.
    ORG_VIEW_STAFF = "org.view_staff"
    ORG_MANAGE_STAFF = "org.manage_staff"
    ORG_EDIT_PROFILE = "org.edit_profile"
    ORG_DASHBOARD = "org.dashboard"
    DIRECTORY_VIEW = "directory.view"
    # Which provinces lack which services: counts of organisations, never of children.
    COVERAGE_VIEW = "directory.coverage"
    # Read any organisation's profile history (a manager reads their own with ORG_EDIT_PROFILE).
    ORG_HISTORY_VIEW = "org.history"
    # Ministry-wide, never identifying.
    NATIONAL_DASHBOARD = "national.dashboard"
    REPORTS_VIEW = "reports.view"
    ORG_VERIFY = "org.verify"
    MEETINGS_MANAGE = "meetings.manage"
    MEETINGS_VIEW = "meetings.view"
    RESOLUTION_UPDATE = "resolution.update"
    # Record that a document type stops being valid from a date (no case data).
    DOCUMENT_POLICY_RECORD = "documents.policy_record"
    # Administration.
    DATA_IMPORT = "data.import"
    # Staff of every organisation: see, invite, give any role, deactivate.
    USERS_MANAGE_ALL = "users.manage_all"
    # Every organisation's profile, its identity (kind, code) included.
    ORGS_MANAGE_ALL = "orgs.manage_all"
    # API tokens for partner systems: create, list, revoke (AC-11).
    API_TOKENS_MANAGE = "api.tokens"


# Permissions that only ever apply inside the holder's own organisation.
ORGANISATION_SCOPED = frozenset(
    {
        Perm.CASE_VIEW,
        Perm.CASE_EDIT,
        Perm.CASE_REASSIGN,
        Perm.CASE_APPROVE_CLOSURE,
        Perm.CONSENT_OVERRIDE_APPROVE,
        Perm.CASE_LEGAL_HOLD,
        Perm.CASE_TRANSFER,
        Perm.OUTREACH_LOG,
        Perm.REFERRAL_SEND,
        Perm.REFERRAL_ANSWER,
        Perm.FOLLOWUP_MANAGE,
        Perm.REPORT_ALERT_DECIDE,
        Perm.CASE_AUDIT_VIEW,
        Perm.DOCUMENT_POLICY_CASES,
        Perm.ORG_VIEW_STAFF,
        Perm.ORG_MANAGE_STAFF,
        Perm.ORG_EDIT_PROFILE,
        Perm.ORG_DASHBOARD,
        Perm.RESOLUTION_UPDATE,
    }
)

_CASEWORK = frozenset(
    {
        Perm.CASE_VIEW,
        Perm.CASE_EDIT,
        Perm.OUTREACH_LOG,
        Perm.REFERRAL_SEND,
        Perm.REFERRAL_ANSWER,
        Perm.FOLLOWUP_MANAGE,
        Perm.DIRECTORY_VIEW,
        Perm.MEETINGS_VIEW,
    }
)


@dataclass(frozen=True)
class RoleDefinition:
    key: str
    label: "StrOrPromise"
    description: "StrOrPromise"
    permissions: frozenset[Perm]
    # Holders confirm a one-time code after their password before any page with data (AU-03).
    second_factor: bool = False


class Role:
    """The four roles: caseworker, organisation manager, ministry officer, administrator. Keys are stored on `ngos.Membership.role`."""

    CASEWORKER = "caseworker"
    ORG_MANAGER = "org_manager"
    MINISTRY_OFFICER = "ministry_officer"
    ADMINISTRATOR = "administrator"

    DEFINITIONS = {
        CASEWORKER: RoleDefinition(
            CASEWORKER,
            _("Caseworker"),
            _("Logs street outreach, registers children, assesses, plans, refers and follows up."),
            _CASEWORK,
        ),
        ORG_MANAGER: RoleDefinition(
            ORG_MANAGER,
            _("Organisation manager"),
            _(
                "Everything a caseworker does for the organisation's cases; assigns caseworkers, "
                "approves closures, manages staff and the organisation profile."
            ),
            _CASEWORK
            | {
                Perm.CASE_REASSIGN,
                Perm.CASE_APPROVE_CLOSURE,
                Perm.CASE_LEGAL_HOLD,
                Perm.CASE_TRANSFER,
                Perm.CASE_AUDIT_VIEW,
                Perm.REPORT_ALERT_DECIDE,
                Perm.CONSENT_OVERRIDE,
                Perm.DOCUMENT_POLICY_CASES,
                Perm.CONSENT_OVERRIDE_APPROVE,
                Perm.ORG_VIEW_STAFF,
                Perm.ORG_MANAGE_STAFF,
                Perm.ORG_EDIT_PROFILE,
                Perm.ORG_DASHBOARD,
                Perm.RESOLUTION_UPDATE,
            },
            second_factor=True,
        ),
        MINISTRY_OFFICER: RoleDefinition(
            MINISTRY_OFFICER,
            _("Ministry officer"),
            _(
                "Reads national or provincial dashboards and reports (aggregate, never identifying), "
                "verifies organisations, runs working groups and their resolutions."
            ),
            frozenset(
                {
                    Perm.NATIONAL_DASHBOARD,
                    Perm.REPORTS_VIEW,
                    Perm.DIRECTORY_VIEW,
                    Perm.ORG_VERIFY,
                    Perm.COVERAGE_VIEW,
                    Perm.ORG_HISTORY_VIEW,
                    Perm.MEETINGS_MANAGE,
                    Perm.MEETINGS_VIEW,
                    Perm.ORG_VIEW_STAFF,
                    Perm.DOCUMENT_POLICY_RECORD,
                }
            ),
            second_factor=True,
        ),
        ADMINISTRATOR: RoleDefinition(
            ADMINISTRATOR,
            _("Administrator"),
            _("Manages users, organisations and reference data; imports spreadsheets."),
            frozenset(
                {
                    Perm.DATA_IMPORT,
                    Perm.USERS_MANAGE_ALL,
                    Perm.ORGS_MANAGE_ALL,
                    Perm.API_TOKENS_MANAGE,
                    Perm.DIRECTORY_VIEW,
                    Perm.COVERAGE_VIEW,
                    Perm.ORG_HISTORY_VIEW,
                    Perm.ORG_VIEW_STAFF,
                    Perm.ORG_MANAGE_STAFF,
                    Perm.ORG_EDIT_PROFILE,
                    Perm.DOCUMENT_POLICY_RECORD,
                }
            ),
            second_factor=True,
        ),
    }

    @classmethod
    def choices(cls) -> list[tuple[str, "StrOrPromise"]]:
        return [(key, definition.label) for key, definition in cls.DEFINITIONS.items()]

    @classmethod
    def get(cls, key: str) -> RoleDefinition:
        return cls.DEFINITIONS[key]


# What a member named their organisation's second approver holds besides their role's
# permissions (`ngos.Membership.second_approver`, docs/adr/0038): an organisation with one manager
# still has someone other than the asker to approve a closure or a consent override. Granted by
# the membership row, never by a check on who the user is.
SECOND_APPROVER_PERMISSIONS = frozenset({Perm.CASE_APPROVE_CLOSURE, Perm.CONSENT_OVERRIDE_APPROVE})


# Holding the permission on the right lets a user do the one on the left in every organisation;
# everyone else does it only inside their own.
_ACROSS_ORGANISATIONS = {
    Perm.ORG_VIEW_STAFF: Perm.USERS_MANAGE_ALL,
    Perm.ORG_MANAGE_STAFF: Perm.USERS_MANAGE_ALL,
    Perm.ORG_EDIT_PROFILE: Perm.ORGS_MANAGE_ALL,
}


def role_of(user: "AnyUser | None") -> RoleDefinition | None:
    """The user's RoleDefinition, or None for anonymous users and users without a membership."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    membership = user.membership_or_none
    definition: RoleDefinition | None = membership.role_definition if membership else None
    return definition


def role_needs_second_factor(user: "AnyUser | None") -> bool:
    """Whether the user's role asks for the second factor (AU-03); voluntary enrolment aside."""
    role = role_of(user)
    return role is not None and role.second_factor


def permissions_of(user: "AnyUser | None") -> frozenset[Perm]:
    """Every permission `user` holds: the role's, plus those the membership grants (a second
    approver's, docs/adr/0038)."""
    role = role_of(user)
    if role is None:
        return frozenset()
    membership = cast("User", user).membership_or_none
    if getattr(membership, "second_approver", False):
        return role.permissions | SECOND_APPROVER_PERMISSIONS
    return role.permissions


def has_permission(user: "AnyUser | None", perm: Perm, organisation: object = None) -> bool:
    """Whether `user` may do `perm`, optionally on something belonging to `organisation`.

    Organisation-scoped permissions hold only for the user's own organisation (except for
    holders of the matching `_ACROSS_ORGANISATIONS` permission). Ministry-wide permissions
    ignore `organisation`.
    """
    granted = permissions_of(user)
    if perm not in granted:
        return False
    if organisation is None:
        return True
    if _ACROSS_ORGANISATIONS.get(perm) in granted:
        return True
    if perm in ORGANISATION_SCOPED or perm in _ACROSS_ORGANISATIONS:
        organisation_id = getattr(organisation, "pk", organisation)
        return cast("User", user).membership.organisation_id == organisation_id
    return True


def check_permission(
    user: "AnyUser | None",
    perm: Perm,
    organisation: Any = None,
    *,
    message: "StrOrPromise | None" = None,
) -> None:
    """What a service calls before a write: `ActionNotAllowed` (a 403) unless `has_permission`.

    `message` is shown on pages that report the refusal instead of answering 403 (ADR 0013).
    """
    if not has_permission(user, perm, organisation=organisation):
        raise ActionNotAllowed() if message is None else ActionNotAllowed(message)


def permission_flags(user: "AnyUser | None") -> dict[str, bool]:
    """A {perm_name: bool} map for templates, e.g. `{% if can.org_manage_staff %}`."""
    granted = permissions_of(user)
    return {perm.name.lower(): perm in granted for perm in Perm}


def roles_with(perm: Perm) -> list[str]:
    """The keys of the roles granting `perm`, to find users in a query without naming roles:
    `membership__role__in=roles_with(Perm.CASE_EDIT)`."""
    return [key for key, definition in Role.DEFINITIONS.items() if perm in definition.permissions]
