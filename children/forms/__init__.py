from .cases import (
    SECTIONS,
    ConsentForm,
    NoteForm,
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
    "RegistrationForm",
    "WithdrawConsentForm",
    "section_form",
]
