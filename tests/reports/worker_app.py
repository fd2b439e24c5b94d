"""The Celery app for the killed-worker test: the project's app, with the quarterly builder
made to announce itself and wait while a pause file exists, so the test can kill the process
that is building (tests/reports/test_worker_killed.py)."""

import os
import time
from pathlib import Path

from celery.signals import worker_process_init

from config.celery import app

__all__ = ["app"]


@worker_process_init.connect
def pause_quarterly_builds(**_kwargs):
    from reports import builders
    from reports.models import Report

    folder = Path(os.environ["RE03_DIR"])
    original = builders.BUILDERS[Report.Kind.QUARTERLY_SUMMARY]

    def paused(report):
        (folder / f"building-{os.getpid()}").write_text("")
        while (folder / "pause").exists():
            time.sleep(0.05)
        return original(report)

    builders.BUILDERS[Report.Kind.QUARTERLY_SUMMARY] = paused
