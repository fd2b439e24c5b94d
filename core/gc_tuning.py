"""The garbage collector, tuned for a process that serves requests (issue 21).

With Python's defaults the collector ran about every 700 new objects and now and then walked every
object the process holds (Django, the apps, their modules): about 1.3 ms of a 13 ms request on
the bench's pages. What is loaded when the process starts lives as long as the process, so it is
moved out of the collector's sight (`gc.freeze`), and a larger first generation lets a request's
short-lived objects be freed by reference counting before a collection runs. Measured at about
0.2-0.3 ms a request, with the same peak memory: `python -m bench.profile_pages --gc` against
the default (docs/performance.md).
"""

import gc

FIRST_GENERATION = 7000


def tune_for_requests() -> None:
    gc.freeze()
    gc.set_threshold(FIRST_GENERATION, 10, 10)
