from .cases import (
    SECTIONS,
    ConsentForm,
    NoteForm,
    ReassignForm,
    RegistrationForm,
    WithdrawConsentForm,
    section_form,
)
from .outreach import EncounterForm
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
    "NoteForm",
    "ReassignForm",
    "RegistrationForm",
    "WithdrawConsentForm",
    "section_form",
]
