"""Run every ``benchmarks/bench_*.py`` (``make bench``), each in its own process, with sizes that
keep the whole run under 10 minutes on a 2-core machine, then print every figure with its
baseline, ratio and target.

A benchmark reports figures through ``_report.emit`` (``BENCH {json}`` lines); a benchmark that
prints only text is shown as it is. The records of the run go to ``.benchmarks/latest.json``.

    python benchmarks/run_all.py [--only import search] [--quick] [--list]

``--quick`` uses small sizes (a smoke test, a minute or two; its figures are not the targets').
The first run also builds the shared data (100,000 generated articles as JSONL and a project
made from them, about 1.5 minutes) in a cache folder (``$ANNOTATOR_BENCH_CACHE``, default
``$TMPDIR/annotator-bench``); later runs reuse it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUDGET_S = 600

# Arguments per benchmark: the full run (the sizes where the budget allows) and --quick.
# A benchmark not listed runs with its own defaults.
FULL: dict[str, list[str]] = {
    "bench_import.py": ["--docs", "100000"],
    "bench_open.py": ["--docs", "100000", "--repeat", "3"],
    "bench_search.py": ["--docs", "100000", "--repeat", "15"],
    "bench_export.py": ["--docs", "3000", "--repeat", "1"],  # 100,000 would take ~30 min alone (spaCy ~200 docs/s here)
    "bench_gamma.py": ["--docs", "1000"],  # 10,000 takes ~N min: run it by hand (docs/agreement.md)
}
QUICK: dict[str, list[str]] = {
    "bench_import.py": ["--docs", "5000"],
    "bench_open.py": ["--docs", "5000", "--repeat", "1"],
    "bench_search.py": ["--docs", "5000", "--repeat", "3"],
    "bench_export.py": ["--docs", "1000", "--repeat", "1"],
    "bench_agreement.py": ["--docs", "1000"],
    "bench_gamma.py": ["--docs", "200", "--reference-docs", "5"],
    "bench_workspace.py": ["--quick"],
}
# Run first: they build the shared cache the others reuse.
FIRST = ["bench_import.py", "bench_open.py", "bench_search.py"]


def discover() -> list[Path]:
    found = sorted(HERE.glob("bench_*.py"))
    rank = {name: i for i, name in enumerate(FIRST)}
    return sorted(found, key=lambda p: (rank.get(p.name, len(FIRST)), p.name))


def run_one(path: Path, args: list[str], timeout: float) -> tuple[int, float, list[dict]]:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"), PYTHONUNBUFFERED="1")
    cmd = [sys.executable, str(path), *args]
    print(f"\n=== {path.name} {' '.join(args)}", flush=True)
    t0 = time.perf_counter()
    records: list[dict] = []
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("BENCH "):
                try:
                    records.append(json.loads(line[6:]))
                except json.JSONDecodeError:
                    print(line, end="")
                continue
            print("   " + line, end="", flush=True)
            if time.perf_counter() - t0 > timeout:
                proc.kill()
                print(f"   (stopped: over {timeout:.0f} s)")
                break
        code = proc.wait(timeout=max(1.0, timeout - (time.perf_counter() - t0)))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        print(f"   (stopped: over {timeout:.0f} s)")
        code = -9
    dt = time.perf_counter() - t0
    print(f"=== {path.name}: {dt:.0f} s, exit {code}", flush=True)
    return code, dt, records


def fmt(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:,.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def table(results: list[tuple[str, int, float, list[dict]]]) -> None:
    print("\n" + "=" * 118)
    print(f"{'figure':48} {'value':>12} {'baseline':>12} {'ratio':>7}  {'target':>14}  met")
    print("-" * 118)
    for name, code, dt, records in results:
        if not records:
            print(f"{name + ':':48} (no BENCH records: see its output above; exit {code}, {dt:.0f} s)")
            continue
        for r in records:
            unit = r.get("unit", "")
            target = r.get("target")
            if target is None:
                tgt = ""
            else:
                sign = "≥" if r.get("better") == "higher" else "≤"
                tgt = f"{sign} {target:g}{'×' if r.get('target_on') == 'ratio' else ' ' + unit}"
            met = {True: "yes", False: "NO", None: ""}[r.get("met")]
            print(f"{r['name'][:48]:48} {fmt(r.get('value')) + ' ' + unit:>12} {fmt(r.get('baseline')):>12} "
                  f"{fmt(r.get('ratio')):>7}  {tgt:>14}  {met}")
    print("=" * 118)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="*", help="run only these (e.g. import search workspace)")
    ap.add_argument("--quick", action="store_true", help="small sizes: a smoke test of every benchmark")
    ap.add_argument("--list", action="store_true", help="show what would run, with its arguments")
    args = ap.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    benches = discover()
    if args.only:
        wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in args.only}
        benches = [b for b in benches if b.stem in wanted or b.name in wanted]
    if args.list:
        for b in benches:
            print(b.name, " ".join(sizes.get(b.name, [])))
        return 0
    t0 = time.perf_counter()
    results = []
    for b in benches:
        left = BUDGET_S * (3 if args.only else 1) - (time.perf_counter() - t0)
        code, dt, records = run_one(b, sizes.get(b.name, []), timeout=max(60.0, left))
        results.append((b.stem, code, dt, records))
    total = time.perf_counter() - t0
    table(results)
    print(f"{len(results)} benchmarks in {total:.0f} s (budget {BUDGET_S} s)"
          + ("" if total <= BUDGET_S else "  OVER BUDGET"))
    out = ROOT / ".benchmarks" / ("quick.json" if args.quick else "latest.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"seconds": total, "quick": args.quick, "cpus": os.cpu_count(),
                               "when": time.strftime("%Y-%m-%d %H:%M:%S"),
                               "benchmarks": [{"name": n, "exit": c, "seconds": d, "records": r}
                                              for n, c, d, r in results]}, indent=1, ensure_ascii=False))
    failed = [n for n, c, _, _ in results if c != 0]
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
