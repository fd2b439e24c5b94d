"""Production settings for the load test, over plain HTTP on loopback.

Everything is production's (DEBUG off, Argon2, persistent connections, Redis cache, templates
cached) except what needs TLS in front, the static files' manifest (collectstatic is not run) and
the rate limits: the load test's few users ask far more often than a person may (RL-01).
"""

from config.settings.production import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
RATELIMIT_ENABLE = False
