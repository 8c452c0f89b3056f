"""Review queue on N three-annotator documents (copies of the sample's two most disputed
articles with their annotations): the batched queue against the baseline of computing each
document's review on its own (``review_document`` per document), both in this run.

    .venv/bin/python benchmarks/bench_review.py [N]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from annotator.core.model import NewDocument, Status
from annotator.services import review as rv
from annotator.services.importing import import_documents
from annotator.services.sample import open_or_create_default


def build(path: Path, n: int):
    p = open_or_create_default(path)
    src = [p.document(i) for i in (1, 2)]
    import_documents(p, [NewDocument(s.text + f"\n\n#{k}", title=f"{s.title} {k}")
                         for k in range(n // 2) for s in src])
    spans_of = {s.id: p.spans(s.id) for s in src}
    rows, statuses = [], []
    for d in p.documents():
        if d.id <= 6:
            continue
        base = src[0] if d.text.startswith(src[0].text) else src[1]
        rows += [(d.id, s.annotator_id, s.label_id, s.start, s.end, s.attrs, s.origin) for s in spans_of[base.id]]
        statuses.append(d.id)
    p.add_spans(rows)
    for name in ("alice", "bo", "chen"):
        a = p.annotator(name)
        for d in statuses:
            p.set_status(d, a.id, Status.DONE)
    return p


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        p = build(Path(tmp) / "bench.annotator", n)
        t = time.perf_counter()
        naive = [rv.review_document(p, d) for d in p.document_ids()]
        baseline = time.perf_counter() - t
        t = time.perf_counter()
        q = rv.review_queue(p)
        ours = time.perf_counter() - t
        assert len(q.items) == sum(1 for r in naive if r.annotators)
        p.close()
    print(f"review queue, {len(q.items):,} documents: {ours:.2f} s "
          f"(baseline, review_document per document: {baseline:.2f} s; ratio {ours / baseline:.3f}, "
          f"{baseline / ours:.0f}x faster)")


if __name__ == "__main__":
    main()
