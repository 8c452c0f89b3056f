"""Edits as typed changes: every user edit is an operation here that returns a ``Change``.

:func:`apply` writes a :class:`~annotator.core.changes.Change` (or its inverse, for undo) in ONE
transaction, after checking that every row's ``before`` is what is stored: if another writer (a
second window, a second process, a team-mate on the server) changed or removed a row since, the
whole change is refused with :class:`ConflictError` and nothing is written. Ids are never reused
(migration 0004), so a row named by an undo step is the row that step created.

The operations (:func:`add_span`, :func:`delete_spans`, :func:`update_span`, :func:`set_claimant`,
:func:`set_document_label`, :func:`set_status`) read what they need and apply their change inside
the same write transaction, and return the change as applied (real ids filled in).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from contextlib import AbstractContextManager
from typing import Any, Protocol

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from annotator.core.changes import Change, Edit, ReviewState, SettingRow, StatusRow
from annotator.core.claim_matching import ClaimLinkData, LinkKind, LinkOrigin, StoryData
from annotator.core.errors import ProjectError, SpanError
from annotator.core.model import (
    CLAIMANT,
    DocumentLabelData,
    Layer,
    Origin,
    RelationData,
    SpanData,
    Status,
)
from annotator.storage.tables import (
    ClaimLink as ClaimLinkT,
    Document as DocumentT,
    DocumentLabel as DocumentLabelT,
    DocumentStatus as DocumentStatusT,
    Label as LabelT,
    Relation as RelationT,
    ReviewState as ReviewStateT,
    Setting as SettingT,
    Span as SpanT,
    Story as StoryT,
    StoryDocument as StoryDocumentT,
)



class Project(Protocol):
    """What the edits need of a project (``annotator.storage.Project``): its transactions."""

    def read(self) -> AbstractContextManager[Connection]: ...
    def write(self) -> AbstractContextManager[Connection]: ...


S = SpanT.__table__
R = RelationT.__table__
DL = DocumentLabelT.__table__
ST = DocumentStatusT.__table__
RV = ReviewStateT.__table__
CL = ClaimLinkT.__table__
SE = SettingT.__table__
STY = StoryT.__table__
SD = StoryDocumentT.__table__
L = LabelT.__table__
D = DocumentT.__table__


def check_span(c: Connection, document_id: int, label_id: int, start: int, end: int) -> None:
    """Refuse a span outside the text, over white space only, or with a document label."""
    # Only the covered characters travel: substr() and length() count code points on both
    # SQLite and PostgreSQL, so a 1 MB document is not read back for every edit.
    length = c.execute(select(func.length(D.c.text)).where(D.c.id == document_id)).scalar()
    if length is None:
        raise SpanError(f"no document with id {document_id}")
    if not 0 <= start < end <= length:
        raise SpanError(f"span [{start}, {end}) is empty or outside the text (length {length})")
    covered = c.execute(select(func.substr(D.c.text, start + 1, end - start)).where(D.c.id == document_id)).scalar()
    if not covered or not covered.strip():
        raise SpanError("a span must cover some text, not only white space")
    lab = c.execute(select(L.c.layer).where(L.c.id == label_id)).first()
    if lab is None:
        raise SpanError(f"no label with id {label_id}")
    if lab.layer == str(Layer.DOCUMENT):
        raise SpanError("document labels are not span labels")


class ConflictError(ProjectError):
    """The stored rows are not what the change expects: someone else changed them. Nothing was written."""


# ---------------------------------------------------------------------------- row readers
def span_row(r: Any) -> SpanData:
    return SpanData(r.id, r.document_id, r.annotator_id, r.label_id, r.start, r.end, dict(r.attrs or {}),
                    Origin(r.origin))


def relation_row(r: Any) -> RelationData:
    return RelationData(r.id, r.annotator_id, r.head_span_id, r.tail_span_id, r.kind)


def doclabel_row(r: Any) -> DocumentLabelData:
    return DocumentLabelData(r.id, r.document_id, r.annotator_id, r.label_id, dict(r.attrs or {}))


def link_row(r: Any) -> ClaimLinkData:
    return ClaimLinkData(r.id, r.annotator_id, r.source_span_id, r.target_span_id, LinkKind(r.kind),
                         LinkOrigin(r.origin), bool(r.confirmed), dict(r.attrs or {}))


def _span_key(s: SpanData) -> tuple:
    return (s.id, s.document_id, s.annotator_id, s.label_id, s.start, s.end, s.attrs, str(s.origin))


def _link_key(k: ClaimLinkData) -> tuple:
    return (k.id, k.annotator_id, k.source_span_id, k.target_span_id, str(k.kind), str(k.origin),
            bool(k.confirmed), k.attrs)


# ---------------------------------------------------------------------------- apply
def apply(project: Project, change: Change) -> Change:
    """Write ``change`` in one transaction (checked against what is stored); returns it with
    real ids for its placeholders."""
    if change.empty:
        return change
    with project.write() as c:
        return apply_in(project, c, change)


def check(project: Project, change: Change) -> str | None:
    """Why ``change`` cannot be applied now (None if it can); writes nothing."""
    try:
        with project.read() as c:
            _check(project, c, change)
    except ConflictError as e:
        return str(e)
    return None


def _conflict(what: str) -> ConflictError:
    return ConflictError(f"{what} was changed elsewhere (another window, process or team-mate); "
                         "nothing was changed here")


def _check(project: Project, c: Connection, change: Change) -> None:
    removed_spans = {e.before.id for e in change.spans if e.removed}
    for e in change.spans:
        if e.before is not None:
            r = c.execute(select(S).where(S.c.id == e.before.id)).first()
            if r is None or _span_key(span_row(r)) != _span_key(e.before):
                raise _conflict(f"span {e.before.id} [{e.before.start}, {e.before.end})")
        elif e.after is not None and e.after.id >= 0:
            if c.execute(select(S.c.id).where(S.c.id == e.after.id)).first() is not None:
                raise _conflict(f"span {e.after.id}")
    for e in change.relations:
        if e.before is not None:
            r = c.execute(select(R).where(R.c.id == e.before.id)).first()
            if r is None or relation_row(r) != e.before:
                raise _conflict(f"relation {e.before.id}")
        elif e.after is not None and e.after.id >= 0:
            if c.execute(select(R.c.id).where(R.c.id == e.after.id)).first() is not None:
                raise _conflict(f"relation {e.after.id}")
    for e in change.links:
        if e.before is not None:
            r = c.execute(select(CL).where(CL.c.id == e.before.id)).first()
            if r is None or _link_key(link_row(r)) != _link_key(e.before):
                raise _conflict(f"claim link {e.before.id}")
        elif e.after is not None and e.after.id >= 0:
            if c.execute(select(CL.c.id).where(CL.c.id == e.after.id)).first() is not None:
                raise _conflict(f"claim link {e.after.id}")
    for e in change.document_labels:
        if e.before is not None:
            r = c.execute(select(DL).where(DL.c.id == e.before.id)).first()
            if r is None or doclabel_row(r) != e.before:
                raise _conflict("the document label")
        elif e.after is not None and e.after.id >= 0:
            if c.execute(select(DL.c.id).where(DL.c.id == e.after.id)).first() is not None:
                raise _conflict("the document label")
    for e in change.statuses:
        row = e.before or e.after
        assert row is not None
        v = c.execute(select(ST.c.status).where(ST.c.document_id == row.document_id,
                                                ST.c.annotator_id == row.annotator_id)).scalar()
        if (None if e.before is None else str(e.before.status)) != v:
            raise _conflict("the document's status")
    for e in change.reviews:
        row = e.before or e.after
        assert row is not None
        v = c.execute(select(RV.c.data).where(RV.c.document_id == row.document_id)).scalar()
        if (None if e.before is None else e.before.data) != (dict(v) if v is not None else None):
            raise _conflict("the document's review record")
    for e in change.settings:
        row = e.before or e.after
        assert row is not None
        r = c.execute(select(SE.c.value).where(SE.c.key == row.key)).first()
        if (None if e.before is None else e.before.value) != (None if r is None else r.value):
            raise _conflict(f"setting {row.key}")
    for e in change.stories:
        if e.before is not None:
            if _story(c, e.before.id) != e.before:
                raise _conflict(f"story {e.before.id}")
        elif e.after is not None and e.after.id >= 0 and _story(c, e.after.id) is not None:
            raise _conflict(f"story {e.after.id}")
    if removed_spans:  # rows that hang on a removed span must go with it, in this change
        gone_rel = {e.before.id for e in change.relations if e.removed}
        gone_link = {e.before.id for e in change.links if e.removed}
        ids = list(removed_spans)
        for i in range(0, len(ids), 400):
            chunk = ids[i:i + 400]
            rels = set(c.execute(select(R.c.id).where(or_(R.c.head_span_id.in_(chunk),
                                                          R.c.tail_span_id.in_(chunk)))).scalars())
            links = set(c.execute(select(CL.c.id).where(or_(CL.c.source_span_id.in_(chunk),
                                                            CL.c.target_span_id.in_(chunk)))).scalars())
            if rels - gone_rel or links - gone_link:
                raise _conflict("a link to a removed span")


def _story(c: Connection, story_id: int) -> StoryData | None:
    r = c.execute(select(STY).where(STY.c.id == story_id)).first()
    if r is None:
        return None
    docs = tuple(c.execute(select(SD.c.document_id).where(SD.c.story_id == story_id)
                           .order_by(SD.c.position, SD.c.document_id)).scalars())
    return StoryData(r.id, r.title, r.origin, docs)


def apply_in(project: Project, c: Connection, change: Change) -> Change:
    """:func:`apply` inside the caller's write transaction."""
    _check(project, c, change)
    now = time.time()
    # 1. removals, dependants first
    for e in change.links:
        if e.removed:
            c.execute(delete(CL).where(CL.c.id == e.before.id))
    for e in change.relations:
        if e.removed:
            c.execute(delete(R).where(R.c.id == e.before.id))
    for e in change.document_labels:
        if e.removed:
            c.execute(delete(DL).where(DL.c.id == e.before.id))
    for e in change.stories:
        if e.removed:
            c.execute(delete(STY).where(STY.c.id == e.before.id))
    for e in change.spans:
        if e.removed:
            c.execute(delete(S).where(S.c.id == e.before.id))
    # 2. spans added or changed (placeholder ids mapped to the ids they got)
    ids: dict[int, int] = {}
    spans: list[Edit[SpanData]] = []
    for e in change.spans:
        a = e.after
        if a is None:
            spans.append(e)
            continue
        check_span(c, a.document_id, a.label_id, a.start, a.end)
        values = dict(document_id=a.document_id, annotator_id=a.annotator_id, label_id=a.label_id, start=a.start,
                      end=a.end, attrs=a.attrs, origin=str(a.origin), updated_at=now)
        if e.before is None:
            if a.id >= 0:
                values["id"] = a.id
            sid = c.execute(insert(S).values(created_at=now, **values)).inserted_primary_key[0]
            if a.id < 0:
                ids[a.id] = sid
                a = replace(a, id=sid)
        else:
            c.execute(update(S).where(S.c.id == a.id).values(**values))
        spans.append(Edit(e.before, a))

    def real(span_id: int) -> int:
        return ids.get(span_id, span_id) if span_id < 0 else span_id

    relations: list[Edit[RelationData]] = []
    for e in change.relations:
        a = e.after
        if a is not None:
            a = replace(a, head_span_id=real(a.head_span_id), tail_span_id=real(a.tail_span_id))
            values = dict(annotator_id=a.annotator_id, head_span_id=a.head_span_id, tail_span_id=a.tail_span_id,
                          kind=a.kind)
            if e.before is None:
                if a.id >= 0:
                    values["id"] = a.id
                rid = c.execute(insert(R).values(attrs={}, **values)).inserted_primary_key[0]
                a = replace(a, id=rid)
            else:
                c.execute(update(R).where(R.c.id == a.id).values(**values))
        relations.append(Edit(e.before, a))
    links: list[Edit[ClaimLinkData]] = []
    for e in change.links:
        a = e.after
        if a is not None:
            a = replace(a, source_span_id=real(a.source_span_id), target_span_id=real(a.target_span_id))
            values = dict(annotator_id=a.annotator_id, source_span_id=a.source_span_id,
                          target_span_id=a.target_span_id, kind=str(a.kind), origin=str(a.origin),
                          confirmed=bool(a.confirmed), attrs=a.attrs, updated_at=now)
            if e.before is None:
                if a.id >= 0:
                    values["id"] = a.id
                lid = c.execute(insert(CL).values(created_at=now, **values)).inserted_primary_key[0]
                a = replace(a, id=lid)
            else:
                c.execute(update(CL).where(CL.c.id == a.id).values(**values))
        links.append(Edit(e.before, a))
    doclabels: list[Edit[DocumentLabelData]] = []
    for e in change.document_labels:
        a = e.after
        if a is not None:
            values = dict(document_id=a.document_id, annotator_id=a.annotator_id, label_id=a.label_id,
                          attrs=a.attrs, updated_at=now)
            if e.before is None:
                if a.id >= 0:
                    values["id"] = a.id
                did = c.execute(insert(DL).values(**values)).inserted_primary_key[0]
                a = replace(a, id=did)
            else:
                c.execute(update(DL).where(DL.c.id == a.id).values(**values))
        doclabels.append(Edit(e.before, a))
    stories: list[Edit[StoryData]] = []
    for e in change.stories:
        a = e.after
        if a is not None:
            values = dict(title=a.title, origin=a.origin)
            if e.before is None:
                if a.id >= 0:
                    values["id"] = a.id
                sid = c.execute(insert(STY).values(created_at=now, **values)).inserted_primary_key[0]
                a = replace(a, id=sid)
            else:
                c.execute(update(STY).where(STY.c.id == a.id).values(**values))
                c.execute(delete(SD).where(SD.c.story_id == a.id))
            if a.document_ids:
                c.execute(insert(SD), [dict(story_id=a.id, document_id=d, position=i)
                                       for i, d in enumerate(a.document_ids)])
        stories.append(Edit(e.before, a))
    for e in change.statuses:
        row = e.before or e.after
        c.execute(delete(ST).where(ST.c.document_id == row.document_id, ST.c.annotator_id == row.annotator_id))
        if e.after is not None:
            c.execute(insert(ST).values(document_id=row.document_id, annotator_id=row.annotator_id,
                                        status=str(e.after.status), updated_at=now))
    for e in change.reviews:
        row = e.before or e.after
        c.execute(delete(RV).where(RV.c.document_id == row.document_id))
        if e.after is not None:
            c.execute(insert(RV).values(document_id=row.document_id, data=e.after.data, updated_at=now))
    for e in change.settings:
        row = e.before or e.after
        c.execute(delete(SE).where(SE.c.key == row.key))
        if e.after is not None:
            c.execute(insert(SE).values(key=row.key, value=e.after.value))
    return replace(change, spans=tuple(spans), relations=tuple(relations), links=tuple(links),
                   document_labels=tuple(doclabels), stories=tuple(stories))


# ---------------------------------------------------------------------------- reads used by operations
def _status_edit(c: Connection, document_id: int, annotator_id: int, status: Status | None
                 ) -> tuple[Edit[StatusRow], ...]:
    """The status edit to ``status`` (None: only if the document is still to do, move it to in progress)."""
    v = c.execute(select(ST.c.status).where(ST.c.document_id == document_id,
                                            ST.c.annotator_id == annotator_id)).scalar()
    before = None if v is None else StatusRow(document_id, annotator_id, Status(v))
    if status is None:
        if v is not None:
            return ()
        status = Status.IN_PROGRESS
    after = StatusRow(document_id, annotator_id, status)
    return () if before == after else (Edit(before, after),)


def touch_status(c: Connection, document_id: int, annotator_id: int) -> tuple[Edit[StatusRow], ...]:
    """A first edit moves a document from to do to in progress (and its undo moves it back)."""
    return _status_edit(c, document_id, annotator_id, None)


def removal_of_spans(c: Connection, span_ids: Sequence[int]) -> Change:
    """Spans with every relation and claim link that hangs on them."""
    ids = list(dict.fromkeys(span_ids))
    spans, rels, links = [], {}, {}
    for i in range(0, len(ids), 400):
        chunk = ids[i:i + 400]
        spans += [span_row(r) for r in c.execute(select(S).where(S.c.id.in_(chunk)).order_by(S.c.id))]
        for r in c.execute(select(R).where(or_(R.c.head_span_id.in_(chunk), R.c.tail_span_id.in_(chunk)))):
            rels[r.id] = relation_row(r)
        for r in c.execute(select(CL).where(or_(CL.c.source_span_id.in_(chunk), CL.c.target_span_id.in_(chunk)))):
            links[r.id] = link_row(r)
    return Change(spans=tuple(Edit(s, None) for s in spans),
                  relations=tuple(Edit(r, None) for _i, r in sorted(rels.items())),
                  links=tuple(Edit(k, None) for _i, k in sorted(links.items())))


def run(project: Project, build: Callable[[Connection], Change]) -> Change:
    """Build a change from what is stored and apply it, in one write transaction."""
    with project.write() as c:
        change = build(c)
        return change if change.empty else apply_in(project, c, change)


# ---------------------------------------------------------------------------- operations
def add_span(project: Project, document_id: int, annotator_id: int, label_id: int, start: int, end: int,
             attrs: dict[str, Any] | None = None, origin: Origin = Origin.MANUAL, *,
             claimant_span_id: int | None = None, text: str = "Add span") -> Change:
    def build(c: Connection) -> Change:
        span = SpanData(-1, document_id, annotator_id, label_id, start, end, dict(attrs or {}), Origin(origin))
        rels: tuple[Edit[RelationData], ...] = ()
        if claimant_span_id is not None:
            rels = (Edit(None, RelationData(-1, annotator_id, -1, claimant_span_id, CLAIMANT)),)
        return Change(spans=(Edit(None, span),), relations=rels,
                      statuses=touch_status(c, document_id, annotator_id), text=text)
    return run(project, build)


def delete_spans(project: Project, span_ids: Iterable[int], *, text: str = "Delete span") -> Change:
    ids = list(span_ids)

    def build(c: Connection) -> Change:
        ch = removal_of_spans(c, ids)
        missing = set(ids) - {e.before.id for e in ch.spans}
        if missing:
            raise ProjectError(f"no span with id {min(missing)}")
        return ch.named(text)
    return run(project, build)


def update_span(project: Project, span_id: int, *, label_id: int | None = None,
                attrs: dict[str, Any] | None = None, start: int | None = None, end: int | None = None,
                origin: Origin | None = None, text: str = "Change span") -> Change:
    def build(c: Connection) -> Change:
        r = c.execute(select(S).where(S.c.id == span_id)).first()
        if r is None:
            raise ProjectError(f"no span with id {span_id}")
        before = span_row(r)
        after = replace(before, label_id=before.label_id if label_id is None else label_id,
                        attrs=before.attrs if attrs is None else dict(attrs),
                        start=before.start if start is None else start, end=before.end if end is None else end,
                        origin=before.origin if origin is None else Origin(origin))
        ch = Change(spans=() if after == before else (Edit(before, after),), text=text)
        new_layer = c.execute(select(L.c.layer).where(L.c.id == after.label_id)).scalar()
        if new_layer != str(Layer.CLAIM):  # no longer a claim: its claimant link goes
            rels = [relation_row(x) for x in c.execute(select(R).where(R.c.head_span_id == span_id,
                                                                       R.c.kind == CLAIMANT))]
            ch = replace(ch, relations=tuple(Edit(x, None) for x in rels))
        return ch if ch.empty else replace(ch, statuses=touch_status(c, before.document_id, before.annotator_id))
    return run(project, build)


def set_claimant(project: Project, claim_id: int, entity_id: int | None, *, text: str = "Set claimant") -> Change:
    """The claim's claimant becomes this entity span of the same document and annotator (None: no claimant).
    A claimant named only as text (an import with no entity span) is replaced by the link."""
    def build(c: Connection) -> Change:
        r = c.execute(select(S).where(S.c.id == claim_id)).first()
        if r is None:
            raise ProjectError(f"no span with id {claim_id}")
        claim = span_row(r)
        old = [relation_row(x) for x in c.execute(select(R).where(R.c.head_span_id == claim_id,
                                                                  R.c.kind == CLAIMANT))]
        if entity_id is not None:
            e = c.execute(select(S.c.document_id, S.c.annotator_id).where(S.c.id == entity_id)).first()
            if e is None or e.document_id != claim.document_id:
                raise ProjectError("a claimant must be an entity span of the same document")
            if [x.tail_span_id for x in old] == [entity_id]:
                return Change()
        elif not old and "claimant" not in claim.attrs:
            return Change()
        rels = [Edit(x, None) for x in old]
        if entity_id is not None:
            rels.append(Edit(None, RelationData(-1, claim.annotator_id, claim_id, entity_id, CLAIMANT)))
        spans: tuple[Edit[SpanData], ...] = ()
        if "claimant" in claim.attrs:
            spans = (Edit(claim, replace(claim, attrs={k: v for k, v in claim.attrs.items() if k != "claimant"})),)
        return Change(spans=spans, relations=tuple(rels),
                      statuses=touch_status(c, claim.document_id, claim.annotator_id), text=text)
    return run(project, build)


def document_label_edits(c: Connection, document_id: int, annotator_id: int, group: str, label_id: int | None
                         ) -> tuple[Edit[DocumentLabelData], ...]:
    group_ids = select(L.c.id).where(L.c.group == group)
    old = [doclabel_row(r) for r in c.execute(select(DL).where(
        DL.c.document_id == document_id, DL.c.annotator_id == annotator_id, DL.c.label_id.in_(group_ids)))]
    if label_id is not None and [d.label_id for d in old] == [label_id]:
        return ()
    edits = [Edit(d, None) for d in old]
    if label_id is not None:
        edits.append(Edit(None, DocumentLabelData(-1, document_id, annotator_id, label_id, {})))
    return tuple(edits)


def set_document_label(project: Project, document_id: int, annotator_id: int, group: str, label_id: int | None,
                       *, text: str = "Set document label") -> Change:
    """The annotator's label in a category (e.g. stance); None clears it."""
    def build(c: Connection) -> Change:
        edits = document_label_edits(c, document_id, annotator_id, group, label_id)
        if not edits:
            return Change()
        return Change(document_labels=edits, statuses=touch_status(c, document_id, annotator_id), text=text)
    return run(project, build)


def set_status(project: Project, document_id: int, annotator_id: int, status: Status, *,
               text: str = "Set status") -> Change:
    return run(project, lambda c: Change(statuses=_status_edit(c, document_id, annotator_id, status), text=text))


def review_state(c: Connection, document_id: int) -> ReviewState | None:
    v = c.execute(select(RV.c.data).where(RV.c.document_id == document_id)).scalar()
    return None if v is None else ReviewState(document_id, dict(v))


def review_states(project: Project, document_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    ids = list(document_ids)
    with project.read() as c:
        for i in range(0, len(ids), 400):
            for r in c.execute(select(RV.c.document_id, RV.c.data).where(RV.c.document_id.in_(ids[i:i + 400]))):
                out[r.document_id] = dict(r.data)
    return out


def all_review_states(project: Project) -> dict[int, dict[str, Any]]:
    with project.read() as c:
        return {r.document_id: dict(r.data) for r in c.execute(select(RV.c.document_id, RV.c.data))}


def replace_review_states(project: Project, states: dict[int, dict[str, Any]], *,
                          conn: Connection | None = None) -> None:
    """Every document's review record becomes ``states`` (a merged bundle of the adjudicated set);
    ``conn``: an open write transaction to do it in."""
    def run_(c: Connection) -> None:
        c.execute(delete(RV))
        now = time.time()
        rows = [dict(document_id=d, data=v, updated_at=now) for d, v in sorted(states.items()) if v]
        if rows:
            c.execute(insert(RV), rows)
    if conn is not None:
        run_(conn)
    else:
        with project.write() as c:
            run_(c)


def setting_edit(c: Connection, key: str, value: Any) -> tuple[Edit[SettingRow], ...]:
    r = c.execute(select(SE.c.value).where(SE.c.key == key)).first()
    before = None if r is None else SettingRow(key, r.value)
    after = None if value is None else SettingRow(key, value)
    return () if before == after else (Edit(before, after),)


