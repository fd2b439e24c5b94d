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
from .links import case_link_answer, case_link_request
from .outreach import encounter_log

__all__ = [
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
