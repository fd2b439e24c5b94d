"""A real Celery worker for the RE-03 test, whose first report build stops midway.

The first build to reach the PDF step writes its process id to the file named by
KOODAK_TEST_HANG_MARKER and sleeps, so that the test can kill that pool process; later builds
run normally. Run as `python -m tests.reports.hanging_worker` with the test database's URL.
"""

import os
import time
from pathlib import Path


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()

    from config.celery import app
    from reports import services

    marker = Path(os.environ["KOODAK_TEST_HANG_MARKER"])
    render = services.render_report_pdf

    def render_or_hang(context):
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            time.sleep(600)
        return render(context)

    services.render_report_pdf = render_or_hang  # inherited by the forked pool process
    app.worker_main(
        [
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname=re03-{os.getpid()}@localhost",
        ]
    )


if __name__ == "__main__":
    main()
