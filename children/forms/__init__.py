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

__all__ = [
    "SECTIONS",
    "ConsentForm",
    "EncounterForm",
    "NoteForm",
    "ReassignForm",
    "RegistrationForm",
    "WithdrawConsentForm",
    "section_form",
]
