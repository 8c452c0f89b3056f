"""Agreement on categories: every coder gives an item (a document, a token, a claim) at most
one value; a value may be missing.

Measures (formulas in docs/agreement.md):

* observed agreement — the share of agreeing pairs of values within an item, averaged over
  items with at least two values (for two coders: the share of items they agree on);
* Cohen's kappa (1960) — two coders, items both coded;
* Fleiss' kappa (1971) — any number of coders, every item with the same number of values;
* Krippendorff's alpha, nominal, with missing values (coincidence matrix; Krippendorff 2011).

Every function returns a ``Score`` or an ``Undefined`` with the reason.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from annotator.core.agreement.result import Result, Score, Undefined, chance_corrected

MISSING = -1
NOT_ANNOTATED = "(not annotated)"


@dataclass(slots=True)
class CodingData:
    """A reliability matrix: ``codes[item, coder]`` is an index into ``categories`` or -1."""

    codes: np.ndarray
    categories: list = field(default_factory=list)
    coders: list = field(default_factory=list)
    unit: str = "items"

    @classmethod
    def from_items(cls, items: Iterable[Mapping[Hashable, Hashable | None]], coders: Sequence | None = None,
                   categories: Sequence | None = None, unit: str = "items") -> CodingData:
        """One mapping coder → value per item; a missing coder or a None value is missing."""
        items = list(items)
        if coders is None:
            seen: dict = {}
            for it in items:
                for c in it:
                    seen.setdefault(c, None)
            coders = list(seen)
        cats: dict = {c: i for i, c in enumerate(categories or [])}
        codes = np.full((len(items), len(coders)), MISSING, dtype=np.int32)
        for r, it in enumerate(items):
            for j, c in enumerate(coders):
                v = it.get(c)
                if v is not None:
                    codes[r, j] = cats.setdefault(v, len(cats))
        return cls(codes, list(cats), list(coders), unit)

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[Hashable | None]], coders: Sequence | None = None,
                  unit: str = "items") -> CodingData:
        """Rows are items, columns coders; None is missing."""
        n = max((len(r) for r in rows), default=0)
        coders = list(coders) if coders is not None else list(range(n))
        return cls.from_items(({c: v for c, v in zip(coders, r)} for r in rows), coders, unit=unit)

    @classmethod
    def from_codes(cls, codes: np.ndarray, categories: Sequence, coders: Sequence, unit: str = "items"
                   ) -> CodingData:
        return cls(np.asarray(codes, dtype=np.int32), list(categories), list(coders), unit)

    def select(self, coders: Sequence[int]) -> CodingData:
        """Only these coder columns (by index)."""
        return CodingData(self.codes[:, list(coders)], self.categories, [self.coders[i] for i in coders], self.unit)

    def counts(self) -> np.ndarray:
        """``n[item, category]``: how many coders gave the item the category."""
        n_items, k = self.codes.shape[0], max(len(self.categories), 1)
        valid = self.codes >= 0
        rows = np.nonzero(valid)[0]
        flat = rows * k + self.codes[valid]
        return np.bincount(flat, minlength=n_items * k).reshape(n_items, k)


def _pairable(n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m = n.sum(axis=1)
    keep = m >= 2
    return n[keep], m[keep]


def observed_agreement(data: CodingData) -> Result:
    """Mean over items with ≥ 2 values of the share of agreeing ordered pairs of values."""
    n, m = _pairable(data.counts())
    if len(m) == 0:
        return Undefined("no item has values from two coders", 0, data.unit)
    per_item = (n * (n - 1)).sum(axis=1) / (m * (m - 1))
    return Score(float(per_item.mean()), int(len(m)), data.unit)


def cohen_kappa(data: CodingData) -> Result:
    """Cohen's kappa for exactly two coders over the items both coded."""
    if data.codes.shape[1] != 2:
        return Undefined(f"Cohen's kappa needs exactly two coders, got {data.codes.shape[1]}", 0, data.unit)
    a, b = data.codes[:, 0], data.codes[:, 1]
    both = (a >= 0) & (b >= 0)
    n = int(both.sum())
    if n == 0:
        return Undefined("no item was coded by both coders", 0, data.unit)
    a, b = a[both], b[both]
    k = max(len(data.categories), 1)
    po = float((a == b).mean())
    pa = np.bincount(a, minlength=k) / n
    pb = np.bincount(b, minlength=k) / n
    pe = float((pa * pb).sum())
    return chance_corrected(po, pe, n, data.unit,
                            "both coders used one and the same single category: chance agreement is 1, "
                            "kappa is 0/0")


def fleiss_kappa(data: CodingData) -> Result:
    """Fleiss' kappa; every item (with any value) must have the same number (≥ 2) of values."""
    n = data.counts()
    m = n.sum(axis=1)
    keep = m > 0
    n, m = n[keep], m[keep]
    if len(m) == 0:
        return Undefined("no item has a value", 0, data.unit)
    if (m != m[0]).any():
        return Undefined("items have different numbers of ratings (use Krippendorff's alpha)", int(len(m)),
                         data.unit)
    r = int(m[0])
    if r < 2:
        return Undefined("every item has a single rating", int(len(m)), data.unit)
    items = len(m)
    p_i = ((n * n).sum(axis=1) - r) / (r * (r - 1))
    p_bar = float(p_i.mean())
    p_j = n.sum(axis=0) / (items * r)
    pe = float((p_j * p_j).sum())
    return chance_corrected(p_bar, pe, items, data.unit,
                            "only one category was used: chance agreement is 1, kappa is 0/0")


_PAIRWISE_CODERS = 12  # up to this many coders alpha is counted by coder pairs (fewer passes)


def krippendorff_alpha_nominal(data: CodingData) -> Result:
    """Krippendorff's alpha with the nominal metric; missing values allowed.

    Items with fewer than two values are not pairable and are left out. ``items`` counts the
    pairable items.
    """
    codes = data.codes
    if codes.ndim == 2 and len(codes) and 2 <= codes.shape[1] <= _PAIRWISE_CODERS and codes.min() >= 0:
        # every coder coded every item (the common case for token tags): every item has
        # m = coders values, so the within-category coincidences are 2 * agreeing pairs / (m - 1)
        k = codes.shape[1]
        cols = [np.ascontiguousarray(codes[:, i]) for i in range(k)]
        agreeing = sum(int(np.count_nonzero(cols[i] == cols[j])) for i in range(k) for j in range(i + 1, k))
        n_items = len(codes)
        n_c = np.bincount(codes.ravel(), minlength=max(len(data.categories), 1)).astype(np.float64)
        within = 2.0 * agreeing / (k - 1)
    elif codes.ndim == 2 and 2 <= codes.shape[1] <= _PAIRWISE_CODERS:
        # from the codes directly, without the items × categories count matrix: an item's
        # agreeing ordered pairs sum_c n_uc (n_uc - 1) are twice its agreeing coder pairs
        valid = codes >= 0
        m = valid.sum(axis=1)
        pairs = np.zeros(len(codes), dtype=np.int64)
        for i in range(codes.shape[1]):
            for j in range(i + 1, codes.shape[1]):
                pairs += (codes[:, i] == codes[:, j]) & valid[:, i]
        keep = m >= 2
        if not keep.any():
            return Undefined("no item has values from two coders", 0, data.unit)
        n_items = int(keep.sum())
        n_c = np.bincount(codes[valid & keep[:, None]], minlength=max(len(data.categories), 1)).astype(np.float64)
        by_m = np.bincount(m[keep], weights=2 * pairs[keep])  # agreeing ordered pairs, by values per item
        within = float(sum(by_m[k] / (k - 1) for k in range(2, len(by_m)) if by_m[k]))
    else:
        n, m = _pairable(data.counts())
        if len(m) == 0:
            return Undefined("no item has values from two coders", 0, data.unit)
        n_items = int(len(m))
        n = n.astype(np.float64)
        # coincidences within a category: sum_u n_uc (n_uc - 1) / (m_u - 1)
        within = float(((n * (n - 1)).T / (m - 1)).T.sum(axis=0).sum())
        n_c = n.sum(axis=0)
    total = float(n_c.sum())
    de_num = total * total - float((n_c * n_c).sum())
    if de_num == 0:
        return Undefined("only one category was used: expected disagreement is 0, alpha is 0/0",
                         n_items, data.unit)
    do = total - within
    alpha = 1.0 - (total - 1.0) * do / de_num
    return Score(alpha, n_items, data.unit)


def confusion_matrix(data: CodingData, a: int = 0, b: int = 1) -> tuple[list, np.ndarray]:
    """Counts of (value of coder a, value of coder b) over items at least one of them coded;
    a missing value is the category ``NOT_ANNOTATED`` (last row/column)."""
    labels = list(data.categories) + [NOT_ANNOTATED]
    k = len(data.categories)
    x, y = data.codes[:, a].copy(), data.codes[:, b].copy()
    any_ = (x >= 0) | (y >= 0)
    x, y = x[any_], y[any_]
    x[x < 0] = k
    y[y < 0] = k
    mat = np.bincount(x * (k + 1) + y, minlength=(k + 1) ** 2).reshape(k + 1, k + 1)
    return labels, mat
