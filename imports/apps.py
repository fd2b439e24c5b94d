from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Imports")

    def ready(self):
        from core.spreadsheets.cells import ParseContext

        from .vocabulary import load_vocabulary

        # django-import-export's widgets read cells without a file's context: everyone's words.
        ParseContext.shared_vocabulary = staticmethod(lambda: load_vocabulary(None))
