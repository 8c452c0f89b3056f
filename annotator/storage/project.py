"""``Project``: the one object through which everything reads and writes a project file.

Every method runs in its own short transaction and returns plain data types from
``annotator.core.model``; every write is committed before the method returns, so a
caller that shows an edit as done after the call cannot lose it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    column,
    func,
    insert,
    literal_column,
    select,
    table,
    text,
    update,
)

from annotator.core.changes import Change, Edit
from annotator.core.errors import ProjectError
from annotator.core.model import (
    GOLD_ANNOTATOR,
    Annotator,
    ClaimData,
    DocumentData,
    DocumentLabelData,
    DocumentSummary,
    Label,
    LabelDef,
    Layer,
    Origin,
    RelationData,
    Role,
    SpanData,
    Status,
    claims_of,
)
from annotator.core.schema import Schema
from annotator.storage import db, edits, postgres
from annotator.storage.tables import (
    Annotator as AnnotatorT,
    Assignment as AssignmentT,
    Document as DocumentT,
    DocumentLabel as DocumentLabelT,
    DocumentStatus as DocumentStatusT,
    Label as LabelT,
    Relation as RelationT,
    Setting as SettingT,
    Span as SpanT,
)

D = DocumentT.__table__
L = LabelT.__table__
A = AnnotatorT.__table__
S = SpanT.__table__
DL = DocumentLabelT.__table__
R = RelationT.__table__
ST = DocumentStatusT.__table__
AS = AssignmentT.__table__
SE = SettingT.__table__


def _label(row: Any) -> Label:
    return Label(row.id, row.name, Layer(row.layer), row.color, row.hotkey, row.description, row.group, row.position)


def _span(row: Any) -> SpanData:
    return SpanData(row.id, row.document_id, row.annotator_id, row.label_id, row.start, row.end,
                    dict(row.attrs or {}), Origin(row.origin))


def _document(row: Any) -> DocumentData:
    return DocumentData(row.id, row.text, row.title, row.source, row.url, row.published, row.content_hash,
                        dict(row.meta or {}))


FTS = table("document_fts", column("rowid", Integer))
# ``+rowid``: filter FTS matches by id *after* the match; a bare ``rowid IN (…)`` is handed to FTS5
# as a rowid lookup per id, which re-runs the MATCH for each one (46 s instead of 50 ms at 100k)
FTS_ROWID_FILTER = literal_column("+document_fts.rowid", Integer)


def _fts_match(search: str):
    return text("document_fts MATCH :fts_m").bindparams(fts_m=fts_query(search))


def fts_query(search: str) -> str:
    """Turn what a user typed into an FTS5 query: every word must appear (prefix match)."""
    words = [w.replace('"', '""') for w in search.split() if w.strip()]
    return " ".join(f'"{w}"*' for w in words)


class Project:
    """An open project file."""

    def __init__(self, path: str | Path, *, create: bool = False, migrate_backup: bool = True) -> None:
        self.url: str | None = None  # a postgresql:// URL; None for a project file
        if postgres.is_url(path):
            self.url = str(path)
            self.path = Path(postgres.database_name(self.url))
            self.backup_path = None
            self.engine = postgres.make_engine(self.url)
            try:
                postgres.prepare_schema(self.engine, self.url)
            except Exception:
                self.engine.dispose()
                raise
            return
        if not create:  # before resolve(): a symlink loop, FIFO or empty file is refused by name
            db.check_sqlite_file(Path(path).expanduser())
        self.path = Path(path).expanduser().resolve()
        mode, why = db.RW, None
        if create:
            if self.path.exists() and self.path.stat().st_size > 0:
                db.check_sqlite_file(self.path)
            db.create_file(self.path)  # private (0600), in 0700 folders if it makes them
        else:
            db.check_sqlite_file(self.path)
            mode, why = db.open_mode(self.path)  # a file that cannot be written opens read-only
        self.engine = db.make_engine(self.path, mode, why)
        try:
            self.backup_path = db.prepare_schema(self.engine, self.path, backup=migrate_backup)
        except Exception:
            self.engine.dispose()
            raise

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    def create(cls, path: str | Path, schema: Schema | None = None) -> Project:
        project = cls(path, create=True)
        if schema is not None:
            project.apply_schema(schema)
        return project

    @classmethod
    def open(cls, path: str | Path) -> Project:
        return cls(path)

    def close(self) -> None:
        self.engine.dispose()

    @property
    def read_only(self) -> bool:
        """True when the file cannot be written (read-only mount, no permission): reads work,
        every write raises ``ProjectReadOnlyError`` ("read-only: PATH …")."""
        return db.read_only_reason(self.engine) is not None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self):
        return db.transaction(self.engine, write=False)

    def write(self):
        return db.transaction(self.engine, write=True)

    # ------------------------------------------------------------------ settings
    def get_setting(self, key: str, default: Any = None) -> Any:
        with self.read() as c:
            row = c.execute(select(SE.c.value).where(SE.c.key == key)).first()
        return default if row is None else row.value

    def set_setting(self, key: str, value: Any) -> None:
        with self.write() as c:
            self._set_setting(c, key, value)

    @staticmethod
    def _set_setting(c: Connection, key: str, value: Any) -> None:
        if c.execute(select(SE.c.key).where(SE.c.key == key)).first():
            c.execute(update(SE).where(SE.c.key == key).values(value=value))
        else:
            c.execute(insert(SE).values(key=key, value=value))

    @property
    def language(self) -> str:
        return self.get_setting("language", "en")

    # ------------------------------------------------------------------ labels
    def labels(self, layer: Layer | None = None) -> list[Label]:
        q = select(L).order_by(L.c.position, L.c.id)
        if layer is not None:
            q = q.where(L.c.layer == str(layer))
        with self.read() as c:
            return [_label(r) for r in c.execute(q)]

    def label(self, label_id: int) -> Label:
        with self.read() as c:
            row = c.execute(select(L).where(L.c.id == label_id)).first()
        if row is None:
            raise ProjectError(f"no label with id {label_id}")
        return _label(row)

    def label_by_name(self, name: str, layer: Layer | None = None) -> Label | None:
        q = select(L).where(L.c.name == name)
        if layer is not None:
            q = q.where(L.c.layer == str(layer))
        with self.read() as c:
            row = c.execute(q.order_by(L.c.id)).first()
        return None if row is None else _label(row)

    def apply_schema(self, schema: Schema) -> None:
        """Add the schema's labels and update existing ones (matched by layer and name).

        Labels missing from the schema are kept: spans may use them.
        """
        with self.write() as c:
            existing = {(r.layer, r.name): r.id for r in c.execute(select(L.c.id, L.c.layer, L.c.name))}
            # hotkeys move with the schema: free the ones the schema assigns
            keys = [lab.hotkey for lab in schema.labels if lab.hotkey]
            if keys:
                c.execute(update(L).where(L.c.hotkey.in_(keys)).values(hotkey=None))
            for pos, lab in enumerate(schema.labels):
                values = dict(name=lab.name, layer=str(lab.layer), color=lab.color, hotkey=lab.hotkey,
                              description=lab.description, group=lab.group, position=pos)
                key = (str(lab.layer), lab.name)
                if key in existing:
                    c.execute(update(L).where(L.c.id == existing[key]).values(**values))
                else:
                    c.execute(insert(L).values(**values))
            self._set_setting(c, "schema_name", schema.name)
            self._set_setting(c, "stance_target", schema.stance_target)
            self._set_setting(c, "claim_stances", list(schema.claim_stances))

    def schema(self) -> Schema:
        labels = [LabelDef(lab.name, lab.layer, lab.color, lab.hotkey, lab.description, lab.group)
                  for lab in self.labels()]
        return Schema(
            self.get_setting("schema_name", "schema"), labels, self.get_setting("stance_target", ""),
            tuple(self.get_setting("claim_stances", ["supports", "refutes", "neutral"])),
        )

    def add_label(self, name: str, layer: Layer, color: str = "#cccccc") -> Label:
        with self.write() as c:
            pos = c.execute(select(func.coalesce(func.max(L.c.position), -1) + 1)).scalar_one()
            lid = c.execute(insert(L).values(name=name, layer=str(layer), color=color, hotkey=None,
                                             description="", group="stance" if layer == Layer.DOCUMENT else None,
                                             position=pos)).inserted_primary_key[0]
        return self.label(lid)

    # ------------------------------------------------------------------ annotators
    def annotators(self, *, include_gold: bool = False) -> list[Annotator]:
        q = select(A).order_by(A.c.id)
        if not include_gold:
            q = q.where(A.c.role != str(Role.GOLD))
        with self.read() as c:
            return [Annotator(r.id, r.name, Role(r.role)) for r in c.execute(q)]

    def annotator(self, name: str) -> Annotator | None:
        with self.read() as c:
            r = c.execute(select(A).where(A.c.name == name)).first()
        return None if r is None else Annotator(r.id, r.name, Role(r.role))

    def ensure_annotator(self, name: str, role: Role = Role.ANNOTATOR) -> Annotator:
        name = name.strip()
        if not name:
            raise ProjectError("an annotator needs a name")
        if self.read_only:  # the window opens a read-only file for reading: an unknown name has no work
            found = self.annotator(name)
            return found if found is not None else Annotator(0, name, role)
        with self.write() as c:
            r = c.execute(select(A).where(A.c.name == name)).first()
            if r is None:
                aid = c.execute(insert(A).values(name=name, role=str(role))).inserted_primary_key[0]
                return Annotator(aid, name, role)
        return Annotator(r.id, r.name, Role(r.role))

    def set_role(self, annotator_id: int, role: Role) -> None:
        with self.write() as c:
            c.execute(update(A).where(A.c.id == annotator_id).values(role=str(role)))

    def gold(self) -> Annotator:
        return self.ensure_annotator(GOLD_ANNOTATOR, Role.GOLD)

    # ------------------------------------------------------------------ documents
    def _doc_filter(self, q, annotator_id: int | None, status: Status | None, search: str | None,
                    id_col=D.c.id):
        """Restrict ``q`` to documents matching the filters; ``id_col`` is the document id column
        of ``q`` (``document.id``, or ``document_fts.rowid`` when the query runs on the FTS index)."""
        if search and search.strip() and self.url is not None:
            q = q.where(postgres.search_clause(D, search))
        elif search and search.strip() and id_col is D.c.id:
            q = q.where(id_col.in_(select(FTS.c.rowid).where(_fts_match(search))))
        if status is not None and annotator_id is not None:
            st = select(ST.c.document_id).where(ST.c.annotator_id == annotator_id)
            if status == Status.TODO:
                q = q.where(id_col.not_in(st.where(ST.c.status != str(Status.TODO))))
            else:
                q = q.where(id_col.in_(st.where(ST.c.status == str(status))))
        return q

    def count_documents(self, *, annotator_id: int | None = None, status: Status | None = None,
                        search: str | None = None) -> int:
        if search and search.strip() and self.url is None:
            # count on the FTS index alone: its rowids are document ids (kept by triggers), and
            # joining every match back to ``document`` costs 10-30x more
            q = self._doc_filter(select(func.count()).select_from(FTS).where(_fts_match(search)),
                                 annotator_id, status, None, FTS_ROWID_FILTER)
        elif not (search and search.strip()) and status is not None and annotator_id is not None:
            # count on the status table (its rows cascade with their documents); "to do" is the rest
            st = select(func.count()).select_from(ST).where(ST.c.annotator_id == annotator_id)
            if status == Status.TODO:
                q = select(select(func.count()).select_from(D).scalar_subquery()
                           - st.where(ST.c.status != str(Status.TODO)).scalar_subquery())
            else:
                q = st.where(ST.c.status == str(status))
        else:
            q = self._doc_filter(select(func.count()).select_from(D), annotator_id, status, search)
        with self.read() as c:
            return c.execute(q).scalar_one()

    def list_documents(self, *, annotator_id: int | None = None, status: Status | None = None,
                       search: str | None = None, offset: int = 0, limit: int | None = None,
                       after_id: int | None = None) -> list[DocumentSummary]:
        """Documents in id order, without their text; status, stance and span count are the
        given annotator's. ``after_id`` (the last id of the previous page) pages in constant
        time; ``offset`` has to step over every skipped row."""
        cols = select(D.c.id, D.c.title, D.c.source, D.c.published, D.c.length).order_by(D.c.id)
        if search and search.strip() and self.url is None:
            # page on the FTS index (rowid order), then fetch just that page's rows
            ids = self._doc_filter(select(FTS.c.rowid).where(_fts_match(search)), annotator_id, status, None,
                                   FTS_ROWID_FILTER).order_by(FTS.c.rowid)
            if after_id is not None:
                ids = ids.where(FTS.c.rowid > after_id)
            ids = ids.offset(offset)
            if limit is not None:
                ids = ids.limit(limit)
            q = cols.where(D.c.id.in_(ids))
        else:
            q = self._doc_filter(cols, annotator_id, status, search)
            if after_id is not None:
                q = q.where(D.c.id > after_id)
            q = q.offset(offset)
            if limit is not None:
                q = q.limit(limit)
        with self.read() as c:
            return self._summaries(c, c.execute(q).all(), annotator_id)

    def summaries(self, document_ids: Sequence[int], annotator_id: int | None = None) -> list[DocumentSummary]:
        q = select(D.c.id, D.c.title, D.c.source, D.c.published, D.c.length).where(
            D.c.id.in_(list(document_ids))).order_by(D.c.id)
        with self.read() as c:
            return self._summaries(c, c.execute(q).all(), annotator_id)

    @staticmethod
    def _summaries(c: Connection, rows: Sequence[Any], annotator_id: int | None) -> list[DocumentSummary]:
        if not rows or annotator_id is None:
            return [DocumentSummary(r.id, r.title, r.source, r.published, r.length) for r in rows]
        ids = [r.id for r in rows]
        statuses = dict(c.execute(select(ST.c.document_id, ST.c.status).where(
            ST.c.annotator_id == annotator_id, ST.c.document_id.in_(ids))).all())
        stances = dict(c.execute(select(DL.c.document_id, L.c.name).join(L, L.c.id == DL.c.label_id).where(
            DL.c.annotator_id == annotator_id, DL.c.document_id.in_(ids), L.c.group == "stance")).all())
        counts = dict(c.execute(select(S.c.document_id, func.count()).where(
            S.c.annotator_id == annotator_id, S.c.document_id.in_(ids)).group_by(S.c.document_id)).all())
        return [DocumentSummary(r.id, r.title, r.source, r.published, r.length,
                                Status(statuses.get(r.id, "todo")), stances.get(r.id), counts.get(r.id, 0))
                for r in rows]

    def document_ids(self) -> list[int]:
        with self.read() as c:
            return list(c.execute(select(D.c.id).order_by(D.c.id)).scalars())

    def document(self, document_id: int) -> DocumentData:
        with self.read() as c:
            row = c.execute(select(D).where(D.c.id == document_id)).first()
        if row is None:
            raise ProjectError(f"no document with id {document_id}")
        return _document(row)

    def documents(self, ids: Sequence[int] | None = None, *, batch: int = 500) -> Iterable[DocumentData]:
        """Stream documents (all, or the given ids) in id order, a batch per transaction."""
        last = 0
        while True:
            q = select(D).where(D.c.id > last).order_by(D.c.id).limit(batch)
            if ids is not None:
                q = q.where(D.c.id.in_(ids))
            with self.read() as c:
                rows = c.execute(q).all()
            if not rows:
                return
            for r in rows:
                yield _document(r)
            last = rows[-1].id

    def document_by_hash(self, content_hash: str) -> int | None:
        with self.read() as c:
            return c.execute(select(D.c.id).where(D.c.content_hash == content_hash)).scalar()

    def existing_hashes(self, c: Connection, hashes: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(hashes), 900):
            chunk = hashes[i:i + 900]
            found.update(c.execute(select(D.c.content_hash).where(D.c.content_hash.in_(chunk))).scalars())
        return found

    @staticmethod
    def insert_documents(c: Connection, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
        """Insert prepared document rows (an import batch, in the caller's write transaction);
        returns content hash -> new id."""
        if not rows:
            return {}
        c.execute(insert(D), list(rows))
        hashes = [r["content_hash"] for r in rows]
        out: dict[str, int] = {}
        for i in range(0, len(hashes), 900):
            out.update(c.execute(select(D.c.content_hash, D.c.id).where(D.c.content_hash.in_(hashes[i:i + 900]))).all())
        return out

    # ------------------------------------------------------------------ spans
    def spans(self, document_id: int, annotator_id: int | None = None) -> list[SpanData]:
        q = select(S).where(S.c.document_id == document_id)
        if annotator_id is not None:
            q = q.where(S.c.annotator_id == annotator_id)
        with self.read() as c:
            return [_span(r) for r in c.execute(q.order_by(S.c.start, S.c.end, S.c.id))]

    def span(self, span_id: int) -> SpanData:
        with self.read() as c:
            row = c.execute(select(S).where(S.c.id == span_id)).first()
        if row is None:
            raise ProjectError(f"no span with id {span_id}")
        return _span(row)

    def _check_span(self, c: Connection, document_id: int, label_id: int, start: int, end: int) -> None:
        edits.check_span(c, document_id, label_id, start, end)

    # Edits go through typed changes (annotator.storage.edits): each returns a Change that the
    # caller can undo with ``apply(change.inverse())``. The methods below are the plain-value forms
    # for code that has no undo history (imports, scripts, tests).
    def apply(self, change: Change) -> Change:
        """Write a change (or an inverse, for undo) in one checked transaction; see ``edits.apply``."""
        return edits.apply(self, change)

    def add_span(self, document_id: int, annotator_id: int, label_id: int, start: int, end: int,
                 attrs: dict[str, Any] | None = None, origin: Origin = Origin.MANUAL, *,
                 claimant_span_id: int | None = None) -> SpanData:
        """Store a span (a claim may name its claimant entity span)."""
        ch = edits.add_span(self, document_id, annotator_id, label_id, start, end, attrs, origin,
                            claimant_span_id=claimant_span_id)
        return ch.spans[0].after

    def delete_span(self, span_id: int) -> tuple[SpanData, list[RelationData]]:
        """Delete a span with its relations and claim links; returns it and its relations."""
        ch = edits.delete_spans(self, [span_id])
        return ch.spans[0].before, [e.before for e in ch.relations]

    def update_span(self, span_id: int, *, label_id: int | None = None, attrs: dict[str, Any] | None = None,
                    start: int | None = None, end: int | None = None) -> tuple[SpanData, SpanData]:
        """Change a span; returns (before, after)."""
        ch = edits.update_span(self, span_id, label_id=label_id, attrs=attrs, start=start, end=end)
        if not ch.spans:
            s = self.span(span_id)
            return s, s
        return ch.spans[0].before, ch.spans[0].after

    def set_claimant(self, claim_id: int, entity_id: int | None) -> Change:
        return edits.set_claimant(self, claim_id, entity_id)

    def claims(self, document_id: int, annotator_id: int) -> dict[int, ClaimData]:
        """The annotator's claims in the document, with stance and claimant."""
        claim_ids = {lab.id for lab in self.labels(Layer.CLAIM)}
        return claims_of(self.spans(document_id, annotator_id), self.relations(document_id, annotator_id), claim_ids)

    def add_spans(self, spans: Iterable[SpanData | tuple], *, conn: Connection | None = None) -> int:
        """Bulk insert (import, pre-annotation, adjudication). Tuples are
        (document_id, annotator_id, label_id, start, end, attrs, origin). Not validated one by one:
        callers validate. Returns the number stored."""
        now = time.time()
        rows = []
        for s in spans:
            if isinstance(s, SpanData):
                s = (s.document_id, s.annotator_id, s.label_id, s.start, s.end, s.attrs, s.origin)
            d, a, lab, st, en, at, og = s
            rows.append(dict(document_id=d, annotator_id=a, label_id=lab, start=st, end=en, attrs=at or {},
                             origin=str(og), created_at=now, updated_at=now))
        if not rows:
            return 0
        if conn is not None:
            conn.execute(insert(S), rows)
        else:
            with self.write() as c:
                c.execute(insert(S), rows)
        return len(rows)

    def span_count(self, annotator_id: int | None = None) -> int:
        q = select(func.count()).select_from(S)
        if annotator_id is not None:
            q = q.where(S.c.annotator_id == annotator_id)
        with self.read() as c:
            return c.execute(q).scalar_one()

    # ------------------------------------------------------------------ relations
    def add_relation(self, annotator_id: int, head_span_id: int, tail_span_id: int, kind: str) -> RelationData:
        ch = self.apply(Change(relations=(Edit(None, RelationData(-1, annotator_id, head_span_id, tail_span_id,
                                                                 kind)),)))
        return ch.relations[0].after

    def delete_relation(self, relation_id: int) -> RelationData:
        with self.read() as c:
            r = c.execute(select(R).where(R.c.id == relation_id)).first()
        if r is None:
            raise ProjectError(f"no relation with id {relation_id}")
        before = RelationData(r.id, r.annotator_id, r.head_span_id, r.tail_span_id, r.kind)
        self.apply(Change(relations=(Edit(before, None),)))
        return before

    def relations(self, document_id: int, annotator_id: int | None = None) -> list[RelationData]:
        q = select(R).join(S, S.c.id == R.c.head_span_id).where(S.c.document_id == document_id)
        if annotator_id is not None:
            q = q.where(R.c.annotator_id == annotator_id)
        with self.read() as c:
            return [RelationData(r.id, r.annotator_id, r.head_span_id, r.tail_span_id, r.kind)
                    for r in c.execute(q.order_by(R.c.id))]

    # ------------------------------------------------------------------ bulk reads (review, agreement, exports)
    def spans_in(self, document_ids: Sequence[int], *, annotator_ids: Sequence[int] | None = None,
                 exclude_origins: Sequence[str] = ()) -> list[SpanData]:
        """Spans of several documents, in (document, start, end, id) order."""
        out: list[SpanData] = []
        ids = list(document_ids)
        with self.read() as c:
            for i in range(0, len(ids), 400):
                q = select(S).where(S.c.document_id.in_(ids[i:i + 400]))
                if annotator_ids is not None:
                    q = q.where(S.c.annotator_id.in_(list(annotator_ids)))
                if exclude_origins:
                    q = q.where(S.c.origin.not_in(list(exclude_origins)))
                out += [_span(r) for r in c.execute(q.order_by(S.c.document_id, S.c.start, S.c.end, S.c.id))]
        return out

    def span_keys(self, document_ids: Sequence[int], annotator_id: int, label_id: int | None = None
                  ) -> set[tuple[int, int, int, int]]:
        """(document, start, end, label id) of the annotator's spans in these documents: what a
        bulk writer checks before adding the same span twice."""
        out: set[tuple[int, int, int, int]] = set()
        ids = list(document_ids)
        with self.read() as c:
            for i in range(0, len(ids), 400):
                q = select(S.c.document_id, S.c.start, S.c.end, S.c.label_id).where(
                    S.c.document_id.in_(ids[i:i + 400]), S.c.annotator_id == annotator_id)
                if label_id is not None:
                    q = q.where(S.c.label_id == label_id)
                out.update((r.document_id, r.start, r.end, r.label_id) for r in c.execute(q))
        return out

    def spans_of(self, annotator_id: int, *, origins: Sequence[str], document_id: int | None = None
                 ) -> list[SpanData]:
        """The annotator's spans of these origins (e.g. pending suggestions), in text order."""
        q = select(S).where(S.c.annotator_id == annotator_id, S.c.origin.in_(list(origins)))
        if document_id is not None:
            q = q.where(S.c.document_id == document_id)
        with self.read() as c:
            return [_span(r) for r in c.execute(q.order_by(S.c.document_id, S.c.start, S.c.end, S.c.id))]

    def relations_in(self, document_ids: Sequence[int], kind: str | None = None) -> list[RelationData]:
        """Relations whose head span is in one of these documents."""
        out: list[RelationData] = []
        ids = list(document_ids)
        with self.read() as c:
            for i in range(0, len(ids), 400):
                q = select(R).join(S, S.c.id == R.c.head_span_id).where(S.c.document_id.in_(ids[i:i + 400]))
                if kind is not None:
                    q = q.where(R.c.kind == kind)
                out += [RelationData(r.id, r.annotator_id, r.head_span_id, r.tail_span_id, r.kind)
                        for r in c.execute(q.order_by(R.c.id))]
        return out

    def document_labels_in(self, document_ids: Sequence[int]) -> list[DocumentLabelData]:
        out: list[DocumentLabelData] = []
        ids = list(document_ids)
        with self.read() as c:
            for i in range(0, len(ids), 400):
                out += [DocumentLabelData(r.id, r.document_id, r.annotator_id, r.label_id, dict(r.attrs or {}))
                        for r in c.execute(select(DL).where(DL.c.document_id.in_(ids[i:i + 400])).order_by(DL.c.id))]
        return out

    def statuses_in(self, document_ids: Sequence[int]) -> dict[tuple[int, int], Status]:
        """(document, annotator) -> status, for the rows that exist (no row: to do)."""
        out: dict[tuple[int, int], Status] = {}
        ids = list(document_ids)
        with self.read() as c:
            for i in range(0, len(ids), 400):
                for r in c.execute(select(ST).where(ST.c.document_id.in_(ids[i:i + 400]))):
                    out[(r.document_id, r.annotator_id)] = Status(r.status)
        return out

    def review_states(self, document_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """Documents' review records (rejected regions, stance provenance), where there is one."""
        return edits.review_states(self, document_ids)

    def removal_of(self, span_ids: Sequence[int]) -> Change:
        """The change that deletes these spans with every relation and claim link hanging on them."""
        with self.read() as c:
            return edits.removal_of_spans(c, span_ids)

    # ------------------------------------------------------------------ document labels
    def document_labels(self, document_id: int, annotator_id: int | None = None) -> list[DocumentLabelData]:
        q = select(DL).where(DL.c.document_id == document_id)
        if annotator_id is not None:
            q = q.where(DL.c.annotator_id == annotator_id)
        with self.read() as c:
            return [DocumentLabelData(r.id, r.document_id, r.annotator_id, r.label_id, dict(r.attrs or {}))
                    for r in c.execute(q.order_by(DL.c.id))]

    def set_document_label(self, document_id: int, annotator_id: int, group: str, label_id: int | None
                           ) -> int | None:
        """Set the annotator's label in a category (e.g. stance); None clears it.
        Returns the label id it had before."""
        ch = edits.set_document_label(self, document_id, annotator_id, group, label_id)
        return next((e.before.label_id for e in ch.document_labels if e.before is not None), None) \
            if not ch.empty else label_id

    # ------------------------------------------------------------------ status
    def status(self, document_id: int, annotator_id: int) -> Status:
        with self.read() as c:
            v = c.execute(select(ST.c.status).where(ST.c.document_id == document_id,
                                                    ST.c.annotator_id == annotator_id)).scalar()
        return Status(v or "todo")

    def statuses(self, annotator_id: int | None = None) -> dict[tuple[int, int], Status]:
        q = select(ST)
        if annotator_id is not None:
            q = q.where(ST.c.annotator_id == annotator_id)
        with self.read() as c:
            return {(r.document_id, r.annotator_id): Status(r.status) for r in c.execute(q)}

    def set_status(self, document_id: int, annotator_id: int, status: Status) -> Status:
        """Returns the previous status."""
        ch = edits.set_status(self, document_id, annotator_id, status)
        if ch.empty:
            return status
        before = ch.statuses[0].before
        return Status.TODO if before is None else before.status

    # ------------------------------------------------------------------ assignments
    def assign(self, annotator_id: int, document_ids: Sequence[int]) -> int:
        with self.write() as c:
            have = set(c.execute(select(AS.c.document_id).where(AS.c.annotator_id == annotator_id)).scalars())
            rows = [dict(document_id=d, annotator_id=annotator_id, position=i)
                    for i, d in enumerate(document_ids) if d not in have]
            if rows:
                c.execute(insert(AS), rows)
        return len(rows)

    def assignments(self, annotator_id: int) -> list[int]:
        with self.read() as c:
            return list(c.execute(select(AS.c.document_id).where(AS.c.annotator_id == annotator_id)
                                  .order_by(AS.c.position, AS.c.document_id)).scalars())

    # ------------------------------------------------------------------ stats
    def integrity_check(self) -> list[str]:
        if self.url is not None:
            return []  # PostgreSQL checks constraints on every write and pages with its own checksums
        with self.read() as c:
            rows = [r[0] for r in c.exec_driver_sql("PRAGMA integrity_check").all()]
            fk = c.exec_driver_sql("PRAGMA foreign_key_check").all()
        problems = [] if rows == ["ok"] else rows
        problems += [f"foreign key: {tuple(r)}" for r in fk]
        return problems
