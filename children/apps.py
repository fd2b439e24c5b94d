from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChildrenConfig(AppConfig):
    name = "children"
    verbose_name = _("Children")

    def ready(self):
        from imports import registry
        from ngos.signals import member_deactivating

        from .imports.encounters import EncountersKind
        from .imports.kinds import ChildrenKind
        from .receivers import reassign_open_cases_of_leaver

        registry.register(ChildrenKind(), EncountersKind())
        member_deactivating.connect(
            reassign_open_cases_of_leaver, dispatch_uid="children.reassign_open_cases_of_leaver"
        )
