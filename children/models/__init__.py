# The offline app's received items live in their package but belong to this app (RE-08).
from ..sync.models import SyncItem  # noqa: E402
from .cases import Case, CaseLink, CaseNote, CaseNumberSequence, Consent, TimelineEntry
from .documents import CaseDocument, DocumentPolicyChange, DocumentType
from .duty import ReportAlert
from .families import SHARED_FIELDS, Household
from .outreach import ANONYMOUS_FIELDS, Encounter, EncounterChild
from .referrals import DigestSent, FollowUp, Referral, ReferralLetter
from .schooling import SchoolStatusChange
from .transfers import CaseTransfer, TransferState, TransferSummary
from .workflow import Assessment, ClosureRequest, PlanAction, PlanGoal

__all__ = [
    "Assessment",
    "CaseTransfer",
    "TransferState",
    "TransferSummary",
    "ClosureRequest",
    "DigestSent",
    "FollowUp",
    "PlanAction",
    "PlanGoal",
    "Referral",
    "SchoolStatusChange",
    "ReportAlert",
    "ReferralLetter",
    "ANONYMOUS_FIELDS",
    "Case",
    "CaseLink",
    "CaseNote",
    "CaseDocument",
    "DocumentPolicyChange",
    "DocumentType",
    "CaseNumberSequence",
    "Consent",
    "Encounter",
    "TimelineEntry",
    "EncounterChild",
    "Household",
    "SHARED_FIELDS",
    "SyncItem",
]
