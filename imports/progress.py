"""How far an import job has come, recorded on the job for the page that polls it.

The dry run writes the job row directly (it runs outside any transaction). The import runs inside
one transaction that nobody else can see into, so its progress goes through a thread of its own
with its own connection (Django gives each thread one), each update committed at once. The
import hands updates over without waiting; only the latest one pending is written.
"""

import logging
import queue
import threading
from collections.abc import Callable
from typing import Literal

from django.db import DatabaseError, connection, transaction

from .models import ImportJob

logger = logging.getLogger(__name__)


class ProgressRecorder:
    """``record(read, written=None)``: rows checked so far and, while importing, rows done.
    ``expected()`` gives about how many rows the file holds (0 while unknown)."""

    def __init__(self, job_id: int, expected: Callable[[], int], *, aside: bool) -> None:
        self.job_id = job_id
        self.expected = expected
        self.aside = aside
        # Field updates for the job row; None tells the writing thread to stop.
        self._pending: queue.SimpleQueue[dict[str, int] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "ProgressRecorder":
        if self.aside:
            self._thread = threading.Thread(target=self._write_aside, name="import-progress")
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        if self._thread is not None:
            self._pending.put(None)
            self._thread.join()
        return False

    def record(self, read: int, written: int | None = None) -> None:
        total = max(self.expected(), read, 1)
        fields = {"rows_read": read}
        if written is None:
            fields["progress"] = min(99, read * 100 // total)
        else:
            fields["created_count"] = written
            fields["progress"] = min(99, (read + written) * 50 // total)
        if self.aside:
            self._pending.put(fields)
        else:
            ImportJob.objects.filter(pk=self.job_id).update(**fields)

    def _write_aside(self) -> None:
        try:
            while (fields := self._pending.get()) is not None:
                while not self._pending.empty():  # only the latest matters
                    later = self._pending.get()
                    if later is None:
                        self._update(fields)
                        return
                    fields = later
                self._update(fields)
        finally:
            connection.close()

    def _update(self, fields: dict[str, int]) -> None:
        # Best effort: give up after a moment rather than wait on a lock.
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '500ms'")
                ImportJob.objects.filter(pk=self.job_id).update(**fields)
        except DatabaseError:
            logger.warning("import %s: progress not recorded", self.job_id)
