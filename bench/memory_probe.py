"""Peak memory of an import as a worker process has it, and of an export as a web worker has
it: a fresh interpreter (spawned, so it shares nothing with the bench process, which holds the
generated data), Django set up, then the import's phases on the given files, each rolled back,
or one export read whole. The import's files are stored on disk, as a worker stores them.
``ru_maxrss`` is the process's high-water mark (VmHWM: the high-water mark of this process's
own memory map, which starts afresh at exec; ``ru_maxrss`` would not, since Linux carries it
over from the forking bench process), read after setup and after each phase.

This module imports nothing from Django at load time: the spawned child unpickles the function
before ``django.setup()`` has run.
"""

import multiprocessing
from pathlib import Path


def _peak_mb():
    """VmHWM in MB (Linux), or 0 where /proc is not there."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def _phases(files, organisation_id, user_id):
    import tempfile

    import django

    django.setup()
    from django.conf import settings
    from django.test import override_settings

    # A worker keeps uploads on disk (config/settings/base.py); the bench's settings keep them
    # in memory, which would count the stored file and the dry run's typed rows as the worker's.
    with (
        tempfile.TemporaryDirectory() as media,
        override_settings(
            MEDIA_ROOT=media,
            STORAGES={
                **settings.STORAGES,
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            },
        ),
    ):
        return _run_phases(files, organisation_id, user_id)


def _run_phases(files, organisation_id, user_id):
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from imports.services import import_job_create, import_job_preview, import_job_run
    from ngos.models import Organisation

    organisation = Organisation.objects.get(pk=organisation_id)
    user = get_user_model().objects.get(pk=user_id)
    peaks = {"after setup": _peak_mb()}
    for phase, path, name in files:
        with open(path, "rb") as handle:
            data = handle.read()
        with transaction.atomic():
            job = import_job_create(by=user, organisation=organisation, name=name, data=data)
            data = None
            if phase.startswith("dry"):
                job = import_job_preview(job_id=job.pk)
            else:
                job = import_job_run(job_id=job.pk, by=user)
            status = job.status
            transaction.set_rollback(True)
        if status not in ("previewed", "done"):
            raise RuntimeError(f"{phase}: the import ended {status}: {job.message}")
        peaks[phase] = _peak_mb()
    return peaks


def import_peaks(files, *, organisation_id, user_id):
    """{"after setup": MB, phase: MB high-water mark after that phase} in a spawned process.

    ``files``: [(phase, path, file name)]; a phase starting with "dry" is a preview.
    """
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(_phases, (files, organisation_id, user_id))


def _export(url_name, user_id):
    import django

    django.setup()
    from unittest import mock

    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from bench.context import signed_in_client
    from children.models import Case
    from children.views import exports

    client = signed_in_client(get_user_model().objects.get(pk=user_id))
    peaks = {"after setup": _peak_mb()}
    # The file holds every case in the database (no organisation has 200,000).
    with mock.patch.object(exports, "cases_visible_to", lambda user: Case.objects.all()):
        response = client.get(reverse(url_name))
        if response.status_code != 200:
            raise RuntimeError(f"{url_name} answered {response.status_code}")
        size = sum(len(chunk) for chunk in response.streaming_content)
    peaks["export"] = _peak_mb()
    return peaks, size


def export_peaks(url_name, *, user_id):
    """({"after setup": MB, "export": MB}, bytes of the file) for one case export, through its
    view, in a spawned process signed in as ``user_id``."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(_export, (url_name, user_id))
