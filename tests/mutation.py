"""`make mutate`: each mutant is judged by its own module's tests; the kill rate per module.

mutmut (configured in pyproject.toml) copies the project into mutants/, records which tests call
each function, then runs those tests once per mutant. Loaded there as a pytest plugin
(`-p tests.mutation`), this module keeps only the tests of the mutated module's own test files
(core/access.py -> tests/core/test_access.py and tests/core/test_access_*.py), so a helper that
is merely used by another module's tests is not counted as tested. Run as a script, it prints
the kill rates from mutmut's result files. See docs/testing.md.
"""

import json
import os
import sys
from pathlib import Path

# Names mutmut gives the process outside a mutant run (stats collection, the clean and forced-fail
# runs); every test runs then.
_NOT_A_MUTANT = {"", "stats", "fail", "mutant_generation", "list_all_tests"}
# mutmut's exit codes (mutmut.stats): 1 and 3 a failing test, the others the CPU-time limit.
_KILLED = {1, 3, -24, 24, 152, 255}


def is_own_test(nodeid, module):
    """Whether a test belongs to tests/<package>/test_<name>.py or test_<name>_*.py, for a
    dotted module name <package>.<name> such as core.persian."""
    package, _dot, name = module.rpartition(".")
    stem = f"tests/{package.replace('.', '/')}/test_{name}"
    return nodeid.startswith((stem + ".py::", stem + "_"))


def pytest_collection_modifyitems(config, items):
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    if mutant in _NOT_A_MUTANT:
        return
    # core.persian.x_normalize__mutmut_3 -> core.persian
    module = mutant.partition("__mutmut_")[0].rpartition(".")[0]
    kept = [item for item in items if is_own_test(item.nodeid, module)]
    if len(kept) != len(items):
        others = [item for item in items if not is_own_test(item.nodeid, module)]
        config.hook.pytest_deselected(items=others)
        items[:] = kept


def kill_rates(modules, root=Path("mutants")):
    """{module: (killed, tested)} from mutmut's result files (timeouts count as killed)."""
    rates = {}
    for module in modules:
        meta = root / (module.replace(".", "/") + ".py.meta")
        codes = json.loads(meta.read_text())["exit_code_by_key"].values() if meta.exists() else []
        tested = [code for code in codes if code is not None and code != 34]  # 34: skipped
        rates[module] = (sum(1 for code in tested if code in _KILLED), len(tested))
    return rates


def main(modules):
    print("\nmutants killed by each module's own tests")
    total_killed = total_tested = 0
    for module, (killed, tested) in kill_rates(modules).items():
        total_killed, total_tested = total_killed + killed, total_tested + tested
        rate = f"{100 * killed / tested:5.1f}%" if tested else "  n/a"
        print(f"  {module:24} {killed:4} of {tested:4}  {rate}")
    if total_tested:
        print(
            f"  {'all':24} {total_killed:4} of {total_tested:4}  {100 * total_killed / total_tested:5.1f}%"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
