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

from annotator.core.agreement import NOT_ANNOTATED, CodingData
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
    assert "undefined" in ag.to_table(r)


def _team(project, docs: int = 12):
    """alice and bo on ``docs`` documents: bo labels Paris LOC in odd documents and misses Bob in every
    third; stance NONE except bo's AGAINST on document 1; a lead who annotates nothing; a gold set."""
    from annotator.core.model import Role

    import_documents(project, [NewDocument(f"Report {i}: Anna met Bob in Paris.") for i in range(docs)])
    a, b = project.ensure_annotator("alice"), project.ensure_annotator("bo")
    project.ensure_annotator("lena", Role.LEAD)
    gold = project.gold()
    lab = {n: project.label_by_name(n).id for n in ("PERSON", "GPE", "LOC")}
    none = project.label_by_name("NONE", Layer.DOCUMENT).id
    against = project.label_by_name("AGAINST", Layer.DOCUMENT).id
    for d in range(1, docs + 1):
        off = len(f"Report {d - 1}: ")
        for who in (a, b, gold):
            project.add_span(d, who.id, lab["PERSON"], off, off + 4)
            if not (who is b and d % 3 == 0):
                project.add_span(d, who.id, lab["PERSON"], off + 9, off + 12)
            project.add_span(d, who.id, lab["LOC" if who is b and d % 2 else "GPE"], off + 16, off + 21)
            project.set_document_label(d, who.id, "stance", against if (who is b and d == 1) else none)
            project.set_status(d, who.id, Status.DONE)
    return a, b


def test_intervals_are_reproducible_and_carried_by_every_format(project):
    _team(project)
    r = ag.compute(project, "entity", resamples=400, seed=5)
    again = ag.compute(project, "entity", resamples=400, seed=5)
    other = ag.compute(project, "entity", resamples=400, seed=6)
    f = r.figure(ag.F1_EXACT)
    assert f.interval == again.figure(ag.F1_EXACT).interval != other.figure(ag.F1_EXACT).interval
    assert f.interval.resamples == 400 and f.interval.seed == 5 and f.interval.low <= f.value.value <= f.interval.high
    # the interval is the percentile interval of the span F1 of resampled documents, drawn as documented
    from annotator.core.agreement import bootstrap as bs

    per_doc = []
    for d in range(1, 13):
        pc = ag.compare(*[[(s.start, s.end, project.label(s.label_id).name) for s in project.spans(d, x.id)]
                          for x in (project.annotator("alice"), project.annotator("bo"))])
        per_doc.append((sum(pc.exact.values()), sum(pc.n_a.values()) + sum(pc.n_b.values())))
    ref = bs.bootstrap(np.array(per_doc, dtype=float), bs.f1_from_sums, 400, 5)
    assert f.interval == ref
    au = r.figure(ag.ALPHA_U)
    assert au.interval is not None and au.interval.low <= au.value.value <= au.interval.high
    row = [x for x in csv.DictReader(io.StringIO(ag.to_csv(r))) if x["measure"] == ag.F1_EXACT
           and x["label"] == "(all)" and x["annotator_a"] == "(all)"][0]
    assert float(row["ci_low"]) == pytest.approx(f.interval.low, abs=5e-5) and row["resamples"] == "400"
    assert float(row["p_below_0.8"]) == pytest.approx(f.interval.below[0.8], abs=5e-4)
    assert r.to_dict()["figures"][[x.measure for x in r.figures].index(ag.F1_EXACT)]["interval"]["seed"] == 5
    assert f.interval.format() in ag.to_table(r)
    assert not any(x.interval for x in ag.compute(project, "entity", resamples=0).figures)


def test_ac1_next_to_kappa_on_skewed_stance(project):
    _team(project)
    r = ag.compute(project, "stance")
    kappa = r.figure(ag.COHEN).value
    ac1 = r.figure(ag.AC1).value
    assert kappa.value == pytest.approx(0.0)  # 11 of 12 agree, yet kappa is 0: the kappa paradox
    from annotator.core.agreement.chance import gwet_ac

    rows = [{"alice": "NONE", "bo": "AGAINST" if d == 1 else "NONE"} for d in range(1, 13)]
    ref = gwet_ac(CodingData.from_items(rows, coders=["alice", "bo"], categories=r.labels))
    assert ac1.value == pytest.approx(ref.value) and ac1.value > 0.9
    assert any("skewed" in w for w in r.figure(ag.COHEN).warnings)
    assert r.figure(ag.BP).value.value == pytest.approx((11 / 12 - 1 / 3) / (1 - 1 / 3))
    html = ag.to_html(r)
    assert "kappa paradox" in html and ag.AC1 in html
    # stance rows are all-annotator figures: no pair named; a click still compares the two who differ
    first = r.document_rows[0]
    assert first.pair is None and first.compare == ("alice", "bo") and first.document_id == 1


def test_progress_leaves_out_a_lead_who_does_not_annotate(project):
    _team(project)
    assert list(ag.compute(project, "entity", resamples=0).progress) == ["alice", "bo"]


def test_against_gold_per_label_and_over_time(project):
    _team(project)
    g = ag.gold_report(project, "entity", by=5)
    assert g.documents == 12 and g.annotators == ["alice", "bo"]
    assert g.score("alice").f1.value == 1.0
    bo = g.score("bo")
    # 36 gold spans; bo: 4 missed Bobs, 6 Paris as LOC → tp 26 of 32 marked
    assert (bo.tp, bo.predicted, bo.gold) == (26, 32, 36)
    assert bo.precision.value == pytest.approx(26 / 32) and bo.recall.value == pytest.approx(26 / 36)
    assert g.score("bo", "LOC").precision.value == 0.0 and not g.score("bo", "LOC").recall.defined
    assert [p.bucket for p in g.timeline["bo"]] == ["docs 1–5", "docs 6–10", "docs 11–12"]
    assert sum(p.scores[None].tp for p in g.timeline["bo"]) == 26
    weekly = ag.gold_report(project, "stance")
    assert len(weekly.timeline["alice"]) == 1 and weekly.timeline["alice"][0].bucket.count("-W") == 1
    assert weekly.score("bo", "AGAINST").precision.value == 0.0
    assert "bo" in ag.gold_table(g)


def test_confusion_cases_are_the_cell_counts(project):
    _team(project)
    r = ag.compute(project, "entity", resamples=0)
    lab = r.confusion_labels
    for la, lb, pair in (("GPE", "LOC", None), ("GPE", "LOC", ("alice", "bo")), ("PERSON", NOT_ANNOTATED, None)):
        cases = ag.confusion_cases(project, r, la, lb, pair)
        m = r.confusion[pair]
        assert len(cases) == m[lab.index(la)][lab.index(lb)] > 0
    c = ag.confusion_cases(project, r, "GPE", "LOC", ("alice", "bo"))[0]
    assert (c.text_a, c.text_b, c.kind) == ("Paris", "Paris", "label")


def test_html_report_is_a_document_a_lead_sends(sample_project):
    reports = [ag.compute(sample_project, layer) for layer in ag.LAYERS]
    page = ag.to_html(reports)
    assert page.startswith("<!doctype html>") and "<script" not in page
    assert not any(x in page for x in (" src=", " href=", "url(", "@import"))  # self-contained
    assert "@page { size: A4" in page and page.count("<svg") >= 6
    for raw in ("annotator_a", "undefined_reason"):
        assert raw not in page
    # a label nobody used is named once per layer, not once per pair and measure
    assert page.count("EVENT") == 1
    assert "Not used by anyone" in page
    assert "Documents with the most disagreement" in page and "Confusion matrix" in page


def test_gamma_on_request_is_the_core_gamma_of_the_counted_documents(project):
    from annotator.core.agreement import bootstrap as bs
    from annotator.core.agreement import gamma as gm

    a, b = _team(project)
    # a document whose offsets are code points after an emoji ZWJ sequence, CJK and a CRLF
    text = "👩‍🔬 Anna 在 Paris\r\nmet Bob."
    import_documents(project, [NewDocument(text)])
    d = project.count_documents()
    per = project.label_by_name("PERSON").id
    project.add_span(d, a.id, per, text.index("Anna"), text.index("Anna") + 4)
    project.add_span(d, b.id, per, text.index("Anna") + 1, text.index("Anna") + 4)  # a near miss
    project.add_span(d, a.id, per, text.index("Bob"), text.index("Bob") + 3)
    for who in (a, b):
        project.set_status(d, who.id, Status.DONE)
    r = ag.compute(project, "entity", resamples=300, seed=3, gamma_samples=12, gamma_seed=9)
    assert ag.GAMMA in r.measures and r.annotators == ["alice", "bo"]
    f = r.figure(ag.GAMMA)
    docs = []
    for doc in range(1, d + 1):
        units = [(r_, s.start, s.end, project.label(s.label_id).name)
                 for r_, x in enumerate((a, b)) for s in project.spans(doc, x.id)]
        docs.append((units, len(project.document(doc).text)))
    ref = gm.gamma(docs, 2, samples=12, seed=9, precision=ag.GAMMA_PRECISION)
    assert 5 <= ref.samples <= 12
    assert f.value.value == pytest.approx(ref.gamma.value) and f.value.items == ref.units
    assert r.figure(ag.GAMMA, pair=("alice", "bo")).value.value == pytest.approx(ref.gamma.value)
    feats = ref.doc_features[np.any(ref.doc_features != 0, axis=1)]
    iv = bs.bootstrap(feats, gm.gamma_from_sums, 300, 3)
    assert f.interval.low == pytest.approx(iv.low) and f.interval.high == pytest.approx(iv.high)
    assert f.interval.low <= f.value.value <= f.interval.high
    # how it was computed travels with every format
    assert r.to_dict()["gamma"]["samples"] == ref.samples and r.to_dict()["gamma"]["max_samples"] == 12
    assert r.to_dict()["gamma"]["seed"] == 9
    assert r.to_dict()["gamma"]["expected_disorder"] == pytest.approx(ref.expected)
    row = [x for x in csv.DictReader(io.StringIO(ag.to_csv(r))) if x["measure"] == ag.GAMMA][0]
    assert (row["gamma_samples"], row["gamma_seed"]) == (str(ref.samples), "9")
    assert float(row["ci_low"]) <= float(row["value"])
    said = f"mean of {ref.samples} shuffled corpora"
    assert said in ag.to_table(r) and "at most 12" in ag.to_table(r) and "seed 9" in ag.to_table(r)
    html_ = ag.to_html(r)
    assert "Mathet&#x27;s gamma (γ)" in html_ and said in html_
    # not asked: no γ anywhere
    plain = ag.compute(project, "entity", resamples=0)
    assert ag.GAMMA not in plain.measures and plain.figure(ag.GAMMA) is None and plain.to_dict()["gamma"] is None


def test_gamma_with_three_annotators_uses_the_documents_all_finished(sample_project):
    r = ag.compute(sample_project, "claim", resamples=0, gamma_samples=5)
    whole = r.figure(ag.GAMMA)
    assert whole.value.defined and whole.value.items == r.figure(ag.ALPHA_U).value.items
    assert all(r.figure(ag.GAMMA, pair=p) is not None for p in r.pairs())
    seen = []
    ag.compute(sample_project, "entity", resamples=0, gamma_samples=5, progress=lambda i, t, m: seen.append((i, t, m)))
    assert (0, 4 * 5, "γ: shuffled corpora") in seen  # all annotators and three pairs, 5 corpora each
    # Cancel stops between two shuffled corpora
    with pytest.raises(AnnotatorError):
        ag.compute(sample_project, "entity", resamples=0, gamma_samples=5, progress=lambda i, t, m: seen.append(m),
                   cancelled=lambda: "γ: shuffled corpora" in seen)
