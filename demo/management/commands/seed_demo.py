"""Create the demo: organisations, one user of every role, then each app's demo data. Safe to run
again: it adds what is missing."""

from django.conf import settings
from django.core.management.base import BaseCommand

from children.demo import seed_children
from children.demo_approvals import seed_approvals
from children.demo_documents import seed_documents
from meetings.demo import seed_meetings
from ngos.demo import seed_organisation_profiles

from ...people import DEMO_PASSWORD, give_demo_devices, print_logins, seed_people


class Command(BaseCommand):
    help = "Create demo organisations and users (one of every role), then print the demo logins."

    def handle(self, *args, **options):
        seed_people()
        seed_organisation_profiles(password=DEMO_PASSWORD, stdout=self.stdout)
        seed_children(stdout=self.stdout)
        seed_documents(stdout=self.stdout)
        seed_approvals(password=DEMO_PASSWORD, stdout=self.stdout)
        seed_meetings(stdout=self.stdout)
        give_demo_devices()  # the people the apps' demos added too
        self._queue_reports()
        print_logins(self.stdout)

    def _queue_reports(self):
        """Let the worker build the dashboard summaries and the reports of the periods that
        have ended, as the nightly job would. Eager (test) runs skip it: nothing to wait for."""
        if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
            return
        from core import outbox
        from reports.tasks import build_due_reports, refresh_summaries

        # Through the outbox (RE-04): a seed run while Redis is down still queues them.
        outbox.enqueue(refresh_summaries)
        outbox.enqueue(build_due_reports)
        self.stdout.write("Queued for the worker: dashboard summaries and the periodic reports.")
