"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

from core.gc_tuning import tune_for_requests

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()
tune_for_requests()  # after loading: what is loaded now stays for the process's life
