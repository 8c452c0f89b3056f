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

from annotator.core.agreement.unitizing import _gaps, _merge, _pair_disagreement

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
def unitizing_features(docs: Sequence[tuple[Sequence[tuple[int, int, int, Hashable]], int]], raters: int,
                       categories: Sequence[Hashable]) -> tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]:
    """Features of αu per document and the statistic on their sums.

    ``docs``: per document, its units ``(rater, start, end, category)`` in document offsets and its
    length. Everything αu needs is a sum over documents once gaps stop at document borders: Σδ²
    per category, the number of units, Σ(2l³ − 3l² + l)/3, Σl(l − 1), the text length, and for the
    gap term, per distinct unit length *l*, the count of units of length *l* and Σ_{gaps g ≥ l}(g − l + 1).
    """
    cats = list(categories)
    per_doc: list[dict] = []
    lengths_by_cat: dict = {c: set() for c in cats}
    for units, length in docs:
        info: dict = {}
        by_cat: dict = {c: [] for c in cats}
        for r, s, e, c in units:
            s, e = max(int(s), 0), min(int(e), length)
            if e > s and c in by_cat:
                by_cat[c].append((r, s, e))
        for c in cats:
            arr = np.array(by_cat[c], dtype=np.int64).reshape(-1, 3)
            segs = []
            for r in range(raters):
                mine = arr[arr[:, 0] == r]
                s, e, _ = _merge(mine[:, 1], mine[:, 2])
                segs.append((s, e))
            do = 0.0
            for r1 in range(raters):
                for r2 in range(r1 + 1, raters):
                    do += _pair_disagreement(segs[r1][0], segs[r1][1], segs[r2][0], segs[r2][1])
            ls = np.concatenate([e - s for s, e in segs]) if segs else np.zeros(0, dtype=np.int64)
            gaps = np.concatenate([_gaps(s, e, 0, length) for s, e in segs]) if segs else np.zeros(0)
            info[c] = (do, ls, gaps)
            lengths_by_cat[c].update(int(x) for x in ls)
        per_doc.append({"length": length, "cats": info})
    # column layout: [L] + per category [do, N, own, ll1] + per category per length [U_l, H_l]
    layout = []
    col = 1
    for c in cats:
        ls = np.array(sorted(lengths_by_cat[c]), dtype=np.float64)
        layout.append((col, ls))
        col += 4 + 2 * len(ls)
    X = np.zeros((len(per_doc), col))
    for d, doc in enumerate(per_doc):
        X[d, 0] = doc["length"]
        for (c0, ls), c in zip(layout, cats):
            do, lens, gaps = doc["cats"][c]
            lf = lens.astype(np.float64)
            X[d, c0:c0 + 4] = (do, len(lens), ((2 * lf ** 3 - 3 * lf ** 2 + lf) / 3.0).sum(), (lf * (lf - 1)).sum())
            if len(ls):
                X[d, c0 + 4:c0 + 4 + len(ls)] = np.bincount(np.searchsorted(ls, lf).astype(np.int64),
                                                            minlength=len(ls))[:len(ls)] if len(lf) else 0
                g = np.sort(gaps.astype(np.float64))
                suffix = np.concatenate((np.cumsum(g[::-1])[::-1], [0.0]))
                idx = np.searchsorted(g, ls, side="left")
                X[d, c0 + 4 + len(ls):c0 + 4 + 2 * len(ls)] = suffix[idx] - (ls - 1.0) * (len(g) - idx)
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
