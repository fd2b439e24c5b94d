from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.core import checks
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401  (audit of logins and lockouts)
        from .dbroles import check_app_role, grant_after_migrate

        # After every migrate run as the owner, the application role gets its rights (LG-03).
        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="core.grant_app_role")
        checks.register(check_app_role, checks.Tags.database)
