from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChildrenConfig(AppConfig):
    name = "children"
    verbose_name = _("Children")

    def ready(self):
        from imports import registry

        from .imports.encounters import EncountersKind
        from .imports.kinds import ChildrenKind

        registry.register(ChildrenKind(), EncountersKind())
