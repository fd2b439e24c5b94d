"""Where a page's template time goes: each template's CPU, inclusive and exclusive, a request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/koodak_bench_national \\
        python -m bench.template_times --only "case page" [--calls 20] [--lang en]

The pages, users and settings are the page profiler's (`bench.profile_pages`), and so is the
rolled-back transaction around everything. Each template rendered (an extended parent, an
include, an inclusion tag's template) is timed in CPU of this process: inclusive of what it
includes and of the queries its variables run lazily, and exclusive of the templates it renders
in turn. An extended template's blocks count in the parent's exclusive time (base.html), since
the parent renders them. Garbage collection is off while timing, so one collection does not land
on whichever template happens to run then.
"""

import argparse
import collections
import gc
import sys
import time

from .page_tools import bench_fixtures, client_for, setup_django


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--only", required=True, help="pages whose name contains this")
    parser.add_argument("--lang", default="fa", choices=["fa", "en"])
    args = parser.parse_args(argv)

    setup_django()
    from django.db import transaction
    from django.template import base

    from .profile_pages import pages

    inclusive, exclusive, renders = (collections.Counter() for _ in range(3))
    stack = []  # [template name, CPU of the templates it rendered]
    timing = False
    render = base.Template._render

    def timed_render(self, context):
        if not timing:
            return render(self, context)
        name = self.origin.template_name if self.origin else "(from a string)"
        stack.append([name, 0.0])
        started = time.process_time()
        try:
            return render(self, context)
        finally:
            spent = time.process_time() - started
            _name, within = stack.pop()
            inclusive[name] += spent
            exclusive[name] += spent - within
            renders[name] += 1
            if stack:
                stack[-1][1] += spent

    base.Template._render = timed_render
    with transaction.atomic():
        for name, user_pk, urls in pages(bench_fixtures()):
            if args.only not in name:
                continue
            client = client_for(user_pk)
            client.cookies["django_language"] = args.lang
            for index in range(3):
                client.get(urls[index % len(urls)])
            for counter in (inclusive, exclusive, renders):
                counter.clear()
            gc.collect()
            gc.disable()
            timing = True
            started = time.process_time()
            for index in range(args.calls):
                response = client.get(urls[index % len(urls)])
                assert response.status_code == 200, response.status_code  # noqa: S101
            cpu = (time.process_time() - started) * 1000 / args.calls
            timing = False
            gc.enable()
            print(f"\n{name} ({args.lang}): app CPU {cpu:.1f} ms a request")
            print(f"{'inclusive':>10} {'exclusive':>10} {'renders':>8}  template (ms a request)")
            for template, spent in inclusive.most_common():
                print(
                    f"{spent * 1000 / args.calls:10.2f} {exclusive[template] * 1000 / args.calls:10.2f}"
                    f" {renders[template] / args.calls:8.1f}  {template}"
                )
        transaction.set_rollback(True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
