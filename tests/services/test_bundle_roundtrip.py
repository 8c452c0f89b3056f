"""A lead's whole project through bundles and back: project → one bundle per annotator (the
adjudicated set included) → ``annotator merge`` into a master file that does not exist yet →
the native export of every annotator is byte-identical, with claim links, stories, review
rejections and suggestion rejections."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
import pytest

from annotator.core.claim_matching import LinkKind
from annotator.core.model import GOLD_ANNOTATOR, Layer
from annotator.services import bundles
from annotator.services import preannotate as pa
from annotator.services import review as rv
from annotator.services import stories as sv
from annotator.services.exporting import ExportOptions, export
from annotator.services.sample import open_or_create_default
from annotator.storage import Project
from annotator.storage.claims import ClaimStore

FIXTURES = Path(__file__).parent.parent / "fixtures" / "bundles"


def _lead_day(p: Project, tmp_path: Path) -> dict:
    """Stories, claim links, suggestions accepted and rejected, review accepts and rejections."""
    (story,) = sv.group_stories(p)
    alice = p.annotator("alice")
    doc3 = p.document(3)
    q = "18,000 soldiers are deployed"
    bulletin = p.add_span(3, alice.id, p.label_by_name("CLAIM", Layer.CLAIM).id, doc3.text.index(q),
                          doc3.text.index(q) + len(q))
    board = sv.story_board(p, story.id, alice.id)
    wire, herald = board.claims[1][0], board.claims[2][0]
    sv.link_claims(p, alice.id, wire.span_id, herald.span_id, LinkKind.SAME)
    sv.link_claims(p, alice.id, herald.span_id, bulletin.id, LinkKind.CONTRADICTS)
    sv.confirm_conflict(p, alice.id, herald.span_id, bulletin.id)
    # pre-annotation: alice rejects one suggestion, accepts one, leaves the rest pending
    terms = tmp_path / "GPE.txt"
    terms.write_text("Brezno\nKarsk\nOstra\n")
    pa.run(p, pa.make_suggester(p, pa.load_rules(terms)), alice.id)
    pending = pa.suggestions(p, alice.id)
    assert len(pending) >= 3
    rejected = pa.reject(p, [pending[0]])
    pa.accept(p, [pending[1]], "alice")
    # the lead reviews document 1: rejects one disagreement, accepts another, marks it reviewed
    rev = rv.review_document(p, 1)
    regions = rev.disagreements
    assert len(regions) >= 2
    rv.reject(p, 1, regions[0], "lead")
    rv.accept(p, 1, regions[1], regions[1].candidates[0], "lead")
    rv.accept_agreed(p, rv.review_document(p, 1), "lead")
    rv.set_reviewed(p, 1)
    return {"rejected": rejected.spans[0].before, "story": story}


def _native(p: Project, name: str, out: Path) -> bytes:
    export(p, ExportOptions("native", out, annotator=name, suggestions=True, force=True))
    return out.read_bytes()


def test_project_to_bundles_to_a_new_master_loses_nothing(tmp_path, cli):
    src = open_or_create_default(tmp_path / "team.annotator")
    day = _lead_day(src, tmp_path)
    names = [a.name for a in src.annotators()] + [GOLD_ANNOTATOR]
    paths = []
    for name in names:
        paths.append(tmp_path / f"{name}.annbundle")
        rep = bundles.export_bundle(src, name, paths[-1], with_text=True)
        assert rep.not_carried == []
    alice_rep = bundles.read_bundle(tmp_path / "alice.annbundle")
    assert len(alice_rep.claim_links) == 2 and len(alice_rep.stories) == 1 and len(alice_rep.rejected) == 1
    assert bundles.read_bundle(tmp_path / "gold.annbundle").review, "the lead's review records travel"

    master_path = tmp_path / "master.annotator"
    r = cli("merge", *paths, "--project", master_path, check=0)
    assert "created master project" in r.stderr and f"{len(names)} bundles merged" in r.stdout
    assert "not merged" not in r.stdout + r.stderr
    master = Project.open(master_path)
    assert master.schema().to_dict() == src.schema().to_dict(), "stance target and claim stances included"

    for name in names:
        assert _native(master, name, tmp_path / f"m-{name}.jsonl") == _native(src, name, tmp_path / f"s-{name}.jsonl"), name

    # the review: the same regions resolved and rejected, by the same lead
    a, b = rv.review_document(src, 1), rv.review_document(master, 1)
    assert [(r.key(), r.resolved, r.rejected) for r in a.regions] == [(r.key(), r.resolved, r.rejected)
                                                                       for r in b.regions]
    assert b.reviewed and rv.record(master, 1) == rv.record(src, 1)
    assert rv.record(master, 1)["rejected_by"], "who rejected, and when"
    # the rejected suggestion does not come back when pre-annotation runs again in the master
    gone = day["rejected"]
    m_alice = master.annotator("alice")
    before = len(pa.suggestions(master, m_alice.id))
    again = pa.run(master, pa.make_suggester(master, pa.load_rules(tmp_path / "GPE.txt")), m_alice.id)
    assert again.rejected == 1 and again.suggestions == 0 and len(pa.suggestions(master, m_alice.id)) == before
    text = src.document(gone.document_id).text[gone.start:gone.end]
    did = master.document_by_hash(src.document(gone.document_id).content_hash)
    assert all(master.document(did).text[s.start:s.end] != text or s.start != gone.start
               for s in master.spans(did, m_alice.id))
    # stories and links
    assert [(s.title, s.origin) for s in ClaimStore(master).stories()] == [(day["story"].title, "auto")]
    assert ClaimStore(master).link_count(m_alice.id) == 2
    master.close()
    src.close()


def test_what_a_bundle_cannot_carry_is_said(tmp_path):
    p = open_or_create_default(tmp_path / "team.annotator")
    (story,) = sv.group_stories(p)
    alice, bo = p.annotator("alice"), p.annotator("bo")
    board = sv.story_board(p, story.id, alice.id)
    bo_claim = sv.story_board(p, story.id, bo.id).claims[2][0]
    sv.link_claims(p, alice.id, board.claims[1][0].span_id, bo_claim.span_id, LinkKind.SAME)  # to bo's claim
    p.assign(alice.id, [1, 2])
    rep = bundles.export_bundle(p, "alice", tmp_path / "alice.annbundle")
    assert rep.claim_links == 0
    text = rep.summary()
    assert "not in the bundle: 1 claim link to claims marked by someone else" in text
    assert "not in the bundle: 2 assignments" in text
    p.close()


def test_merge_reports_work_on_documents_the_master_lacks(tmp_path, cli):
    src = open_or_create_default(tmp_path / "team.annotator")
    _lead_day(src, tmp_path)
    bundles.export_bundle(src, "alice", tmp_path / "alice.annbundle")  # no texts
    bundles.export_bundle(src, "gold", tmp_path / "gold.annbundle")
    r = cli("merge", tmp_path / "alice.annbundle", tmp_path / "gold.annbundle", "--project",
            tmp_path / "empty.annotator")
    assert r.returncode == 1, "the new master has no documents: nothing could go in, and it says so"
    out = r.stdout + r.stderr
    assert "not merged:" in out and "claim links on claims in documents the project does not have" in out
    assert "rejected suggestion in documents the project does not have" in out
    assert "review records of 1 document the project does not have" in out
    assert "missing:" in out
    src.close()


def test_a_version_1_bundle_still_merges(tmp_path):
    """``alice-v1.annbundle`` was written by the version 1 exporter (before claim links and
    decisions were carried) from the sample project."""
    fixture = FIXTURES / "alice-v1.annbundle"
    assert orjson.loads(gzip.decompress(fixture.read_bytes()))["version"] == 1
    src = open_or_create_default(tmp_path / "sample.annotator")
    master = Project.create(tmp_path / "master.annotator", src.schema())
    report = bundles.merge_bundles(master, [fixture])
    (res,) = report.results
    assert res.action == "merged" and res.added_documents == 3, "the documents alice worked on, with texts"
    assert any("version 1 bundle carries no claim links" in n for n in res.notes)
    a_src, a_master = src.annotator("alice"), master.annotator("alice")
    worked = [d for d in src.documents() if src.spans(d.id, a_src.id)]
    assert len(worked) == 3
    for d in worked:
        m = master.document_by_hash(d.content_hash)
        assert [(s.start, s.end, s.attrs) for s in master.spans(m, a_master.id)] == \
               [(s.start, s.end, s.attrs) for s in src.spans(d.id, a_src.id)]
    assert report.ok, "nothing was lost: the notes only say what a v1 bundle never had"
    master.close()
    src.close()


@pytest.mark.parametrize("bad", ["claim_links", "review"])
def test_damaged_v2_sections_are_refused(tmp_path, bad):
    p = open_or_create_default(tmp_path / "team.annotator")
    out = tmp_path / "alice.annbundle"
    bundles.export_bundle(p, "alice", out)
    data = orjson.loads(gzip.decompress(out.read_bytes()))
    data[bad] = [{"source": [99, 0], "target": [0, 0], "kind": "same"}] if bad == "claim_links" else ["x"]
    data["digest"] = bundles._digest(data)
    out.write_bytes(orjson.dumps(data))
    with pytest.raises(Exception, match="damaged bundle"):
        bundles.read_bundle(out)
    p.close()
