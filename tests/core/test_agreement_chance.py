"""Gwet's AC1/AC2 and Brennan–Prediger against Gwet's published worked examples (his R package
irrCAC's documentation, data from the Handbook of Inter-Rater Reliability, 4th ed.) and, where it is
installed, the Python irrCAC package on random data."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.agreement import CodingData, cohen_kappa, krippendorff_alpha_nominal
from annotator.core.agreement.chance import brennan_prediger, gwet_ac, gwet_features, gwet_from_sums, ordinal_weights

# Gwet's 4 raters × 12 subjects, 5 categories (irrCAC "raw4raters"); None = missing
RAW_4_RATERS = [[1, 1, None, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
                [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [None, 5, 5, 5], [None, None, 1, 1], [None, None, 3, None]]
# irrCAC's documented bipolar weights for categories 1..5
BIPOLAR = [[1, 0.85714286, 0.66666667, 0.4, 0], [0.85714286, 1, 0.93333333, 0.75, 0.4],
           [0.66666667, 0.93333333, 1, 0.93333333, 0.66666667], [0.4, 0.75, 0.93333333, 1, 0.85714286],
           [0, 0.4, 0.66666667, 0.85714286, 1]]
# Gwet's 2 abstractors × 100 subjects (irrCAC "cont3x3abstractors"): rows rater 1, columns rater 2
ABSTRACTORS = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]


def _raw4() -> CodingData:
    return CodingData.from_items(({c: v for c, v in enumerate(r)} for r in RAW_4_RATERS), coders=range(4),
                              categories=[1, 2, 3, 4, 5])


def _table(t) -> CodingData:
    rows = [[a, b] for a in range(len(t)) for b in range(len(t)) for _ in range(t[a][b])]
    return CodingData.from_items(({0: a, 1: b} for a, b in rows), coders=[0, 1], categories=range(len(t)))


def test_gwet_handbook_four_raters():
    d = _raw4()
    assert gwet_ac(d).value == pytest.approx(0.77544, abs=5e-6)
    assert gwet_ac(d, np.array(BIPOLAR)).value == pytest.approx(0.90037, abs=5e-6)  # AC2, bipolar weights
    assert gwet_ac(d).items == 11  # subject 12 has a single rating


def test_gwet_handbook_two_abstractors():
    d = _table(ABSTRACTORS)
    assert gwet_ac(d).value == pytest.approx(0.8493305, abs=5e-7)
    assert brennan_prediger(d).value == pytest.approx(0.835, abs=5e-7)
    # the same example's published Cohen's kappa and Krippendorff's alpha, as a check on the data
    assert cohen_kappa(d).value == pytest.approx(0.7964094, abs=5e-7)
    assert krippendorff_alpha_nominal(d).value == pytest.approx(0.7972585, abs=5e-7)


def test_the_kappa_paradox():
    """95 of 100 documents NONE by both, 5 split: κ is low, AC1 high."""
    t = [[95, 2], [3, 0]]
    d = _table(t)
    assert cohen_kappa(d).value < 0
    assert gwet_ac(d).value > 0.9
    assert brennan_prediger(d).value == pytest.approx((0.95 - 0.5) / 0.5)


def test_undefined_with_reason():
    d = CodingData.from_items([{0: "a"}, {1: "b"}], coders=[0, 1], categories=["a", "b"])
    assert not gwet_ac(d).defined and "two coders" in gwet_ac(d).reason
    one = CodingData.from_items([{0: "a", 1: "a"}], coders=[0, 1], categories=["a"])
    assert not brennan_prediger(one).defined


def test_weights():
    assert np.allclose(ordinal_weights("quadratic", [1, 2, 3]), [[1, .75, 0], [.75, 1, .75], [0, .75, 1]])
    assert np.allclose(ordinal_weights("linear", [1, 2, 3]), [[1, .5, 0], [.5, 1, .5], [0, .5, 1]])
    with pytest.raises(ValueError):
        ordinal_weights("bipolar", [1, 2])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=3, max_size=3), min_size=2, max_size=25))
def test_features_sum_to_the_same_coefficients(rows):
    d = CodingData.from_items(({c: v for c, v in enumerate(r)} for r in rows), coders=range(3), categories=range(4))
    s = gwet_features(d.counts())[None]
    for fn, which in ((gwet_ac, "ac1"), (brennan_prediger, "bp")):
        ref = fn(d)
        got = gwet_from_sums(s, 4, which)[0]
        if ref.defined:
            assert got == pytest.approx(ref.value)
        else:
            assert np.isnan(got)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=3, max_size=3), min_size=3, max_size=30),
       st.sampled_from(["identity", "linear", "quadratic"]))
def test_equal_to_irrcac(rows, kind):
    """irrCAC pins scipy==1.12 and coverage<7, so it is not a test dependency; install it with
    ``pip install --no-deps irrCAC pandas`` to run this comparison."""
    pd = pytest.importorskip("pandas")
    raw = pytest.importorskip("irrCAC.raw")
    frame = pd.DataFrame([[np.nan if v is None else float(v) for v in r] for r in rows])
    cats = sorted({v for r in rows for v in r if v is not None})
    if len(cats) < 2 or sum(sum(v is not None for v in r) >= 2 for r in rows) == 0:
        return
    d = CodingData.from_items(({c: v for c, v in enumerate(r)} for r in rows), coders=range(3), categories=cats)
    w = ordinal_weights(kind, cats)
    with warnings.catch_warnings():  # pandas warnings inside irrCAC
        warnings.simplefilter("ignore")
        ref = raw.CAC(frame, weights=kind, categories=[float(c) for c in cats], digits=12)
        g, b = ref.gwet()["est"], ref.bp()["est"]
    if abs(1 - g["pe"]) > 1e-9:
        assert gwet_ac(d, w).value == pytest.approx(g["coefficient_value"], abs=1e-9)
    assert brennan_prediger(d, w).value == pytest.approx(b["coefficient_value"], abs=1e-9)
