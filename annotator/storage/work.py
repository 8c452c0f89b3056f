"""One annotator's work, read out of a project and written back into another, with every
document named by its content hash and every label by layer and name (never a local id).

This is the database side of bundles (``annotator.services.bundles`` holds the file format,
the checks and the report). The work is plain data shaped like a bundle (version 2):

- ``documents``: ``{"hash", "title", "status", "spans": [{"layer", "label", "start", "end",
  "attrs", "origin"}], "labels": [{"layer", "label", "group", "attrs"}]}`` (+ ``text``,
  ``source``, ``url``, ``published``, ``meta`` with texts);
- ``relations``: ``{"head": [doc index, span index], "tail": [...], "kind"}``;
- ``claim_links``: ``{"source": [doc index, span index], "target": [...], "kind", "origin",
  "confirmed", "attrs"}``;
- ``stories``: ``{"title", "origin", "documents": [hash, ...]}``.

:func:`replace_work` writes it in one transaction; ``extra(conn, ids)`` lets the caller write
what belongs to other modules (review records, suggestion decisions) in the same transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from annotator.core.errors import ProjectError
from annotator.core.model import Annotator, Role
from annotator.storage.project import Project
from annotator.storage.tables import (
    Annotator as AnnotatorT,
    Assignment as AssignmentT,
    ClaimLink as ClaimLinkT,
    Document as DocumentT,
    DocumentLabel as DocumentLabelT,
    DocumentStatus as DocumentStatusT,
    Label as LabelT,
    Relation as RelationT,
    Setting as SettingT,
    Span as SpanT,
    Story as StoryT,
    StoryDocument as StoryDocumentT,
)

D, L, A, S = DocumentT.__table__, LabelT.__table__, AnnotatorT.__table__, SpanT.__table__
DL, R, ST, AS = DocumentLabelT.__table__, RelationT.__table__, DocumentStatusT.__table__, AssignmentT.__table__
SE, CL, STORY, SD = SettingT.__table__, ClaimLinkT.__table__, StoryT.__table__, StoryDocumentT.__table__
CHUNK = 900  # stay under SQLite's bound-parameter limit


def _chunks(seq: Sequence[Any]):
    for i in range(0, len(seq), CHUNK):
        yield seq[i:i + CHUNK]


class Cancelled(Exception):
    pass


# ---------------------------------------------------------------------------------------- reading
@dataclass
class WorkSnapshot:
    annotator: Annotator
    documents: list[dict[str, Any]]
    document_ids: list[int]  # the local id of each entry of ``documents``
    relations: list[dict[str, Any]]
    claim_links: list[dict[str, Any]]
    stories: list[dict[str, Any]]
    not_carried: list[str] = field(default_factory=list)  # what the snapshot leaves out, as sentences

    @property
    def span_count(self) -> int:
        return sum(len(d["spans"]) for d in self.documents)

    @property
    def label_count(self) -> int:
        return sum(len(d["labels"]) for d in self.documents)


def read_work(project: Project, name: str, *, with_text: bool = False, also_documents: Sequence[int] = (),
              cancelled: Callable[[], bool] | None = None) -> WorkSnapshot:
    """``name``'s work in one read transaction. ``also_documents``: local ids of documents to
    list even without work on them (e.g. documents with review decisions)."""
    with project.read() as c:
        who = c.execute(select(A).where(A.c.name == name)).first()
        if who is None:
            names = ", ".join(r.name for r in c.execute(select(A.c.name).order_by(A.c.id))) or "none"
            raise ProjectError(f"no annotator named {name!r} in this project (annotators: {names})")
        aid = who.id
        labels = {r.id: r for r in c.execute(select(L))}
        statuses = dict(c.execute(select(ST.c.document_id, ST.c.status).where(ST.c.annotator_id == aid)).all())
        spans = c.execute(select(S).where(S.c.annotator_id == aid)
                          .order_by(S.c.document_id, S.c.start, S.c.end, S.c.id)).all()
        doclabels = c.execute(select(DL).where(DL.c.annotator_id == aid).order_by(DL.c.document_id, DL.c.id)).all()
        relations = c.execute(select(R).where(R.c.annotator_id == aid).order_by(R.c.id)).all()
        links = c.execute(select(CL).where(CL.c.annotator_id == aid).order_by(CL.c.id)).all()
        assignments = c.execute(select(func.count()).select_from(AS).where(AS.c.annotator_id == aid)).scalar_one()
        doc_ids = sorted(set(statuses) | {s.document_id for s in spans} | {d.document_id for d in doclabels}
                         | set(also_documents))
        story_rows = c.execute(
            select(STORY.c.id, STORY.c.title, STORY.c.origin, SD.c.document_id, SD.c.position)
            .join(SD, SD.c.story_id == STORY.c.id)
            .where(STORY.c.id.in_(select(SD.c.story_id).where(SD.c.document_id.in_(doc_ids))))
            .order_by(STORY.c.id, SD.c.position, SD.c.document_id)).all() if doc_ids else []
        cols = [D.c.id, D.c.content_hash, D.c.title]
        if with_text:
            cols += [D.c.text, D.c.source, D.c.url, D.c.published, D.c.meta]
        docs: dict[int, Any] = {}
        for chunk in _chunks(doc_ids):
            if cancelled is not None and cancelled():
                raise Cancelled()
            docs.update((r.id, r) for r in c.execute(select(*cols).where(D.c.id.in_(chunk))))
        story_doc_ids = sorted({r.document_id for r in story_rows} - set(docs))
        hashes = {i: r.content_hash for i, r in docs.items()}
        for chunk in _chunks(story_doc_ids):
            hashes.update(c.execute(select(D.c.id, D.c.content_hash).where(D.c.id.in_(chunk))).all())

    entries: list[dict[str, Any]] = []
    index: dict[int, int] = {}
    for i, did in enumerate(doc_ids):
        row = docs[did]
        index[did] = i
        entry: dict[str, Any] = {"hash": row.content_hash, "title": row.title, "status": statuses.get(did),
                                 "spans": [], "labels": []}
        if with_text:
            entry.update(text=row.text, source=row.source, url=row.url, published=row.published,
                         meta=dict(row.meta or {}))
        entries.append(entry)
    span_pos: dict[int, list[int]] = {}
    for s in spans:
        lab = labels[s.label_id]
        e = entries[index[s.document_id]]
        span_pos[s.id] = [index[s.document_id], len(e["spans"])]
        e["spans"].append({"layer": lab.layer, "label": lab.name, "start": s.start, "end": s.end,
                           "attrs": dict(s.attrs or {}), "origin": s.origin})
    for d in doclabels:
        lab = labels[d.label_id]
        entries[index[d.document_id]]["labels"].append(
            {"layer": lab.layer, "label": lab.name, "group": lab.group, "attrs": dict(d.attrs or {})})
    rels = [{"head": span_pos[r.head_span_id], "tail": span_pos[r.tail_span_id], "kind": r.kind}
            for r in relations if r.head_span_id in span_pos and r.tail_span_id in span_pos]
    out_links, foreign = [], 0
    for ln in links:
        if ln.source_span_id in span_pos and ln.target_span_id in span_pos:
            out_links.append({"source": span_pos[ln.source_span_id], "target": span_pos[ln.target_span_id],
                              "kind": ln.kind, "origin": ln.origin, "confirmed": bool(ln.confirmed),
                              "attrs": dict(ln.attrs or {})})
        else:
            foreign += 1
    stories: dict[int, dict[str, Any]] = {}
    for r in story_rows:
        stories.setdefault(r.id, {"title": r.title, "origin": r.origin, "documents": []})["documents"].append(
            hashes[r.document_id])
    not_carried = []
    if foreign:
        not_carried.append(f"{foreign} claim link{'s' if foreign != 1 else ''} to claims marked by someone else "
                           "(a bundle carries links between the annotator's own claims)")
    if assignments:
        not_carried.append(f"{assignments} assignment{'s' if assignments != 1 else ''} (assignments are the "
                           "lead's to make in the master project)")
    return WorkSnapshot(Annotator(aid, who.name, Role(who.role)), entries, doc_ids, rels, out_links,
                        list(stories.values()), not_carried)


# ---------------------------------------------------------------------------------------- writing
@dataclass
class MergeIds:
    """Local ids in the target project, for the caller's ``extra`` writes."""

    annotator_id: int
    documents: dict[str, int]  # hash -> document id (documents the target has)
    labels: dict[tuple[str, str], int]  # (layer, name) -> label id


@dataclass
class WriteResult:
    action: str = ""  # merged | unchanged | older
    previous: dict[str, Any] | None = None  # what was recorded for the last merge of this annotator
    documents: int = 0
    added_documents: int = 0
    spans: int = 0
    labels: int = 0
    statuses: int = 0
    relations: int = 0
    claim_links: int = 0
    stories_added: int = 0
    replaced_spans: int = 0
    replaced_links: int = 0
    missing: list[tuple[str, str]] = field(default_factory=list)  # (hash, title)
    not_merged: list[str] = field(default_factory=list)  # sentences: work that could not be written
    notes: list[str] = field(default_factory=list)  # sentences: what was left as the project has it


def _ids_by_hash(c: Connection, hashes: Sequence[str]) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    for chunk in _chunks(list(hashes)):
        found.update((r.content_hash, (r.id, r.length)) for r in c.execute(
            select(D.c.content_hash, D.c.id, D.c.length).where(D.c.content_hash.in_(chunk))))
    return found


def replace_work(project: Project, annotator: str, role: Role, work: dict[str, Any], *, record_key: str,
                 record: dict[str, Any], add_documents: bool = True, texts: dict[str, dict[str, Any]] | None = None,
                 cancelled: Callable[[], bool] | None = None,
                 extra: Callable[[Connection, MergeIds, WriteResult], None] | None = None) -> WriteResult:
    """Replace ``annotator``'s work in ``project`` by ``work`` (bundle-shaped, see the module
    docstring), in one transaction. ``record`` (digest, exported_at …) is kept under
    ``record_key``: equal digest → "unchanged", an older ``exported_at`` → "older", nothing
    written. Raises ``ValueError`` for a span past the end of its text (nothing written)."""
    res = WriteResult()
    with project.write() as c:
        prev = c.execute(select(SE.c.value).where(SE.c.key == record_key)).scalar()
        res.previous = prev
        if prev is not None:
            if prev.get("digest") == record.get("digest"):
                res.action = "unchanged"
                return res
            if float(prev.get("exported_at", 0)) > float(record.get("exported_at", 0)):
                res.action = "older"
                return res
        aid = c.execute(select(A.c.id).where(A.c.name == annotator)).scalar()
        if aid is None:
            aid = c.execute(insert(A).values(name=annotator, role=str(role))).inserted_primary_key[0]
        labels = {(r.layer, r.name): r.id for r in c.execute(select(L.c.id, L.c.layer, L.c.name))}
        documents = work["documents"]
        found = _ids_by_hash(c, [d["hash"] for d in documents])
        texts = texts or {}
        new_docs = [d if d.get("text") is not None else texts.get(d["hash"], d)
                    for d in documents if d["hash"] not in found]
        addable = [d for d in new_docs if add_documents and d.get("text") is not None]
        res.missing = [(d["hash"], d.get("title") or "") for d in new_docs
                       if not (add_documents and d.get("text") is not None)]
        if addable:
            now = time.time()
            seen: set[str] = set()
            rows = []
            for d in addable:
                if d["hash"] in seen:
                    continue
                seen.add(d["hash"])
                rows.append(dict(text=d["text"], title=d.get("title") or "", source=d.get("source"),
                                 url=d.get("url"), published=d.get("published"), content_hash=d["hash"],
                                 meta=d.get("meta") or {}, length=len(d["text"]), created_at=now))
            _bulk_insert(c, D, rows)
            found.update(_ids_by_hash(c, [r["content_hash"] for r in rows]))
            res.added_documents = len(rows)

        # the snapshot replaces this annotator's work, and only theirs
        res.replaced_spans = len(c.execute(select(S.c.id).where(S.c.annotator_id == aid)).all())
        res.replaced_links = c.execute(select(func.count()).select_from(CL).where(CL.c.annotator_id == aid)
                                       ).scalar_one()
        c.execute(delete(CL).where(CL.c.annotator_id == aid))
        c.execute(delete(R).where(R.c.annotator_id == aid))
        c.execute(delete(S).where(S.c.annotator_id == aid))
        c.execute(delete(DL).where(DL.c.annotator_id == aid))
        c.execute(delete(ST).where(ST.c.annotator_id == aid))

        now = time.time()
        span_rows: list[dict[str, Any]] = []
        span_keys: list[tuple[int, int]] = []
        label_rows: list[dict[str, Any]] = []
        status_rows: list[dict[str, Any]] = []
        lost_spans = 0
        for di, d in enumerate(documents):
            hit = found.get(d["hash"])
            if hit is None:
                lost_spans += len(d["spans"])
                continue
            doc_id, length = hit
            res.documents += 1
            if d.get("status") is not None:
                status_rows.append(dict(document_id=doc_id, annotator_id=aid, status=d["status"], updated_at=now))
            for si, s in enumerate(d["spans"]):
                if s["end"] > length:
                    raise ValueError(f"damaged bundle: a span of {d.get('title') or d['hash']!r} ends at "
                                     f"{s['end']}, after the text (length {length})")
                span_rows.append(dict(document_id=doc_id, annotator_id=aid,
                                      label_id=labels[(s["layer"], s["label"])], start=s["start"], end=s["end"],
                                      attrs=s.get("attrs") or {}, origin=s.get("origin", "import"),
                                      created_at=now, updated_at=now))
                span_keys.append((di, si))
            for lab in d["labels"]:
                label_rows.append(dict(document_id=doc_id, annotator_id=aid,
                                       label_id=labels[(lab["layer"], lab["label"])],
                                       attrs=lab.get("attrs") or {}, updated_at=now))
        if lost_spans:
            res.not_merged.append(f"{lost_spans} span{'s' if lost_spans != 1 else ''} in documents the project "
                                  "does not have")
        _bulk_insert(c, ST, status_rows)
        _bulk_insert(c, DL, label_rows)
        # spans that relations and claim links point at need their new ids; the rest go in as one bulk insert
        links = work.get("claim_links") or []
        linked = {tuple(e) for r in work.get("relations") or [] for e in (r["head"], r["tail"])}
        linked |= {tuple(e) for ln in links for e in (ln["source"], ln["target"])}
        span_ids: dict[tuple[int, int], int] = {}
        _bulk_insert(c, S, [row for k, row in zip(span_keys, span_rows) if k not in linked])
        for k, row in zip(span_keys, span_rows):
            if k in linked:
                span_ids[k] = c.execute(insert(S).values(**row)).inserted_primary_key[0]
        rel_rows, lost_rels = [], 0
        for r in work.get("relations") or []:
            head, tail = span_ids.get(tuple(r["head"])), span_ids.get(tuple(r["tail"]))
            if head is not None and tail is not None:
                rel_rows.append(dict(annotator_id=aid, head_span_id=head, tail_span_id=tail, kind=r["kind"], attrs={}))
            else:
                lost_rels += 1
        _bulk_insert(c, R, rel_rows)
        link_rows, lost_links = [], 0
        for ln in links:
            src, tgt = span_ids.get(tuple(ln["source"])), span_ids.get(tuple(ln["target"]))
            if src is not None and tgt is not None:
                link_rows.append(dict(annotator_id=aid, source_span_id=src, target_span_id=tgt, kind=ln["kind"],
                                      origin=ln.get("origin", "import"), confirmed=bool(ln.get("confirmed")),
                                      attrs=ln.get("attrs") or {}, created_at=now, updated_at=now))
            else:
                lost_links += 1
        _bulk_insert(c, CL, link_rows)
        for n, what in ((lost_rels, "relation"), (lost_links, "claim link")):
            if n:
                res.not_merged.append(f"{n} {what}{'s' if n != 1 else ''} on claims in documents the project "
                                      "does not have")
        res.stories_added = _merge_stories(c, work.get("stories") or [], found, res)
        res.spans, res.labels, res.statuses = len(span_rows), len(label_rows), len(status_rows)
        res.relations, res.claim_links = len(rel_rows), len(link_rows)
        if extra is not None:
            extra(c, MergeIds(aid, {h: v[0] for h, v in found.items()}, labels), res)
        Project._set_setting(c, record_key, record)
        if cancelled is not None and cancelled():
            raise Cancelled()  # rolls this bundle back
        res.action = "merged"
    return res


def _merge_stories(c: Connection, stories: list[dict[str, Any]], found: dict[str, tuple[int, int]],
                   res: WriteResult) -> int:
    """A story the project lacks is added (with the documents it has); one it has (same
    documents) is left alone; one whose documents the project already groups otherwise is
    reported, never forced in."""
    if not stories:
        return 0
    # a story names documents beyond the bundle's own (the project may have them)
    found = {**found, **_ids_by_hash(c, sorted({h for st in stories for h in st["documents"]} - set(found)))}
    grouped: dict[int, set[int]] = {}
    for r in c.execute(select(SD.c.story_id, SD.c.document_id)):
        grouped.setdefault(r.story_id, set()).add(r.document_id)
    in_story = {d for ds in grouped.values() for d in ds}
    added = 0
    now = time.time()
    for st in stories:
        ids = [found[h][0] for h in st["documents"] if h in found]
        lost = len(st["documents"]) - len(ids)
        if len(ids) < 2 and lost:
            res.not_merged.append(f"story {st['title']!r}: the project has {len(ids)} of its "
                                  f"{len(st['documents'])} documents; not added")
            continue
        if any(ds == set(ids) for ds in grouped.values()):
            continue  # already there
        if set(ids) & in_story:
            res.notes.append(f"story {st['title']!r}: the project groups some of its documents into other "
                             "stories; left as the project has them")
            continue
        sid = c.execute(insert(STORY).values(title=st["title"], origin=st.get("origin", "manual"),
                                             created_at=now)).inserted_primary_key[0]
        c.execute(insert(SD), [dict(story_id=sid, document_id=d, position=i) for i, d in enumerate(ids)])
        grouped[sid] = set(ids)
        in_story |= set(ids)
        added += 1
        if lost:
            res.not_merged.append(f"story {st['title']!r}: added without {lost} document{'s' if lost != 1 else ''} "
                                  "the project does not have")
    return added


def _bulk_insert(c: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    # executemany on both backends: multi-row VALUES statements were 3x slower on PostgreSQL
    if rows:
        c.execute(insert(table), rows)


# ---------------------------------------------------------------------------------------- settings
def settings_with_prefix(project: Project, prefix: str, *, conn: Connection | None = None) -> dict[str, Any]:
    """Every setting whose key starts with ``prefix``."""
    q = select(SE.c.key, SE.c.value).where(SE.c.key.startswith(prefix, autoescape=True))
    if conn is not None:
        return dict(conn.execute(q).all())
    with project.read() as c:
        return dict(c.execute(q).all())


def replace_settings_with_prefix(project: Project, prefix: str, values: dict[str, Any], *,
                                 conn: Connection | None = None) -> None:
    """Drop every setting whose key starts with ``prefix`` and store ``values`` instead."""
    def run(c: Connection) -> None:
        c.execute(delete(SE).where(SE.c.key.startswith(prefix, autoescape=True)))
        if values:
            c.execute(insert(SE), [dict(key=k, value=v) for k, v in values.items()])

    if conn is not None:
        run(conn)
    else:
        with project.write() as c:
            run(c)
