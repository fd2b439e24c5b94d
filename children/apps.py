from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The history columns the retention rule clears when it anonymises a case (RT-01): the case's
# identity, its consents' free text and the household's guardian. Only these may be updated in
# the history tables by the application; a column not (yet) in a table is skipped.
HISTORY_CLEARED_ON_ANONYMISING = {
    "children.CaseEvent": (
        "given_name",
        "family_name",
        "father_name",
        "id_number",
        "district",
        "phone",
        "guardian_name",
        "guardian_phone",
        "workplace",
        "health_concerns",
        "protection_notes",
        "search_name",
        "search_compact",
        "search_father",
        "search_phonetic",
        "search_father_phonetic",
        "search_digits",
        "birth_date",
        "birth_year",
        "estimated_age",
        "estimated_age_on",
    ),
    "children.ConsentEvent": ("given_by_name", "withdrawal_reason"),
    "children.HouseholdEvent": ("guardian_name", "guardian_phone"),
}


class ChildrenConfig(AppConfig):
    name = "children"
    verbose_name = _("Children")

    def ready(self):
        from core import dbroles
        from imports import registry
        from ngos.signals import member_deactivating

        from .imports.encounters import EncountersKind
        from .imports.kinds import ChildrenKind
        from .receivers import reassign_open_cases_of_leaver

        registry.register(ChildrenKind(), EncountersKind())
        # Row history is append-only for the application (LG-03), except that anonymising a case
        # clears these identifying values from its history too (RT-01).
        for label, columns in HISTORY_CLEARED_ON_ANONYMISING.items():
            dbroles.allow_clearing_history(label, columns)
        member_deactivating.connect(
            reassign_open_cases_of_leaver, dispatch_uid="children.reassign_open_cases_of_leaver"
        )
