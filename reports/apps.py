from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from core import stuck

        def sweep_reports(before):
            from .services import sweep_reports

            return sweep_reports(before)

        stuck.register("reports", sweep_reports)  # RE-07
