"""Settings for the test suite."""

import os
import secrets

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, env

DEBUG = False
SECRET_KEY = "test-only-insecure-key-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# Fast hashing for speed; tests that are about hashing restore Argon2 with override_settings.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Tests that are not about Celery run tasks in-process; the Celery tests use a real worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True

# pytest-xdist runs the suite in several processes (gw0, gw1, ...) on one Redis. Each run and each
# of its processes gets its own cache keys and Celery queue, so cached figures, lockouts and queued
# tasks never reach another process or a later run. The run token goes into the environment, so
# the xdist workers and the Celery worker a test starts (they inherit it) agree on the names.
TEST_RUN = os.environ.setdefault("KOODAK_TEST_RUN", secrets.token_hex(4))
TEST_PROCESS = f"test-{TEST_RUN}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
CACHES["default"]["KEY_PREFIX"] = TEST_PROCESS
CELERY_TASK_DEFAULT_QUEUE = TEST_PROCESS
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files straight from the source folders (no collectstatic needed here).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A replica that is the test database itself (Django's test mirror, another connection). Routing
# stays off; the tests of core/replica.py switch it on with DATABASE_REPLICA="replica".
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DATABASE_REPLICA = ""
