"""The production settings for the PostgreSQL restart drill (RE-05), on plain HTTP.

Everything is production's (DEBUG off, Argon2, persistent connections with health checks)
except what needs TLS in front: the drill talks to gunicorn directly on 127.0.0.1.
"""

from config.settings.production import *  # noqa: F403
from config.settings.production import env

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
# The drill's own Celery queue on its own Redis.
CELERY_TASK_DEFAULT_QUEUE = env("DRILL_QUEUE", default="celery")
# The static files' manifest is made by collectstatic, which the drill does not run.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
