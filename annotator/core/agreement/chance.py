"""Agreement coefficients that do not swing with skewed labels: Gwet's AC1/AC2 (Gwet 2008; Handbook of
Inter-Rater Reliability, 4th ed., 2014) and Brennan & Prediger's coefficient (1981), for any number of
raters with missing ratings, as Gwet defines them (and his ``irrCAC`` package computes them).

With ``r_ik`` raters giving item *i* category *k*, ``r_i = Σ_k r_ik``, ``q`` categories in the scale,
a weight matrix ``w`` (identity for nominal labels) and ``r*_ik = Σ_l w_kl r_il``:

* observed ``p_a = mean over items with r_i ≥ 2 of Σ_k r_ik (r*_ik − 1) / (r_i (r_i − 1))``;
* AC1/AC2 chance ``p_e = T_w Σ_k π_k (1 − π_k) / (q (q − 1))`` with ``π_k = mean_i r_ik / r_i`` over
  items with at least one rating and ``T_w = Σ_kl w_kl``; with identity weights this is AC1;
* Brennan–Prediger chance ``p_e = T_w / q²`` (for identity weights 1/q);
* coefficient ``(p_a − p_e) / (1 − p_e)``.

Why they exist: Cohen's and Fleiss' kappa estimate chance agreement from the label marginals, so
when one label dominates (95 % of documents are NONE), chance agreement is close to 1 and kappa is low
or erratic although the raters agree almost always (the "kappa paradox", Feinstein & Cicchetti 1990).
AC1's chance term is largest when labels are used evenly and small when they are skewed.

``q`` is the number of categories of the scale (our label set), not only those used; pass
``categories`` accordingly. Every function returns a ``Score`` or an ``Undefined`` with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from annotator.core.agreement.coding import CodingData
from annotator.core.agreement.result import Result, Score, Undefined, chance_corrected


def ordinal_weights(kind: str, values: Sequence[float]) -> np.ndarray:
    """Gwet's weights for ordered categories with these numeric values: ``identity``, ``linear``
    (1 − |k − l| / (max − min)) or ``quadratic`` (1 − (k − l)² / (max − min)²)."""
    v = np.asarray(values, dtype=np.float64)
    q = len(v)
    if kind == "identity" or q < 2:
        return np.eye(q)
    span = v.max() - v.min()
    d = np.abs(v[:, None] - v[None, :]) / span
    if kind == "linear":
        return 1.0 - d
    if kind == "quadratic":
        return 1.0 - d * d
    raise ValueError(f"unknown weights {kind!r}: identity, linear or quadratic")


def _parts(data: CodingData, weights: np.ndarray | None) -> tuple[float, np.ndarray, int, int, np.ndarray]:
    q = len(data.categories)
    n = data.counts()[:, :q].astype(np.float64)
    w = np.eye(q) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (q, q):
        raise ValueError(f"weights must be {q}×{q}")
    r = n.sum(axis=1)
    rated = r > 0
    n, r = n[rated], r[rated]
    two = r >= 2
    nw = n @ w.T  # r*_ik
    pa_i = (n * (nw - 1.0)).sum(axis=1)[two] / (r[two] * (r[two] - 1.0))
    pa = float(pa_i.mean()) if two.any() else float("nan")
    pi = (n / r[:, None]).mean(axis=0) if len(r) else np.zeros(q)
    return pa, pi, int(two.sum()), q, w


def gwet_ac(data: CodingData, weights: np.ndarray | None = None) -> Result:
    """Gwet's AC1 (identity weights) or AC2 (other weights); ``items`` = items with ≥ 2 ratings."""
    pa, pi, items, q, w = _parts(data, weights)
    if items == 0:
        return Undefined("no item has values from two coders", 0, data.unit)
    if q < 2:
        return Undefined("the scale has a single category: chance agreement is 1", items, data.unit)
    pe = float(w.sum() * (pi * (1.0 - pi)).sum() / (q * (q - 1)))
    return chance_corrected(pa, pe, items, data.unit, "chance agreement is 1")


def brennan_prediger(data: CodingData, weights: np.ndarray | None = None) -> Result:
    """Brennan & Prediger's coefficient: chance agreement ``T_w / q²`` (1/q unweighted)."""
    pa, _pi, items, q, w = _parts(data, weights)
    if items == 0:
        return Undefined("no item has values from two coders", 0, data.unit)
    if q < 2:
        return Undefined("the scale has a single category: chance agreement is 1", items, data.unit)
    return chance_corrected(pa, float(w.sum()) / (q * q), items, data.unit, "chance agreement is 1")


def gwet_features(counts: np.ndarray) -> np.ndarray:
    """Per-item sums a bootstrap over groups of items adds up (see ``gwet_from_sums``):
    [Σ p_a,i over items with r_i ≥ 2, #items with r_i ≥ 2, Σ r_ik / r_i (q values), #items rated]."""
    n = counts.astype(np.float64)
    r = n.sum(axis=1)
    rated = r > 0
    two = r >= 2
    pa_sum = float(((n * (n - 1.0)).sum(axis=1)[two] / (r[two] * (r[two] - 1.0))).sum())
    pi_sum = (n[rated] / r[rated, None]).sum(axis=0)
    return np.concatenate(([pa_sum, two.sum()], pi_sum, [rated.sum()]))


def gwet_from_sums(sums: np.ndarray, q: int, which: str = "ac1") -> np.ndarray:
    """AC1 or Brennan–Prediger (identity weights) from summed ``gwet_features`` rows (B × (q + 3))."""
    with np.errstate(divide="ignore", invalid="ignore"):
        pa = sums[:, 0] / sums[:, 1]
        if which == "ac1":
            pi = sums[:, 2:2 + q] / sums[:, [2 + q]]
            pe = (pi * (1.0 - pi)).sum(axis=1) * q / (q * (q - 1)) if q >= 2 else np.ones(len(sums))
        else:
            pe = np.full(len(sums), 1.0 / q if q else 1.0)
        out = (pa - pe) / (1.0 - pe)
    out[~np.isfinite(out)] = np.nan
    return out
