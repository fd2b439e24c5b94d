"""An import task delivered more than once has one effect (RE-07, RE-03): the outbox sends at
least once, the broker redelivers a killed worker's task, the sweep queues a stuck job again."""

import datetime

from django.utils import timezone

from children.models import Case
from core import leases, stuck
from core.models import OutboxMessage
from imports.models import ImportJob
from imports.services import import_job_create
from imports.tasks import run_import
from imports.worker import lease_key
from tests.children.test_imports import FA, csv_bytes, good_rows


def _job(adm, org):
    return import_job_create(
        by=adm, organisation=org, name="c.csv", data=csv_bytes(FA, good_rows(3))
    )


def test_a_repeated_delivery_of_a_finished_import_imports_nothing_again(
    db, adm, cw_a, org_a, tehran
):
    job = _job(adm, org_a)
    assert run_import.apply(args=[job.pk, True]).get() == ImportJob.Status.PREVIEWED
    assert run_import.apply(args=[job.pk, True]).get() == "nothing to do"  # checked already
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING)
    result = run_import.apply(args=[job.pk, False]).get()
    job.refresh_from_db()
    assert result == ImportJob.Status.DONE, job.message
    assert Case.objects.count() == 3
    assert run_import.apply(args=[job.pk, False]).get() == "nothing to do"
    assert run_import.apply(args=[job.pk, True]).get() == "nothing to do"  # a late dry run
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Case.objects.count() == 3


def test_a_copy_delivered_while_the_import_runs_elsewhere_steps_aside(db, adm, org_a, tehran):
    job = _job(adm, org_a)
    assert leases.acquire(lease_key(job.pk), "a live worker")
    assert run_import.apply(args=[job.pk, True]).get() == "running elsewhere"
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED


def test_the_sweep_queues_again_an_import_whose_worker_is_gone(
    db, adm, org_a, tehran, django_capture_on_commit_callbacks
):
    job = _job(adm, org_a)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING)
    long_ago = timezone.now() - datetime.timedelta(minutes=30)
    ImportJob.objects.filter(pk=job.pk).update(created_at=long_ago)
    assert stuck.sweep()["imports"] == 1  # never queued, or its message went to a dead worker
    message = OutboxMessage.objects.get()
    assert (message.task, message.args) == ("imports.tasks.run_import", [job.pk, False])
    assert stuck.sweep()["imports"] == 0  # its message waits to be sent: not queued twice
