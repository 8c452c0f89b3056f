"""Review service: candidates, thresholds, disagreements, operations with undo, queue, assignment, CLI."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from annotator.cli import main
from annotator.core.model import Layer, NewDocument, Status
from annotator.services import review as rv
from annotator.services.importing import import_documents

# emoji (astral), CJK, a combining mark and a former CRLF line break
TEXT = "Ana 👩🏽‍🚀 met 東京 officials.\nJox\u0301 Díaz said 3 tanks."


@pytest.fixture
def three(project):
    """One document, three annotators who finished it, with a mix of agreement and disagreement."""
    import_documents(project, [NewDocument(TEXT.replace("\n", "\r\n"), title="t")])
    [doc] = project.documents()
    assert doc.text == TEXT
    L = {lab.name: lab.id for lab in project.labels()}
    people = {n: project.ensure_annotator(n) for n in ("ann", "ben", "cat")}

    def at(quote):
        s = doc.text.index(quote)
        return s, s + len(quote)

    work = {
        "ann": [("PERSON", "Ana"), ("GPE", "東京"), ("PERSON", "Jox\u0301 Díaz"), ("CARDINAL", "3 tanks")],
        "ben": [("PERSON", "Ana"), ("GPE", "東京"), ("PERSON", "Jox\u0301"), ("CARDINAL", "3")],
        "cat": [("PERSON", "Ana"), ("LOC", "東京"), ("PERSON", "Jox\u0301 Díaz")],
    }
    for name, spans in work.items():
        for lab, quote in spans:
            project.add_span(doc.id, people[name].id, L[lab], *at(quote))
        project.set_status(doc.id, people[name].id, Status.DONE)
    stance = {"ann": "FAVOR", "ben": "FAVOR", "cat": "AGAINST"}
    for name, lab in stance.items():
        project.set_document_label(doc.id, people[name].id, "stance", L[lab])
    return project, doc, at, L


def _regions(rev):
    return {(rev.text[r.start:r.end] if r.layer != Layer.DOCUMENT else "stance"): r for r in rev.regions}


def test_candidates_regions_and_kinds(three):
    p, doc, at, L = three
    rev = rv.review_document(p, doc.id)
    assert rev.annotators == ["ann", "ben", "cat"]
    r = _regions(rev)
    assert set(r) == {"Ana", "東京", "Jox\u0301 Díaz", "3 tanks", "stance"}
    assert r["Ana"].kind is None and r["Ana"].agreed.annotators == ("ann", "ben", "cat")
    assert r["東京"].kind == rv.LABEL
    assert [(c.label, c.annotators) for c in r["東京"].candidates] == [("GPE", ("ann", "ben")), ("LOC", ("cat",))]
    assert r["Jox\u0301 Díaz"].kind == rv.BOUNDARY
    assert r["3 tanks"].kind == rv.BOUNDARY and r["3 tanks"].agreed is None  # 1 vs 1 of 3: no majority
    assert r["stance"].kind == rv.STANCE_KIND and r["stance"].agreed.label == "FAVOR"
    s, e = at("東京")
    assert r["東京"].who_said_what() == {"ann": [f"GPE [{s}, {e})"], "ben": [f"GPE [{s}, {e})"],
                                         "cat": [f"LOC [{s}, {e})"]}
    assert len(rev.disagreements) == 4 and len(rev.unresolved) == 5


@pytest.mark.parametrize(("threshold", "expected"), [
    ("all", {"Ana"}),
    ("majority", {"Ana", "東京", "Jox\u0301 Díaz", "stance"}),
    ("1", set()),  # every region has two versions or one: N=1 makes several versions meet it → none chosen
    ("2", {"Ana", "東京", "Jox\u0301 Díaz", "stance"}),
    ("3", {"Ana"}),
])
def test_threshold_decides_what_is_pre_accepted(three, threshold, expected):
    p, doc, _at, _L = three
    rev = rv.review_document(p, doc.id, threshold=threshold)
    got = {k for k, r in _regions(rev).items() if r.agreed is not None}
    if threshold == "1":
        expected = {k for k, r in _regions(rev).items() if len(r.candidates) == 1}
    assert got == expected


def test_threshold_parse():
    assert rv.Threshold.parse("all").met(3, 3) and not rv.Threshold.parse("all").met(2, 3)
    assert rv.Threshold.parse("majority").met(2, 3) and not rv.Threshold.parse("majority").met(1, 2)
    assert rv.Threshold.parse("2").met(2, 5) and not rv.Threshold.parse("2").met(1, 5)
    assert rv.Threshold.parse("3").met(2, 2)  # fewer annotators than N: all of them
    with pytest.raises(rv.ReviewError):
        rv.Threshold.parse("most")


def test_accept_agreed_then_decide_with_provenance_and_undo(three):
    p, doc, at, L = three
    gold = p.gold()
    rev = rv.review_document(p, doc.id)
    ch = rv.accept_agreed(p, rev, "lead")
    got = sorted((p.label(s.label_id).name, doc.text[s.start:s.end]) for s in p.spans(doc.id, gold.id))
    assert got == [("GPE", "東京"), ("PERSON", "Ana"), ("PERSON", "Jox\u0301 Díaz")]
    ana = next(s for s in p.spans(doc.id, gold.id) if doc.text[s.start:s.end] == "Ana")
    prov = ana.attrs["provenance"]
    assert prov["agreed"] == ["ann", "ben", "cat"] and prov["adjudicator"] == "lead" and prov["decision"] == "auto"
    assert prov["at"].endswith("+00:00")
    assert p.label(p.document_labels(doc.id, gold.id)[0].label_id).name == "FAVOR"
    assert rv.record(p, doc.id)["stance"]["agreed"] == ["ann", "ben"]

    rev = rv.review_document(p, doc.id)
    [open_] = rev.unresolved
    assert doc.text[open_.start:open_.end] == "3 tanks"
    # accept ben's shorter version (candidate order: support, then position)
    cand = next(c for c in open_.candidates if c.annotators == ("ben",))
    ch2 = rv.accept(p, doc.id, open_, cand, "lead")
    [added] = [e.after for e in ch2.spans if e.added]
    new = p.span(added.id)
    assert (new.start, new.end) == at("3") and new.attrs["provenance"]["agreed"] == ["ben"]
    # change of mind: edit in place to the full phrase
    rev = rv.review_document(p, doc.id)
    region = next(r for r in rev.regions if r.start == at("3 tanks")[0] and r.layer == Layer.ENTITY)
    assert region.resolved and [s.id for s in region.gold] == [new.id]
    ch3 = rv.edit(p, doc.id, region, *at("3 tanks"), L["CARDINAL"], "lead")
    assert [e.before.id for e in ch3.spans if e.removed] == [new.id]
    [added3] = [e.after for e in ch3.spans if e.added]
    assert p.span(added3.id).attrs["provenance"] == {**added3.attrs["provenance"], "agreed": ["ann"]}
    assert not rv.review_document(p, doc.id).unresolved

    # undo the three operations in reverse order: back to an empty gold set exactly
    for c in (ch3, ch2):
        p.apply(c.inverse())
    assert p.span(ana.id) == ana
    assert new.id not in {s.id for s in p.spans(doc.id, gold.id)}
    p.apply(ch2)  # redo: the span returns under its id
    assert p.span(new.id) == new
    p.apply(ch2.inverse())
    p.apply(ch.inverse())
    assert p.spans(doc.id, gold.id) == [] and p.document_labels(doc.id, gold.id) == []
    assert rv.record(p, doc.id) == {}


def test_pending_suggestions_are_not_votes(three):
    from annotator.core.model import Origin

    p, doc, at, L = three
    before = [(r.start, r.end, [c.annotators for c in r.candidates]) for r in rv.review_document(p, doc.id).regions]
    ann = p.annotator("ann")
    p.add_span(doc.id, ann.id, L["ORG"], *at("officials"), origin=Origin.PATTERN)
    after = [(r.start, r.end, [c.annotators for c in r.candidates]) for r in rv.review_document(p, doc.id).regions]
    assert after == before


def test_reject_records_and_removes(three):
    p, doc, at, L = three
    gold = p.gold()
    rev = rv.review_document(p, doc.id)
    rv.accept_agreed(p, rev, "lead")
    region = _regions(rv.review_document(p, doc.id))["東京"]
    ch = rv.reject(p, doc.id, region, "lead")
    assert all(doc.text[s.start:s.end] != "東京" for s in p.spans(doc.id, gold.id))
    region = _regions(rv.review_document(p, doc.id))["東京"]
    assert region.resolved and region.rejected
    p.apply(ch.inverse())
    region = _regions(rv.review_document(p, doc.id))["東京"]
    assert region.resolved and not region.rejected and len(region.gold) == 1


def test_export_of_gold_after_review(three, tmp_path):
    from annotator.services.exporting import ExportOptions, export

    p, doc, at, L = three
    rv.accept_agreed(p, rv.review_document(p, doc.id), "lead")
    rv.set_reviewed(p, doc.id)
    out = tmp_path / "gold.jsonl"
    export(p, ExportOptions("native", out, gold=True))
    header, rec = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert header["view"] == "gold" and rec["status"] == "done" and rec["cats"] == {"stance": "FAVOR"}
    spans = {(rec["text"][s["start"]:s["end"]], s["label"]): s for s in rec["spans"]}
    assert set(spans) == {("Ana", "PERSON"), ("東京", "GPE"), ("Jox\u0301 Díaz", "PERSON")}
    assert spans[("東京", "GPE")]["attrs"]["provenance"]["agreed"] == ["ann", "ben"]
    assert spans[("東京", "GPE")]["origin"] == "adjudication"


def test_queue_orders_by_disagreement_and_flags(sample_project):
    p = sample_project
    q = rv.review_queue(p)
    expect = []
    for d in p.document_ids():
        rev = rv.review_document(p, d)
        if rev.annotators:
            expect.append((-len([r for r in rev.disagreements if not r.resolved]), d))
    assert [i.document_id for i in q.items] == [d for _n, d in sorted(expect)]
    assert all(i.flagged == (len(i.annotators) < 2) for i in q.items)
    q3 = rv.review_queue(p, min_annotators=3)
    assert {i.document_id for i in q3.flagged} == {i.document_id for i in q.items if len(i.annotators) < 3}
    assert q.reviewed == 0
    rv.set_reviewed(p, q.items[0].document_id)
    q = rv.review_queue(p)
    assert q.reviewed == 1 and q.items[-1].reviewed  # reviewed ones sink to the end
    assert q.progress().startswith("1 of ")


def test_assignment_overlap_balance_and_seed():
    docs = list(range(1, 101))
    plan = rv.plan_assignment(docs, ["a", "b", "c"], 0.2, seed=7)
    counts = Counter(d for ds in plan.values() for d in ds)
    assert set(counts) == set(docs)
    assert sum(1 for c in counts.values() if c == 2) == 20 and max(counts.values()) == 2
    loads = [len(v) for v in plan.values()]
    assert max(loads) - min(loads) <= 1 and sum(loads) == 120
    pairs = Counter(tuple(sorted(n for n, ds in plan.items() if d in ds)) for d, c in counts.items() if c == 2)
    assert set(pairs) == {("a", "b"), ("a", "c"), ("b", "c")} and max(pairs.values()) - min(pairs.values()) <= 1
    assert plan == rv.plan_assignment(docs, ["a", "b", "c"], 0.2, seed=7)
    assert plan != rv.plan_assignment(docs, ["a", "b", "c"], 0.2, seed=8)
    with pytest.raises(rv.ReviewError):
        rv.plan_assignment(docs, ["a"], 0.2, seed=1)


def test_cli_assign_queue_auto_accept(sample_project, capsys):
    p = sample_project
    path = str(p.path)
    assert main(["assign", "--project", path, "--annotators", "alice,bo,chen", "--overlap", "0.5", "--seed", "4",
                 "--format", "json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan == rv.plan_assignment(p.document_ids(), ["alice", "bo", "chen"], 0.5, 4)
    assert p.assignments(p.annotator("bo").id) == plan["bo"]
    assert rv.my_queue(p, p.annotator("bo").id)[0][0] == plan["bo"][0]
    assert main(["review", "queue", "--project", path, "--format", "json"]) == 0
    q = json.loads(capsys.readouterr().out)
    assert [d["id"] for d in q["documents"]] == [i.document_id for i in rv.review_queue(p).items]
    assert main(["review", "auto-accept", "--project", path, "--threshold", "all"]) == 0
    assert "pre-accepted" in capsys.readouterr().out
    gold = p.gold()
    n = sum(len(p.spans(d, gold.id)) for d in p.document_ids())
    expect = sum(1 for d in p.document_ids() for r in rv.review_document(p, d).regions
                 if r.layer != Layer.DOCUMENT and r.kind is None)
    assert n == expect > 0


def test_claims_with_claimants_compare_by_claimant_and_gold_links_its_own_entity(three):
    """A claim's version includes who makes it (the claimant relation to an entity span); the
    gold claim accepted with its entity in one step points at gold's entity, not a name."""
    p, doc, at, L = three
    claim_label = next(lab for lab in p.labels() if lab.layer == Layer.CLAIM)
    people = {a.name: a for a in p.annotators()}
    sentence = at("Jox\u0301 Díaz said 3 tanks")
    for name, who in (("ann", "Jox\u0301 Díaz"), ("cat", "Jox\u0301 Díaz"), ("ben", "Ana")):
        a = people[name]
        claim = p.add_span(doc.id, a.id, claim_label.id, *sentence)
        entity = next(s for s in p.spans(doc.id, a.id) if (s.start, s.end) == at(who))
        p.set_claimant(claim.id, entity.id)
    rev = rv.review_document(p, doc.id)  # raised TypeError (unhashable list) with claimants
    region = next(r for r in rev.regions if r.layer == Layer.CLAIM)
    assert region.kind == rv.ATTRIBUTES
    by_who = {c.annotators: dict(c.attrs) for c in region.candidates}
    assert by_who[("ann", "cat")]["claimant"] == "Jox\u0301 Díaz"
    assert by_who[("ann", "cat")]["claimant_at"] == at("Jox\u0301 Díaz")
    assert by_who[("ben",)]["claimant"] == "Ana"
    assert region.agreed is not None and region.agreed.annotators == ("ann", "cat")

    rv.accept_agreed(p, rev, "lead")
    gold = p.gold()
    [gold_claim] = p.claims(doc.id, gold.id).values()
    assert gold_claim.claimant is not None  # a relation to gold's entity, accepted in the same step
    assert (gold_claim.claimant.start, gold_claim.claimant.end) == at("Jox\u0301 Díaz")
    assert gold_claim.claimant.annotator_id == gold.id
    assert "claimant" not in gold_claim.span.attrs and "claimant_at" not in gold_claim.span.attrs
    # reviewing again: the claim region is resolved and gold's version reads the same
    again = rv.review_document(p, doc.id)
    assert next(r for r in again.regions if r.layer == Layer.CLAIM).resolved
