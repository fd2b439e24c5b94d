from .cases import Case, CaseLink, CaseNote, CaseNumberSequence, Consent, TimelineEntry
from .outreach import ANONYMOUS_FIELDS, Encounter, EncounterChild

__all__ = [
    "ANONYMOUS_FIELDS",
    "Case",
    "CaseLink",
    "CaseNote",
    "CaseNumberSequence",
    "Consent",
    "Encounter",
    "TimelineEntry",
    "EncounterChild",
]
