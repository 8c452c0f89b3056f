"""Edits per second per annotator with N annotators editing one project at once:
PostgreSQL (a local server, fsync on, each annotator its own login role under row-level
security) against SQLite (one WAL file, synchronous=FULL), same run, same machine.

Each annotator is a separate process doing what the app does for a keystroke: one
``Project.add_span`` (its own committed transaction), and every 10th edit a status change.
The figure is the median over annotators of edits / wall time.

    python benchmarks/bench_team_edits.py [--annotators 1 2 4 8] [--edits 200]

Baseline: SQLite with the same N. Ratio = PostgreSQL / SQLite (higher: PostgreSQL faster).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import emit  # noqa: E402

WORKER = textwrap.dedent("""
    import sys, time
    from annotator.core.model import Layer, Status
    from annotator.storage import Project

    url, name, edits, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    with Project(url) as p:
        me = p.ensure_annotator(name)
        label = p.label_by_name("GPE", Layer.ENTITY).id
        docs = p.document_ids()
        while not __import__("os").path.exists(go):
            time.sleep(0.005)
        t = time.perf_counter()
        for i in range(edits):
            did = docs[i % len(docs)]
            p.add_span(did, me.id, label, i % 7, i % 7 + 3)
            if i % 10 == 9:
                p.set_status(did, me.id, Status.DONE)
        print(edits / (time.perf_counter() - t))
""")


def run(urls: list[str], names: list[str], edits: int, tmp: Path) -> list[float]:
    go = tmp / f"go-{names[0]}-{len(names)}-{abs(hash(urls[0]))}"
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, u, n, str(edits), str(go)], stdout=subprocess.PIPE,
                              text=True) for u, n in zip(urls, names)]
    import time

    time.sleep(3.0)  # every process imported and connected
    go.touch()
    rates = []
    for p in procs:
        out, _ = p.communicate(timeout=600)
        assert p.returncode == 0
        rates.append(float(out.strip().splitlines()[-1]))
    return rates


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--annotators", type=int, nargs="+", default=[1, 2, 4, 8])
    ap.add_argument("--edits", type=int, default=200)
    args = ap.parse_args()

    from annotator.services.sample import seed_sample
    from annotator.storage import Project, postgres

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with postgres.LocalCluster(tmp / "pg", durable=True) as cluster:
            for n in args.annotators:
                names = [f"a{n}_{i}" for i in range(n)]
                path = tmp / f"team-{n}.annotator"
                with Project.create(path) as p:
                    seed_sample(p, with_annotations=False)
                lite = run([str(path)] * n, names, args.edits, tmp)
                url = cluster.create_database(f"team{n}", owner="lead")
                with Project.create(url) as p:
                    seed_sample(p, with_annotations=False)
                    with p.write() as c:
                        for name in names:
                            postgres.add_annotator(c, name)
                pg = run([cluster.url(f"team{n}", name) for name in names], names, args.edits, tmp)
                emit(f"edits_per_annotator_{n}_postgresql", statistics.median(pg), "edits/s",
                     baseline=statistics.median(lite), baseline_label=f"SQLite, {n} annotators", better="higher",
                     note=f"total {sum(pg):.0f} edits/s on PostgreSQL vs {sum(lite):.0f} on SQLite")


if __name__ == "__main__":
    main()
