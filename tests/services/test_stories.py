"""Story grouping, link edits with undo, conflict flags, claim-pairs export and link agreement."""

import pytest

from annotator.core.claim_matching import LinkKind
from annotator.core.model import Layer
from annotator.formats import REGISTRY
from annotator.formats.claim_pairs import read_pairs
from annotator.services import stories as svc
from annotator.storage.claims import ClaimStore


def add_bulletin_claim(p, who):
    """The figure the bulletin reports for troops, as an annotator would mark it."""
    doc = p.document(3)
    quote = "18,000 soldiers are deployed"
    start = doc.text.index(quote)
    a = p.annotator(who)
    return p.add_span(3, a.id, p.label_by_name("CLAIM", Layer.CLAIM).id, start, start + len(quote))


@pytest.fixture
def grouped(sample_project):
    (story,) = svc.group_stories(sample_project)
    return sample_project, story


def test_grouping_finds_the_border_story(grouped):
    p, story = grouped
    assert set(story.document_ids) == {1, 2, 3, 6}, "three reports and the social-media piece, not strike or chip"
    assert "Brezno" in story.title
    store = ClaimStore(p)
    store.set_story_documents(story.id, [1, 2, 3])  # the lead takes the social piece out by hand
    again = svc.group_stories(p)
    assert store.story(story.id).document_ids == (1, 2, 3) and store.story(story.id).origin == "manual"
    assert all(6 not in s.document_ids or s.origin == "auto" for s in again)
    assert {d for s in store.stories() for d in s.document_ids} <= {1, 2, 3, 6}


def test_link_edits_undo_redo_and_conflicts(grouped):
    p, story = grouped
    alice = p.annotator("alice")
    bulletin = add_bulletin_claim(p, "alice")
    board = svc.story_board(p, story.id, alice.id)
    assert [a.id for a in board.articles] == [1, 2, 3, 6]
    wire, herald = board.claims[1][0], board.claims[2][0]
    (flag,) = board.flags
    assert {flag.a.span_id, flag.b.span_id} == {herald.span_id, bulletin.id} and not flag.confirmed
    assert "troops" in flag.describe()

    e1 = svc.link_claims(p, alice.id, wire.span_id, herald.span_id, LinkKind.SAME)
    assert e1.before is None and e1.after.kind == LinkKind.SAME and e1.after.attrs == {}
    e2 = svc.link_claims(p, alice.id, herald.span_id, bulletin.id, LinkKind.SAME)
    assert e2.after.attrs["conflicts"][0]["quantity"] == "troops deployed"
    e3 = svc.link_claims(p, alice.id, herald.span_id, bulletin.id, LinkKind.CONTRADICTS)
    assert e3.before == e2.after and e3.after.kind == LinkKind.CONTRADICTS
    e4 = svc.confirm_conflict(p, alice.id, herald.span_id, bulletin.id)
    board = svc.story_board(p, story.id, alice.id)
    assert board.flags[0].confirmed and len(board.links) == 2
    from annotator.services.story_changes import link_change

    changes = [link_change(e) for e in (e1, e2, e3, e4)]
    for ch in reversed(changes):  # undo, through the one edit model
        p.apply(ch.inverse())
    assert ClaimStore(p).links() == []
    for ch in changes:  # redo
        p.apply(ch)
    assert ClaimStore(p).links() == svc.story_board(p, story.id, alice.id).links
    assert [ln.id for ln in ClaimStore(p).links()] == [e1.after.id, e2.after.id], "redo keeps ids"
    e5 = svc.unlink_claims(p, alice.id, bulletin.id, herald.span_id)
    assert e5.after is None and len(ClaimStore(p).links()) == 1
    p.apply(link_change(e5).inverse())
    assert ClaimStore(p).link(e2.after.id).confirmed


def test_suggestions_rank_the_troop_claims_first(grouped):
    p, story = grouped
    alice = p.annotator("alice")
    sugg = svc.suggestions(p, story.id, alice.id)
    assert sugg and {sugg[0].a.document_id, sugg[0].b.document_id} == {1, 2}
    assert sugg[0].kind == LinkKind.SAME and sugg[0].entity_overlap > 0
    svc.link_claims(p, alice.id, sugg[0].a.span_id, sugg[0].b.span_id, LinkKind.SAME)
    assert all({s.a.document_id, s.b.document_id} != {1, 2} for s in svc.suggestions(p, story.id, alice.id))


def test_claim_pairs_export(grouped, tmp_path):
    p, story = grouped
    alice = p.annotator("alice")
    bulletin = add_bulletin_claim(p, "alice")
    board = svc.story_board(p, story.id, alice.id)
    wire, herald = board.claims[1][0], board.claims[2][0]
    svc.link_claims(p, alice.id, wire.span_id, herald.span_id, LinkKind.SAME)
    svc.link_claims(p, alice.id, bulletin.id, wire.span_id, LinkKind.SUPPORTS)
    svc.confirm_conflict(p, alice.id, herald.span_id, bulletin.id)
    assert "claim-pairs" in REGISTRY
    out = tmp_path / "pairs.jsonl"
    n = svc.export_pairs(p, out, annotators=["alice"])
    rows = list(read_pairs(out))
    assert len(rows) == n and all(isinstance(r, dict) for r in rows)
    labels = sorted(r["label"] for r in rows)
    # 4 claims in 3 articles = 5 cross-article pairs: 3 linked, 2 unrelated
    assert labels == ["contradicts", "same", "supports", "unrelated", "unrelated"]
    sup = next(r for r in rows if r["label"] == "supports")
    assert sup["a"]["text"] == "18,000 soldiers are deployed" and sup["b"]["document"]["id"] == 1
    con = next(r for r in rows if r["label"] == "contradicts")
    assert con["confirmed"] and con["figures"][0]["quantity"] == "troops deployed"
    for r in rows:
        for side in ("a", "b"):
            c = r[side]
            assert p.document(c["document"]["id"]).text[c["start"]:c["end"]] == c["text"]
            assert c["text"] in c["context"]
    first = out.read_bytes()
    svc.export_pairs(p, out, annotators=["alice"], force=True)
    assert out.read_bytes() == first, "the same project state gives the same bytes"
    with pytest.raises(FileExistsError):
        svc.export_pairs(p, out)
    assert svc.export_pairs(p, tmp_path / "pos.jsonl", negatives=False) == 3


def test_link_agreement_matches_sklearn_f1(grouped):
    from sklearn.metrics import f1_score

    p, story = grouped
    for who, kinds in (("alice", (LinkKind.SAME, LinkKind.CONTRADICTS)), ("bo", (LinkKind.SAME, LinkKind.SUPPORTS))):
        a = p.annotator(who)
        bul = add_bulletin_claim(p, who)
        board = svc.story_board(p, story.id, a.id)
        wire, herald = board.claims[1][0], board.claims[2][0]
        # same offsets in both annotators' spans: the links are comparable
        svc.link_claims(p, a.id, herald.span_id, wire.span_id, kinds[0])
        svc.link_claims(p, a.id, bul.id, herald.span_id, kinds[1])
    res = svc.link_agreement(p, ["alice", "bo"])
    (pair,) = res["pairs"]
    store = ClaimStore(p)
    ka = {svc.link_key(p, ln) for ln in store.links(annotator_id=p.annotator("alice").id)}
    kb = {svc.link_key(p, ln) for ln in store.links(annotator_id=p.annotator("bo").id)}
    universe = sorted(ka | kb)
    expected = f1_score([k in ka for k in universe], [k in kb for k in universe])
    assert pair["f1"] == pytest.approx(expected) == pytest.approx(0.5)
    assert pair["f1_unlabelled"] == pytest.approx(1.0)
    assert res["mean_f1"] == pytest.approx(0.5)


def _alice_confirms_a_conflict(p, story):
    """alice links the herald's 15,000 claim to the bulletin's 18,000 as contradicting, and confirms it."""
    alice = p.annotator("alice")
    bulletin = add_bulletin_claim(p, "alice")
    board = svc.story_board(p, story.id, alice.id)
    herald = board.claims[2][0]
    svc.link_claims(p, alice.id, herald.span_id, bulletin.id, LinkKind.CONTRADICTS)
    svc.confirm_conflict(p, alice.id, herald.span_id, bulletin.id)
    return herald


def test_native_export_carries_stories_and_links(grouped, tmp_path):
    from annotator.formats.native import read
    from annotator.services.exporting import ExportOptions, export

    p, story = grouped
    herald = _alice_confirms_a_conflict(p, story)
    out = tmp_path / "alice.annotator.jsonl"
    export(p, ExportOptions("native", out, annotator="alice"))
    recs = {r.content_hash: r for r in read(out)}
    doc2, doc3 = p.document(2), p.document(3)
    (ln,) = recs[doc2.content_hash].extra["claim_links"]
    assert (ln["kind"], ln["confirmed"], doc2.text[ln["start"]:ln["end"]]) == ("contradicts", True, herald.text)
    t = ln["target"]
    assert t["hash"] == doc3.content_hash and doc3.text[t["start"]:t["end"]] == "18,000 soldiers are deployed"
    assert ln["attrs"]["conflicts"][0]["quantity"] == "troops deployed"
    assert recs[doc2.content_hash].extra["stories"] == [{"id": story.id, "title": story.title, "origin": "auto"}]
    assert "claim_links" not in recs[doc3.content_hash].extra, "a link is written once, at its source"
    # bo linked nothing: his export has stories but no links
    export(p, ExportOptions("native", tmp_path / "bo.annotator.jsonl", annotator="bo"))
    assert all("claim_links" not in r.extra for r in read(tmp_path / "bo.annotator.jsonl"))


def test_native_round_trip_keeps_stories_and_links(grouped, tmp_path):
    """export native → import into a new project → export native: the same bytes, links included."""
    from annotator.core.schema import load_schema
    from annotator.services.exporting import ExportOptions, export
    from annotator.services.interchange import import_annotations
    from annotator.services.sample import default_schema_path
    from annotator.storage import Project

    p, story = grouped
    _alice_confirms_a_conflict(p, story)
    first = tmp_path / "first.jsonl"
    export(p, ExportOptions("native", first, annotator="alice", all_documents=True))
    with Project.create(tmp_path / "copy.annotator", load_schema(default_schema_path())) as q:
        rep = import_annotations(q, first, "native")
        assert rep.claim_links == 1 and rep.stories == 1 and not rep.errors
        again = import_annotations(q, first, "native")  # the work is there already: nothing twice
        assert again.claim_links == 0 and again.stories == 0
        import_annotations(q, first, "native", replace=True)  # replaced work: its links made anew, once
        assert len(ClaimStore(q).stories()) == 1
        (ln,) = ClaimStore(q).links()
        assert ln.kind == LinkKind.CONTRADICTS and ln.confirmed
        second = tmp_path / "second.jsonl"
        export(q, ExportOptions("native", second, annotator="alice", all_documents=True))
    assert second.read_bytes() == first.read_bytes()


# ------------------------------------------------------------------ like with like, honest figures
ARTICLES = {
    "wire": "Veldoria has sent more than 10,000 troops to the border with Ostrava, officials said.",
    "herald": "Roughly 15,000 Veldorian troops are now stationed along the Ostrava border.",
    "casualties": "At least 2,000 Veldorian soldiers have been killed near the Ostrava border since March.",
    "bare": "Ostrava says 2,000 soldiers killed at the Veldorian border.",
}


@pytest.fixture
def border(project):
    """Four short reports of one event, each one claim (the whole first sentence) by alice."""
    from annotator.core.model import NewDocument
    from annotator.services.importing import import_documents

    rep = import_documents(project, [NewDocument(t, k) for k, t in ARTICLES.items()])
    alice = project.ensure_annotator("alice")
    claim = project.label_by_name("CLAIM", Layer.CLAIM).id
    ids = dict(zip(ARTICLES, rep.document_ids))
    spans = {k: project.add_span(ids[k], alice.id, claim, 0, len(t)) for k, t in ARTICLES.items()}
    story = ClaimStore(project).create_story("border", list(ids.values()))
    return project, story, alice, spans


def test_casualty_claims_never_pair_with_deployment_claims(border):
    p, story, alice, spans = border  # noqa: RUF059
    sugg = svc.suggestions(p, story.id, alice.id, threshold=0.0)
    pairs = {frozenset((s.a.span_id, s.b.span_id)): s for s in sugg}
    deployment = {spans["wire"].id, spans["herald"].id}
    casualty = {spans["casualties"].id, spans["bare"].id}
    assert all(not (set(k) & deployment and set(k) & casualty) for k in pairs), "even at threshold 0"
    top = pairs[frozenset(deployment)]
    for_wire = [x for x in sugg if spans["wire"].id in (x.a.span_id, x.b.span_id)]
    assert for_wire == [top] and top.kind == LinkKind.SAME and top.conflicts == (), \
        "more than 10,000 and roughly 15,000 troops: compatible, the wire claim's only suggestion"
    assert pairs[frozenset(casualty)].kind == LinkKind.SAME
    assert svc.story_board(p, story.id, alice.id).flags == [], "no casualty figure is flagged against troops sent"


def test_negatives_only_from_annotators_who_linked_in_the_story(border):
    p, story, alice, spans = border  # noqa: RUF059
    bo = p.ensure_annotator("bo")
    claim = p.label_by_name("CLAIM", Layer.CLAIM).id
    for s in spans.values():  # bo marked the same claims but linked nothing
        p.add_span(s.document_id, bo.id, claim, s.start, s.end)
    assert svc.pair_records(p) == [], "nobody linked: no pair says 'unrelated'"
    svc.link_claims(p, alice.id, spans["wire"].id, spans["herald"].id, LinkKind.SAME)
    rows = svc.pair_records(p)
    assert {r["annotator"] for r in rows} == {"alice"}, "bo never linked in this story"
    assert sorted(r["label"] for r in rows) == ["same"] + ["unrelated"] * 5


def test_link_agreement_is_undefined_when_neither_linked(border):
    p, story, alice, spans = border  # noqa: RUF059
    p.ensure_annotator("bo")
    res = svc.link_agreement(p, ["alice", "bo"])
    (pair,) = res["pairs"]
    assert pair["f1"] is None and pair["f1_unlabelled"] is None and res["mean_f1"] is None
    assert pair["undefined_reason"] == "neither annotator linked any claims"
    svc.link_claims(p, alice.id, spans["wire"].id, spans["herald"].id, LinkKind.SAME)
    (pair,) = svc.link_agreement(p, ["alice", "bo"])["pairs"]
    assert pair["f1"] == 0.0, "one linked, the other did not: they disagree"
