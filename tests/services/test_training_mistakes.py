"""Likely mistakes (docs/training.md): plant known label errors in a synthetic project (5 % of the
ORG spans of the gold set relabelled PERSON) and check that k-fold out-of-fold predictions ranked
by cleanlab's label quality put them at the top."""

from __future__ import annotations

import pytest

from annotator.services.training import synthetic
from annotator.services.training.data import ViewChoice
from annotator.services.training.fit import FitSettings
from annotator.services.training.mistakes import find_mistakes, precision_at_k


@pytest.mark.slow
def test_planted_label_swaps_rank_first(project, capsys):
    synthetic.build(project, 120, seed=0)
    planted = synthetic.plant_label_swaps(project, project.gold().id, "ORG", "PERSON", share=0.05, seed=0)
    truth = {(p.document_id, p.start, p.end) for p in planted}
    assert len(truth) == 9
    steps = []
    report = find_mistakes(project, ViewChoice(gold=True), k=4, seed=0,
                           settings=FitSettings(max_steps=100, eval_frequency=100),
                           progress=lambda d, t, m: steps.append((d, t)))
    assert report.folds == 4 and report.documents == 120
    assert steps[-1] == (400, 400)  # 4 folds of 100 steps, reported as one bar
    labels = [m for m in report.items if m.kind == "label"]
    k = len(truth)
    p_at_k = precision_at_k(labels, truth, k)
    p_at_2k = precision_at_k(labels, truth, 2 * k)
    recall_2k = sum((m.document_id, m.start, m.end) in truth for m in labels[:2 * k]) / k
    with capsys.disabled():
        print(f"\nlikely mistakes: {k} planted ORG->PERSON swaps; precision@{k} = {p_at_k:.2f}, "
              f"precision@{2 * k} = {p_at_2k:.2f}, recall@{2 * k} = {recall_2k:.2f}")
    assert p_at_k >= 0.8 and recall_2k >= 0.9
    # what the list shows for a planted swap: the text, the annotated label, the model's label
    top = next(m for m in labels if (m.document_id, m.start, m.end) in truth)
    text = project.document(top.document_id).text
    assert text[top.start:top.end] == top.text and top.text in synthetic.ORGS
    assert (top.given, top.suggested, top.flagged) == ("PERSON", "ORG", True)
    assert top.probability > 0.5 and top.quality < 0.5
    # the whole report is ordered by quality, lowest (most likely wrong) first
    assert [m.quality for m in report.items] == sorted(m.quality for m in report.items)
    assert {m.kind for m in report.items} >= {"label", "stance"}


def test_label_quality_is_cleanlabs_self_confidence(monkeypatch):
    """The fallback for a bundle without cleanlab gives cleanlab's own figures."""
    import builtins

    import numpy
    from cleanlab.rank import get_label_quality_scores

    from annotator.services.training.mistakes import label_quality

    rng = numpy.random.default_rng(0)
    probs = rng.dirichlet(numpy.ones(4), size=50)
    given = rng.integers(0, 4, size=50)
    ours = label_quality(given, probs)
    assert numpy.allclose(ours, get_label_quality_scores(given, probs, method="self_confidence"))
    real_import = builtins.__import__

    def no_cleanlab(name, *args, **kwargs):
        if name.startswith("cleanlab"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_cleanlab)
    assert numpy.allclose(label_quality(given, probs), ours)
