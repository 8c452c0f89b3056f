"""The γ agreement of Mathet, Widlöcher & Métivier (2015, Computational Linguistics 41(3)) for span
layers: it aligns the annotators' units first, so a near miss costs a little and a unit nobody
else marked costs a lot, then compares the disorder of that alignment with the disorder of
shuffled corpora.

* **Dissimilarity** of two units (Mathet et al. §4.1, "combined" dissimilarity):
  ``d(u, v) = α·d_pos + β·d_cat`` with the positional-sporadic
  ``d_pos = ((|Δstart| + |Δend|) / (len u + len v))² · Δ∅`` and ``d_cat = dist(cat u, cat v) · Δ∅``
  (0 for the same label, 1 for another, or a given matrix). A unit against the empty unit costs Δ∅.
* **Unitary alignment**: at most one unit per annotator, the others empty. Its disorder is the mean
  of ``d`` over the C(n, 2) pairs of annotators (a pair with an empty side costs Δ∅), so a unit left
  alone costs Δ∅.
* **Best alignment**: the partition of all units into unitary alignments with the least total
  disorder. Candidates whose disorder exceeds that of their units left alone (k·Δ∅) can never be in
  it (§5.1.1), and so are those worse than taking one of their units out; what is left falls apart
  into independent groups of linked units (documents never mix). Every group is solved exactly:
  groups of up to EXACT_MAX units by a subset DP, larger ones by a DP along the text (a candidate
  reaches only a few units ahead), both vectorised over all groups; groups too wide for that by a
  set-partitioning integer programme (HiGHS via ``scipy.optimize.milp``). The disorder of an alignment is the sum of its unitary disorders divided
  by the mean number of units per annotator. Of equally good alignments the one with the fewest
  unitary alignments is taken (as pygamma-agreement's examples count them).
* **Expected disorder**: the mean best-alignment disorder of ``samples`` random corpora, drawn with a
  fixed seed. ``"shuffle"`` is the paper's sampler (§5.2, as in the authors' Gamma Software and
  pygamma-agreement's ``ShuffleContinuumSampler``): in each document, each of the n annotators is
  replaced by a copy of a randomly chosen annotator's units, shifted round the document by a random
  integer pivot, pivots kept half a mean unit length apart. ``"statistical"`` draws unit counts, gaps,
  lengths and labels from the document's statistics (pygamma-agreement's default sampler).
* ``γ = 1 − observed / expected``; 1 when the observed disorder is 0 (as pygamma-agreement does).

For a project, every document is one continuum ``[0, len(text))``: observed and expected disorders
add up over documents before dividing (the corpus is one annotated set laid out document by
document, with no alignment across a document boundary).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from itertools import combinations, pairwise

import numpy as np

from annotator.core.agreement.result import Result, Score, Undefined

SEED = 20150901  # fixed; shown with every γ (Mathet et al. 2015 appeared in September 2015)
SAMPLES = 30  # shuffled corpora for the expected disorder (pygamma-agreement's default)
SAMPLERS = ("shuffle", "statistical")
EXACT_MAX = 10  # groups up to this many units: exact subset DP (3^10 / 2 block choices); larger: HiGHS
_EPS = 1e-9
MILP_BATCH = 4000  # candidates per integer programme (groups are never split)
WIDTH_MAX = 12  # larger groups whose candidates reach this many units ahead (in text order) go to HiGHS
_TIE = 1e-5  # added to each unitary alignment while solving: of equally good ones, the fewest win

Unit = tuple[int, float, float, Hashable]  # rater index, start, end (exclusive), category


@dataclass(frozen=True, slots=True)
class Dissimilarity:
    """The combined dissimilarity. ``matrix[i][j]`` (optional) is the distance between
    ``categories[i]`` and ``categories[j]`` in [0, 1]; without it, 0 for the same label, 1 otherwise."""

    alpha: float = 1.0
    beta: float = 1.0
    delta_empty: float = 1.0
    categories: tuple = ()
    matrix: tuple | None = None

    def __post_init__(self) -> None:
        if not self.alpha > 0 or self.beta < 0 or not self.delta_empty > 0:
            raise ValueError("γ needs alpha > 0, beta ≥ 0 and delta_empty > 0")
        if self.matrix is not None:
            m = np.asarray(self.matrix, dtype=np.float64)
            if m.shape != (len(self.categories),) * 2 or not np.allclose(m, m.T) or np.any(np.diag(m) != 0):
                raise ValueError("the category matrix must be square, symmetric, with a zero diagonal")


DEFAULT = Dissimilarity()


@dataclass(slots=True)
class Alignment:
    """A best alignment of one continuum: ``tuples[i][r]`` is the index (into the units given) of
    annotator r's unit in unitary alignment i, or None."""

    tuples: list[tuple[int | None, ...]]
    disorders: list[float]  # per unitary alignment
    disorder: float  # Σ disorders / mean units per annotator


@dataclass(slots=True)
class GammaResult:
    gamma: Result
    observed: float = math.nan
    expected: float = math.nan
    sample_disorders: list[float] = field(default_factory=list)
    samples: int = 0
    seed: int = SEED
    sampler: str = "shuffle"
    alignments: int = 0  # unitary alignments in the best alignment
    units: int = 0
    raters: int = 0
    doc_features: np.ndarray | None = None  # per document: observed Σδ, units, mean sampled Σδ, mean sampled units

    @property
    def relative_spread(self) -> float:
        """Half-width of the 95 % interval of the expected disorder, relative to it (Mathet et al.
        §5.3 choose the number of samples to bring this under a wanted precision)."""
        d = np.asarray(self.sample_disorders)
        if len(d) < 2 or d.mean() == 0:
            return math.nan
        return float(1.96 * d.std(ddof=1) / math.sqrt(len(d)) / d.mean())


# ---------------------------------------------------------------------------------- the engine
@dataclass(slots=True)
class _Units:
    doc: np.ndarray  # int64
    rater: np.ndarray  # int64
    start: np.ndarray  # float64
    end: np.ndarray  # float64
    cat: np.ndarray  # int64 index into the category list

    def __len__(self) -> int:
        return len(self.doc)

    def take(self, idx: np.ndarray) -> _Units:
        return _Units(self.doc[idx], self.rater[idx], self.start[idx], self.end[idx], self.cat[idx])


def _dissim(u: _Units, i: np.ndarray, j: np.ndarray, dis: Dissimilarity, cat_m: np.ndarray | None) -> np.ndarray:
    li, lj = u.end[i] - u.start[i], u.end[j] - u.start[j]
    pos = (np.abs(u.start[i] - u.start[j]) + np.abs(u.end[i] - u.end[j])) / (li + lj)
    cat = (u.cat[i] != u.cat[j]).astype(np.float64) if cat_m is None else cat_m[u.cat[i], u.cat[j]]
    return (dis.alpha * pos * pos + dis.beta * cat) * dis.delta_empty


def _pairs(u: _Units, n: int, dis: Dissimilarity, cat_m, bound: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair (i, j), rater[i] < rater[j], same document, with d(i, j) ≤ ``bound``. As
    d ≥ α·Δ∅·(2|Δcentre| / (len i + len j))², only units whose centres are close need a look."""
    if len(u) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    length = u.end - u.start
    centre = (u.start + u.end) / 2.0
    fac = math.sqrt(bound / (dis.alpha * dis.delta_empty)) / 2.0
    lmax = float(length.max())
    scale = 2.0 * (float(np.abs(u.end).max()) + float(np.abs(u.start).max()) + fac * 2 * lmax) + 16.0
    key = u.doc.astype(np.float64) * scale + centre
    out_i, out_j, out_d = [], [], []
    for a in range(n):
        ia = np.flatnonzero(u.rater == a)
        if not len(ia):
            continue
        for b in range(a + 1, n):
            ib = np.flatnonzero(u.rater == b)
            if not len(ib):
                continue
            ib = ib[np.argsort(key[ib], kind="stable")]
            kb = key[ib]
            w = fac * (length[ia] + float(length[ib].max()))
            lo = np.searchsorted(kb, key[ia] - w, side="left")
            hi = np.searchsorted(kb, key[ia] + w, side="right")
            cnt = hi - lo
            tot = int(cnt.sum())
            if not tot:
                continue
            i = np.repeat(ia, cnt)
            first = np.repeat(lo - np.concatenate(([0], np.cumsum(cnt)[:-1])), cnt)
            j = ib[first + np.arange(tot)]
            keep = u.doc[i] == u.doc[j]
            i, j = i[keep], j[keep]
            d = _dissim(u, i, j, dis, cat_m)
            keep = d <= bound + _EPS
            out_i.append(i[keep])
            out_j.append(j[keep])
            out_d.append(d[keep])
    if not out_i:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_d)


def _candidates(u: _Units, n: int, dis: Dissimilarity, cat_m) -> tuple[np.ndarray, np.ndarray]:
    """Every unitary alignment that may be in a best alignment: ``(tuples m × n, raw sums m)``, where
    the raw sum is Σ over the C(n, 2) pairs (an empty side costs Δ∅)."""
    m = len(u)
    c2n = n * (n - 1) // 2
    delta = dis.delta_empty
    bound = n * c2n * delta  # Σ over the pairs of a kept candidate
    unit_bound = (n - 1 + c2n) * delta  # Σ d(q, ·) of one unit q in a kept candidate (see below)
    pi, pj, pd = _pairs(u, n, dis, cat_m, unit_bound)
    # both directions, sorted by (unit, neighbour) for look-ups
    src = np.concatenate((pi, pj))
    dst = np.concatenate((pj, pi))
    dd = np.concatenate((pd, pd))
    ekey = src * m + dst
    order = np.argsort(ekey, kind="stable")
    ekey, src, dst, dd = ekey[order], src[order], dst[order], dd[order]
    # neighbours of each unit by the neighbour's rater: CSR on (unit, rater of neighbour)
    grp = src * n + u.rater[dst]
    gorder = np.argsort(grp, kind="stable")
    g_sorted = grp[gorder]
    g_dst = dst[gorder]

    def edge(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = a * m + b
        pos = np.searchsorted(ekey, k)
        pos = np.minimum(pos, len(ekey) - 1) if len(ekey) else pos
        ok = (ekey[pos] == k) if len(ekey) else np.zeros(len(k), bool)
        return ok, np.where(ok, dd[pos] if len(ekey) else 0.0, np.inf)

    tuples = np.empty((0, n), np.int64)
    sums = np.empty(0)
    per = np.empty((0, n))  # per slot q: Σ d(q, p) over the other units p of the candidate
    for r in range(n):
        # 1. partials without a unit of r
        kept_t = [tuples.copy()]
        kept_s = [sums]
        kept_p = [per]
        if len(tuples):
            kept_t[0][:, r] = -1
        # 2. partials extended by a unit of r linked to every unit already in them
        if len(tuples):
            present = tuples[:, :r] >= 0
            anchor = tuples[np.arange(len(tuples)), np.argmax(present, axis=1)]
            gk = anchor * n + r
            lo = np.searchsorted(g_sorted, gk, side="left")
            hi = np.searchsorted(g_sorted, gk, side="right")
            cnt = hi - lo
            tot = int(cnt.sum())
            if tot:
                row = np.repeat(np.arange(len(tuples)), cnt)
                first = np.repeat(lo - np.concatenate(([0], np.cumsum(cnt)[:-1])), cnt)
                v = g_dst[first + np.arange(tot)]
                s = sums[row].copy()
                pq = per[row].copy()
                for q in range(r):
                    uq = tuples[row, q]
                    has = uq >= 0
                    _ok, d = edge(np.where(has, uq, 0), v)
                    d = np.where(has, d, 0.0)
                    s += d
                    pq[:, q] += d
                    pq[:, r] += d
                keep = (s <= bound + _EPS) & np.all(pq <= unit_bound + _EPS, axis=1)
                t = tuples[row[keep]].copy()
                t[:, r] = v[keep]
                kept_t.append(t)
                kept_s.append(s[keep])
                kept_p.append(pq[keep])
        # 3. alignments that start with a unit of r
        ur = np.flatnonzero(u.rater == r)
        t = np.full((len(ur), n), -1, np.int64)
        t[:, r] = ur
        kept_t.append(t)
        kept_s.append(np.zeros(len(ur)))
        kept_p.append(np.zeros((len(ur), n)))
        tuples = np.concatenate(kept_t)
        sums = np.concatenate(kept_s)
        per = np.concatenate(kept_p)
    k = (tuples >= 0).sum(axis=1)
    raw = sums + (c2n - k * (k - 1) // 2) * delta
    # §5.1.1: a candidate no better than leaving its units alone is never needed. Likewise one that is
    # worse than taking a unit q out of it (then q is alone): raw(T) > raw(T − q) + C(n,2)·Δ∅, that is
    # Σ_p d(q, p) > (k − 1 + C(n,2))·Δ∅ — this keeps the groups of linked units small.
    keep = (raw <= k * c2n * delta + _EPS) & np.all(per <= ((k - 1 + c2n) * delta)[:, None] + _EPS, axis=1)
    return tuples[keep], raw[keep]


_LEVELS: dict[int, list] = {}


def _levels(size: int) -> list:
    """For the subset DP over ``size`` items, per number of items p: the masks with p items and, for
    each, every submask holding its lowest item (``masks, subs, rests, starts``, pairs grouped by mask)."""
    if size not in _LEVELS:
        full = np.arange(1 << size, dtype=np.int64)
        pop = np.array([x.bit_count() for x in range(1 << size)])
        out = []
        for p in range(1, size + 1):
            masks = full[pop == p]
            subs_l, rests_l, starts = [], [], []
            n = 0
            for m in masks:
                low = m & -m
                rest_bits = m ^ low
                sub = rest_bits  # every submask of the rest, plus the lowest item
                subs = []
                while True:
                    subs.append(sub | low)
                    if sub == 0:
                        break
                    sub = (sub - 1) & rest_bits
                starts.append(n)
                n += len(subs)
                subs_l.extend(subs)
                rests_l.extend(int(m) ^ x for x in subs)
            out.append((masks, np.array(subs_l, np.int64), np.array(rests_l, np.int64), np.array(starts, np.int64)))
        _LEVELS[size] = out
    return _LEVELS[size]


def _subset_dp(cost: np.ndarray, size: int) -> np.ndarray:
    """Least-cost partition of ``size`` items into blocks, for many groups at once: ``cost[g, mask]``
    is the cost of block ``mask`` (inf: not allowed). Returns the chosen blocks, groups × size
    (0-padded). Exact: f(S) = min over blocks B ⊆ S holding S's lowest item of cost(B) + f(S − B)."""
    g = cost.shape[0]
    f = np.full((g, 1 << size), np.inf)
    f[:, 0] = 0.0
    arg = np.zeros((g, 1 << size), np.int64)
    for masks, subs, rests, starts in _levels(size):
        vals = cost[:, subs] + f[:, rests]
        best = np.minimum.reduceat(vals, starts, axis=1)
        idx = np.where(vals == np.repeat(best, np.diff(np.append(starts, len(subs))), axis=1),
                       np.arange(len(subs)), len(subs))
        first = np.minimum.reduceat(idx, starts, axis=1)
        f[:, masks] = best
        arg[:, masks] = subs[np.minimum(first, len(subs) - 1)]
    out = np.zeros((g, size), np.int64)
    cur = np.full(g, (1 << size) - 1, np.int64)
    rows = np.arange(g)
    for k in range(size):
        b = np.where(cur > 0, arg[rows, cur], 0)
        out[:, k] = b
        cur = cur ^ b
    return out


def _solve(u: _Units, n: int, dis: Dissimilarity, cat_m) -> tuple[np.ndarray, np.ndarray]:
    """The best alignment: ``(tuples, disorders)`` of the chosen unitary alignments."""
    c2n = n * (n - 1) // 2
    tuples, raw = _candidates(u, n, dis, cat_m)
    m = len(u)
    if m == 0:
        return np.empty((0, n), np.int64), np.empty(0)
    # groups of units linked by some candidate
    parent = np.arange(m)
    multi = tuples[(tuples >= 0).sum(axis=1) >= 2]
    if len(multi):
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components
        rows, cols = [], []
        for r in range(n):
            first = multi[np.arange(len(multi)), np.argmax(multi >= 0, axis=1)]
            ok = multi[:, r] >= 0
            rows.append(first[ok])
            cols.append(multi[ok, r])
        rows, cols = np.concatenate(rows), np.concatenate(cols)
        g = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(m, m))
        _nc, parent = connected_components(g, directed=False)
    comp_of_t = parent[tuples[np.arange(len(tuples)), np.argmax(tuples >= 0, axis=1)]]
    size = np.bincount(parent, minlength=int(parent.max()) + 1)
    # local index of each unit in its group
    order = np.argsort(parent, kind="stable")
    starts = np.concatenate(([0], np.cumsum(size)[:-1]))
    local = np.empty(m, np.int64)
    local[order] = np.arange(m) - starts[parent[order]]
    mask = np.zeros(len(tuples), np.int64)
    for r in range(n):
        has = tuples[:, r] >= 0
        mask[has] |= np.left_shift(1, local[tuples[has, r]])
    tsize = size[comp_of_t]
    chosen = np.zeros(len(tuples), bool)
    for s in range(1, EXACT_MAX + 1):
        sel = np.flatnonzero(tsize == s)
        if not len(sel):
            continue
        comps, cidx = np.unique(comp_of_t[sel], return_inverse=True)
        chunk = max(1, 4_000_000 // (1 << s) // max(s, 1))
        for lo in range(0, len(comps), chunk):
            inside = (cidx >= lo) & (cidx < lo + chunk)
            part = sel[inside]
            cost = np.full((min(chunk, len(comps) - lo), 1 << s), np.inf)
            best_t = np.full(cost.shape, -1, np.int64)
            cost[cidx[inside] - lo, mask[part]] = raw[part] + _TIE
            best_t[cidx[inside] - lo, mask[part]] = part
            picked = _subset_dp(cost, s)  # groups × blocks (masks, 0 = none)
            t = np.take_along_axis(best_t, picked, axis=1)
            chosen[t[(picked > 0) & (t >= 0)]] = True
    big = np.flatnonzero(tsize > EXACT_MAX)
    if len(big):
        done, big = _chain_dp(tuples, raw, comp_of_t, big, u, parent)
        chosen[done] = True
    if len(big):
        # one integer programme per batch of groups: HiGHS grows faster than linearly with the size
        big = big[np.argsort(comp_of_t[big], kind="stable")]
        cb = comp_of_t[big]
        cut = np.flatnonzero(np.diff(cb)) + 1
        bounds = [0]
        for c in cut:
            if c - bounds[-1] >= MILP_BATCH:
                bounds.append(int(c))
        bounds.append(len(big))
        for lo, hi in pairwise(bounds):
            part = big[lo:hi]
            chosen[part[_milp(tuples[part], raw[part] + _TIE)]] = True
    return tuples[chosen], raw[chosen] / c2n


def _chain_dp(tuples: np.ndarray, raw: np.ndarray, comp_of_t: np.ndarray, sel: np.ndarray, u: _Units,
              parent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact best partition of large groups whose candidates are narrow: the group's units in text
    order, a candidate covers the lowest uncovered unit and units at most WIDTH_MAX − 1 places further;
    the state is which of the next units are already covered. Vectorised over groups, one step per
    unit. Returns (chosen candidates, candidates of groups left to the integer programme)."""
    m = len(u)
    order = np.lexsort((np.arange(m), u.end, u.start, parent))
    pos = np.empty(m, np.int64)
    ps = parent[order]
    first_of = np.concatenate(([0], np.flatnonzero(np.diff(ps)) + 1))
    start_of = np.zeros(int(parent.max()) + 1, np.int64)
    start_of[ps[first_of]] = first_of
    pos[order] = np.arange(m) - start_of[ps]
    t = tuples[sel]
    has = t >= 0
    jp = np.where(has, pos[np.where(has, t, 0)], -1)
    jmin = np.where(has, jp, np.iinfo(np.int64).max).min(axis=1)
    width = jp.max(axis=1) - jmin
    comp = comp_of_t[sel]
    comps, cidx = np.unique(comp, return_inverse=True)
    cw = np.zeros(len(comps), np.int64)
    np.maximum.at(cw, cidx, width)
    ok_c = cw < WIDTH_MAX - 1
    left = sel[~ok_c[cidx]]
    keep = ok_c[cidx]
    sel, t, jp, jmin, width, cidx = sel[keep], t[keep], jp[keep], jmin[keep], width[keep], cidx[keep]
    rel = np.zeros(len(sel), np.int64)
    for r in range(t.shape[1]):
        h = jp[:, r] >= 0
        rel[h] |= np.left_shift(1, jp[h, r] - jmin[h])
    cost = raw[sel] + _TIE
    size = np.bincount(parent)[comps]
    chosen = []
    # groups with the same state width together, few steps and states per batch
    gidx = np.flatnonzero(ok_c)
    gw = cw[gidx] + 1  # a state holds the next cw units (a candidate reaches at most cw past its first)
    gorder = gidx[np.lexsort((size[gidx], gw))]
    rank = np.full(len(comps), -1, np.int64)
    rank[gorder] = np.arange(len(gorder))
    crank = rank[cidx]
    co = np.argsort(crank, kind="stable")  # candidates grouped by their group's place in gorder
    sel, jmin, rel, cost, crank = sel[co], jmin[co], rel[co], cost[co], crank[co]
    gwo = cw[gorder] + 1
    lo = 0
    while lo < len(gorder):
        w = int(gwo[lo])
        states = 1 << (w - 1)
        hi = lo + 1
        limit = 6_000_000 // states
        while hi < len(gorder) and gwo[hi] == w and (hi + 1 - lo) * int(size[gorder[hi]]) <= limit:
            hi += 1
        a, b = np.searchsorted(crank, [lo, hi])
        chosen.append(_chain_batch(crank[a:b] - lo, hi - lo, jmin[a:b], rel[a:b], cost[a:b], sel[a:b],
                                   size[gorder[lo:hi]], states))
        lo = hi
    done = np.concatenate(chosen) if chosen else np.empty(0, np.int64)
    return done, left


def _chain_batch(group: np.ndarray, G: int, jmin: np.ndarray, rel: np.ndarray, cost: np.ndarray,
                 sel: np.ndarray, size: np.ndarray, states: int) -> np.ndarray:
    """One batch of ``G`` groups (``size`` units each); candidate i belongs to group ``group[i]``."""
    o = np.lexsort((group, jmin))  # by step, then group
    mine, gi = o, group[o]
    steps = jmin[mine]
    n_steps = int(size.max())
    f = np.full((G, states), np.inf)
    f[:, 0] = 0.0
    tt = np.arange(states, dtype=np.int64)
    t2 = (tt << 1) | 1
    shift_ok = t2 < states
    choice = np.full((n_steps, G, states), -1, np.int64)
    bounds = np.searchsorted(steps, np.arange(n_steps + 1))
    active_until = size
    for j in range(n_steps):
        new = np.full((G, states), np.inf)
        new[:, shift_ok] = f[:, t2[shift_ok]]  # unit j was covered already
        a, b = bounds[j], bounds[j + 1]
        if b > a:
            c = mine[a:b]
            g = gi[a:b]
            r = rel[c][:, None]
            valid = ((t2[None, :] & r) == r) & ((t2[None, :] & ~r) < states)
            src = np.where(valid, t2[None, :] & ~r, 0)
            vals = np.where(valid, f[g[:, None], src] + cost[c][:, None], np.inf)
            starts = np.concatenate(([0], np.flatnonzero(np.diff(g)) + 1))
            best = np.minimum.reduceat(vals, starts, axis=0)
            gg = g[starts]
            idx = np.where(vals == np.repeat(best, np.diff(np.append(starts, len(g))), axis=0),
                           np.arange(len(g))[:, None], len(g))
            first = np.minimum.reduceat(idx, starts, axis=0)
            better = best < new[gg]
            cand = np.where(better, c[np.minimum(first, len(g) - 1)], -1)
            new[gg] = np.where(better, best, new[gg])
            choice[j, gg] = cand
        finished = active_until <= j
        new[finished] = f[finished]
        f = new
    # back from the empty state after each group's last unit
    out = []
    cur = np.zeros(G, np.int64)
    rows = np.arange(G)
    for j in range(n_steps - 1, -1, -1):
        act = active_until > j
        c = np.where(act, choice[j, rows, cur], -1)
        took = c >= 0
        out.append(sel[c[took]])
        prev = np.where(took, t2[cur] & ~np.where(took, rel[np.maximum(c, 0)], 0), t2[cur])
        cur = np.where(act, prev, cur)
    return np.concatenate(out)


def _milp(tuples: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Set partitioning: indices of the candidates chosen (each unit covered exactly once)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix

    rows, cols = [], []
    for r in range(tuples.shape[1]):
        ok = np.flatnonzero(tuples[:, r] >= 0)
        rows.append(tuples[ok, r])
        cols.append(ok)
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    used, rows = np.unique(rows, return_inverse=True)
    a = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(used), len(tuples)))
    res = milp(cost, constraints=LinearConstraint(a, 1, 1), integrality=np.ones(len(cost)), bounds=Bounds(0, 1),
               options={"mip_rel_gap": 1e-12})
    if res.x is None:  # pragma: no cover - singletons always make the problem feasible
        raise RuntimeError(f"no best alignment found: {res.message}")
    return np.flatnonzero(res.x > 0.5)


# ---------------------------------------------------------------------------------- samplers
def _shuffle(u: _Units, lengths: np.ndarray, n: int, rng: np.random.Generator) -> _Units:
    """Mathet et al. §5.2: per document, n copies of randomly chosen annotators' units, each shifted
    round the document by an integer pivot; pivots at least half a mean unit length apart."""
    docs = len(lengths)
    ulen = u.end - u.start
    cnt = np.bincount(u.doc, minlength=docs)
    mean_len = np.bincount(u.doc, weights=ulen, minlength=docs) / np.maximum(cnt, 1)
    dist = mean_len / 2.0
    src = rng.integers(0, n, size=(docs, n))
    pivots = np.zeros((docs, n))
    for i in range(n):
        x = rng.uniform(0.0, lengths)
        for _try in range(64):
            bad = np.zeros(docs, bool)
            for j in range(i):
                bad |= np.abs(x - pivots[:, j]) < dist
            if not bad.any():
                break
            x[bad] = rng.uniform(0.0, lengths[bad])
        pivots[:, i] = np.floor(x)  # the authors' "int pivot"
    out = []
    for i in range(n):
        sel = np.flatnonzero(src[u.doc, i] == u.rater)
        p = pivots[u.doc[sel], i]
        s, e = u.start[sel] + p, u.end[sel] + p
        wrap = s > lengths[u.doc[sel]]
        back = np.where(wrap, lengths[u.doc[sel]], 0.0)
        out.append(_Units(u.doc[sel], np.full(len(sel), i, np.int64), s - back, e - back, u.cat[sel]))
    return _concat(out)


def _statistical(u: _Units, lengths: np.ndarray, n: int, rng: np.random.Generator, n_cats: int) -> _Units:
    """pygamma-agreement's statistical sampler, per document: each annotator gets |N(mean, sd)| units
    (mean and sd of the annotators' unit counts), separated by N(gap mean, gap sd) and N(length
    mean, length sd) long, labels drawn with their frequencies in the document."""
    docs = len(lengths)
    order = np.lexsort((u.end, u.start, u.rater, u.doc))
    d, r, s, e = u.doc[order], u.rater[order], u.start[order], u.end[order]
    same = np.zeros(len(d), bool)
    same[1:] = (d[1:] == d[:-1]) & (r[1:] == r[:-1])
    gap_vals = np.concatenate([np.zeros(docs), (s[1:] - e[:-1])[same[1:]], s[~same][s[~same] > 0]])
    gap_docs = np.concatenate([np.arange(docs), d[1:][same[1:]], d[~same][s[~same] > 0]])
    gm, gs = _mean_sd(gap_vals, gap_docs, docs)
    lm, ls = _mean_sd(e - s, d, docs)
    per = np.bincount(d * n + r, minlength=docs * n).reshape(docs, n).astype(np.float64)
    nm, ns = per.mean(axis=1), per.std(axis=1)
    counts = np.abs(np.trunc(rng.normal(nm[:, None], ns[:, None], size=(docs, n)))).astype(np.int64)
    has_units = per.sum(axis=1) > 0
    empty = has_units & (counts.sum(axis=1) == 0)
    counts[empty, 0] = 1  # the authors never return an empty sample
    counts[~has_units] = 0
    tot = int(counts.sum())
    doc = np.repeat(np.repeat(np.arange(docs), n), counts.ravel())
    rater = np.repeat(np.tile(np.arange(n), docs), counts.ravel())
    gap = rng.normal(gm[doc], gs[doc])
    ln = np.abs(rng.normal(lm[doc], ls[doc]))
    for _try in range(64):
        tiny = ln < 1e-6
        if not tiny.any():
            break
        ln[tiny] = np.abs(rng.normal(lm[doc[tiny]], ls[doc[tiny]]))
    step = np.cumsum(gap + ln)
    grp_first = np.concatenate(([0], np.cumsum(counts.ravel())[:-1]))[counts.ravel() > 0]
    base = np.zeros(tot)
    if tot:
        prev = np.concatenate(([0.0], step))[grp_first]
        base = np.repeat(prev, counts.ravel()[counts.ravel() > 0])
    end = step - base
    start = end - ln
    freq = np.bincount(u.doc * n_cats + u.cat, minlength=docs * n_cats).reshape(docs, n_cats)
    cum = np.cumsum(freq, axis=1) / np.maximum(freq.sum(axis=1, keepdims=True), 1)
    cat = (rng.random(tot)[:, None] >= cum[doc]).sum(axis=1).clip(0, n_cats - 1)
    return _Units(doc, rater, start, end, cat.astype(np.int64))


def _mean_sd(x: np.ndarray, g: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    c = np.maximum(np.bincount(g, minlength=k), 1)
    m = np.bincount(g, weights=x, minlength=k) / c
    v = np.bincount(g, weights=x * x, minlength=k) / c - m * m
    return m, np.sqrt(np.maximum(v, 0.0))


def _concat(parts: Sequence[_Units]) -> _Units:
    return _Units(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("doc", "rater", "start", "end", "cat")))


# ---------------------------------------------------------------------------------- public API
def _prepare(documents: Sequence[tuple[Sequence[Unit], float]], dis: Dissimilarity
             ) -> tuple[_Units, np.ndarray, list, np.ndarray | None]:
    cats: dict = {c: i for i, c in enumerate(dis.categories)}
    rows = []
    lengths = np.zeros(len(documents))
    for d, (units, length) in enumerate(documents):
        lengths[d] = float(length)
        for r, s, e, c in units:
            if e > s:
                rows.append((d, int(r), float(s), float(e), cats.setdefault(c, len(cats))))
    if dis.matrix is not None and len(cats) > len(dis.categories):
        raise ValueError("a label is missing from the category matrix")
    arr = np.array(rows, dtype=np.float64).reshape(-1, 5)
    u = _Units(arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64), arr[:, 2], arr[:, 3],
               arr[:, 4].astype(np.int64))
    if len(u):
        lengths = np.maximum(lengths, _max_by(u.end, u.doc, len(documents)))  # a span past the text
    cat_m = np.asarray(dis.matrix, dtype=np.float64) if dis.matrix is not None else None
    return u, lengths, list(cats), cat_m


def _max_by(x: np.ndarray, g: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros(k)
    np.maximum.at(out, g, x)
    return out


def best_alignment(units: Sequence[Unit], raters: int, dissimilarity: Dissimilarity = DEFAULT) -> Alignment:
    """The best alignment of one continuum (``units``: (rater, start, end, category))."""
    if raters < 2:
        raise ValueError("an alignment needs at least two annotators")
    u, _lengths, _cats, cat_m = _prepare([(units, 0)], dissimilarity)
    keep = [i for i, (_r, s, e, _c) in enumerate(units) if e > s]
    tuples, dis = _solve(u, raters, dissimilarity, cat_m)
    order = np.lexsort((tuples.max(axis=1), tuples.min(axis=1))) if len(tuples) else np.empty(0, np.int64)
    out = [tuple(keep[x] if x >= 0 else None for x in tuples[i]) for i in order]
    mean_units = len(u) / raters
    return Alignment(out, [float(dis[i]) for i in order], float(dis.sum() / mean_units) if len(u) else 0.0)


def unitary_disorder(units: Sequence[Unit | None], dissimilarity: Dissimilarity = DEFAULT) -> float:
    """The disorder of one unitary alignment (one entry per annotator, None for the empty unit)."""
    n = len(units)
    if n < 2:
        raise ValueError("a unitary alignment needs at least two annotators")
    present = [x for x in units if x is not None]
    doc = [(present, 0)]
    u, _l, _c, cat_m = _prepare(doc, dissimilarity)
    total = 0.0
    for a, b in combinations(range(n), 2):
        if units[a] is None or units[b] is None:
            total += dissimilarity.delta_empty
        else:
            ia, ib = present.index(units[a]), present.index(units[b])
            total += float(_dissim(u, np.array([ia]), np.array([ib]), dissimilarity, cat_m)[0])
    return total / (n * (n - 1) / 2)


def gamma(documents: Sequence[tuple[Sequence[Unit], float]], raters: int, dissimilarity: Dissimilarity = DEFAULT,
          samples: int = SAMPLES, seed: int = SEED, sampler: str = "shuffle",
          on_sample: Callable[[int], None] | None = None, precision: float | None = None,
          min_samples: int = 5) -> GammaResult:
    """γ over a corpus: ``documents`` is a list of ``(units, length)``, units ``(rater, start, end,
    category)`` with rater in ``range(raters)``; each document is one continuum ``[0, length)``.
    ``on_sample(i)`` is called before each shuffled corpus (it may raise to stop). With ``precision``,
    sampling stops early (after ``min_samples``) once the 95 % half-width of the expected disorder is
    within that share of it (Mathet et al. §5.3 size the sample this way); ``samples`` is then a cap
    and ``GammaResult.samples`` says how many were drawn."""
    if sampler not in SAMPLERS:
        raise ValueError(f"unknown sampler {sampler!r}; choose one of {', '.join(SAMPLERS)}")
    out = GammaResult(Undefined("no units"), samples=0, seed=seed, sampler=sampler, raters=raters)
    if raters < 2:
        out.gamma = Undefined("γ needs at least two annotators", 0, "spans")
        return out
    if samples < 1:
        raise ValueError("γ needs at least one sample for its expected disorder")
    dis = dissimilarity
    u, lengths, cats, cat_m = _prepare(documents, dis)
    out.units = len(u)
    if not len(u):
        out.gamma = Undefined("nobody marked any span", 0, "spans")
        return out
    docs = len(lengths)
    tuples, d = _solve(u, raters, dis, cat_m)
    out.alignments = len(tuples)
    first = tuples[np.arange(len(tuples)), np.argmax(tuples >= 0, axis=1)]
    obs_doc = np.bincount(u.doc[first], weights=d, minlength=docs)
    units_doc = np.bincount(u.doc, minlength=docs).astype(np.float64)
    out.observed = float(obs_doc.sum() / (len(u) / raters))
    rng = np.random.default_rng(seed)
    exp_doc = np.zeros(docs)
    exp_units = np.zeros(docs)
    for i in range(samples):
        if on_sample is not None:
            on_sample(i)
        for _try in range(64):
            v = _shuffle(u, lengths, raters, rng) if sampler == "shuffle" else \
                _statistical(u, lengths, raters, rng, max(len(cats), 1))
            if len(v):
                break
        t, dv = _solve(v, raters, dis, cat_m)
        fv = t[np.arange(len(t)), np.argmax(t >= 0, axis=1)]
        per_doc = np.bincount(v.doc[fv], weights=dv, minlength=docs)
        exp_doc += per_doc
        exp_units += np.bincount(v.doc, minlength=docs)
        out.sample_disorders.append(float(per_doc.sum() / (len(v) / raters)) if len(v) else 0.0)
        if precision is not None and i + 1 >= max(min_samples, 2) and out.relative_spread <= precision:
            break
    out.samples = drawn = len(out.sample_disorders)
    out.expected = float(np.mean(out.sample_disorders))
    out.doc_features = np.stack([obs_doc, units_doc, exp_doc / drawn, exp_units / drawn], axis=1)
    if out.observed == 0:
        out.gamma = Score(1.0, len(u), "spans")
    elif out.expected == 0:
        out.gamma = Undefined("expected disorder is 0", len(u), "spans")
    else:
        out.gamma = Score(1.0 - out.observed / out.expected, len(u), "spans")
    return out


def gamma_from_sums(s: np.ndarray) -> np.ndarray:
    """γ from summed per-document features (``GammaResult.doc_features``) of bootstrap replicates:
    observed Σδ per unit over expected Σδ per unit (the sample mean taken document by document)."""
    s = np.atleast_2d(s)
    with np.errstate(divide="ignore", invalid="ignore"):
        obs = s[:, 0] / s[:, 1]
        exp = s[:, 2] / s[:, 3]
        g = np.where(obs == 0, 1.0, 1.0 - obs / exp)
    g[~np.isfinite(g) | (s[:, 1] == 0)] = np.nan
    return g
