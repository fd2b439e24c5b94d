"""Settings for `make run` on a developer's machine."""

from .base import *  # noqa: F403
from .base import STORAGES, env

# `make run` shows the product as its users see it (friendly 404 and 500 pages in their language,
# core/devstack sets DEBUG=false); `DEBUG=true make run`, or runserver alone, shows Django's
# debug pages.
DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env(
    "SECRET_KEY", default="local-only-insecure-key-change-me-0123456789abcdefghijklmnop"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "0.0.0.0", "[::1]"])  # noqa: S104

# Serve static files straight from the source folders (no collectstatic needed here).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Static URLs without a manifest, so pages render with DEBUG off and no collectstatic.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The demo people's fixed second-factor key and `manage.py demo_code` (ADR 0024).
DEMO_SECOND_FACTOR = env.bool("DEMO_SECOND_FACTOR", default=True)
