"""Bootstrap intervals over documents: reproducible with a seed, every replicate statistic equals the
point measure on the same documents, and the 95 % interval covers the true α about 95 % of the time."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.agreement import CodingData, cohen_kappa, krippendorff_alpha_nominal, unitizing_alpha
from annotator.core.agreement import bootstrap as bs

P = np.array([0.5, 0.3, 0.2])  # population label distribution
ACCURACY = 0.7  # a coder copies the true label with this probability, else draws from P


def _study(rng: np.random.Generator, docs: int, coders: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Documents of 1-8 items each; 10 % of the values missing."""
    n_items = rng.integers(1, 9, size=docs)
    groups = np.repeat(np.arange(docs), n_items)
    truth = rng.choice(len(P), size=len(groups), p=P)
    guess = rng.choice(len(P), size=(len(groups), coders), p=P)
    codes = np.where(rng.random((len(groups), coders)) < ACCURACY, truth[:, None], guess)
    codes[rng.random(codes.shape) < 0.1] = -1
    return codes, groups


def test_interval_covers_the_true_alpha_at_the_nominal_rate():
    rng = np.random.default_rng(7)
    # the population α, from one very large study
    codes, groups = _study(rng, 200_000)
    true = krippendorff_alpha_nominal(CodingData.from_codes(codes, range(3), range(2))).value
    hits = 0
    studies = 400
    for s in range(studies):
        codes, groups = _study(rng, 40)
        iv = bs.bootstrap(bs.grouped_counts(codes, groups, 40, 3), bs.alpha_from_sums, resamples=1000, seed=s)
        hits += iv.low <= true <= iv.high
    assert 0.92 <= hits / studies <= 0.98, hits / studies


def test_same_seed_same_interval_other_seed_other_draws():
    codes, groups = _study(np.random.default_rng(3), 50)
    X = bs.grouped_counts(codes, groups, 50, 3)
    a = bs.bootstrap(X, bs.alpha_from_sums, resamples=500, seed=11)
    b = bs.bootstrap(X, bs.alpha_from_sums, resamples=500, seed=11)
    c = bs.bootstrap(X, bs.alpha_from_sums, resamples=500, seed=12)
    assert a == b and a != c
    assert a.resamples == 500 and a.seed == 11 and a.valid == 500 and a.level == 0.95
    reps = bs.replicates(X, bs.alpha_from_sums, 500, 11)
    assert a.below[0.667] == pytest.approx((reps < 0.667).mean())
    assert a.low <= krippendorff_alpha_nominal(CodingData.from_codes(codes, range(3), range(2))).value <= a.high
    # chunked or not, the draws are the same numbers
    assert np.array_equal(reps, bs.replicates(X, bs.alpha_from_sums, 500, 11, chunk=500))


def test_a_replicate_is_the_measure_on_the_resampled_documents():
    codes, groups = _study(np.random.default_rng(5), 12)
    rng = np.random.default_rng(0)
    w = bs.weights(12, 1, rng)[0]
    picked = np.repeat(np.arange(12), w.astype(int))
    rows = np.concatenate([np.nonzero(groups == d)[0] for d in picked])
    direct_a = krippendorff_alpha_nominal(CodingData.from_codes(codes[rows], range(3), range(2))).value
    direct_k = cohen_kappa(CodingData.from_codes(codes[rows], range(3), range(2))).value
    Xa = bs.grouped_counts(codes, groups, 12, 3)
    Xk = bs.cohen_features(codes[:, 0], codes[:, 1], groups, 12, 3)
    assert bs.alpha_from_sums((w @ Xa)[None])[0] == pytest.approx(direct_a)
    assert bs.cohen_from_sums((w @ Xk)[None])[0] == pytest.approx(direct_k)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_unitizing_features_sum_to_alpha_u_on_one_document(seed):
    rng = random.Random(seed)
    length, raters = rng.randint(10, 150), rng.randint(2, 4)
    units = []
    for r in range(raters):
        for _ in range(rng.randint(0, 7)):
            s = rng.randint(0, length - 1)
            units.append((r, s, rng.randint(s + 1, min(length, s + 12)), rng.choice("ab")))
    X, stat = bs.unitizing_features([(units, length)], raters, ["a", "b"])
    ref = unitizing_alpha(units, raters, length, categories=["a", "b"]).alpha
    got = stat(X.sum(axis=0, keepdims=True))[0]
    if ref.defined:
        assert got == pytest.approx(ref.value, abs=1e-9)
    else:
        assert np.isnan(got)


def test_unitizing_replicate_equals_alpha_u_of_the_documents_apart():
    """With gaps ending at document borders, the statistic of the resampled documents is αu of those
    documents laid end to end with a separator no gap crosses (a unit of nobody's label would do);
    here: documents each fully covered at their borders by nothing, checked per document pair."""
    docs = [([(0, 2, 6, "a"), (1, 2, 7, "a")], 10), ([(0, 0, 3, "b"), (1, 5, 9, "a")], 12)]
    X, stat = bs.unitizing_features(docs, 2, ["a", "b"])
    one = [stat(X[[d]])[0] for d in range(2)]
    for d, (units, length) in enumerate(docs):
        ref = unitizing_alpha(units, 2, length, categories=["a", "b"]).alpha
        assert one[d] == pytest.approx(ref.value)


def test_no_interval_for_one_document_or_mostly_undefined():
    X = bs.grouped_counts(np.array([[0, 0], [1, 1]]), np.array([0, 0]), 1, 2)
    assert bs.bootstrap(X, bs.alpha_from_sums) is None
    # every document uses one label only: most resamples have a single category → undefined
    X = bs.grouped_counts(np.array([[0, 0], [0, 0], [1, 1]]), np.array([0, 1, 2]), 3, 2)
    iv = bs.bootstrap(X, bs.alpha_from_sums, resamples=200)
    assert iv is None or iv.valid < 200
    assert bs.bootstrap(X, bs.alpha_from_sums, resamples=0) is None


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000))
def test_unitizing_features_of_many_documents_are_each_documents_own(seed):
    """Computed on all documents at once, each row equals that document's features alone."""
    rng = random.Random(seed)
    docs = []
    for _ in range(rng.randint(1, 5)):
        length = rng.randint(5, 60)
        units = []
        for r in range(3):
            for _ in range(rng.randint(0, 4)):
                s = rng.randint(0, length - 1)
                units.append((r, s, rng.randint(s + 1, min(length, s + 9)), rng.choice("ab")))
        docs.append((units, length))
    X, stat = bs.unitizing_features(docs, 3, ["a", "b"])
    for d, doc in enumerate(docs):
        ref = unitizing_alpha(doc[0], 3, doc[1], categories=["a", "b"]).alpha
        got = stat(X[[d]])[0]
        assert (np.isnan(got) and not ref.defined) or got == pytest.approx(ref.value, abs=1e-9)
