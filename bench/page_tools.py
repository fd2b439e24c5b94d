"""What the page tools share (`profile_pages`, `template_times`, `middleware_cost`): Django set
up with the load test's settings against an existing bench database, its fixtures, and clients
signed in as the bench's users.

Each tool then runs its pages inside one transaction that it rolls back, so the devices,
sessions and audit rows its requests write are never kept.
"""

import json
import logging
import os


def setup_django():
    """Django with the load test's settings (`bench.load.settings`) unless told otherwise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load.settings")
    os.environ.setdefault("SECRET_KEY", "profile-only-" + "x" * 50)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    import django

    django.setup()
    # A signed-in client's every request would log a line otherwise.
    logging.getLogger("axes").setLevel(logging.WARNING)


def bench_fixtures():
    """The generated fixtures (`bench_meta`): the big organisation and its users' ids."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT fixtures FROM bench_meta")
        fixtures = cursor.fetchone()[0]
    return json.loads(fixtures) if isinstance(fixtures, str) else fixtures


def client_for(user_pk):
    """A client signed in as the user, its session marked active now (see `mark_active`)."""
    from django.contrib.auth import get_user_model

    from .context import mark_active, signed_in_client

    return mark_active(signed_in_client(get_user_model().objects.get(pk=user_pk)))
