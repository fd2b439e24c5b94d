"""CF-02: what CI checks for security, read from the files that set them up (.ci, pyproject)."""

import importlib.util
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Low-severity rules that tests may break (assert, made-up passwords, non-crypto random).
LOW_SEVERITY_IN_TESTS = {"S101", "S105", "S106", "S311"}


def audit_module():
    spec = importlib.util.spec_from_file_location("audit", ROOT / ".ci" / "audit_dependencies.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dependency(name, vulns=(), skip=None):
    row = {"name": name, "version": "1.0", "vulns": list(vulns)}
    if skip:
        row = {"name": name, "skip_reason": skip}
    return row


def test_ci_fails_on_a_dependency_with_a_known_vulnerability():
    vuln = {"id": "PYSEC-2099-1", "fix_versions": ["1.1"], "aliases": [], "description": ""}
    report = {"dependencies": [dependency("django"), dependency("pillow", [vuln])], "fixes": []}
    code, lines = audit_module().verdict(1, report, "")
    assert code == 1
    assert any("pillow" in line and "PYSEC-2099-1" in line for line in lines)


def test_ci_passes_with_a_clear_message_when_the_advisory_service_cannot_be_reached():
    verdict = audit_module().verdict
    error = "requests.exceptions.ConnectionError: Max retries exceeded with url: /x"
    code, lines = verdict(1, None, error)
    assert code == 0 and "could not be reached" in lines[0]
    nothing_looked_up = {"dependencies": [dependency("django", skip="Dependency not found")]}
    code, lines = verdict(0, nothing_looked_up, "")
    assert code == 0 and "skipped" in lines[0]


def test_ci_fails_when_pip_audit_breaks_for_another_reason_or_passes_a_clean_lock():
    verdict = audit_module().verdict
    assert verdict(1, None, "ValueError: could not parse requirements.lock")[0] == 1
    clean = {"dependencies": [dependency("django"), dependency("celery")], "fixes": []}
    assert verdict(0, clean, "")[0] == 0


def test_ci_runs_the_dependency_audit_and_ruffs_security_rules():
    checks = (ROOT / ".ci" / "checks.sh").read_text()
    assert "audit_dependencies.py requirements.lock" in checks
    assert "ruff check ." in checks
    ruff = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]
    assert "S" in ruff["select"]
    # No security rule is ignored for the whole project, and tests skip only low-severity ones.
    assert not [rule for rule in ruff.get("ignore", []) if rule.startswith("S")]
    for pattern, rules in ruff.get("per-file-ignores", {}).items():
        security = {rule for rule in rules if rule.startswith("S")}
        assert security <= LOW_SEVERITY_IN_TESTS, (pattern, security)
