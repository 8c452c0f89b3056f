"""Bundles and merge: an annotator's work goes out as one file and into a master project.

Run against both storage backends (``backend`` fixture: SQLite, and PostgreSQL when
``tests/pg.py`` can start a server)."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
import pytest

from annotator.core.errors import InputError
from annotator.core.model import Layer, NewDocument, NewSpan, Origin, Role, Status
from annotator.core.schema import load_schema
from annotator.core.text import content_hash
from annotator.services import bundles
from annotator.services.bundles import Cancelled, SchemaConflict, export_bundle, merge_bundles, read_bundle
from annotator.services.importing import import_documents
from annotator.services.sample import default_schema_path, seed_sample
from annotator.storage import Project

# emoji (outside the BMP), CJK, a combining mark, and text that had CRLF line breaks
HARD_TEXT = "Ministry 🇺🇦 says 北京 talks resume.\r\nCafe\u0301 owner José said: “No deal.”\r\nEnd 👍🏽."


def _work(project: Project, name: str) -> dict:
    """Everything an annotator did, keyed by content hash and label name (not by local ids)."""
    who = project.annotator(name)
    if who is None:
        return {}
    labels = {lab.id: (lab.layer.value, lab.name) for lab in project.labels()}
    hashes = {d.id: d.content_hash for d in project.documents()}
    out = {}
    for did, h in hashes.items():
        spans = project.spans(did, who.id)
        pos = {s.id: i for i, s in enumerate(spans)}
        entry = (
            tuple((labels[s.label_id], s.start, s.end, tuple(sorted(s.attrs.items())), s.origin) for s in spans),
            tuple(sorted(labels[d.label_id] for d in project.document_labels(did, who.id))),
            project.statuses(who.id).get((did, who.id)),
            tuple(sorted((pos[r.head_span_id], pos[r.tail_span_id], r.kind) for r in project.relations(did, who.id))),
        )
        if entry != ((), (), None, ()):
            out[h] = entry
    return out


@pytest.fixture
def laptop(tmp_path):
    """An annotator's own copy: the sample project plus a hard-text document with spans and a relation."""
    p = Project.create(tmp_path / "laptop.annotator")
    seed_sample(p)
    spans = [NewSpan(HARD_TEXT.index(q), HARD_TEXT.index(q) + len(q), label)
             for q, label in (("🇺🇦", "GPE"), ("北京", "GPE"), ("José", "PERSON"))]
    rep = import_documents(p, [NewDocument(HARD_TEXT, "Hard text", spans=spans)], annotator="alice")
    assert rep.added == 1 and rep.spans == 3
    alice = p.annotator("alice")
    doc = p.document(rep.document_ids[0])
    assert "\r" not in doc.text
    assert sorted(doc.text[s.start:s.end] for s in p.spans(doc.id)) == ["José", "北京", "🇺🇦"]
    start = doc.text.index("No deal.")
    claim = p.add_span(doc.id, alice.id, p.label_by_name("CLAIM", Layer.CLAIM).id, start, start + 8,
                       {"stance": "refutes", "claimant": "José"})
    person = [s for s in p.spans(doc.id, alice.id) if doc.text[s.start:s.end] == "José"][0]
    p.add_relation(alice.id, claim.id, person.id, "claimant")
    p.set_document_label(doc.id, alice.id, "stance", p.label_by_name("AGAINST", Layer.DOCUMENT).id)
    p.set_status(doc.id, alice.id, Status.DONE)
    yield p
    p.close()


@pytest.fixture
def master(backend):
    """The lead's project: same articles and schema, nobody's work yet."""
    p = backend("master")
    seed_sample(p, with_annotations=False)
    yield p


def test_round_trip_preserves_everything(tmp_path, laptop, master):
    out = tmp_path / "alice.annbundle"
    rep = export_bundle(laptop, "alice", out)
    assert rep.relations == 1 and rep.documents >= 4
    assert out.read_bytes()[:2] == b"\x1f\x8b"  # one compact file
    # the hard-text document is not in the master and the bundle has no text: reported, not added
    report = merge_bundles(master, [out])
    (res,) = report.results
    assert res.action == "merged"
    assert [h for h, _ in res.missing] == [content_hash(laptop.document(max(laptop.document_ids())).text)]
    expected = {h: w for h, w in _work(laptop, "alice").items() if h != res.missing[0][0]}
    assert _work(master, "alice") == expected
    assert not report.ok  # something was missing: the CLI exits 1


def test_with_text_adds_missing_documents_with_exact_offsets(tmp_path, laptop, master):
    out = tmp_path / "alice.annbundle"
    export_bundle(laptop, "alice", out, with_text=True)
    report = merge_bundles(master, [out])
    (res,) = report.results
    assert res.added_documents == 1 and res.missing == [] and report.ok
    assert _work(master, "alice") == _work(laptop, "alice")
    did = master.document_by_hash(content_hash(laptop.document(max(laptop.document_ids())).text))
    doc = master.document(did)
    assert sorted(doc.text[s.start:s.end] for s in master.spans(did)) == ["José", "No deal.", "北京", "🇺🇦"]
    assert doc.text == laptop.document(max(laptop.document_ids())).text


def test_a_text_in_one_bundle_serves_the_others(tmp_path, laptop, master):
    hard = laptop.document(max(laptop.document_ids()))
    bo = laptop.annotator("bo")
    laptop.add_span(hard.id, bo.id, laptop.label_by_name("GPE", Layer.ENTITY).id, 0, 8)
    a, b = tmp_path / "alice.annbundle", tmp_path / "bo.annbundle"
    export_bundle(laptop, "alice", a)  # no texts
    export_bundle(laptop, "bo", b, with_text=True)
    report = merge_bundles(master, [a, b])
    assert report.ok and report.missing == 0
    assert sum(r.added_documents for r in report.results) == 1
    assert _work(master, "alice") == _work(laptop, "alice") and _work(master, "bo") == _work(laptop, "bo")


def test_same_bundle_twice_changes_nothing(tmp_path, laptop, master):
    out = tmp_path / "alice.annbundle"
    export_bundle(laptop, "alice", out, with_text=True)
    merge_bundles(master, [out])
    alice = master.annotator("alice")
    before = [(d, [s.id for s in master.spans(d, alice.id)]) for d in master.document_ids()]
    docs = master.count_documents()
    again = merge_bundles(master, [out, out])
    assert [r.action for r in again.results] == ["unchanged", "unchanged"]
    assert [(d, [s.id for s in master.spans(d, alice.id)]) for d in master.document_ids()] == before
    assert master.count_documents() == docs
    # a fresh export of the same work is recognised as the same work, too
    export_bundle(laptop, "alice", tmp_path / "alice2.annbundle", with_text=False)
    assert merge_bundles(master, [tmp_path / "alice2.annbundle"]).results[0].action == "unchanged"


def test_newer_bundle_replaces_only_that_annotators_work(tmp_path, laptop, master):
    a1, b1 = tmp_path / "alice1.annbundle", tmp_path / "bo.annbundle"
    export_bundle(laptop, "alice", a1, with_text=True)
    export_bundle(laptop, "bo", b1)
    merge_bundles(master, [a1, b1])
    bo = master.annotator("bo")
    bo_before = {d: [(s.id, s.start, s.end) for s in master.spans(d, bo.id)] for d in master.document_ids()}
    # the lead's own work in the master is nobody's bundle: it must survive too
    lead = master.ensure_annotator("lead", Role.LEAD)
    first = master.document_ids()[0]
    master.add_span(first, lead.id, master.label_by_name("ORG", Layer.ENTITY).id, 0, 3)

    alice = laptop.annotator("alice")
    doc0 = laptop.document_ids()[0]
    gone = laptop.spans(doc0, alice.id)[0]
    laptop.delete_span(gone.id)
    laptop.add_span(doc0, alice.id, laptop.label_by_name("EVENT", Layer.ENTITY).id, 0, 5)
    laptop.set_status(doc0, alice.id, Status.DONE)
    a2 = tmp_path / "alice2.annbundle"
    export_bundle(laptop, "alice", a2)
    res = merge_bundles(master, [a2]).results[0]
    assert res.action == "merged" and res.replaced_spans > 0
    assert _work(master, "alice") == _work(laptop, "alice")
    assert {d: [(s.id, s.start, s.end) for s in master.spans(d, bo.id)] for d in master.document_ids()} == bo_before
    assert [(s.start, s.end) for s in master.spans(first, lead.id)] == [(0, 3)]

    # the stale file afterwards is refused and changes nothing
    snapshot = _work(master, "alice")
    stale = merge_bundles(master, [a1]).results[0]
    assert stale.action == "older" and "older" in stale.summary()
    assert _work(master, "alice") == snapshot


def test_newest_of_one_run_wins_whatever_the_order(tmp_path, laptop, master):
    a1, a2 = tmp_path / "a1.annbundle", tmp_path / "a2.annbundle"
    export_bundle(laptop, "alice", a1, with_text=True)
    alice = laptop.annotator("alice")
    laptop.add_span(laptop.document_ids()[1], alice.id, laptop.label_by_name("EVENT", Layer.ENTITY).id, 0, 5)
    export_bundle(laptop, "alice", a2, with_text=True)
    report = merge_bundles(master, [a2, a1])
    assert sorted(r.action for r in report.results) == ["merged", "older"]
    assert _work(master, "alice") == _work(laptop, "alice")


def test_schema_conflicts_are_reported_before_anything_is_written(tmp_path, laptop, master):
    good = tmp_path / "bo.annbundle"
    export_bundle(laptop, "bo", good)
    weapon = laptop.add_label("WEAPON", Layer.ENTITY)
    chen = laptop.annotator("chen")
    doc0 = laptop.document_ids()[0]
    laptop.add_span(doc0, chen.id, weapon.id, 0, 4)
    laptop.add_span(doc0, chen.id, laptop.label_by_name("CLAIM", Layer.CLAIM).id, 0, 8, {"stance": "mocks"})
    schema = laptop.schema()
    schema.stance_target = "something else"
    laptop.apply_schema(schema)
    laptop.set_document_label(doc0, chen.id, "stance", laptop.label_by_name("FAVOR", Layer.DOCUMENT).id)
    bad = tmp_path / "chen.annbundle"
    export_bundle(laptop, "chen", bad)
    docs, spans = master.count_documents(), master.span_count()
    with pytest.raises(SchemaConflict) as err:
        merge_bundles(master, [good, bad])
    text = str(err.value)
    assert "'WEAPON' (entity) is used in the bundle but is not in the project's schema" in text
    assert "stance target is 'something else'" in text
    assert "'mocks'" in text
    assert "nothing was merged" in text
    assert master.span_count() == spans and master.count_documents() == docs
    assert master.annotator("bo") is None and master.annotator("chen") is None


def test_label_in_another_layer_is_a_conflict(tmp_path, laptop, master):
    laptop.add_label("EVENT", Layer.CLAIM)  # same name as an entity label
    chen = laptop.annotator("chen")
    laptop.add_span(laptop.document_ids()[0], chen.id, laptop.label_by_name("EVENT", Layer.CLAIM).id, 0, 4)
    out = tmp_path / "chen.annbundle"
    export_bundle(laptop, "chen", out)
    with pytest.raises(SchemaConflict, match="'EVENT' is a claim label in the bundle but a entity label"):
        merge_bundles(master, [out])


def test_damaged_and_foreign_files_are_reported_others_merge(tmp_path, laptop, master):
    good = tmp_path / "bo.annbundle"
    export_bundle(laptop, "bo", good)
    truncated = tmp_path / "cut.annbundle"
    truncated.write_bytes(good.read_bytes()[:200])
    foreign = tmp_path / "x.annbundle"
    foreign.write_text('{"hello": 1}')
    tampered = tmp_path / "t.annbundle"
    data = orjson.loads(gzip.decompress(good.read_bytes()))
    data["documents"][0]["spans"][0]["end"] += 1
    tampered.write_bytes(orjson.dumps(data))
    report = merge_bundles(master, [truncated, foreign, tampered, good, tmp_path / "none.annbundle"])
    msgs = sorted(str(e) for e in report.errors)
    assert len(msgs) == 4
    assert any("cut.annbundle: not an annotator bundle (cannot decode" in m for m in msgs)
    assert any("x.annbundle: not an annotator bundle" in m for m in msgs)
    assert any("t.annbundle: damaged bundle (its content does not match its digest)" in m for m in msgs)
    assert any("none.annbundle: cannot read" in m for m in msgs)
    assert [r.action for r in report.results] == ["merged"]
    assert _work(master, "bo") == _work(laptop, "bo")


def test_a_bundle_goes_in_whole_or_not_at_all(tmp_path, laptop, master):
    first = tmp_path / "a1.annbundle"
    export_bundle(laptop, "alice", first, with_text=True)
    merge_bundles(master, [first])
    snapshot = _work(master, "alice")
    # a consistent-looking bundle whose last span runs past the end of its text
    data = orjson.loads(gzip.decompress(first.read_bytes()))
    data["exported_at"] += 10
    last = data["documents"][-1]
    del last["text"]
    last["spans"].append({"layer": "entity", "label": "ORG", "start": 0, "end": 10**6, "attrs": {}, "origin": "manual"})
    data["digest"] = bundles._digest(data)
    bad = tmp_path / "a2.annbundle"
    bad.write_bytes(orjson.dumps(data))
    (res,) = merge_bundles(master, [bad]).results
    assert res.action == "failed" and "after the text" in res.message
    assert _work(master, "alice") == snapshot  # the earlier spans were not deleted either


def test_cancel_keeps_whole_bundles(tmp_path, laptop, master):
    paths = []
    for name in ("alice", "bo", "chen"):
        paths.append(tmp_path / f"{name}.annbundle")
        export_bundle(laptop, name, paths[-1])
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2  # first bundle: checked before and after; cancel during the second

    with pytest.raises(Cancelled):
        merge_bundles(master, paths, cancelled=cancelled)
    merged = [n for n in ("alice", "bo", "chen") if _work(master, n)]
    assert len(merged) == 1
    name = merged[0]
    assert {h: w for h, w in _work(master, name).items()} == {
        h: w for h, w in _work(laptop, name).items() if master.document_by_hash(h) is not None}


def test_unknown_annotator_and_bundle_info(tmp_path, laptop):
    with pytest.raises(Exception, match="no annotator named 'zoe'.*alice"):
        export_bundle(laptop, "zoe", tmp_path / "z.annbundle")
    out = tmp_path / "chen.annbundle"
    rep = export_bundle(laptop, "chen", out)
    b = read_bundle(out)
    assert b.annotator == "chen" and b.role == Role.ANNOTATOR and b.span_count == rep.spans
    assert all(s["origin"] in {o.value for o in Origin} for d in b.documents for s in d["spans"])
    with pytest.raises(InputError):
        read_bundle(tmp_path)
    assert load_schema(default_schema_path()).stance_target == b.schema.stance_target
    assert not list(Path(tmp_path).glob("*.part"))
