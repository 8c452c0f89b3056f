"""The vectorised span F1 counts (many documents at once) equal the per-document reference."""

from __future__ import annotations

import random

from annotator.core.agreement.spans import PairCounts, compare, f1_counts


def _doc(rng: random.Random) -> list[tuple[int, int, str]]:
    out = []
    for _ in range(rng.randint(0, 12)):
        s = rng.randint(0, 60)
        out.append((s, s + rng.randint(1, 15), rng.choice("XYZ")))  # nested, overlapping, touching
    if out and rng.random() < 0.3:
        out.append(out[0])  # the same span twice
    return out


def test_equal_to_summing_compare_over_documents():
    rng = random.Random(3)
    for _ in range(300):
        a = [_doc(rng) for _ in range(rng.randint(1, 6))]
        b = [_doc(rng) for _ in range(len(a))]
        want = PairCounts()
        rows = []
        for x, y in zip(a, b):
            pc = compare(x, y)
            want.add(pc)
            rows.append([sum(pc.exact.values()), sum(pc.overlap.values()), len(x) + len(y)])
        got, per_doc = f1_counts(a, b)
        for k in ("n_a", "n_b", "exact", "overlap"):
            assert +getattr(got, k) == +getattr(want, k)
        assert per_doc.tolist() == rows


def test_chain_needs_the_right_partner():
    # A1 overlaps B1 and B2, A2 only B1: a maximum matching pairs A1-B2 and A2-B1
    a = [[(0, 10, "X"), (0, 3, "X")]]
    b = [[(2, 5, "X"), (8, 12, "X")]]
    got, _ = f1_counts(a, b)
    assert got.overlap["X"] == 2 == compare(a[0], b[0]).overlap["X"]


def test_nothing_marked():
    got, per_doc = f1_counts([[], []], [[], []])
    assert not got.n_a and not got.exact and per_doc.tolist() == [[0, 0, 0], [0, 0, 0]]


def test_alpha_by_coder_pairs_equals_the_count_matrix_form():
    import numpy as np

    import annotator.core.agreement.coding as coding
    from annotator.core.agreement.coding import CodingData, krippendorff_alpha_nominal

    rng = np.random.default_rng(1)
    for _ in range(200):
        items, coders, k = rng.integers(1, 60), rng.integers(2, 6), rng.integers(1, 5)
        data = CodingData.from_codes(rng.integers(-1, k, size=(items, coders)), list(range(k)), list(range(coders)))
        fast = krippendorff_alpha_nominal(data)
        limit = coding._PAIRWISE_CODERS
        coding._PAIRWISE_CODERS = 0  # the items × categories form
        try:
            slow = krippendorff_alpha_nominal(data)
        finally:
            coding._PAIRWISE_CODERS = limit
        assert type(fast) is type(slow) and fast.items == slow.items
        if getattr(slow, "value", None) is not None:
            assert abs(fast.value - slow.value) < 1e-12
