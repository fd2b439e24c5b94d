"""The web process's garbage collector settings (config/wsgi.py and core/gc_tuning.py, issue 21)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from core.gc_tuning import FIRST_GENERATION

PROJECT = Path(__file__).resolve().parents[2]


def test_the_wsgi_module_freezes_what_it_loaded_and_widens_the_first_generation():
    probe = (
        "import gc, json, config.wsgi;"
        "print(json.dumps([gc.get_threshold(), gc.get_freeze_count()]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, "-c", probe],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    threshold, frozen = json.loads(done.stdout.strip().splitlines()[-1])
    assert threshold == [FIRST_GENERATION, 10, 10]
    # Django and the apps were loaded before the freeze: tens of thousands of objects.
    assert frozen > 10_000
