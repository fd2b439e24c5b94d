"""What a scenario gets: the scale, the generated fixtures, signed-in clients and `measure`."""

import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.test import Client

from core import second_factor
from core.middleware import SessionTimeoutMiddleware

from .measure import Row, count_queries, summarise, time_calls


def signed_in_client(user):
    """A client signed in as `user`, past the second factor when the user needs it (AU-03): a
    device is made once and the session holds it, as django-otp's login does after a code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if second_factor.required_for(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name="bench", key=second_factor.new_key(), confirmed=True
            )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def mark_active(client):
    """The client's session marked as seen now (and started now, if it was not), and saved: the
    idle timeout would otherwise end it, and the middleware's "last seen" write (at most once a
    minute) would land on a timed request."""
    session = client.session
    now = int(time.time())
    session[SessionTimeoutMiddleware.STARTED] = session.get(SessionTimeoutMiddleware.STARTED, now)
    session[SessionTimeoutMiddleware.SEEN] = now
    session.save()
    return client


@dataclass
class Options:
    time_box: float  # seconds of repeats per scenario, after warm-up
    min_runs: int
    max_runs: int
    warmup: int
    quick: bool


class Context:
    def __init__(self, scale, meta, options, log):
        self.scale = scale
        self.meta = meta
        self.fixtures = meta["fixtures"]
        self.options = options
        self.log = log
        self._clients = {}
        # Figures one scenario leaves for a later one (the import anchors for the import).
        self.shared = {}

    def user(self, pk):
        return get_user_model().objects.select_related("membership").get(pk=pk)

    def client(self, user_pk):
        """A django.test.Client signed in (force_login) as the user; one per user, reused.

        The session is marked active now, and committed: the middleware writes "last seen" at
        most once a minute, and a write inside the rolled-back timing transaction would never
        stick, so without this every timed request would also save the session.
        """
        if user_pk not in self._clients:
            self._clients[user_pk] = signed_in_client(self.user(user_pk))
        return mark_active(self._clients[user_pk])

    def target(self, national_seconds, *, scales_with_data=False):
        return self.scale.target(national_seconds, scales_with_data=scales_with_data)

    def measure(
        self,
        name,
        fn,
        *,
        target=None,
        scales_with_data=False,
        warmup=None,
        min_runs=None,
        max_runs=None,
        time_box=None,
        queries=True,
        note="",
        extra_pass=None,
    ):
        """Time `fn` and return its Row. `target` is the national target in seconds.

        `extra_pass` is a further condition the row must meet to pass (e.g. a query count that
        does not grow with the page size); its failure is explained in `note` by the caller.
        """
        options = self.options
        self.log(f"  {name} ...")
        durations = time_calls(
            fn,
            warmup=options.warmup if warmup is None else warmup,
            min_runs=options.min_runs if min_runs is None else min_runs,
            max_runs=options.max_runs if max_runs is None else max_runs,
            time_box=options.time_box if time_box is None else time_box,
        )
        median, p95 = summarise(durations)
        target_s = self.target(target, scales_with_data=scales_with_data)
        row = Row(
            scenario=name,
            median_s=median,
            p95_s=p95,
            runs=len(durations),
            queries=count_queries(fn) if queries else None,
            target_s=target_s,
            note=note,
        )
        if target_s is not None:
            row.passed = median <= target_s and (extra_pass is None or bool(extra_pass))
            row.ratios["median_vs_target"] = median / target_s
        return row
