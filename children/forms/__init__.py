from .cases import (
    SECTIONS,
    ConsentForm,
    NoteForm,
    ReassignForm,
    RegistrationForm,
    WithdrawConsentForm,
    section_form,
)
from .families import FamilyAddForm, HouseholdForm
from .outreach import EncounterForm
from .referrals import (
    CompleteForm,
    DeclineForm,
    ReferralForm,
    ReferralServiceForm,
    WithdrawReferralForm,
)
from .workflow import (
    AssessmentForm,
    ClosureDecisionForm,
    ClosureRequestForm,
    FollowUpForm,
    FollowUpOutcomeForm,
    GoalForm,
    PlanActionForm,
    PlanActionStatusForm,
    ReopenForm,
    RescheduleForm,
)

__all__ = [
    "AssessmentForm",
    "ClosureDecisionForm",
    "ClosureRequestForm",
    "FollowUpForm",
    "FollowUpOutcomeForm",
    "GoalForm",
    "PlanActionForm",
    "PlanActionStatusForm",
    "ReopenForm",
    "RescheduleForm",
    "SECTIONS",
    "ConsentForm",
    "EncounterForm",
    "FamilyAddForm",
    "HouseholdForm",
    "NoteForm",
    "ReassignForm",
    "RegistrationForm",
    "WithdrawConsentForm",
    "section_form",
    "CompleteForm",
    "DeclineForm",
    "ReferralForm",
    "ReferralServiceForm",
    "WithdrawReferralForm",
]
