"""Krippendorff's unitizing alpha (alpha_U), computed as DKPro Agreement's
``KrippendorffAlphaUnitizingAgreement`` (which INCEpTION uses) does, vectorised with numpy.

The data are a continuum ``[begin, begin + length)`` (for a project: the texts of the
documents laid end to end) and, per rater, units ``(start, end, category)``. For each
category c, every rater's continuum is cut into units of c and the gaps between them.

* Observed disagreement ``Do_c = 2 Σ_{r<s} Σ_{g of r, h of s} δ²(g, h) / (R (R-1) L²)`` with
  δ² = (Δbegin)² + (Δend)² for two overlapping units, l² for a unit lying inside a gap of the
  other rater, and 0 otherwise.
* Expected disagreement ``De_c = (2/L) Σ_units [ (N_c - 1)(2l³ - 3l² + l)/3
  + l² Σ_{gaps g ≥ l} (g - l + 1) ] / (R L (R L - 1) - Σ_units l (l - 1))``.
* ``alpha_c = 1 - Do_c / De_c``; overall ``alpha = 1 - Σ_c Do_c / Σ_c De_c``.

Units of one category by one rater must not overlap (DKPro's precondition); overlapping ones
are merged into their union here, and the merge is counted so callers can warn about it.
Where DKPro returns 0.0 for 0/0, this returns ``Undefined`` with the reason.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from annotator.core.agreement.result import Result, Score, Undefined

Unit = tuple[int, int, int, Hashable]  # rater index, start, end (exclusive), category


@dataclass(slots=True)
class UnitizingResult:
    alpha: Result
    per_category: dict = field(default_factory=dict)  # category -> Result
    observed: dict = field(default_factory=dict)  # category -> Do_c
    expected: dict = field(default_factory=dict)  # category -> De_c
    length: int = 0
    raters: int = 0
    merged: int = 0  # overlapping same-rater same-category units merged


def _merge(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Sort and merge overlapping intervals (touching ones stay separate, as in DKPro)."""
    if len(starts) == 0:
        return starts, ends, 0
    order = np.lexsort((ends, starts))
    s, e = starts[order], ends[order]
    run_end = np.maximum.accumulate(e)
    new = np.ones(len(s), dtype=bool)
    new[1:] = s[1:] >= run_end[:-1]
    idx = np.nonzero(new)[0]
    ms = s[idx]
    me = np.maximum.reduceat(e, idx)
    return ms, me, int(len(s) - len(ms))


def _pair_disagreement(s1, e1, s2, e2) -> float:
    """Σ δ² between the segmentations of two raters for one category."""
    total = 0.0
    if len(s1) and len(s2):
        lo = np.searchsorted(e2, s1, side="right")  # first unit of 2 ending after s1
        hi = np.searchsorted(s2, e1, side="left")  # units of 2 starting before e1
        cnt = np.maximum(hi - lo, 0)
        n = int(cnt.sum())
        if n:
            i1 = np.repeat(np.arange(len(s1)), cnt)
            first = np.repeat(lo - np.concatenate(([0], np.cumsum(cnt)[:-1])), cnt)
            i2 = first + np.arange(n)
            db = (s1[i1] - s2[i2]).astype(np.float64)
            de = (e1[i1] - e2[i2]).astype(np.float64)
            total += float((db * db + de * de).sum())
        alone1 = cnt == 0
        lo2 = np.searchsorted(e1, s2, side="right")
        hi2 = np.searchsorted(s1, e2, side="left")
        alone2 = (hi2 - lo2) <= 0
    else:
        alone1 = np.ones(len(s1), dtype=bool)
        alone2 = np.ones(len(s2), dtype=bool)
    l1 = (e1 - s1)[alone1].astype(np.float64)
    l2 = (e2 - s2)[alone2].astype(np.float64)
    return total + float((l1 * l1).sum()) + float((l2 * l2).sum())


def _gaps(s: np.ndarray, e: np.ndarray, begin: int, end: int) -> np.ndarray:
    bounds_start = np.concatenate(([begin], e))
    bounds_end = np.concatenate((s, [end]))
    g = bounds_end - bounds_start
    return g[g > 0]


def unitizing_alpha(units: Iterable[Unit], raters: int, length: int, begin: int = 0,
                    categories: Sequence[Hashable] | None = None) -> UnitizingResult:
    """alpha_U overall and per category. ``raters`` counts raters even if some marked nothing."""
    end = begin + length
    by_cat: dict = {c: [] for c in (categories or [])}
    for r, s, e, c in units:
        s, e = max(int(s), begin), min(int(e), end)
        if e > s:
            by_cat.setdefault(c, []).append((r, s, e))
    out = UnitizingResult(Undefined("no units"), length=length, raters=raters)
    if raters < 2:
        reason = "unitizing alpha needs at least two annotators"
        out.alpha = Undefined(reason, 0, "spans")
        out.per_category = {c: Undefined(reason, len(v), "spans") for c, v in by_cat.items()}
        return out
    if length <= 0:
        reason = "the continuum is empty (no text)"
        out.alpha = Undefined(reason, 0, "spans")
        out.per_category = {c: Undefined(reason, len(v), "spans") for c, v in by_cat.items()}
        return out
    L = float(length)
    R = raters
    total_units = 0
    for c, rows in by_cat.items():
        arr = np.array(rows, dtype=np.int64).reshape(-1, 3)
        segs = []
        for r in range(R):
            mine = arr[arr[:, 0] == r]
            s, e, merged = _merge(mine[:, 1], mine[:, 2])
            out.merged += merged
            segs.append((s, e))
        n_c = sum(len(s) for s, _ in segs)
        total_units += n_c
        if n_c == 0:
            out.observed[c], out.expected[c] = 0.0, 0.0
            out.per_category[c] = Undefined("nobody marked this label", 0, "spans")
            continue
        do = 0.0
        for r1 in range(R):
            for r2 in range(r1 + 1, R):
                do += _pair_disagreement(segs[r1][0], segs[r1][1], segs[r2][0], segs[r2][1])
        do = 2.0 * do / (R * (R - 1) * L * L)
        lengths = np.concatenate([e - s for s, e in segs]).astype(np.float64)
        gaps = np.sort(np.concatenate([_gaps(s, e, begin, end) for s, e in segs])).astype(np.float64)
        suffix = np.concatenate((np.cumsum(gaps[::-1])[::-1], [0.0]))
        idx = np.searchsorted(gaps, lengths, side="left")
        count = len(gaps) - idx
        gap_term = lengths ** 2 * (suffix[idx] - (lengths - 1.0) * count)
        own_term = (n_c - 1.0) * (2 * lengths ** 3 - 3 * lengths ** 2 + lengths) / 3.0
        denom = R * L * (R * L - 1.0) - float((lengths * (lengths - 1.0)).sum())
        de = (2.0 / L) * float((own_term + gap_term).sum()) / denom if denom > 0 else 0.0
        out.observed[c], out.expected[c] = do, de
        if de == 0:
            out.per_category[c] = Undefined("expected disagreement is 0 (the label fills the text)", n_c,
                                            "spans")
        else:
            out.per_category[c] = Score(1.0 - do / de, n_c, "spans")
    sum_do, sum_de = sum(out.observed.values()), sum(out.expected.values())
    if total_units == 0:
        out.alpha = Undefined("nobody marked any span", 0, "spans")
    elif sum_de == 0:
        out.alpha = Undefined("expected disagreement is 0", total_units, "spans")
    else:
        out.alpha = Score(1.0 - sum_do / sum_de, total_units, "spans")
    return out
