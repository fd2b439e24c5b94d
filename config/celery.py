"""The Celery application, wired once. Settings come from Django settings under the CELERY_ prefix."""

import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("koodak")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def _no_query_strings_in_worker_logs(logger, **_kwargs):
    """Celery replaces the root logger's handlers with its own: filter those too (LG-04)."""
    from core.logging import add_no_query_filter

    add_no_query_filter(logger)
