"""Agreement gathered from a real project: the sample project (alice, bo, chen disagree in
places; chen has not finished document 3) and small projects built here."""

from __future__ import annotations

import csv
import io
import math

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from annotator.core.agreement import NOT_ANNOTATED
from annotator.core.errors import AnnotatorError
from annotator.core.model import Layer, NewDocument, Status
from annotator.services import agreement as ag
from annotator.services.importing import import_documents


def test_stance_matches_reference_implementations(sample_project):
    r = ag.compute(sample_project, "stance")
    assert r.annotators == ["alice", "bo", "chen"] and r.documents == 3
    # annotations.json: doc 1 NONE/NONE/AGAINST, doc 2 AGAINST ×3, doc 3 NONE/NONE (chen unfinished)
    codes = {"NONE": 0, "AGAINST": 1}
    data = [[codes["NONE"], codes["AGAINST"], codes["NONE"]], [codes["NONE"], codes["AGAINST"], codes["NONE"]],
            [codes["AGAINST"], codes["AGAINST"], np.nan]]
    alpha = r.figure(ag.ALPHA)
    assert alpha.value.value == pytest.approx(krippendorff.alpha(reliability_data=data,
                                                                 level_of_measurement="nominal"))
    assert alpha.value.items == 3 and alpha.value.unit == "documents"
    ac = r.figure(ag.COHEN, pair=("alice", "chen"))
    assert ac.value.value == pytest.approx(cohen_kappa_score(["NONE", "AGAINST"], ["AGAINST", "AGAINST"]))
    assert ac.value.items == 2
    fleiss = r.figure(ag.FLEISS)
    assert not fleiss.value.defined and "same number of ratings" in fleiss.value.reason
    assert any("rests on only 3 documents" in w for w in alpha.warnings)
    assert r.document_rows[0].document_id == 1  # the one document they disagree on comes first
    favor = r.figure(ag.ALPHA, label="FAVOR")
    assert not favor.value.defined and favor.value.reason == "nobody chose FAVOR"


def test_include_unfinished_counts_chens_document_3(sample_project):
    r = ag.compute(sample_project, "stance", include_unfinished=True)
    # items (N,N,A), (A,A,A), (N,N,N): P̄ = 7/9, P̄e = 41/81, kappa = 22/40 (worked by hand)
    assert r.figure(ag.FLEISS).value.value == pytest.approx(22 / 40)
    assert r.figure(ag.FLEISS).value.items == 3


def test_entity_layer_on_the_sample(sample_project):
    r = ag.compute(sample_project, "entity")
    assert r.main_measure == ag.ALPHA_U
    rows = {d.document_id: d for d in r.document_rows}
    assert rows[3].annotators == ["alice", "bo"]  # chen did not finish document 3
    # overall αu uses only the documents all three finished
    au = r.figure(ag.ALPHA_U)
    assert au.value.defined and au.value.unit == "spans"
    scores = [d.score.value for d in r.document_rows if d.score.defined]
    assert scores == sorted(scores)
    # alice vs chen on document 1: Ostrava GPE vs LOC is a label error; DATE differs completely
    assert r.errors[("alice", "chen")]["label"] >= 1
    labels = r.confusion_labels
    m = r.confusion[("alice", "chen")]
    assert m[labels.index("GPE")][labels.index("LOC")] == 1
    assert labels[-1] == NOT_ANNOTATED
    assert np.array(r.confusion[None]).sum() == 2 * sum(np.array(r.confusion[p]).sum() for p in r.pairs())
    assert not r.figure(ag.ALPHA_U, label="EVENT").value.defined
    for f in r.figures:
        assert f.value.items >= 0 and (f.value.defined or f.value.reason)
    assert r.progress["chen"] == {"done": 2, "in_progress": 1, "todo": 3}


def test_hand_built_project(project):
    import_documents(project, [NewDocument("Anna met Bob in Paris on Monday."), NewDocument("Nothing here.")])
    a, b = project.ensure_annotator("a"), project.ensure_annotator("b")
    per = project.label_by_name("PERSON").id
    gpe = project.label_by_name("GPE").id
    loc = project.label_by_name("LOC").id
    project.add_span(1, a.id, per, 0, 4)  # Anna
    project.add_span(1, a.id, per, 9, 12)  # Bob
    project.add_span(1, a.id, gpe, 16, 21)  # Paris
    project.add_span(1, b.id, per, 0, 4)
    project.add_span(1, b.id, per, 9, 15)  # "Bob in": boundary error
    project.add_span(1, b.id, loc, 16, 21)  # label error
    for d in (1, 2):
        for who in (a, b):
            project.set_status(d, who.id, Status.DONE)
    r = ag.compute(project, "entity")
    assert r.documents == 2
    assert r.figure(ag.F1_EXACT).value.value == pytest.approx(2 * 1 / 6)
    assert r.figure(ag.F1_OVERLAP).value.value == pytest.approx(2 * 2 / 6)
    assert r.figure(ag.F1_EXACT, label="PERSON").value.value == pytest.approx(2 * 1 / 4)
    assert not r.figure(ag.F1_EXACT, label="EVENT").value.defined
    assert r.errors[None] == {"label": 1, "boundary": 1, "boundary+label": 0, "only_a": 0, "only_b": 0}
    io_ = r.figure(ag.TOKEN_KAPPA_IO)
    assert io_.value.unit == "tokens" and io_.value.items == 11  # 8 + 3 tokens
    ta = ["PERSON", "O", "PERSON", "O", "GPE", "O", "O", "O", "O", "O", "O"]
    tb = ["PERSON", "O", "PERSON", "PERSON", "LOC", "O", "O", "O", "O", "O", "O"]
    assert io_.value.value == pytest.approx(cohen_kappa_score(ta, tb))
    c = ag.compare_document(project, 1, "a", "b")
    assert c.kind_a == ["agree", "boundary", "label"] and c.kind_b == ["agree", "boundary", "label"]
    # the second document is empty for both: its row is undefined and sorts last
    assert r.document_rows[-1].document_id == 2 and not r.document_rows[-1].score.defined


def test_single_annotator_is_undefined_with_reason(project):
    import_documents(project, [NewDocument("Anna met Bob.")])
    a = project.ensure_annotator("a")
    project.add_span(1, a.id, project.label_by_name("PERSON").id, 0, 4)
    project.set_status(1, a.id, Status.DONE)
    for layer in ag.LAYERS:
        r = ag.compute(project, layer)
        assert r.documents == 0
        assert "fewer than two annotators" in r.warnings[0]
        assert all(not f.value.defined for f in r.figures)


def test_progress_and_cancel(sample_project):
    seen = []
    ag.compute(sample_project, "entity", progress=lambda d, t, m: seen.append((d, t)))
    assert seen[-1] == (3, 3)
    with pytest.raises(AnnotatorError):
        ag.compute(sample_project, "entity", cancelled=lambda: True)
    with pytest.raises(AnnotatorError):
        ag.compute(sample_project, "nope")
    with pytest.raises(AnnotatorError):
        ag.compute(sample_project, "entity", annotators=["zed"])


def test_formats_carry_the_same_numbers(sample_project):
    r = ag.compute(sample_project, "claim")
    rows = list(csv.DictReader(io.StringIO(ag.to_csv(r))))
    assert len(rows) == len(r.figures)
    for row, f in zip(rows, r.figures):
        if f.value.defined:
            assert math.isclose(float(row["value"]), f.value.value, abs_tol=5e-5)
            assert row["undefined_reason"] == ""
        else:
            assert row["value"] == "" and row["undefined_reason"] == f.value.reason
        assert int(row["items"]) == f.value.items
    assert any(f.label == ag.CLAIM_STANCE for f in r.figures)
    html = ag.to_html(r)
    assert html.count("<tr>") == len(r.figures) + 1 + len(r.document_rows) + 1
    assert "undefined" in ag.to_table(r)
