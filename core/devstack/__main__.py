"""`python -m core.devstack ...`: see the package's docstring."""

import functools
import sys

import core.devstack as devstack

from .common import DevstackError, say
from .product import clean, run_product, status
from .services import with_services


def main(argv):
    if argv[:1] == ["with-services"]:
        rest = argv[1:]
        command = rest[1:] if rest[:1] == ["--"] else rest
        action = functools.partial(with_services, command)
    else:
        actions = {"run": run_product, "status": status, "clean": clean}
        action = actions.get(argv[0] if len(argv) == 1 else "")
        if action is None:
            print(devstack.__doc__, file=sys.stderr)
            return 2
    try:
        return action()
    except DevstackError as problem:
        say(str(problem))
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
