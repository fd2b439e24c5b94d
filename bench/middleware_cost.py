"""What each middleware costs a signed-in request by itself: the load test's pages, one at a time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/koodak_bench_national \\
        python -m bench.middleware_cost [--calls 200] [--only "layout"]

Runs as `bench.profile_pages` does (its settings, its pages and signed-in clients, one transaction
rolled back at the end), with every entry of MIDDLEWARE wrapped in a timer. A middleware's own
cost is the CPU of its call less that of what it called (the next middleware, or the view), plus
its view hooks (`process_view`, `process_template_response`), which Django runs just before the
view. "handler and test client" is what lies outside the chain: building the request and reading
the response. The lazy session and user are read by the first middleware that asks for them.
"""

import argparse
import collections
import os
import sys
import time

from .page_tools import bench_fixtures, client_for, setup_django

_clock = time.process_time_ns
# middleware index -> [calls, CPU ns of its call, CPU ns of what it called, CPU ns of its hooks]
_COST: dict[int, list[int]] = collections.defaultdict(lambda: [0, 0, 0, 0])


def _timed(index, function, column):
    def timed(*args, **kwargs):
        start = _clock()
        try:
            return function(*args, **kwargs)
        finally:
            _COST[index][column] += _clock() - start

    return timed


def _timed_middleware(index, path):
    from django.utils.module_loading import import_string

    real = import_string(path)

    class Timed:
        sync_capable, async_capable = True, False

        def __init__(self, get_response):
            self.inner = real(_timed(index, get_response, 2))
            for hook in ("process_view", "process_template_response", "process_exception"):
                method = getattr(self.inner, hook, None)
                if method is not None:
                    setattr(self, hook, _timed(index, method, 3))

        def __call__(self, request):
            _COST[index][0] += 1
            start = _clock()
            try:
                return self.inner(request)
            finally:
                _COST[index][1] += _clock() - start

    Timed.__name__ = Timed.__qualname__ = f"Timed{index}"
    return Timed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--only", default="layout", help="pages whose name contains this")
    args = parser.parse_args(argv)

    setup_django()
    from django.conf import settings
    from django.db import transaction

    from .profile_pages import pages

    paths = list(settings.MIDDLEWARE)
    module = sys.modules[__name__]
    for index, path in enumerate(paths):
        setattr(module, f"Timed{index}", _timed_middleware(index, path))
    settings.MIDDLEWARE = [f"{__name__}.Timed{index}" for index in range(len(paths))]

    fixtures = bench_fixtures()
    print(f"load average {os.getloadavg()}; {args.calls} calls a page", flush=True)
    with transaction.atomic():
        for name, user_pk, urls in pages(fixtures):
            if args.only not in name:
                continue
            client = client_for(user_pk)
            for index in range(5):
                client.get(urls[index % len(urls)])
            _COST.clear()
            start = _clock()
            for index in range(args.calls):
                response = client.get(urls[index % len(urls)])
                assert response.status_code == 200, response.status_code  # noqa: S101
            total = (_clock() - start) / args.calls / 1000
            print(f"\n{name}: {total:.0f} µs of CPU a request")
            print("   own µs  middleware")
            for index, path in enumerate(paths):
                calls, inclusive, inner, hooks = _COST[index]
                if calls:
                    own = (inclusive - inner + hooks) / calls / 1000
                    print(f"  {own:7.0f}  {path}")
            last = _COST[len(paths) - 1]
            view = (last[2] - sum(_COST[i][3] for i in range(len(paths)))) / args.calls / 1000
            print(f"  {view:7.0f}  the view, its template included")
            outside = total - _COST[0][1] / args.calls / 1000
            print(f"  {outside:7.0f}  handler and test client", flush=True)
        transaction.set_rollback(True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
