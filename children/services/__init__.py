"""Writes to children's cases and outreach. Each function runs in one transaction and audits in it."""

from .cases import (
    CaseConflict,
    case_add_note,
    case_reassign,
    case_reassign_open,
    case_register,
    case_update,
    consent_record,
    consent_withdraw,
)
from .followups import (
    FollowUpError,
    digests_send,
    followup_record,
    followup_reschedule,
    followup_schedule,
    followups_mark_overdue,
)
from .links import case_link_answer, case_link_request
from .outreach import encounter_log
from .workflow import (
    WorkflowError,
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
    "FollowUpError",
    "WorkflowError",
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
    "CaseConflict",
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
]
