"""The results: one table on stdout and the same as JSON (bench/results/latest.json), and the
growth of each row from national to a bigger scale (issue 21)."""

import json
import os
import platform
import sys
from importlib import metadata
from pathlib import Path

from django.db import connection

# Issue 21: twice the nation may cost a page at most this much more (and never past its target).
GROWTH_TARGET = 1.2

HOW = (
    "Server time in-process: django.test.Client, user signed in with force_login, no network, "
    "web server or browser; each call rolled back. Median and p95 of the timed repeats."
)


def machine():
    """What the figures were measured on."""
    info = {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": _memory_gb(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": metadata.version("django"),
        "psycopg": metadata.version("psycopg"),
        # Other work on the machine skews the figures; this says how busy it was.
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        info["postgres"] = cursor.fetchone()[0]
        for setting in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather", "jit"):
            cursor.execute(f"SHOW {setting}")
            info[f"postgres_{setting}"] = cursor.fetchone()[0]
    return info


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _memory_gb():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _seconds(value):
    if value is None:
        return "—"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def _verdict(row):
    if row.status != "measured":
        return row.status
    if row.passed is None:
        return "report"
    return "pass" if row.passed else "FAIL"


def _ratios(row):
    parts = []
    for key, value in row.ratios.items():
        if value is None:
            continue
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"
        parts.append(f"{key}={text}")
    return " ".join(parts)


def table(rows):
    header = ["scenario", "median", "p95", "runs", "queries", "target", "result", "ratios"]
    lines = [
        [
            row.scenario,
            _seconds(row.median_s),
            _seconds(row.p95_s),
            str(row.runs or "—"),
            "—" if row.queries is None else str(row.queries),
            _seconds(row.target_s),
            _verdict(row),
            _ratios(row),
        ]
        for row in rows
    ]
    return _columns(header, lines)


def _columns(header, lines):
    widths = [max([len(h), *(len(line[i]) for line in lines)]) for i, h in enumerate(header)]
    out = []
    for line in [header, ["-" * w for w in widths], *lines]:
        out.append("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
    return "\n".join(line.rstrip() for line in out)


def document(*, scale, meta, rows, generation):
    return {
        "scale": scale.name,
        "factor": scale.factor,
        "how": HOW,
        "machine": machine(),
        "data": {
            "seed": meta["seed"],
            "generated_at": meta["generated_at"].isoformat() if meta.get("generated_at") else None,
            "generation_seconds": meta.get("generation_seconds"),
            "generated_this_run": generation is not None,
            "row_counts": meta["row_counts"],
        },
        "results": [row.as_json() for row in rows],
    }


def write(doc, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def print_report(doc, rows, stream=sys.stdout):
    data = doc["data"]
    machine_info = doc["machine"]
    print(
        f"\nKoodak bench, scale {doc['scale']} (x{doc['factor']:g} of national): "
        f"{data['row_counts'].get('children_case', 0):,} cases, "
        f"{data['row_counts'].get('children_encounter', 0):,} encounters, "
        f"{data['row_counts'].get('children_referral', 0):,} referrals, "
        f"{data['row_counts'].get('children_followup', 0):,} follow-ups",
        file=stream,
    )
    print(
        f"Machine: {machine_info['cpu_count']} CPUs ({machine_info['cpu_model']}), "
        f"{machine_info['memory_gb']} GB, Python {machine_info['python']}, "
        f"PostgreSQL {machine_info['postgres']}, Django {machine_info['django']}",
        file=stream,
    )
    print(HOW + "\n", file=stream)
    print(table(rows), file=stream)
    notes = [f"- {row.scenario}: {row.note}" for row in rows if row.note]
    if notes:
        print("\nNotes:\n" + "\n".join(notes), file=stream)


def read(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def remember(doc, path):
    """Merge this run's rows into the scale's own results file (`<scale>.json` beside the output):
    a run with --only replaces its own rows and keeps the others', so the growth table can set
    every row of one scale beside the same row of another."""
    path = Path(path)
    kept = read(path)["results"] if path.exists() else []
    fresh = {row["scenario"] for row in doc["results"]}
    merged = {**doc, "results": [r for r in kept if r["scenario"] not in fresh] + doc["results"]}
    write(merged, path)
    return merged


def growth(base, other):
    """Each measured row of `other` beside the same scenario in `base`: the medians, their ratio
    (other over base) and the verdict: within GROWTH_TARGET and within the row's target. A job
    whose target grows with the data (the overdue job, a report build) may grow as much more."""
    base_rows = {row["scenario"]: row for row in base["results"]}
    lines = []
    for row in other["results"]:
        before = base_rows.get(row["scenario"])
        if row["status"] != "measured" or not before or before["status"] != "measured":
            continue
        ratio = None
        if before["median_s"] and row["median_s"] is not None:
            ratio = row["median_s"] / before["median_s"]
        if ratio is None:
            verdict = None
        else:
            allowed = GROWTH_TARGET
            if row["target_s"] and before["target_s"]:
                allowed *= row["target_s"] / before["target_s"]
            within_target = row["target_s"] is None or row["median_s"] <= row["target_s"]
            verdict = ratio <= allowed and within_target
        lines.append(
            {
                "scenario": row["scenario"],
                "base_s": before["median_s"],
                "other_s": row["median_s"],
                "ratio": ratio,
                "base_queries": before["queries"],
                "other_queries": row["queries"],
                "target_s": row["target_s"],
                "pass": verdict,
            }
        )
    return lines


def add_growth(rows, base):
    """Give each row also measured in `base` its growth over it, as `x_<base scale>` among
    its ratios (the table's last column and latest.json)."""
    current = {"results": [row.as_json() for row in rows]}
    ratios = {line["scenario"]: line["ratio"] for line in growth(base, current)}
    for row in rows:
        if ratios.get(row.scenario) is not None:
            row.ratios[f"x_{base['scale']}"] = ratios[row.scenario]


def growth_table(base, other):
    header = [
        "scenario",
        base["scale"],
        other["scale"],
        "growth",
        "queries",
        "target",
        f"result (growth <= {GROWTH_TARGET:g}x, within target)",
    ]
    lines = []
    for line in growth(base, other):
        queries = "—"
        if line["other_queries"] is not None:
            queries = f"{line['base_queries']} / {line['other_queries']}"
        lines.append(
            [
                line["scenario"],
                _seconds(line["base_s"]),
                _seconds(line["other_s"]),
                "—" if line["ratio"] is None else f"{line['ratio']:.2f}x",
                queries,
                _seconds(line["target_s"]),
                {None: "—", True: "pass", False: "FAIL"}[line["pass"]],
            ]
        )
    return _columns(header, lines)


def print_growth(base, other, stream=None):
    stream = stream or sys.stdout
    print(
        f"\nGrowth from {base['scale']} to {other['scale']} (median over median; "
        f"load average {_load(base)} and {_load(other)} when measured)\n",
        file=stream,
    )
    print(growth_table(base, other), file=stream)


def _load(doc):
    load = doc.get("machine", {}).get("load_average_1_5_15")
    return "/".join(f"{x:g}" for x in load) if load else "?"
