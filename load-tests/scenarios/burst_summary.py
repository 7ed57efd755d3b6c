#!/usr/bin/env python3
"""Figures of burst.sh (scenarios f and g): one run's merged JSON, and the medians of a directory.

    burst_summary.py merge-g OUT.json LABEL PROFILE REP VERIFY.json WRK0.json [WRK1.json …]
    burst_summary.py merge-f OUT.json PROFILE VARIANT REP BENCH.json READERS.json HUB.json
    burst_summary.py summary DIR        # Markdown on stdout, DIR/summary.json

A g run with several wrk instances (cluster: one per silo) adds their rates; its p50 is the
request-weighted mean of theirs and its p99 the largest (percentiles do not merge exactly: "approx").
"""
import json
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from summarize import fmt, median  # noqa: E402  (one definition of the medians and number format)


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError):
        return None


def ratio(a, b):
    return a / b if a is not None and b else None


def merge_g(out, label, profile, rep, verify_path, *wrk_paths):
    wrks = [w for w in (load(p) for p in wrk_paths) if w]
    verify = load(verify_path) or {}
    if wrks:
        requests = sum(w["requests"] for w in wrks)
        dps = sum(w["acked"] / w["durationSeconds"] for w in wrks if w["durationSeconds"] > 0)
        rps = sum(w["requests"] / w["durationSeconds"] for w in wrks if w["durationSeconds"] > 0)
        if len(wrks) == 1:
            lat = wrks[0]["latencyMs"]
        else:
            lat = {
                "p50": sum(w["latencyMs"]["p50"] * w["requests"] for w in wrks) / max(1, requests),
                "p99": max(w["latencyMs"]["p99"] for w in wrks),
                "max": max(w["latencyMs"]["max"] for w in wrks),
                "approx": True,
            }
        status = defaultdict(int)
        socket = defaultdict(int)
        for w in wrks:
            for k, v in (w.get("status") or {}).items():
                status[k] += v
            for k, v in (w.get("socketErrors") or {}).items():
                socket[k] += v
    else:
        requests, dps, rps, lat, status, socket = 0, None, None, {}, {}, {}
    failed = [c["name"] for c in verify.get("checks", []) if not c.get("passed")]
    run = {
        "scenario": "g",
        "label": label,
        "profile": profile,
        "rep": int(rep),
        "wrkInstances": len(wrks),
        "donationsPerSecond": dps,
        "requestsPerSecond": rps,
        "requests": requests,
        "latencyMs": lat,
        "status": dict(status),
        "socketErrors": dict(socket),
        "unresolved": verify.get("unresolved"),
        "lateAccepted": verify.get("lateAccepted"),
        "passed": verify.get("passed"),
        "failedChecks": failed,
    }
    with open(out, "w") as f:
        json.dump(run, f, indent=2)
    print(f"donations/s {fmt(dps)}  p50 {fmt(lat.get('p50'), 1)} ms  p99 {fmt(lat.get('p99'), 1)} ms"
          f"  status {dict(status)}  unresolved {verify.get('unresolved')}"
          f"  verify {'PASS' if verify.get('passed') else 'FAIL ' + '; '.join(failed)}")


def reads(w):
    if not w:
        return None
    return {"mode": w.get("mode"), "readsPerSecond": w.get("readsPerSecond"), "non2xx": w.get("non2xx"),
            "socketErrors": w.get("socketErrors"), "latencyMs": w.get("latencyMs")}


def merge_f(out, profile, variant, rep, bench_path, readers_path, hub_path):
    bench = load(bench_path) or {}
    readers, hub = reads(load(readers_path)), reads(load(hub_path))
    failed = [c["name"] for c in (bench.get("checks") or []) if not c.get("passed")]
    run = {
        "scenario": "f",
        "profile": profile,
        "variant": variant,
        "rep": int(rep),
        "donationsPerSecond": bench.get("donationsPerSecond"),
        "batchLatencyMs": bench.get("latencyMs"),
        "errors": bench.get("errors"),
        "passed": bench.get("passed"),
        "failedChecks": failed,
        "readers": readers,
        "hub": hub,
    }
    with open(out, "w") as f:
        json.dump(run, f, indent=2)
    r = readers or {}
    h = hub or {}
    rl, hl = r.get("latencyMs") or {}, h.get("latencyMs") or {}
    print(f"donations/s {fmt(run['donationsPerSecond'])}  batch p99 {fmt((run['batchLatencyMs'] or {}).get('p99'), 0)} ms"
          f" | reads ({r.get('mode')}) {fmt(r.get('readsPerSecond'))}/s p50 {fmt(rl.get('p50'), 1)} p99 {fmt(rl.get('p99'), 1)} ms non-2xx {r.get('non2xx')}"
          f" | {h.get('mode')} {fmt(h.get('readsPerSecond'))}/s p50 {fmt(hl.get('p50'), 1)} p99 {fmt(hl.get('p99'), 1)} ms non-2xx {h.get('non2xx')}"
          f" | verify {'PASS' if run['passed'] else 'FAIL ' + '; '.join(failed)}")


def summary(directory):
    runs = []
    for name in sorted(os.listdir(directory)):
        if name.endswith(".json") and (name.startswith("g-") or name.startswith("f-")) and name.count(".") == 1:
            r = load(os.path.join(directory, name))
            if r and r.get("scenario") in ("f", "g"):
                runs.append(r)
    lines = ["# Burst scenarios (f, g)", ""]
    machine = os.path.join(directory, "machine.txt")
    if os.path.exists(machine):
        lines += ["```", open(machine).read().strip(), "```", ""]
    result = {"g": [], "f": []}

    g = [r for r in runs if r["scenario"] == "g"]
    if g:
        lines += ["## (g) single posts driven by wrk (scenario b's campaign)", "",
                  "Medians over the reps. The baseline's runs are the ones interleaved with that profile's.", "",
                  "| profile | deployment | runs ok | donations/s | p50 ms | p99 ms | non-2xx | unresolved (looked up) |",
                  "|---|---|---|---:|---:|---:|---:|---:|"]
        groups = defaultdict(list)
        for r in g:
            groups[(r["profile"], r["label"])].append(r)
        ratios = []
        for (profile, label), rs in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][0] != kv[0][1], kv[0][1])):
            row = {
                "profile": profile, "label": label, "runs": len(rs), "passed": sum(1 for r in rs if r.get("passed")),
                "donationsPerSecond": median([r.get("donationsPerSecond") for r in rs]),
                "p50": median([(r.get("latencyMs") or {}).get("p50") for r in rs]),
                "p99": median([(r.get("latencyMs") or {}).get("p99") for r in rs]),
                "non2xx": median([sum(v for k, v in (r.get("status") or {}).items() if not k.startswith("2")) for r in rs]),
                "unresolved": median([r.get("unresolved") for r in rs]),
                "approx": any((r.get("latencyMs") or {}).get("approx") for r in rs),
            }
            result["g"].append(row)
            lines.append(f"| {profile} | {label} | {row['passed']}/{row['runs']} | {fmt(row['donationsPerSecond'])} | "
                         f"{fmt(row['p50'], 1)}{'*' if row['approx'] else ''} | {fmt(row['p99'], 1)}{'*' if row['approx'] else ''} | "
                         f"{fmt(row['non2xx'])} | {fmt(row['unresolved'])} |")
        for profile in sorted({r["profile"] for r in g}):
            own = groups.get((profile, profile), [])
            for (p, label), rs in groups.items():
                if p != profile or label == profile:
                    continue
                per_rep = []
                for r in own:
                    other = [b for b in rs if b["rep"] == r["rep"]]
                    if other:
                        per_rep.append(ratio(r.get("donationsPerSecond"), other[0].get("donationsPerSecond")))
                m = ratio(median([r.get("donationsPerSecond") for r in own]), median([r.get("donationsPerSecond") for r in rs]))
                ratios.append({"profile": profile, "baseline": label, "ratioOfMedians": m, "medianOfRepRatios": median(per_rep)})
        if ratios:
            lines += ["", "| CharityDay / baseline | ratio of medians (donations/s) | median of per-rep ratios |", "|---|---:|---:|"]
            for x in ratios:
                lines.append(f"| {x['profile']} / {x['baseline']} | {fmt(x['ratioOfMedians'], 2)}× | {fmt(x['medianOfRepRatios'], 2)}× |")
        result["gRatios"] = ratios
        if any(row["approx"] for row in result["g"]):
            lines += ["", "\\* several wrk instances (one per silo): p50 is their request-weighted mean, p99 the largest of theirs."]
        lines.append("")

    f = [r for r in runs if r["scenario"] == "f"]
    if f:
        lines += ["## (f) batches of 100 with public readers vs a /health/live control", "",
                  "Donation rate of scenario b in batch mode (CharityDay.LoadTests bench). Readers: wrk, "
                  "'mix' = 80% project (10% of them the hub) / 10% campaign / 10% leaderboard top 10; "
                  "'hub' = a second wrk instance reading only the parent of 2,000 sub-projects. Medians over the reps.", "",
                  "| profile | runs ok (readers/control) | donations/s with readers | donations/s control | ratio | mix reads/s | mix p50 ms | mix p99 ms | hub reads/s | hub p50 ms | hub p99 ms | non-2xx reads | control reads/s | control p50 / p99 ms |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        for profile in sorted({r["profile"] for r in f}):
            rd = [r for r in f if r["profile"] == profile and r["variant"] == "readers"]
            ct = [r for r in f if r["profile"] == profile and r["variant"] == "control"]
            lat = lambda rs, part, q: median([((r.get(part) or {}).get("latencyMs") or {}).get(q) for r in rs])
            rate = lambda rs, part: median([(r.get(part) or {}).get("readsPerSecond") for r in rs])
            row = {
                "profile": profile,
                "runsReaders": len(rd), "passedReaders": sum(1 for r in rd if r.get("passed")),
                "runsControl": len(ct), "passedControl": sum(1 for r in ct if r.get("passed")),
                "donationsPerSecondReaders": median([r.get("donationsPerSecond") for r in rd]),
                "donationsPerSecondControl": median([r.get("donationsPerSecond") for r in ct]),
                "mixReadsPerSecond": rate(rd, "readers"), "mixP50": lat(rd, "readers", "p50"), "mixP99": lat(rd, "readers", "p99"),
                "hubReadsPerSecond": rate(rd, "hub"), "hubP50": lat(rd, "hub", "p50"), "hubP99": lat(rd, "hub", "p99"),
                "non2xxReads": median([((r.get("readers") or {}).get("non2xx") or 0) + ((r.get("hub") or {}).get("non2xx") or 0) for r in rd]),
                "controlReadsPerSecond": median([(rate([r], "readers") or 0) + (rate([r], "hub") or 0) for r in ct]),
                "controlP50": lat(ct, "readers", "p50"), "controlP99": lat(ct, "readers", "p99"),
            }
            row["ratio"] = ratio(row["donationsPerSecondReaders"], row["donationsPerSecondControl"])
            result["f"].append(row)
            lines.append(
                f"| {profile} | {row['passedReaders']}/{row['runsReaders']} / {row['passedControl']}/{row['runsControl']} | "
                f"{fmt(row['donationsPerSecondReaders'])} | {fmt(row['donationsPerSecondControl'])} | {fmt(row['ratio'], 2)}× | "
                f"{fmt(row['mixReadsPerSecond'])} | {fmt(row['mixP50'], 1)} | {fmt(row['mixP99'], 1)} | "
                f"{fmt(row['hubReadsPerSecond'])} | {fmt(row['hubP50'], 1)} | {fmt(row['hubP99'], 1)} | {fmt(row['non2xxReads'])} | "
                f"{fmt(row['controlReadsPerSecond'])} | {fmt(row['controlP50'], 1)} / {fmt(row['controlP99'], 1)} |")
        lines.append("")

    with open(os.path.join(directory, "summary.json"), "w") as fh:
        json.dump(result, fh, indent=2)
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "merge-g":
        merge_g(*args)
    elif cmd == "merge-f":
        merge_f(*args)
    elif cmd == "summary":
        summary(args[0])
    else:
        sys.exit(__doc__)
