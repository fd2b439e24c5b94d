from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NgosConfig(AppConfig):
    name = "ngos"
    verbose_name = _("Organisations")

    def ready(self):
        from imports import registry

        from .imports import OrganisationsKind, StaffKind

        registry.register(OrganisationsKind(), StaffKind())
