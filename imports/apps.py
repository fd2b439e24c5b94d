from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Imports")

    def ready(self):
        from core import stuck
        from core.spreadsheets.cells import ParseContext

        from .vocabulary import load_vocabulary

        # django-import-export's widgets read cells without a file's context: everyone's words.
        ParseContext.shared_vocabulary = staticmethod(lambda: load_vocabulary(None))

        def sweep_imports(before):
            from .worker import sweep_imports

            return sweep_imports(before)

        stuck.register("imports", sweep_imports)  # RE-07
