from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChildrenConfig(AppConfig):
    name = "children"
    verbose_name = _("Children")

    def ready(self):
        from ngos.signals import member_deactivating

        from .receivers import reassign_open_cases_of_leaver

        member_deactivating.connect(
            reassign_open_cases_of_leaver, dispatch_uid="children.reassign_open_cases_of_leaver"
        )
