"""The 100-kill soak (issue 18): ``make soak`` or ``python benchmarks/soak_kills.py [--kills N]``.

Runs tests/reliability/test_crash.py with ANNOTATOR_CRASH_KILLS=N (default 100): a child
process makes edits through the window's ``Project`` calls and is SIGKILLed N times at random
(seeded) moments; after each kill the file is reopened and every acknowledged edit must be
there, exactly, with integrity, foreign-key and search-index checks passing. Too slow for
every CI run (8 kills there); this prints the figures of the long run: kills, edits
acknowledged, edits found, and the run's time against the 8-kill run measured first.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(kills: int, seed: int) -> tuple[float, str]:
    env = {**os.environ, "ANNOTATOR_CRASH_KILLS": str(kills), "ANNOTATOR_CRASH_SEED": str(seed),
           "QT_QPA_PLATFORM": "offscreen"}
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
                        "tests/reliability/test_crash.py::test_sigkill_during_edits_loses_no_acknowledged_edit"], cwd=ROOT, env=env,
                       capture_output=True, text=True)
    took = time.perf_counter() - t0
    if r.returncode != 0:
        print(r.stdout[-4000:], r.stderr[-2000:], sep="\n")
        raise SystemExit(f"soak failed with {kills} kills (seed {seed})")
    return took, r.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=100)
    ap.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    a = ap.parse_args()
    base_s, _ = run(8, a.seed)
    took, out = run(a.kills, a.seed)
    line = next((ln for ln in out.splitlines() if ln.startswith("crash:")), "")
    print(line or out[-2000:])
    nums = re.findall(r"([\d,]+) edits acknowledged, ([\d,]+) verified", line)
    if nums:
        ack, found = (int(x.replace(",", "")) for x in nums[0])
        print(f"soak: {a.kills} kills (seed {a.seed}), {ack} edits acknowledged, {found} found "
              f"({'all' if ack == found else 'MISSING ' + str(ack - found)}); time {took:.0f} s = "
              f"{took / base_s:.1f}x the 8-kill baseline ({base_s:.0f} s) measured in this run")


if __name__ == "__main__":
    main()
