#!/usr/bin/env python3
"""Medians of the benchmark runs in a run-all.sh output directory, as Markdown (stdout) and summary.json.

    python3 load-tests/scenarios/summarize.py load-tests/reports/run-YYYYMMDD-HHMMSS

Each figure is the median over the runs of one (deployment, scenario, mode), taken figure by figure.
"""
import json
import os
import statistics
import sys
from collections import defaultdict

SCENARIO_NAMES = {
    "a": "uniform, no pool",
    "b": "+ campaign pool 1:1, donor caps",
    "c": "b, 90% on one project",
    "d": "b, budget runs dry",
    "e": "b, PATCH every second",
}
LABEL_ORDER = ["embedded", "cluster", "baseline-pg", "baseline-redis-always", "baseline-redis-everysec"]


def get(obj, *path):
    for p in path:
        if obj is None:
            return None
        obj = obj.get(p)
    return obj


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, digits=0):
    if v is None:
        return "–"
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def load(directory):
    runs = defaultdict(list)
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".json") or name == "summary.json":
            continue
        with open(os.path.join(directory, name)) as f:
            try:
                r = json.load(f)
            except json.JSONDecodeError:
                continue
        if "donationsPerSecond" not in r:
            continue
        label = r.get("label") or "?"
        if label.startswith("baseline-") is False and label in ("redis-always", "redis-everysec", "pg"):
            label = "baseline-" + label
        runs[(label, r.get("scenario") or "-", r.get("mode"))].append(r)
    return runs


def summarize(runs):
    rows = {}
    for key, rs in runs.items():
        m = lambda *p: median([get(r, *p) for r in rs])
        rows[key] = {
            "runs": len(rs),
            "passed": sum(1 for r in rs if r.get("passed")),
            "donationsPerSecond": m("donationsPerSecond"),
            "p50": m("latencyMs", "p50"),
            "p99": m("latencyMs", "p99"),
            "p999": m("latencyMs", "p999"),
            "commitsPerSecond": m("host", "commitsPerSecond"),
            "meanBatch": m("host", "meanBatchSize"),
            "meanCommitMs": m("host", "meanCommitMs"),
            "peakRssMb": m("machine", "peakRssMb"),
            "vmHwmMb": m("machine", "vmHwmMb"),
            "cpuHost": m("machine", "hostCpuSeconds"),
            "cpuDb": m("machine", "treeCpuSeconds"),
            "cpuGenerator": m("machine", "generatorCpuSeconds"),
            "cpuOther": m("machine", "otherCpuSeconds"),
            "elapsed": m("machine", "elapsedSeconds"),
            "patchP50": m("patch", "p50Ms"),
            "patchP99": m("patch", "p99Ms"),
            "patchP99Max": max([get(r, "patch", "p99Ms") or 0 for r in rs]) if rs[0].get("patch") else None,
            "patchCount": m("patch", "count"),
            "remaining": [get(r, "poolEnd", "remaining") for r in rs],
            "exhaustedAt": m("poolEnd", "exhaustedAtSeconds"),
            "load": [get(r, "machine", "loadAverageStart") for r in rs],
            "failedChecks": sorted({c["name"] for r in rs for c in (r.get("checks") or []) if not c.get("passed")}),
        }
    return rows


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "."
    runs = load(directory)
    rows = summarize(runs)
    labels = sorted({k[0] for k in rows}, key=lambda l: (LABEL_ORDER.index(l) if l in LABEL_ORDER else 99, l))
    modes = ["single", "batch"]
    out = []
    p = out.append
    p(f"# Benchmark summary ({os.path.basename(os.path.abspath(directory))})")
    p("")
    p("Medians per (deployment, scenario, mode), figure by figure. Latency is per HTTP request (a batch request")
    p("carries 100 donations). CPU is CPU-seconds during the load phase (2 cores: 2 per second of run):")
    p("host process(es) / database server / load generator / everything else on the machine.")
    for label in labels:
        p("")
        p(f"## {label}")
        p("")
        p("| scenario | mode | runs ok | donations/s | p50 ms | p99 ms | p99.9 ms | commits/s | mean batch | commit ms | peak RSS MB | CPU s host/db/gen/other | notes |")
        p("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
        for mode in modes:
            for s in "abcde":
                r = rows.get((label, s, mode))
                if not r:
                    continue
                notes = []
                if s == "d":
                    rem = r["remaining"]
                    notes.append("remaining " + "/".join("?" if x is None else f"{x:,}" for x in rem))
                    if r["exhaustedAt"] is not None:
                        notes.append(f"dry at {r['exhaustedAt']:.1f} s of {r['elapsed']:.0f} s")
                if s == "e" and r["patchP50"] is not None:
                    notes.append(f"PATCH p50 {r['patchP50']:.0f} / p99 {r['patchP99']:.0f} ms (worst run p99 {r['patchP99Max']:.0f})")
                if r["failedChecks"]:
                    notes.append("FAILED: " + "; ".join(r["failedChecks"]))
                cpu = "/".join(fmt(r[k], 1) for k in ("cpuHost", "cpuDb", "cpuGenerator", "cpuOther"))
                p(f"| {s} {SCENARIO_NAMES.get(s, '')} | {mode} | {r['passed']}/{r['runs']} | {fmt(r['donationsPerSecond'])} | {fmt(r['p50'], 1)} | {fmt(r['p99'], 1)} | {fmt(r['p999'], 1)} | "
                  f"{fmt(r['commitsPerSecond'], 1)} | {fmt(r['meanBatch'], 1)} | {fmt(r['meanCommitMs'], 1)} | {fmt(r['peakRssMb'])} | {cpu} | {'; '.join(notes)} |")

    def rate(label, s, mode):
        r = rows.get((label, s, mode))
        return r["donationsPerSecond"] if r else None

    p("")
    p("## Ratios and targets")
    p("")
    p("| what | mode | figure | target | met |")
    p("|---|---|---:|---|---|")
    targets = []

    def t(what, mode, value, target, met, unit="×"):
        shown = "–" if value is None else (f"{value:.2f}{unit}" if unit == "×" else f"{value:,.0f}{unit}")
        targets.append({"what": what, "mode": mode, "value": value, "target": target, "met": met})
        p(f"| {what} | {mode} | {shown} | {target} | {'–' if met is None else ('yes' if met else '**no**')} |")

    for label in ("embedded", "cluster"):
        for mode in modes:
            a, b, c = rate(label, "a", mode), rate(label, "b", mode), rate(label, "c", mode)
            if a and b:
                t(f"{label}: (b)/(a)", mode, b / a, "≥ 0.8×", b / a >= 0.8)
            if a and c:
                t(f"{label}: (c)/(a)", mode, c / a, "≥ 0.5×", c / a >= 0.5)
            d = rows.get((label, "d", mode))
            if d:
                ok = all(x == 0 for x in d["remaining"])
                t(f"{label}: (d) pool remaining at the end", mode, None, "exactly 0 in every run", ok)
            e = rows.get((label, "e", mode))
            if e and e["patchP99"] is not None:
                t(f"{label}: (e) PATCH p99 (median of runs)", mode, e["patchP99"], "≤ 250 ms", e["patchP99"] <= 250, " ms")
    for prod in ("cluster", "embedded"):
        for base, target, factor in (("baseline-pg", "≥ 10×", 10), ("baseline-redis-always", "≥ 1×", 1), ("baseline-redis-everysec", "≥ 1×", 1)):
            for mode in modes:
                x, y = rate(prod, "b", mode), rate(base, "b", mode)
                if x and y:
                    t(f"{prod} (b) / {base} (b)", mode, x / y, target, x / y >= factor)
    for label, floor in (("embedded", 50_000), ("cluster", 30_000)):
        for s in ("a", "b"):
            r = rows.get((label, s, "batch"))
            if r:
                t(f"{label} ({s}) batches of 100", "batch", r["donationsPerSecond"], f"≥ {floor:,}/s", r["donationsPerSecond"] >= floor, "/s")
        for s in ("a", "b"):
            r = rows.get((label, s, "single"))
            if r:
                t(f"{label} ({s}) single posts", "single", r["donationsPerSecond"], "≥ 10,000/s", r["donationsPerSecond"] >= 10_000, "/s")
                t(f"{label} ({s}) single posts p99", "single", r["p99"], "≤ 50 ms", r["p99"] <= 50, " ms")

    with open(os.path.join(directory, "summary.json"), "w") as f:
        json.dump({"rows": {"|".join(map(str, k)): v for k, v in rows.items()}, "targets": targets}, f, indent=2)
    print("\n".join(out))


if __name__ == "__main__":
    main()
