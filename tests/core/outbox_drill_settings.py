"""The test settings with files on disk, for a worker in another process (the fault drills):
the test settings keep files in memory, which a second process cannot see."""

import os

from config.settings.test import *  # noqa: F403

STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ["KOODAK_DRILL_MEDIA"]},  # type: ignore[dict-item]
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
