"""The JSONL exports (native, Prodigy, doccano) line by line against records built here from
``Project``'s ordinary reads and from spaCy itself, on a project with emoji, CJK, combining
marks, CRLF, overlapping and off-token spans, claims with claimants, relations, stances,
statuses, a pending suggestion and a reviewed gold set."""

from __future__ import annotations

import orjson
import pytest

from annotator.core.model import SUGGESTION_ORIGINS, Layer, NewDocument, Origin, Status
from annotator.core.tokens import blank
from annotator.services import review
from annotator.services.exporting import ExportOptions, export
from annotator.services.importing import import_documents

HARD = "Zoe\u0308 Hale met 李明 in 東京 😀 on Tuesday.\r\nThe 🇺🇦 delegation left Karsk.\r\n"


@pytest.fixture
def hard(sample_project):
    p = sample_project
    did = import_documents(p, [NewDocument(HARD, title="Hard 😀", meta={"k": "vé", "n": 3})]).document_ids[0]
    text = p.document(did).text
    lab = {x.name: x.id for x in p.labels() if x.layer != Layer.DOCUMENT}
    for who in ("alice", "bo"):
        a = p.ensure_annotator(who).id
        for quote, label in [("Zoë Hale", "PERSON"), ("Zoë", "PERSON"), ("李明", "PERSON"), ("東京", "GPE"),
                             ("😀", "PERSON"), ("🇺🇦", "GPE"), ("Karsk", "GPE"), ("Tuesday", "DATE")]:
            s = text.index(quote)
            p.add_span(did, a, lab[label], s, s + len(quote))
        p.add_span(did, a, lab["PERSON"], 1, 3)  # inside "Zoë": snapped to its token
        flag = text.index("🇺🇦")
        p.add_span(did, a, lab["GPE"], flag + 1, flag + 2)  # half a flag
        s = text.index("The 🇺🇦")
        p.add_span(did, a, lab["CLAIM"], s, text.index("Karsk") + 5, {"stance": "refutes", "claimant": "Zoë 😀"})
        # equal offsets: the layer orders before the label (CLAIM before CARDINAL), then the
        # attributes (refutes before supports, though made later), then the order they were made in
        k = text.index("Karsk")
        p.add_span(did, a, lab["CARDINAL"], k, k + 5)
        p.add_span(did, a, lab["CLAIM"], k, k + 5, {"stance": "supports"})
        p.add_span(did, a, lab["CLAIM"], k, k + 5, {"stance": "refutes"})
        p.add_spans([(did, a, lab["GPE"], k, k + 5, {}, Origin.IMPORT)])
        p.set_document_label(did, a, "stance", p.label_by_name("AGAINST", Layer.DOCUMENT).id)
        p.set_status(did, a, Status.DONE)
    alice = p.annotator("alice").id
    p.add_spans([(did, alice, lab["GPE"], text.index("東京"), text.index("東京") + 2, {}, Origin.PATTERN)])
    review.auto_accept(p, include_unfinished=True, mark_reviewed=True)
    for ann in (p.annotator("alice"), p.annotator("bo"), p.gold()):
        spans = sorted(p.spans(did, ann.id), key=lambda x: (x.label_id != lab["CLAIM"], x.start - x.end))
        p.add_relation(ann.id, spans[0].id, spans[-1].id, "claimant")  # the longest claim, if any
        p.add_relation(ann.id, spans[-1].id, spans[1].id, "other")
    return p


def reference(p, ann_id: int, view: str) -> list[dict]:
    """The native document records, from Project's per-document reads."""
    labels = {x.id: x for x in p.labels()}
    statuses = p.statuses(ann_id)
    out = []
    for d in p.documents():
        spans = [s for s in p.spans(d.id, ann_id) if str(s.origin) not in SUGGESTION_ORIGINS]
        dls = p.document_labels(d.id, ann_id)
        status = statuses.get((d.id, ann_id))
        if not spans and not dls and status in (None, Status.TODO):
            continue
        spans.sort(key=lambda s: (s.start, s.end, str(labels[s.label_id].layer), labels[s.label_id].name,
                                  orjson.dumps(s.attrs, option=orjson.OPT_SORT_KEYS), s.id))
        at = {s.id: i for i, s in enumerate(spans)}
        rels = sorted((at[r.head_span_id], at[r.tail_span_id], r.kind) for r in p.relations(d.id, ann_id)
                      if r.head_span_id in at and r.tail_span_id in at)
        out.append({
            "text": d.text, "title": d.title, "source": d.source, "url": d.url, "published": d.published,
            "meta": d.meta, "hash": d.content_hash, "annotator": view,
            "status": None if status is None else str(status),
            "cats": {labels[x.label_id].group or "stance": labels[x.label_id].name for x in dls},
            "spans": [{"start": s.start, "end": s.end, "label": labels[s.label_id].name,
                       "layer": str(labels[s.label_id].layer), "attrs": s.attrs, "origin": str(s.origin)}
                      for s in spans],
            "relations": [{"head": h, "tail": t, "kind": k} for h, t, k in rels],
        })
    return out


VIEWS = [("alice", {"annotator": "alice"}), ("bo", {"annotator": "bo"}), ("gold", {"gold": True})]


@pytest.mark.parametrize(("who", "view"), VIEWS)
def test_native_lines_are_the_reference_records(hard, tmp_path, who, view):
    ann = hard.gold() if who == "gold" else hard.annotator(who)
    out = tmp_path / "n.jsonl"
    export(hard, ExportOptions("native", out, **view))
    lines = out.read_bytes().splitlines(keepends=True)
    want = reference(hard, ann.id, ann.name)
    assert len(lines) == len(want) + 1 and any("李明 in 東京 😀" in r["text"] for r in want)
    for line, rec in zip(lines[1:], want):
        assert line == orjson.dumps(rec, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)


@pytest.mark.parametrize(("who", "view"), VIEWS)
@pytest.mark.parametrize("again", [False, True], ids=["tokenised", "stored-tokens"])
def test_prodigy_tasks_are_spacys_tokens_and_spans(hard, tmp_path, who, view, again):
    ann = hard.gold() if who == "gold" else hard.annotator(who)
    out = tmp_path / "p.jsonl"
    export(hard, ExportOptions("prodigy", out, **view))
    if again:  # the first export stored the tokens; this one reads them
        export(hard, ExportOptions("prodigy", out, force=True, **view))
    nlp = blank(hard.language)
    tasks = [orjson.loads(x) for x in out.read_bytes().splitlines()]
    want = reference(hard, ann.id, ann.name)
    assert [t["text"] for t in tasks] == [r["text"] for r in want]
    for task, rec in zip(tasks, want):
        doc = nlp.make_doc(rec["text"])
        assert task["tokens"] == [{"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i,
                                   "ws": bool(t.whitespace_)} for t in doc]
        spans = []
        for s in rec["spans"]:
            sp = doc.char_span(s["start"], s["end"]) or doc.char_span(s["start"], s["end"], alignment_mode="expand")
            if sp is not None and len(sp):
                spans.append({"start": sp.start_char, "end": sp.end_char, "token_start": sp.start,
                              "token_end": sp.end - 1, "label": s["label"], **({"attrs": s["attrs"]} if s["attrs"] else {})})
        assert task["spans"] == spans
        assert task["accept"] == ([rec["cats"]["stance"]] if "stance" in rec["cats"] else [])
        assert task["meta"]["annotator"] == ann.name and task["answer"] == "accept"


def _utf16(text: str, i: int) -> int:
    return len(text[:i].encode("utf-16-le")) // 2


@pytest.mark.parametrize(("who", "view"), VIEWS)
def test_doccano_lines_count_utf16_units(hard, tmp_path, who, view):
    ann = hard.gold() if who == "gold" else hard.annotator(who)
    out = tmp_path / "d.jsonl"
    export(hard, ExportOptions("doccano", out, **view))
    lines = out.read_bytes().splitlines(keepends=True)
    want = reference(hard, ann.id, ann.name)
    assert len(lines) == len(want)
    for line, rec in zip(lines, want):
        text = rec["text"]
        obj = {"text": text, "label": [[_utf16(text, s["start"]), _utf16(text, s["end"]), s["label"]]
                                       for s in rec["spans"]]}
        if rec["cats"]:
            obj["cats"] = [rec["cats"][g] for g in sorted(rec["cats"])]
        meta = {k: rec[k] for k in ("title", "source", "url", "published", "hash", "annotator", "status")}
        obj["meta"] = {k: v for k, v in {**meta, **rec["meta"]}.items() if v is not None and v != ""}
        assert line == orjson.dumps(obj, option=orjson.OPT_APPEND_NEWLINE)


def test_postgresql_exports_the_same_bytes(tmp_path, pg_database):
    """The export reads rows through the DB-API cursor on both backends (PostgreSQL's driver
    decodes JSON itself): a project copied to PostgreSQL exports what the SQLite file does."""
    from annotator.services.sample import seed_sample
    from annotator.storage import Project

    made = []
    for where in (tmp_path / "s.annotator", pg_database()):
        p = Project.create(where)
        seed_sample(p)
        did = import_documents(p, [NewDocument(HARD, title="Hard", meta={"k": "vé"})]).document_ids[0]
        text = p.document(did).text
        alice = p.ensure_annotator("alice").id
        claim = p.add_span(did, alice, p.label_by_name("CLAIM").id, 0, text.index("Tuesday") + 7,
                           {"stance": "refutes", "claimant": "Zoë 😀"})
        per = p.add_span(did, alice, p.label_by_name("PERSON").id, 0, 3)
        p.add_relation(alice, claim.id, per.id, "claimant")
        made.append(p)
    try:
        for fmt in ("native", "prodigy", "doccano"):
            outs = []
            for i, p in enumerate(made):
                out = tmp_path / f"{fmt}-{i}.jsonl"
                export(p, ExportOptions(fmt, out, annotator="alice"))
                outs.append(out.read_bytes())
            assert outs[0] == outs[1] and "李明".encode() in outs[0]
    finally:
        for p in made:
            p.close()
