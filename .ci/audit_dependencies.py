"""CI step (CF-02): pip-audit over requirements.lock.

Fails on a pinned dependency with a known vulnerability. When the advisory service cannot be
reached (a network error, or not one dependency could be looked up) it says so and passes:
a network outage must not fail CI, and the message makes the skip visible in the log.

    python .ci/audit_dependencies.py [requirements.lock]
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

# Words in pip-audit's error output that mean "could not talk to the advisory service".
NETWORK_ERRORS = (
    "ConnectionError",
    "ProxyError",
    "ConnectTimeout",
    "ReadTimeout",
    "Timeout",
    "SSLError",
    "Max retries exceeded",
    "Name or service not known",
    "Temporary failure in name resolution",
    "Network is unreachable",
)


def verdict(returncode: int, report: dict | None, errors: str) -> tuple[int, list[str]]:
    """(exit code, lines to print) from one pip-audit run."""
    if report is None:
        if any(word in errors for word in NETWORK_ERRORS):
            last = errors.strip().splitlines()[-1] if errors.strip() else ""
            return 0, [
                "pip-audit skipped: the advisory service could not be reached.",
                f"  {last[:300]}",
            ]
        return 1, ["pip-audit failed without a report:", errors.strip()[-2000:]]
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    if vulnerable:
        lines = ["pip-audit found known vulnerabilities:"]
        for dependency in vulnerable:
            for vuln in dependency["vulns"]:
                fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
                lines.append(
                    f"  {dependency['name']} {dependency.get('version', '')}: {vuln['id']}"
                    f" (fixed in {fixed})"
                )
        return 1, lines
    audited = [d for d in dependencies if "skip_reason" not in d]
    skipped = [d for d in dependencies if "skip_reason" in d]
    if dependencies and not audited:
        return 0, [
            "pip-audit skipped: no dependency could be looked up "
            f"({len(skipped)} of {len(dependencies)} skipped; the advisory data is not reachable).",
        ]
    lines = [f"pip-audit: {len(audited)} dependencies audited, no known vulnerability."]
    lines += [f"  not audited: {d['name']} ({d['skip_reason']})" for d in skipped]
    if returncode != 0:
        return 1, [*lines, "pip-audit exited with an error:", errors.strip()[-2000:]]
    return 0, lines


def main() -> int:
    lock = sys.argv[1] if len(sys.argv) > 1 else "requirements.lock"
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "audit.json"
        done = subprocess.run(  # noqa: S603 (fixed arguments)
            [
                sys.executable,
                "-m",
                "pip_audit",
                "--requirement",
                lock,
                # Every line of the lock is pinned: look each up, install nothing.
                "--no-deps",
                "--disable-pip",
                "--progress-spinner",
                "off",
                "--timeout",
                "20",
                "--format",
                "json",
                "--output",
                str(output),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        report = None
        if output.exists() and output.stat().st_size:
            report = json.loads(output.read_text())
    code, lines = verdict(done.returncode, report, done.stderr + done.stdout)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main())
