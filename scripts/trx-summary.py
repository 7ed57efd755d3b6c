#!/usr/bin/env python3
"""Summarise the TRX files of one `dotnet test` run.

Usage: trx-summary.py RESULTS_DIR [--solution SLN | --expected-runs N] [--dotnet-exit RC]

--solution counts the test projects of a .sln/.slnx (a project that sets
<IsTestProject>true</IsTestProject> or references Microsoft.NET.Test.Sdk): VSTest writes one
TRX per test project even when a --filter matches none of its tests, so each missing TRX is a
project that never reported.

Counts every UnitTestResult outcome in every *.trx under RESULTS_DIR (recursively):
  Passed                 -> passed
  NotExecuted / Skipped  -> skipped
  anything else          -> failed (Failed, Error, Timeout, Aborted, Inconclusive, ...)

A run that did not report cleanly also counts as ONE failure each, so it cannot look green:
  * a TRX whose run was aborted (test host crashed / hang timeout) or whose ResultSummary says
    Failed/Error/Aborted/Timeout without any failed result;
  * each expected test run (one per test project) that left no TRX at all (build failure,
    crash before the logger wrote anything);
  * a non-zero exit code from `dotnet test` that is not explained by any of the above.

Prints the failing tests and run problems on stdout, then, as the very last line:
  "N passed, N failed" (+ ", N skipped" only if any were skipped).
Exit code: 0 when nothing failed, 1 otherwise.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
BAD_RUN_OUTCOMES = {"error", "aborted", "timeout", "failed", "disconnected"}


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def find_trx(root_dir: str) -> list[str]:
    found = []
    if not os.path.isdir(root_dir):
        return found
    for dirpath, _dirs, files in os.walk(root_dir):
        for name in files:
            if name.lower().endswith(".trx"):
                found.append(os.path.join(dirpath, name))
    return sorted(found)


def iter_results(node):
    """Yield leaf UnitTestResult elements (data-driven parents are replaced by their InnerResults)."""
    for child in node:
        if local(child.tag) != "UnitTestResult":
            continue
        inner = [c for c in child if local(c.tag) == "InnerResults"]
        if inner and len(inner[0]):
            yield from iter_results(inner[0])
        else:
            yield child


def first_line(text: str | None, limit: int = 300) -> str:
    if not text:
        return ""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:limit]


def solution_test_projects(sln: str) -> list[str]:
    """Paths of the test projects listed in a .sln or .slnx file."""
    with open(sln, encoding="utf-8-sig") as fh:
        text = fh.read()
    if sln.lower().endswith(".slnx"):
        rels = re.findall(r'<Project\b[^>]*\bPath="([^"]+\.(?:cs|fs|vb)proj)"', text)
    else:
        rels = re.findall(r'^Project\([^)]*\)\s*=\s*"[^"]*",\s*"([^"]+\.(?:cs|fs|vb)proj)"', text, re.M)
    base = os.path.dirname(os.path.abspath(sln))
    found = []
    for rel in rels:
        path = os.path.normpath(os.path.join(base, rel.replace("\\", "/")))
        try:
            with open(path, encoding="utf-8-sig") as fh:
                proj = fh.read()
        except OSError:
            continue
        if re.search(r"<IsTestProject>\s*false\s*</IsTestProject>", proj, re.I):
            continue
        if (re.search(r"<IsTestProject>\s*true\s*</IsTestProject>", proj, re.I)
                or re.search(r'Include="Microsoft\.NET\.Test\.Sdk"', proj, re.I)):
            found.append(path)
    return found


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("results_dir")
    ap.add_argument("--expected-runs", type=int, default=0,
                    help="number of test projects that must each produce a TRX")
    ap.add_argument("--solution", help="count the test projects of this .sln/.slnx")
    ap.add_argument("--dotnet-exit", type=int, default=0,
                    help="exit code of dotnet test")
    args = ap.parse_args()
    if args.solution:
        try:
            args.expected_runs = len(solution_test_projects(args.solution))
        except OSError as exc:
            print(f"==> cannot read solution {args.solution}: {exc}")

    passed = failed = skipped = 0
    failures: list[str] = []
    problems: list[str] = []

    files = find_trx(args.results_dir)
    for path in files:
        name = os.path.basename(path)
        try:
            root = ET.parse(path).getroot()
        except (ET.ParseError, OSError) as exc:
            failed += 1
            problems.append(f"{name}: unreadable TRX ({exc})")
            continue

        file_failed = 0
        results_el = root.find(f"{NS}Results")
        if results_el is None:
            results_el = next((e for e in root.iter() if local(e.tag) == "Results"), None)
        if results_el is not None:
            for res in iter_results(results_el):
                outcome = (res.get("outcome") or "").strip()
                low = outcome.lower()
                if low == "passed":
                    passed += 1
                elif low in ("notexecuted", "skipped", "notrunnable"):
                    skipped += 1
                else:
                    failed += 1
                    file_failed += 1
                    msg = ""
                    for el in res.iter():
                        if local(el.tag) == "Message":
                            msg = first_line(el.text)
                            break
                    failures.append(f"{res.get('testName', '?')} [{outcome or 'no outcome'}]"
                                    + (f": {msg}" if msg else ""))

        summary = next((e for e in root.iter() if local(e.tag) == "ResultSummary"), None)
        run_outcome = (summary.get("outcome") or "").lower() if summary is not None else ""
        aborted_text = ""
        if summary is not None:
            for el in summary.iter():
                if local(el.tag) == "Text" and el.text and (
                        "test run was aborted" in el.text.lower()
                        or "test host process crashed" in el.text.lower()
                        or ("blame" in el.text.lower() and "hang" in el.text.lower())):
                    aborted_text = first_line(el.text)
                    break
        if aborted_text:
            failed += 1
            problems.append(f"{name}: {aborted_text}")
        elif summary is None:
            failed += 1
            problems.append(f"{name}: no ResultSummary (incomplete TRX)")
        elif run_outcome in BAD_RUN_OUTCOMES and file_failed == 0:
            failed += 1
            problems.append(f"{name}: run outcome '{summary.get('outcome')}' without a failed test")

    missing = args.expected_runs - len(files)
    if missing > 0:
        failed += missing
        problems.append(f"{missing} of {args.expected_runs} test project(s) produced no TRX "
                        "(build failure or crash before results were written)")

    if args.dotnet_exit != 0 and failed == 0:
        failed += 1
        problems.append(f"dotnet test exited with code {args.dotnet_exit} but no failed test was recorded")

    print(f"==> TRX files: {len(files)} in {args.results_dir}")
    for f in failures:
        print(f"    FAILED  {f}")
    for p in problems:
        print(f"    PROBLEM {p}")

    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    sys.stdout.flush()
    print(line, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as exc:  # never let a parser bug look like a green run
        print(f"==> trx-summary failed: {exc!r}")
        print("0 passed, 1 failed", flush=True)
        sys.exit(1)
