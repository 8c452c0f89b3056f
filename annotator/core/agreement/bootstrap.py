"""Bootstrap confidence intervals over documents (Hayes & Krippendorff 2007 bootstrap α over units;
here the resampled unit is the document, because the items of one document are not independent).

Every measure here is a function of sums over documents, so a bootstrap replicate is a weighted sum:
draw ``D`` documents with replacement (``w_d`` = how often document *d* was drawn), add up each
document's features ``X[d]`` times ``w_d`` and evaluate the measure on the sums. All replicates of a
chunk are one matrix product ``W @ X`` — no Python loop per resample.

* ``alpha_features``/``alpha_from_sums`` — Krippendorff's nominal alpha (coincidence sums);
* ``cohen_features``/``cohen_from_sums`` — Cohen's kappa (contingency table);
* ``f1_features``/``f1_from_sums`` — span F1 (matches, spans of both);
* ``unitizing_features`` — αu; each document's gaps end at its own borders (see docs/agreement.md);
* ``chance.gwet_features`` — AC1 and Brennan–Prediger.

The interval is the percentile interval of the replicates; ``below[t]`` is the share of replicates
below the threshold *t* (Hayes & Krippendorff's q: the probability that α is below what a study needs).
Replicates where the measure is undefined (e.g. a resample that contains a single label) are
counted and left out.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

from annotator.core.agreement.unitizing import _merge

THRESHOLDS = (0.667, 0.8)  # Krippendorff (2004): tentative conclusions from .667, reliable from .8
RESAMPLES = 1000
SEED = 20070101  # any fixed number; shown with every interval


@dataclass(frozen=True, slots=True)
class Interval:
    low: float
    high: float
    level: float
    resamples: int
    seed: int
    valid: int  # replicates where the measure is defined
    below: dict = field(default_factory=dict)  # threshold -> share of replicates below it

    def to_dict(self) -> dict:
        return {"low": self.low, "high": self.high, "level": self.level, "resamples": self.resamples,
                "seed": self.seed, "defined_resamples": self.valid,
                "p_below": {f"{t:g}": p for t, p in self.below.items()}}

    def format(self, digits: int = 3) -> str:
        return f"[{self.low:.{digits}f}, {self.high:.{digits}f}]"


def weights(n_docs: int, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """``resamples × n_docs`` counts: how often each document is drawn in each replicate."""
    idx = rng.integers(0, n_docs, size=(resamples, n_docs))
    flat = (idx + (np.arange(resamples) * n_docs)[:, None]).ravel()
    return np.bincount(flat, minlength=resamples * n_docs).reshape(resamples, n_docs).astype(np.float64)


def replicates(features: np.ndarray, statistic: Callable[[np.ndarray], np.ndarray], resamples: int = RESAMPLES,
               seed: int = SEED, chunk: int | None = None) -> np.ndarray:
    """``resamples`` values of ``statistic`` (NaN where undefined) on document resamples."""
    X = np.asarray(features, dtype=np.float64)
    d = X.shape[0]
    rng = np.random.default_rng(seed)
    if chunk is None:  # keep W at about 8 M numbers
        chunk = max(1, min(resamples, 8_000_000 // max(d, 1)))
    out = np.empty(resamples)
    for start in range(0, resamples, chunk):
        b = min(chunk, resamples - start)
        out[start:start + b] = statistic(weights(d, b, rng) @ X)
    return out


def interval(values: np.ndarray, resamples: int, seed: int, level: float = 0.95,
             thresholds: Sequence[float] = THRESHOLDS) -> Interval | None:
    ok = values[np.isfinite(values)]
    if len(ok) < max(10, resamples // 2):
        return None  # mostly undefined: no interval is better than a misleading one
    tail = (1.0 - level) / 2.0
    lo, hi = np.quantile(ok, [tail, 1.0 - tail])
    return Interval(float(lo), float(hi), level, resamples, seed, int(len(ok)),
                    {t: float((ok < t).mean()) for t in thresholds})


def bootstrap(features: np.ndarray, statistic: Callable[[np.ndarray], np.ndarray], resamples: int = RESAMPLES,
              seed: int = SEED, level: float = 0.95, thresholds: Sequence[float] = THRESHOLDS) -> Interval | None:
    """The percentile interval of ``statistic`` over document resamples; None when there are fewer
    than two documents or the measure is undefined in most replicates."""
    X = np.asarray(features, dtype=np.float64)
    if resamples <= 0 or X.ndim != 2 or X.shape[0] < 2:
        return None
    return interval(replicates(X, statistic, resamples, seed), resamples, seed, level, thresholds)


# ----------------------------------------------------------------------------- nominal alpha
def alpha_features(counts: np.ndarray) -> np.ndarray:
    """One row of a document's items (``counts[item, category]``) → [n_c (k), o_cc (k)]."""
    n = np.asarray(counts, dtype=np.float64)
    m = n.sum(axis=1)
    keep = m >= 2
    n, m = n[keep], m[keep]
    k = n.shape[1] if n.ndim == 2 else 0
    if len(m) == 0:
        return np.zeros(2 * k)
    return np.concatenate((n.sum(axis=0), ((n * (n - 1)).T / (m - 1)).T.sum(axis=0)))


def alpha_from_sums(s: np.ndarray) -> np.ndarray:
    k = s.shape[1] // 2
    n_c, o_cc = s[:, :k], s[:, k:]
    total = n_c.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = 1.0 - (total - 1.0) * (total - o_cc.sum(axis=1)) / (total * total - (n_c * n_c).sum(axis=1))
    a[~np.isfinite(a)] = np.nan
    return a


def grouped_counts(codes: np.ndarray, groups: np.ndarray, n_groups: int, k: int) -> np.ndarray:
    """``counts[group, item-in-order, category]`` is awkward; instead: alpha features per group from a
    reliability matrix ``codes[item, coder]`` (−1 missing) whose items belong to ``groups[item]``."""
    codes = np.asarray(codes)
    items = codes.shape[0]
    valid = codes >= 0
    rows = np.nonzero(valid)[0]
    n = np.bincount(rows * k + codes[valid], minlength=items * k).reshape(items, k).astype(np.float64)
    m = n.sum(axis=1)
    keep = m >= 2
    out = np.zeros((n_groups, 2 * k))
    if keep.any():
        nk, mk, gk = n[keep], m[keep], np.asarray(groups)[keep]
        np.add.at(out[:, :k], gk, nk)
        np.add.at(out[:, k:], gk, ((nk * (nk - 1)).T / (mk - 1)).T)
    return out


# ----------------------------------------------------------------------------- Cohen's kappa
def cohen_features(a: np.ndarray, b: np.ndarray, groups: np.ndarray, n_groups: int, k: int) -> np.ndarray:
    """Per group, the k×k contingency table (flattened) of the items both coders coded."""
    a, b, g = np.asarray(a), np.asarray(b), np.asarray(groups)
    both = (a >= 0) & (b >= 0)
    flat = g[both] * (k * k) + a[both] * k + b[both]
    return np.bincount(flat, minlength=n_groups * k * k).reshape(n_groups, k * k).astype(np.float64)


def cohen_from_sums(s: np.ndarray) -> np.ndarray:
    k = int(round(np.sqrt(s.shape[1])))
    t = s.reshape(-1, k, k)
    n = t.sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        po = np.trace(t, axis1=1, axis2=2) / n
        pe = (t.sum(axis=2) * t.sum(axis=1)).sum(axis=1) / (n * n)
        out = (po - pe) / (1.0 - pe)
    out[~np.isfinite(out) | np.isclose(pe, 1.0, rtol=0, atol=1e-12)] = np.nan
    return out


# ----------------------------------------------------------------------------- span F1
def f1_from_sums(s: np.ndarray) -> np.ndarray:
    """Columns: matches, spans of both annotators."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 2.0 * s[:, 0] / s[:, 1]
    out[~np.isfinite(out)] = np.nan
    return out


# ----------------------------------------------------------------------------- unitizing alpha
def _pair_terms(s1, e1, s2, e2) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The terms of Σδ² between two raters' segmentations of one category, with the start of the unit
    each term belongs to (to attribute it to its document): overlapping pairs, then lone units."""
    starts, vals = [], []
    if len(s1) and len(s2):
        lo = np.searchsorted(e2, s1, side="right")
        hi = np.searchsorted(s2, e1, side="left")
        cnt = np.maximum(hi - lo, 0)
        n = int(cnt.sum())
        if n:
            i1 = np.repeat(np.arange(len(s1)), cnt)
            first = np.repeat(lo - np.concatenate(([0], np.cumsum(cnt)[:-1])), cnt)
            i2 = first + np.arange(n)
            db = (s1[i1] - s2[i2]).astype(np.float64)
            de = (e1[i1] - e2[i2]).astype(np.float64)
            starts.append(s1[i1])
            vals.append(db * db + de * de)
        alone1 = cnt == 0
        alone2 = (np.searchsorted(s1, e2, side="left") - np.searchsorted(e1, s2, side="right")) <= 0
    else:
        alone1 = np.ones(len(s1), dtype=bool)
        alone2 = np.ones(len(s2), dtype=bool)
    for s, e, alone in ((s1, e1, alone1), (s2, e2, alone2)):
        ln = (e - s)[alone].astype(np.float64)
        starts.append(s[alone])
        vals.append(ln * ln)
    return np.concatenate(starts), np.concatenate(vals), np.zeros(0), np.zeros(0)


def unitizing_features(docs: Sequence[tuple[Sequence[tuple[int, int, int, Hashable]], int]], raters: int,
                       categories: Sequence[Hashable]) -> tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]:
    """Features of αu per document and the statistic on their sums.

    ``docs``: per document, its units ``(rater, start, end, category)`` in document offsets and its
    length. Everything αu needs is a sum over documents once gaps stop at document borders: Σδ²
    per category, the number of units, Σ(2l³ − 3l² + l)/3, Σl(l − 1), the text length, and for the
    gap term, per distinct unit length *l*, the count of units of length *l* and Σ_{gaps g ≥ l}(g − l + 1).
    Computed on all documents at once (laid end to end; nothing crosses a border).
    """
    cats = list(categories)
    cat_index = {c: i for i, c in enumerate(cats)}
    n_docs = len(docs)
    lengths = np.array([length for _u, length in docs], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    rows = [(d, r, s, e, cat_index[c]) for d, (units, length) in enumerate(docs) for r, s, e, c in units
            if c in cat_index and min(int(e), length) > max(int(s), 0)]
    arr = np.array(rows, dtype=np.int64).reshape(-1, 5)
    if len(arr):
        arr[:, 2] = np.maximum(arr[:, 2], 0) + offsets[arr[:, 0]]
        arr[:, 3] = np.minimum(arr[:, 3], lengths[arr[:, 0]]) + offsets[arr[:, 0]]
    borders = offsets[1:-1]  # zero-length cuts: no gap crosses a document border
    doc_of = lambda pos: np.searchsorted(offsets, pos, side="right") - 1  # noqa: E731
    blocks = []
    layout = []
    col = 1
    for ci, _c in enumerate(cats):
        mine = arr[arr[:, 4] == ci]
        segs = []
        for r in range(raters):
            m = mine[mine[:, 1] == r]
            s_, e_, _ = _merge(m[:, 2], m[:, 3])
            segs.append((s_, e_))
        do = np.zeros(n_docs)
        for r1 in range(raters):
            for r2 in range(r1 + 1, raters):
                st, val, _a, _b = _pair_terms(segs[r1][0], segs[r1][1], segs[r2][0], segs[r2][1])
                if len(st):
                    do += np.bincount(doc_of(st), weights=val, minlength=n_docs)
        us = np.concatenate([s_ for s_, _e in segs]) if segs else np.zeros(0, dtype=np.int64)
        ls = (np.concatenate([e_ - s_ for s_, e_ in segs]) if segs else np.zeros(0, dtype=np.int64)).astype(np.float64)
        ud = doc_of(us)
        gap_len, gap_doc = [], []
        for s_, e_ in segs:
            cs = np.concatenate((s_, borders))
            ce = np.concatenate((e_, borders))
            order = np.lexsort((ce, cs))  # a border before a unit starting there
            b_start = np.concatenate(([0], ce[order]))
            b_end = np.concatenate((cs[order], [offsets[-1]]))
            g = b_end - b_start
            keep = g > 0
            gap_len.append(g[keep])
            gap_doc.append(doc_of(b_start[keep]))
        gl = np.concatenate(gap_len).astype(np.float64) if gap_len else np.zeros(0)
        gd = np.concatenate(gap_doc) if gap_doc else np.zeros(0, dtype=np.int64)
        distinct = np.unique(ls)
        block = np.zeros((n_docs, 4 + 2 * len(distinct)))
        block[:, 0] = do
        block[:, 1] = np.bincount(ud, minlength=n_docs)
        block[:, 2] = np.bincount(ud, weights=(2 * ls ** 3 - 3 * ls ** 2 + ls) / 3.0, minlength=n_docs)
        block[:, 3] = np.bincount(ud, weights=ls * (ls - 1), minlength=n_docs)
        if len(distinct):
            li = np.searchsorted(distinct, ls)
            block[:, 4:4 + len(distinct)] = np.bincount(ud * len(distinct) + li, minlength=n_docs * len(distinct)
                                                        ).reshape(n_docs, len(distinct))
            for k, lval in enumerate(distinct):
                w = np.where(gl >= lval, gl - lval + 1.0, 0.0)
                block[:, 4 + len(distinct) + k] = np.bincount(gd, weights=w, minlength=n_docs)
        blocks.append(block)
        layout.append((col, distinct))
        col += block.shape[1]
    X = np.concatenate([lengths[:, None].astype(np.float64)] + blocks, axis=1)
    R = float(raters)

    def statistic(s: np.ndarray) -> np.ndarray:
        L = s[:, 0]
        sum_do = np.zeros(len(s))
        sum_de = np.zeros(len(s))
        with np.errstate(divide="ignore", invalid="ignore"):
            for c0, ls in layout:
                do, n_c, own, ll1 = s[:, c0], s[:, c0 + 1], s[:, c0 + 2], s[:, c0 + 3]
                u = s[:, c0 + 4:c0 + 4 + len(ls)]
                h = s[:, c0 + 4 + len(ls):c0 + 4 + 2 * len(ls)]
                gap_term = (u * h * ls ** 2).sum(axis=1)
                denom = R * L * (R * L - 1.0) - ll1
                de = np.where((n_c > 0) & (denom > 0), (2.0 / L) * ((n_c - 1.0) * own + gap_term) / denom, 0.0)
                sum_do += 2.0 * do / (R * (R - 1.0) * L * L)
                sum_de += de
            out = 1.0 - sum_do / sum_de
        out[~np.isfinite(out)] = np.nan
        return out

    return X, statistic
