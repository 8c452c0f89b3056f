"""Merge 10 annotators' bundles of 1,000 documents each into a master project.

A "team" project holds 2,000 imported articles and 10 annotators' work (each on 1,000 of them:
status, ~8 entity spans, a stance); each annotator's work is exported as a bundle. The clock
measures ``merge_bundles`` of the 10 files into a master that has the articles but no work
(reading, checking schemas, one transaction per bundle), then the same merge again (nothing
changes), then 10 newer bundles (replace each annotator's work).

Baseline, same run: inserting exactly the same rows (statuses, document labels, spans) with
the storage layer's bulk insert into another copy of the master, one transaction per
annotator: the floor for writing that much, without reading files, hashing or checks.

    python benchmarks/bench_merge.py [--bundles 10] [--docs 1000] [--master URL]

``--master`` may be a postgresql:// URL (an empty database) to merge into PostgreSQL.
Target: 10 × 1,000 documents merged in < 10 s on the 2-core CI box.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import cached_jsonl  # noqa: E402
from _report import emit  # noqa: E402


def build_team(path: Path, n_docs: int, n_annotators: int, per: int, seed: int = 7):
    from sqlalchemy import insert

    from annotator.core.model import Layer, Origin, Role
    from annotator.core.schema import load_schema
    from annotator.services.importing import import_paths
    from annotator.services.sample import default_schema_path
    from annotator.storage import Project
    from annotator.storage.project import DL, ST

    p = Project.create(path, load_schema(default_schema_path()))
    import_paths(p, [cached_jsonl(n_docs)])
    rng = random.Random(seed)
    ids = p.document_ids()
    ents = [lab.id for lab in p.labels(Layer.ENTITY)]
    stances = [lab.id for lab in p.labels(Layer.DOCUMENT)]
    now = time.time()
    rows = {}
    for k in range(n_annotators):
        aid = p.ensure_annotator(f"annotator{k:02d}", Role.ANNOTATOR).id
        st, dl, sp = [], [], []
        for did in sorted(rng.sample(ids, per)):
            st.append(dict(document_id=did, annotator_id=aid, status="done", updated_at=now))
            dl.append(dict(document_id=did, annotator_id=aid, label_id=rng.choice(stances), attrs={}, updated_at=now))
            pos = 0
            for _ in range(8):
                start = pos + rng.randint(5, 300)
                end = start + rng.randint(3, 20)
                if end > 2500:
                    break
                sp.append((did, aid, rng.choice(ents), start, end, {}, Origin.MANUAL))
                pos = end
        with p.write() as c:
            c.execute(insert(ST), st)
            c.execute(insert(DL), dl)
        p.add_spans(sp)
        rows[f"annotator{k:02d}"] = (st, dl, sp)
    return p, rows


def fresh_master(where: str | Path, team):
    from annotator.storage import Project
    from annotator.storage.project import D

    m = Project.create(where, team.schema())
    with team.read() as c:
        docs = [dict(r._mapping) for r in c.execute(D.select())]
    with m.write() as c:
        c.execute(D.insert(), docs)
    return m


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bundles", type=int, default=10)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--master", help="a postgresql:// URL of an empty database (default: an SQLite file)")
    args = ap.parse_args()

    from sqlalchemy import insert

    from annotator.services.bundles import export_bundle, merge_bundles
    from annotator.storage import Project
    from annotator.storage.project import DL, ST

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        team, rows = build_team(tmp / "team.annotator", args.docs * 2, args.bundles, args.docs)
        print(f"setup: team project in {time.perf_counter() - t:.1f} s")
        paths = []
        t = time.perf_counter()
        for name in rows:
            paths.append(tmp / f"{name}.annbundle")
            export_bundle(team, name, paths[-1])
        export_s = time.perf_counter() - t
        size = sum(p.stat().st_size for p in paths)

        # baseline: the same rows, bulk inserted, one transaction per annotator
        base = fresh_master(tmp / "baseline.annotator", team)
        t = time.perf_counter()
        for name, (st, dl, sp) in rows.items():
            aid = base.ensure_annotator(name).id
            with base.write() as c:
                c.execute(insert(ST), [dict(r, annotator_id=aid) for r in st])
                c.execute(insert(DL), [dict(r, annotator_id=aid) for r in dl])
                base.add_spans([(d, aid, *rest) for d, _a, *rest in sp], conn=c)
        baseline_s = time.perf_counter() - t
        base.close()

        master = fresh_master(args.master or tmp / "master.annotator", team)
        t = time.perf_counter()
        report = merge_bundles(master, paths)
        merge_s = time.perf_counter() - t
        assert all(r.action == "merged" for r in report.results), report.summary()
        spans = sum(r.spans for r in report.results)
        assert spans == team.span_count(), (spans, team.span_count())
        t = time.perf_counter()
        again = merge_bundles(master, paths)
        again_s = time.perf_counter() - t
        assert all(r.action == "unchanged" for r in again.results)
        # newer bundles: every annotator marks one more document; each bundle replaces its owner's work
        from annotator.core.model import Status

        for name in rows:
            who = team.annotator(name)
            team.set_status(team.document_ids()[0], who.id, Status.IN_PROGRESS)
            export_bundle(team, name, tmp / f"{name}.annbundle")
        t = time.perf_counter()
        newer = merge_bundles(master, paths)
        replace_s = time.perf_counter() - t
        assert all(r.action == "merged" for r in newer.results)
        backend = "postgresql" if args.master else "sqlite"
        master.close()
        team.close()

    n = args.bundles
    emit(f"merge_{n}x{args.docs}_{backend}", merge_s, "s", baseline=baseline_s,
         baseline_label="bulk insert of the same rows", target=10.0,
         note=f"{spans:,} spans; {size / 1e6:.1f} MB of bundles; export of all {n}: {export_s:.1f} s")
    emit(f"merge_again_{n}x{args.docs}_{backend}", again_s, "s", baseline=merge_s, baseline_label="first merge",
         note="same bundles again: nothing written")
    emit(f"merge_replace_{n}x{args.docs}_{backend}", replace_s, "s", baseline=merge_s,
         baseline_label="first merge", note="newer bundles replace each annotator's work")


if __name__ == "__main__":
    main()
