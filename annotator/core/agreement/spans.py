"""Agreement on spans between two annotators of the same text.

* Span F1 (exact): a span of A matches a span of B with the same start, end and label.
* Span F1 (overlap): a span of A matches an overlapping span of B with the same label.
  Matching is one-to-one (a maximum bipartite matching, so one long span cannot match three
  short ones), ``F1 = 2·matches / (|A| + |B|)``; undefined when neither marked anything.
* An alignment that splits disagreements into label errors (same offsets, other label),
  boundary errors (overlap, same label), boundary+label errors and spans only one annotator
  marked; the label confusion matrix (with "not annotated") is read off the alignment.
* IO/BIO tags per token (tokens from annotator.core.tokens) for token-level Cohen's kappa.

Spans are ``(start, end, label)`` with Python str offsets, end exclusive.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

from annotator.core.agreement.coding import NOT_ANNOTATED
from annotator.core.agreement.result import Result, Score, Undefined

Span = tuple[int, int, Hashable]

AGREE, LABEL, BOUNDARY, BOTH, ONLY_A, ONLY_B = "agree", "label", "boundary", "boundary+label", "only_a", "only_b"
ERROR_KINDS = (LABEL, BOUNDARY, BOTH, ONLY_A, ONLY_B)


def _overlap(a: Span, b: Span) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


def _max_matching(cands: list[list[int]]) -> dict[int, int]:
    """Maximum bipartite matching (Kuhn); candidates are tried in the given order."""
    match_b: dict[int, int] = {}

    def try_assign(i: int, seen: set[int]) -> bool:
        for j in cands[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in match_b or try_assign(match_b[j], seen):
                match_b[j] = i
                return True
        return False

    for i in range(len(cands)):
        if cands[i]:
            try_assign(i, set())
    return {i: j for j, i in match_b.items()}


def _match(a: Sequence[Span], b: Sequence[Span], ia: list[int], ib: list[int], same_label: bool
           ) -> dict[int, int]:
    """One-to-one matching of overlapping spans among the given indices; prefers larger overlaps."""
    cands = []
    for i in ia:
        row = [(-_overlap(a[i], b[j]), j) for j in ib
               if _overlap(a[i], b[j]) > 0 and (not same_label or a[i][2] == b[j][2])]
        cands.append([j for _, j in sorted(row)])
    m = _max_matching(cands)
    return {ia[k]: j for k, j in m.items()}


@dataclass(slots=True)
class PairCounts:
    """Counts for one pair of annotators (over one document or many), per label."""

    n_a: Counter = field(default_factory=Counter)
    n_b: Counter = field(default_factory=Counter)
    exact: Counter = field(default_factory=Counter)
    overlap: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)  # kind -> count
    confusion: Counter = field(default_factory=Counter)  # (label of A, label of B) -> count

    def add(self, other: PairCounts) -> None:
        for name in ("n_a", "n_b", "exact", "overlap", "errors", "confusion"):
            getattr(self, name).update(getattr(other, name))

    def f1(self, mode: str = "exact", label: Hashable | None = None) -> Result:
        """Span F1 overall (label None) or for one label; ``items`` = spans of both annotators."""
        hits = self.exact if mode == "exact" else self.overlap
        if label is None:
            tp, na, nb = sum(hits.values()), sum(self.n_a.values()), sum(self.n_b.values())
        else:
            tp, na, nb = hits[label], self.n_a[label], self.n_b[label]
        if na + nb == 0:
            return Undefined("neither annotator marked a span" + ("" if label is None else f" of {label}"),
                             0, "spans")
        return Score(2.0 * tp / (na + nb), na + nb, "spans")

    @property
    def labels(self) -> list:
        return sorted(set(self.n_a) | set(self.n_b), key=str)


def exact_matches(a: Sequence[Span], b: Sequence[Span]) -> Counter:
    """Per label, how many spans match exactly (multiset intersection, one-to-one)."""
    inter = Counter(a) & Counter(b)
    out: Counter = Counter()
    for (_, _, lab), k in inter.items():
        out[lab] += k
    return out


def overlap_matches(a: Sequence[Span], b: Sequence[Span]) -> Counter:
    """Per label, the size of a maximum one-to-one matching of overlapping same-label spans."""
    out: Counter = Counter()
    by_a, by_b = defaultdict(list), defaultdict(list)
    for i, s in enumerate(a):
        by_a[s[2]].append(i)
    for j, s in enumerate(b):
        by_b[s[2]].append(j)
    for lab, ia in by_a.items():
        ib = by_b.get(lab)
        if ib:
            out[lab] += len(_match(a, b, ia, ib, True))
    return out


def align(a: Sequence[Span], b: Sequence[Span]) -> list[tuple[int | None, int | None, str]]:
    """Pair spans of A and B and name each pair's disagreement.

    In order, one-to-one: identical spans (agree); same offsets, other label (label error);
    overlapping, same label (boundary error); overlapping, other label (boundary+label error);
    what is left was marked by one annotator only.
    """
    out: list[tuple[int | None, int | None, str]] = []
    free_a, free_b = set(range(len(a))), set(range(len(b)))
    by_pos: dict = defaultdict(list)
    for j in sorted(free_b):
        by_pos[(b[j][0], b[j][1], b[j][2])].append(j)
    for i in sorted(free_a):
        lst = by_pos.get(a[i])
        if lst:
            j = lst.pop(0)
            out.append((i, j, AGREE))
            free_a.discard(i)
            free_b.discard(j)
    by_off: dict = defaultdict(list)
    for j in sorted(free_b):
        by_off[(b[j][0], b[j][1])].append(j)
    for i in sorted(free_a):
        lst = by_off.get((a[i][0], a[i][1]))
        if lst:
            j = lst.pop(0)
            out.append((i, j, LABEL))
            free_a.discard(i)
            free_b.discard(j)
    for same, kind in ((True, BOUNDARY), (False, BOTH)):
        m = _match(a, b, sorted(free_a), sorted(free_b), same)
        for i, j in sorted(m.items()):
            out.append((i, j, kind))
            free_a.discard(i)
            free_b.discard(j)
    out.extend((i, None, ONLY_A) for i in sorted(free_a))
    out.extend((None, j, ONLY_B) for j in sorted(free_b))
    return out


def compare(a: Sequence[Span], b: Sequence[Span]) -> PairCounts:
    """Everything span F1, the error split and the confusion matrix need, for one document."""
    pc = PairCounts(Counter(s[2] for s in a), Counter(s[2] for s in b), exact_matches(a, b),
                    overlap_matches(a, b))
    for i, j, kind in align(a, b):
        if kind != AGREE:
            pc.errors[kind] += 1
        la = a[i][2] if i is not None else NOT_ANNOTATED
        lb = b[j][2] if j is not None else NOT_ANNOTATED
        pc.confusion[(la, lb)] += 1
    return pc


def token_tags(starts: Sequence[int], ends: Sequence[int], spans: Sequence[Span], scheme: str = "IO"
               ) -> list[str]:
    """One tag per token: ``O``, the label (IO) or ``B-label``/``I-label`` (BIO).

    A token belongs to a span when they share a character. Where spans overlap, the span that
    starts first (then the longer one) wins the token.
    """
    tags = ["O"] * len(starts)
    if not spans or not len(starts):
        return tags
    st = np.asarray(starts)
    en = np.asarray(ends)
    for s, e, lab in sorted(spans, key=lambda x: (x[0], -x[1])):
        i = int(np.searchsorted(en, s, side="right"))
        j = int(np.searchsorted(st, e, side="left"))
        first = True
        for t in range(i, j):
            if tags[t] != "O":
                first = False
                continue
            if scheme == "BIO":
                tags[t] = ("B-" if first else "I-") + str(lab)
            else:
                tags[t] = str(lab)
            first = False
    return tags


# ---------------------------------------------------------------------------- many documents at once
_FAR = 1 << 32  # documents/labels apart on one number line: no span reaches the next group


def f1_counts(a_docs: Sequence[Sequence[Span]], b_docs: Sequence[Sequence[Span]]) -> tuple[PairCounts, np.ndarray]:
    """Span counts, exact matches and overlap matches (per label) of two annotators over many
    documents at once, with sorting and sweeps instead of pairwise loops: the same ``n_a``,
    ``n_b``, ``exact`` and ``overlap`` as summing :func:`compare` over the documents (the error
    split and confusion matrix are left empty: use ``compare`` for those). Also returns, per
    document, ``[exact matches, overlap matches, spans of both]`` (the bootstrap's features).

    Overlap matching: spans of one label in one document fall into components (runs of spans
    that overlap, through each other); a component where either annotator has at most one span
    matches ``min(|A|, |B|)`` spans; only components with two or more of each are matched one by
    one, greedily (A by end, each to the free overlapping B that ends first), which is maximum
    for intervals (an exchange argument: a later A that could take that B can take any B the
    earlier A could).
    """
    n_docs = len(a_docs)
    parts = []
    for side_no, docs in ((0, a_docs), (1, b_docs)):
        flat = [x for d in docs for x in d]
        if flat:  # (list comprehensions: zip(*flat) over 200,000 spans is 20x slower)
            parts.append((side_no, np.fromiter(map(len, docs), dtype=np.int64, count=n_docs),
                          [x[0] for x in flat], [x[1] for x in flat], [x[2] for x in flat]))
    labels = sorted({lab for p in parts for lab in set(p[4])}, key=str)
    code = {lab: i for i, lab in enumerate(labels)}
    n_lab = max(len(labels), 1)
    per_doc = np.zeros((n_docs, 3), dtype=np.int64)
    pc = PairCounts()
    if not parts:
        return pc, per_doc
    side = np.concatenate([np.full(len(p[2]), p[0], dtype=np.int64) for p in parts])
    doc = np.concatenate([np.repeat(np.arange(n_docs, dtype=np.int64), p[1]) for p in parts])
    lab = np.concatenate([np.fromiter(map(code.__getitem__, p[4]), dtype=np.int64, count=len(p[4])) for p in parts])
    start = np.concatenate([np.array(p[2], dtype=np.int64) for p in parts])
    end = np.concatenate([np.array(p[3], dtype=np.int64) for p in parts])
    group = doc * n_lab + lab
    base = group * _FAR
    gs, ge = base + start, base + end  # each (document, label) on its own stretch of one line
    _add(pc.n_a, labels, lab, (side == 0).astype(np.int64))
    _add(pc.n_b, labels, lab, (side == 1).astype(np.int64))
    per_doc[:, 2] = np.bincount(doc, minlength=n_docs)
    # exact: runs of identical (document, label, start, end); min of each side's count
    order = np.lexsort((ge, gs))
    ks, ke, sd = gs[order], ge[order], side[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (ks[1:] != ks[:-1]) | (ke[1:] != ke[:-1])
    run = np.cumsum(new) - 1
    na = np.bincount(run, weights=(sd == 0), minlength=run[-1] + 1)
    nb = np.bincount(run, weights=(sd == 1), minlength=run[-1] + 1)
    hits = np.minimum(na, nb).astype(np.int64)
    first = order[new]
    _add(pc.exact, labels, lab[first], hits)
    per_doc[:, 0] = np.bincount(doc[first], weights=hits, minlength=n_docs).astype(np.int64)
    # overlap: components of transitively overlapping spans (sorted by start, a new component
    # where a span starts at or after the furthest end so far)
    order = np.lexsort((ge, gs))
    ks, ke, sd = gs[order], ge[order], side[order]
    reach = np.maximum.accumulate(ke)
    new = np.ones(len(order), dtype=bool)
    new[1:] = ks[1:] >= reach[:-1]
    comp = np.cumsum(new) - 1
    ca = np.bincount(comp, weights=(sd == 0)).astype(np.int64)
    cb = np.bincount(comp, weights=(sd == 1)).astype(np.int64)
    matched = np.minimum(ca, cb)
    bounds = np.append(np.flatnonzero(new), len(order))  # comp c is order[bounds[c]:bounds[c + 1]]
    for c in np.flatnonzero((ca >= 2) & (cb >= 2)).tolist():
        members = order[bounds[c]:bounds[c + 1]].tolist()
        matched[c] = _greedy_overlap([(int(start[m]), int(end[m])) for m in members if side[m] == 0],
                                     [(int(start[m]), int(end[m])) for m in members if side[m] == 1])
    head = order[new]
    _add(pc.overlap, labels, lab[head], matched)
    per_doc[:, 1] = np.bincount(doc[head], weights=matched, minlength=n_docs).astype(np.int64)
    return pc, per_doc


def _add(counter: Counter, labels: list, codes: np.ndarray, counts: np.ndarray) -> None:
    for k, n in enumerate(np.bincount(codes, weights=counts, minlength=len(labels)).astype(np.int64).tolist()):
        if n:
            counter[labels[k]] += n


def _greedy_overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    """Maximum one-to-one matching of overlapping intervals (see ``f1_counts``)."""
    free = sorted(b, key=lambda x: (x[1], x[0]))
    used = [False] * len(free)
    n = 0
    for s, e in sorted(a, key=lambda x: (x[1], x[0])):
        for j, (bs, be) in enumerate(free):
            if not used[j] and bs < e and s < be:
                used[j] = True
                n += 1
                break
    return n
