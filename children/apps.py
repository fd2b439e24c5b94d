from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
        from .services.retention import HISTORY_CLEARED_ON_ANONYMISING

        registry.register(ChildrenKind(), EncountersKind())
        # Row history is append-only for the application (LG-03), except that anonymising a case
        # clears these identifying values from its history too (RT-01).
        for label, columns in HISTORY_CLEARED_ON_ANONYMISING.items():
            dbroles.allow_clearing_history(label, columns)
        member_deactivating.connect(
            reassign_open_cases_of_leaver, dispatch_uid="children.reassign_open_cases_of_leaver"
        )
