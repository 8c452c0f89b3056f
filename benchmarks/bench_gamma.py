"""γ (Mathet et al. 2015) on 1,000 and 10,000 documents × 3 annotators: the data of
``bench_agreement.py`` (~19 spans in 48 words, adjacent spans: the hard case, since near spans link into
large groups for the alignment) and a news-like third of it (~6 spans in 48 words; CoNLL-2003 has an
entity every ~8.6 tokens). Shuffled corpora as the report draws them: until the expected disorder is
known to ± 1 %, at most 30.

Baselines measured in the same run: αu on the same data (what the report shows without γ), and
pygamma-agreement's best alignment of a few of the same documents (its solver, one continuum per
document), against ours on those documents.

    .venv/bin/python benchmarks/bench_gamma.py [--docs 1000 10000] [--samples 30] [--seed 1]
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import emit  # noqa: E402
from bench_agreement import LABELS, WORDS, make  # noqa: E402

from annotator.core.agreement import gamma as gm  # noqa: E402
from annotator.core.agreement.unitizing import unitizing_alpha  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, nargs="+", default=[1000, 10_000])
    ap.add_argument("--samples", type=int, default=gm.SAMPLES)
    ap.add_argument("--precision", type=float, default=0.01, help="stop sampling at this precision (as the report)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reference-docs", type=int, default=20, help="documents pygamma-agreement aligns (0: none)")
    args = ap.parse_args()
    gm.gamma([([(0, 0, 3, "X"), (1, 1, 3, "X")], 5)], 2, samples=1)  # scipy's import, not the measure
    for n_docs in args.docs:
        texts, ann = make(n_docs, args.seed)
        for density, keep in (("dense, bench_agreement's data", lambda s: True),
                              ("news-like, a third of those spans", lambda s: (s // 20) % 3 == 0)):
            docs = [([(a, s, e, lab) for a in range(3) for s, e, lab in ann[a][d] if keep(s)], len(text))
                    for d, text in enumerate(texts)]
            spans = sum(len(u) for u, _ in docs)
            print(f"\n{n_docs:,} documents × 3 annotators, {density}: {spans:,} spans "
                  f"({spans / n_docs / 3:.1f} per document and annotator, {WORDS} words per document)")
            t0 = time.perf_counter()
            units, off = [], 0
            for u, length in docs:
                units.extend((r, s + off, e + off, lab) for r, s, e, lab in u)
                off += length
            ua = unitizing_alpha(units, 3, off, categories=LABELS)
            t_au = time.perf_counter() - t0
            t0 = time.perf_counter()
            one = gm.gamma(docs, 3, samples=1)
            t_one = time.perf_counter() - t0  # the observed alignment and one shuffled corpus
            t0 = time.perf_counter()
            g = gm.gamma(docs, 3, samples=args.samples, precision=args.precision)
            t_g = time.perf_counter() - t0
            per_sample = max(t_g - t_one, 0.0) / max(g.samples - 1, 1)
            print(f"  γ = {g.gamma.value:.4f} (observed {g.observed:.4f}, expected {g.expected:.4f} ± "
                  f"{g.relative_spread:.2%} from {g.samples} shuffled corpora, at most {args.samples}; "
                  f"{g.alignments:,} unitary alignments); αu = {ua.alpha.value:.4f} in {t_au:.2f} s; "
                  f"γ with one shuffled corpus {t_one:.2f} s ({one.gamma.value:.4f})")
            emit(f"gamma {n_docs} docs x 3, {density.split(',')[0]}, {g.samples} samples", t_g, "s",
                 baseline=t_au, baseline_label="αu on the same data",
                 note=f"{per_sample:.2f} s per shuffled corpus; all {args.samples}: "
                      f"{t_one + (args.samples - 1) * per_sample:.0f} s")

    if args.reference_docs:
        try:
            import pygamma_agreement as pa
            from pyannote.core import Segment
        except ImportError:
            print("pygamma-agreement is not installed (pip install -e '.[test]'): reference skipped")
            return
        logging.disable(logging.WARNING)
        texts, ann = make(args.reference_docs, args.seed)
        dis = pa.CombinedCategoricalDissimilarity()
        pa_total, ours_total, same = 0.0, 0.0, 0
        for d in range(len(texts)):
            units = list(dict.fromkeys((a, s, e, lab) for a in range(3) for s, e, lab in ann[a][d]))
            c = pa.Continuum()
            for a in range(3):
                c.add_annotator(f"a{a}")
            for a, s, e, lab in units:
                c.add(f"a{a}", Segment(s, e), lab)
            if d == 0:
                c.get_best_alignment(dis)  # numba's first call
            t0 = time.perf_counter()
            theirs = c.get_best_alignment(dis)
            pa_total += time.perf_counter() - t0
            t0 = time.perf_counter()
            ours = gm.best_alignment(units, 3)
            ours_total += time.perf_counter() - t0
            same += abs(float(theirs.disorder) - ours.disorder) < 1e-4
        print(f"\nBest alignment of {len(texts)} documents one by one: same disorder on {same}/{len(texts)}")
        emit(f"best alignment, {len(texts)} documents one by one", ours_total, "s", baseline=pa_total,
             baseline_label="pygamma-agreement 0.5 (GLPK)")


if __name__ == "__main__":
    main()
