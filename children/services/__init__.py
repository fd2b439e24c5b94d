"""Writes to children's cases and outreach. Each function runs in one transaction and audits in it."""

from .approvals import consent_override_approve
from .cases import (
    case_add_note,
    case_reassign,
    case_reassign_open,
    case_register,
    case_update,
    consent_record,
    consent_withdraw,
)
from .families import (
    case_household_update,
    case_section_save,
    household_add_case,
    household_remove_case,
    household_update,
    sibling_register,
)
from .followups import (
    digests_send,
    followup_record,
    followup_reschedule,
    followup_schedule,
    followups_mark_overdue,
)
from .links import case_link_answer, case_link_request
from .outreach import encounter_log
from .referrals import (
    ReferralConsentRequired,
    referral_accept,
    referral_complete,
    referral_decline,
    referral_send,
    referral_send_overdue_reminders,
    referral_withdraw,
    referrals_end_sharing_for_consent,
)
from .workflow import (
    assessment_record,
    case_reopen,
    closure_approve,
    closure_request,
    closure_return,
    plan_action_add,
    plan_action_set_status,
    plan_goal_add,
)

__all__ = [
    "consent_override_approve",
    "case_household_update",
    "case_section_save",
    "household_add_case",
    "household_remove_case",
    "household_update",
    "sibling_register",
    "assessment_record",
    "case_reopen",
    "closure_approve",
    "closure_request",
    "closure_return",
    "digests_send",
    "followup_record",
    "followup_reschedule",
    "followup_schedule",
    "followups_mark_overdue",
    "plan_action_add",
    "plan_action_set_status",
    "plan_goal_add",
    "case_add_note",
    "case_link_answer",
    "case_link_request",
    "case_reassign",
    "case_reassign_open",
    "case_register",
    "case_update",
    "consent_record",
    "consent_withdraw",
    "encounter_log",
    "ReferralConsentRequired",
    "referral_accept",
    "referral_complete",
    "referral_decline",
    "referral_send",
    "referral_send_overdue_reminders",
    "referral_withdraw",
    "referrals_end_sharing_for_consent",
]
