"""Import N news articles (~3 KB each) from JSONL, against the practical limit: plain
``sqlite3.executemany`` of the same rows into the same schema (FTS5 triggers, unique hash
index, WAL, synchronous=FULL) in one transaction, measured in the same run.

The importer's time includes everything it really does: reading and parsing the file,
NFC/line-break normalisation, hashing, deduplication against the project, title/date/source
extraction, the inserts and the full-text index. The baseline gets its rows ready-made
(computed before the clock starts) and only inserts them.

    python benchmarks/bench_import.py [--docs 100000]

Target (issue 20): import throughput >= 0.75 x baseline.
"""

from __future__ import annotations

import argparse
import gc
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import orjson  # noqa: E402
from _data import cached_jsonl  # noqa: E402
from _report import emit  # noqa: E402

from annotator.core.article import article_metadata  # noqa: E402
from annotator.core.schema import load_schema  # noqa: E402
from annotator.core.text import content_hash, normalise  # noqa: E402
from annotator.services.importing import import_paths  # noqa: E402
from annotator.services.sample import default_schema_path  # noqa: E402
from annotator.storage import Project  # noqa: E402

COLS = ("text", "title", "source", "url", "published", "content_hash", "meta", "length", "created_at")


def new_project(path: Path) -> None:
    Project.create(path, load_schema(default_schema_path())).close()


def baseline_rows(jsonl: Path) -> list[tuple]:
    now = time.time()
    rows = []
    with jsonl.open("rb") as fh:
        for line in fh:
            obj = orjson.loads(line)
            text = normalise(obj["text"])
            art = article_metadata(text)  # the importer's own analysis, once per article
            rows.append((text, art.title, art.source, None, art.published,
                         content_hash(text), orjson.dumps(obj.get("meta") or {}).decode(), len(text), now))
    return rows


def run_baseline(path: Path, rows: list[tuple]) -> float:
    new_project(path)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA synchronous=FULL")
    sql = f"INSERT INTO document ({', '.join(COLS)}) VALUES ({', '.join('?' * len(COLS))})"
    t0 = time.perf_counter()
    con.execute("BEGIN")
    con.executemany(sql, rows)
    con.execute("COMMIT")
    dt = time.perf_counter() - t0
    n = con.execute("SELECT count(*) FROM document").fetchone()[0]
    con.close()
    assert n == len(rows), (n, len(rows))
    return dt


def run_import(path: Path, jsonl: Path, n: int) -> float:
    new_project(path)
    with Project.open(path) as project:
        t0 = time.perf_counter()
        report = import_paths(project, [jsonl])
        dt = time.perf_counter() - t0
        assert report.added == n and not report.errors, report.summary()
        assert project.count_documents() == n
    return dt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args(argv)
    jsonl = cached_jsonl(args.docs, args.seed)
    mb = jsonl.stat().st_size / 1e6
    print(f"import: {args.docs:,} articles, {mb:,.0f} MB of JSONL")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        rows = baseline_rows(jsonl)
        gc.collect()
        base = run_baseline(Path(tmp) / "baseline.annotator", rows)
        del rows
        gc.collect()
        ours = run_import(Path(tmp) / "import.annotator", jsonl, args.docs)
    emit("import throughput", args.docs / ours, "docs/s", baseline=args.docs / base,
         baseline_label="sqlite3.executemany, same rows, one transaction", target=0.75, target_on="ratio",
         better="higher", note=f"{args.docs:,} docs: import {ours:.1f} s, executemany {base:.1f} s",
         docs=args.docs, seconds=ours, baseline_seconds=base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
