"""Filter and search latency over a project of N documents (default 100,000), as the document
list asks for it: the number of matches plus the first page (200 summaries with the
annotator's status, stance and span count), i.e. ``DocumentListModel.set_filter``'s work.

Groups: words (common, rare, two words, diacritics, no hits), search-as-you-type (every prefix
of "budget", so one-letter prefixes too), status (done / in progress / to do for one of three
annotators with ~30% of the documents touched each), status + words, and a page deep in the
list (keyset paging). Each query runs ``--repeat`` times after a warm-up; p50/p95 per group.

Baseline, same run: the least SQLite work that gives the same answer with plain ``sqlite3``
(FTS5 ``count(*)`` + the first 200 rowids; the status table's count + first 200 ids), without
titles or summaries. Ratio = ours / baseline.

    python benchmarks/bench_search.py [--docs 100000] [--repeat 15]

Target: p95 < 200 ms for every group.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import cached_project, fresh_copy  # noqa: E402
from _report import emit  # noqa: E402

from annotator.core.model import Status  # noqa: E402
from annotator.storage import Project  # noqa: E402
from annotator.storage.project import fts_query  # noqa: E402

PAGE = 200
WORDS = ["budget", "Haddad", "port expansion", "São Vicente", "valmora steel", "article 4711", "zyxwv", "the"]
TYPING = ["b", "bu", "bud", "budg", "budge", "budget"]
STATUSES = [Status.DONE, Status.IN_PROGRESS, Status.TODO]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    k = (len(xs) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def ours(project: Project, aid: int, status: Status | None, search: str | None, after: int | None = None):
    n = project.count_documents(annotator_id=aid, status=status, search=search)
    page = project.list_documents(annotator_id=aid, status=status, search=search, limit=PAGE, after_id=after)
    return n, [d.id for d in page]


def floor(con: sqlite3.Connection, aid: int, status: Status | None, search: str | None, after: int | None = None):
    if search:
        m = fts_query(search)
        n = con.execute("SELECT count(*) FROM document_fts WHERE document_fts MATCH ?", (m,)).fetchone()[0]
        if status is None:
            ids = con.execute("SELECT rowid FROM document_fts WHERE document_fts MATCH ? ORDER BY rowid LIMIT ?",
                              (m, PAGE)).fetchall()
        else:  # only "done" is combined with words below
            n = con.execute("SELECT count(*) FROM document_fts WHERE document_fts MATCH ? AND +rowid IN "
                            "(SELECT document_id FROM document_status WHERE annotator_id=? AND status=?)",
                            (m, aid, str(status))).fetchone()[0]
            ids = con.execute("SELECT rowid FROM document_fts WHERE document_fts MATCH ? AND +rowid IN "
                              "(SELECT document_id FROM document_status WHERE annotator_id=? AND status=?) "
                              "ORDER BY rowid LIMIT ?", (m, aid, str(status), PAGE)).fetchall()
    elif status is None:
        n = con.execute("SELECT count(*) FROM document").fetchone()[0]
        ids = con.execute("SELECT id FROM document WHERE id > ? ORDER BY id LIMIT ?", (after or 0, PAGE)).fetchall()
    elif status == Status.TODO:
        total = con.execute("SELECT count(*) FROM document").fetchone()[0]
        n = total - con.execute("SELECT count(*) FROM document_status WHERE annotator_id=? AND status!='todo'",
                                (aid,)).fetchone()[0]
        ids = con.execute("SELECT id FROM document WHERE id NOT IN (SELECT document_id FROM document_status "
                          "WHERE annotator_id=? AND status!='todo') ORDER BY id LIMIT ?", (aid, PAGE)).fetchall()
    else:
        n = con.execute("SELECT count(*) FROM document_status WHERE annotator_id=? AND status=?",
                        (aid, str(status))).fetchone()[0]
        ids = con.execute("SELECT document_id FROM document_status WHERE annotator_id=? AND status=? "
                          "ORDER BY document_id LIMIT ?", (aid, str(status), PAGE)).fetchall()
    return n, [r[0] for r in ids]


def timed(fn, *a, repeat: int) -> tuple[list[float], object]:
    res = fn(*a)  # warm-up, and the answer to compare
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(*a)
        out.append(time.perf_counter() - t)
    return out, res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args(argv)
    src = cached_project(args.docs)
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        path = fresh_copy(src, Path(tmp))
        project = Project.open(path)
        aid = project.annotator("alice").id
        con = sqlite3.connect(path)
        last = project.document_ids()[-1]
        groups = {
            "words": [(None, w, None) for w in WORDS],
            "search-as-you-type": [(None, w, None) for w in TYPING],
            "status": [(s, None, None) for s in STATUSES],
            "status + words": [(Status.DONE, w, None) for w in ("budget", "Haddad", "port expansion")],
            "page deep in list": [(None, None, last - 1000), (None, None, last // 2)],
        }
        print(f"search: {args.docs:,} documents, {args.repeat} runs per query; count + first page of {PAGE}")
        for group, queries in groups.items():
            mine, base, worst = [], [], ("", 0.0)
            for status, search, after in queries:
                t_ours, r_ours = timed(ours, project, aid, status, search, after, repeat=args.repeat)
                t_base, r_base = timed(floor, con, aid, status, search, after, repeat=args.repeat)
                if r_ours != r_base:
                    raise SystemExit(f"answers differ for {status}/{search!r}: {r_ours[0]} vs {r_base[0]}")
                mine += t_ours
                base += t_base
                label = f"{search or ''}{'/' + str(status) if status else ''}{'/after ' + str(after) if after else ''}"
                print(f"  {group:20} {label:28} {r_ours[0]:>7,} hits  p50 {statistics.median(t_ours) * 1000:7.1f} ms"
                      f"  p95 {pct(t_ours, .95) * 1000:7.1f} ms   (baseline p50 {statistics.median(t_base) * 1000:6.1f} ms)")
                if pct(t_ours, .95) > worst[1]:
                    worst = (label, pct(t_ours, .95))
            p95, b95 = pct(mine, .95) * 1000, pct(base, .95) * 1000
            emit(f"search p95: {group}", p95, "ms", baseline=b95, baseline_label="plain sqlite3 FTS5/status",
                 target=200, better="lower", p50=statistics.median(mine) * 1000,
                 note=f"p50 {statistics.median(mine) * 1000:.1f} ms; slowest '{worst[0]}' p95 {worst[1] * 1000:.0f} ms")
        con.close()
        project.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
