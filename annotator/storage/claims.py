"""Stories (documents about one event) and claim links, stored next to a ``Project``.

``ClaimStore(project)`` reads and writes the ``story``, ``story_document`` and ``claim_link``
tables; like ``Project``, every method is one short transaction and returns plain data types
(``annotator.core.claim_matching``). Delete methods return what they removed so that undo can
put it back under the same id.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from annotator.core.claim_matching import ClaimLinkData, LinkKind, LinkOrigin, StoryData, canonical_pair
from annotator.core.errors import ProjectError
from annotator.core.model import Layer, SpanData
from annotator.storage.project import Project, _span
from annotator.storage.tables import (
    ClaimLink as ClaimLinkT,
    Label as LabelT,
    Span as SpanT,
    Story as StoryT,
    StoryDocument as StoryDocumentT,
)

STORY = StoryT.__table__
SD = StoryDocumentT.__table__
CL = ClaimLinkT.__table__
S = SpanT.__table__
L = LabelT.__table__


def _link(r: Any) -> ClaimLinkData:
    return ClaimLinkData(r.id, r.annotator_id, r.source_span_id, r.target_span_id, LinkKind(r.kind),
                         LinkOrigin(r.origin), bool(r.confirmed), dict(r.attrs or {}))


class ClaimStore:
    def __init__(self, project: Project) -> None:
        self.project = project

    # ------------------------------------------------------------------ stories
    @staticmethod
    def _story(c: Connection, row: Any) -> StoryData:
        docs = tuple(c.execute(select(SD.c.document_id).where(SD.c.story_id == row.id)
                               .order_by(SD.c.position, SD.c.document_id)).scalars())
        return StoryData(row.id, row.title, row.origin, docs)

    def stories(self) -> list[StoryData]:
        with self.project.read() as c:
            return [self._story(c, r) for r in c.execute(select(STORY).order_by(STORY.c.id))]

    def story(self, story_id: int) -> StoryData:
        with self.project.read() as c:
            row = c.execute(select(STORY).where(STORY.c.id == story_id)).first()
            if row is None:
                raise ProjectError(f"no story with id {story_id}")
            return self._story(c, row)

    def stories_of(self, document_id: int) -> list[StoryData]:
        with self.project.read() as c:
            ids = select(SD.c.story_id).where(SD.c.document_id == document_id)
            return [self._story(c, r) for r in c.execute(select(STORY).where(STORY.c.id.in_(ids))
                                                         .order_by(STORY.c.id))]

    @staticmethod
    def _insert_story(c: Connection, title: str, document_ids: Sequence[int], origin: str,
                      story_id: int | None = None) -> int:
        values: dict[str, Any] = dict(title=title, origin=origin, created_at=time.time())
        if story_id is not None:
            values["id"] = story_id
        sid = c.execute(insert(STORY).values(**values)).inserted_primary_key[0]
        rows = [dict(story_id=sid, document_id=d, position=i) for i, d in enumerate(dict.fromkeys(document_ids))]
        if rows:
            c.execute(insert(SD), rows)
        return sid

    def create_story(self, title: str, document_ids: Sequence[int], *, origin: str = "manual",
                     story_id: int | None = None) -> StoryData:
        with self.project.write() as c:
            sid = self._insert_story(c, title, document_ids, origin, story_id)
            return self._story(c, c.execute(select(STORY).where(STORY.c.id == sid)).one())

    def restore_story(self, story: StoryData) -> StoryData:
        return self.create_story(story.title, story.document_ids, origin=story.origin, story_id=story.id)

    def delete_story(self, story_id: int) -> StoryData:
        before = self.story(story_id)
        with self.project.write() as c:
            c.execute(delete(STORY).where(STORY.c.id == story_id))
        return before

    def rename_story(self, story_id: int, title: str) -> StoryData:
        """Returns the story before the change."""
        before = self.story(story_id)
        with self.project.write() as c:
            c.execute(update(STORY).where(STORY.c.id == story_id).values(title=title, origin="manual"))
        return before

    def set_story_documents(self, story_id: int, document_ids: Sequence[int], *, origin: str = "manual"
                            ) -> StoryData:
        """Replace a story's documents (add, remove, reorder by hand); returns it as it was."""
        before = self.story(story_id)
        with self.project.write() as c:
            c.execute(delete(SD).where(SD.c.story_id == story_id))
            rows = [dict(story_id=story_id, document_id=d, position=i)
                    for i, d in enumerate(dict.fromkeys(document_ids))]
            if rows:
                c.execute(insert(SD), rows)
            c.execute(update(STORY).where(STORY.c.id == story_id).values(origin=origin))
        return before

    def replace_auto_stories(self, groups: Iterable[tuple[str, Sequence[int]]]) -> list[StoryData]:
        """Regrouping: drop every automatic story, store the new groups. Stories edited by hand
        (origin "manual") stay as they are."""
        with self.project.write() as c:
            c.execute(delete(STORY).where(STORY.c.origin == "auto"))
            ids = [self._insert_story(c, title, docs, "auto") for title, docs in groups]
            return [self._story(c, c.execute(select(STORY).where(STORY.c.id == i)).one()) for i in ids]

    def manual_document_ids(self) -> set[int]:
        with self.project.read() as c:
            q = select(SD.c.document_id).join(STORY, STORY.c.id == SD.c.story_id).where(STORY.c.origin == "manual")
            return set(c.execute(q).scalars())

    # ------------------------------------------------------------------ claim spans
    def claim_spans(self, document_ids: Sequence[int], annotator_id: int | None = None) -> list[SpanData]:
        """Spans with a claim-layer label in these documents, in document then text order."""
        claim_labels = select(L.c.id).where(L.c.layer == str(Layer.CLAIM))
        q = select(S).where(S.c.document_id.in_(list(document_ids)), S.c.label_id.in_(claim_labels))
        if annotator_id is not None:
            q = q.where(S.c.annotator_id == annotator_id)
        with self.project.read() as c:
            return [_span(r) for r in c.execute(q.order_by(S.c.document_id, S.c.start, S.c.end, S.c.id))]

    # ------------------------------------------------------------------ links
    def links(self, *, annotator_id: int | None = None, span_ids: Iterable[int] | None = None
              ) -> list[ClaimLinkData]:
        q = select(CL).order_by(CL.c.id)
        if annotator_id is not None:
            q = q.where(CL.c.annotator_id == annotator_id)
        if span_ids is not None:
            ids = list(span_ids)
            q = q.where(or_(CL.c.source_span_id.in_(ids), CL.c.target_span_id.in_(ids)))
        with self.project.read() as c:
            return [_link(r) for r in c.execute(q)]

    def link(self, link_id: int) -> ClaimLinkData:
        with self.project.read() as c:
            r = c.execute(select(CL).where(CL.c.id == link_id)).first()
        if r is None:
            raise ProjectError(f"no claim link with id {link_id}")
        return _link(r)

    def link_between(self, annotator_id: int, a: int, b: int) -> ClaimLinkData | None:
        """This annotator's link between two claims, in either direction."""
        with self.project.read() as c:
            r = c.execute(select(CL).where(CL.c.annotator_id == annotator_id, or_(
                (CL.c.source_span_id == a) & (CL.c.target_span_id == b),
                (CL.c.source_span_id == b) & (CL.c.target_span_id == a)))).first()
        return None if r is None else _link(r)

    def add_link(self, annotator_id: int, source_span_id: int, target_span_id: int, kind: LinkKind | str, *,
                 origin: LinkOrigin = LinkOrigin.MANUAL, confirmed: bool = False,
                 attrs: dict[str, Any] | None = None, link_id: int | None = None) -> ClaimLinkData:
        """Link two claim spans. A pair of claims has at most one link per annotator (change its
        kind with ``update_link``); symmetric kinds are stored smaller span id first."""
        kind = LinkKind(kind)
        if source_span_id == target_span_id:
            raise ProjectError("a claim cannot be linked to itself")
        source_span_id, target_span_id = canonical_pair(source_span_id, target_span_id, kind)
        now = time.time()
        with self.project.write() as c:
            layers = dict(c.execute(select(S.c.id, L.c.layer).join(L, L.c.id == S.c.label_id)
                                    .where(S.c.id.in_([source_span_id, target_span_id]))).all())
            for sid in (source_span_id, target_span_id):
                if sid not in layers:
                    raise ProjectError(f"no span with id {sid}")
                if layers[sid] != str(Layer.CLAIM):
                    raise ProjectError(f"span {sid} is not a claim")
            exists = c.execute(select(func.count()).select_from(CL).where(CL.c.annotator_id == annotator_id, or_(
                (CL.c.source_span_id == source_span_id) & (CL.c.target_span_id == target_span_id),
                (CL.c.source_span_id == target_span_id) & (CL.c.target_span_id == source_span_id)))).scalar_one()
            if exists:
                raise ProjectError("these claims are already linked; change the link's kind instead")
            values: dict[str, Any] = dict(annotator_id=annotator_id, source_span_id=source_span_id,
                                          target_span_id=target_span_id, kind=str(kind), origin=str(origin),
                                          confirmed=confirmed, attrs=attrs or {}, created_at=now, updated_at=now)
            if link_id is not None:
                values["id"] = link_id
            lid = c.execute(insert(CL).values(**values)).inserted_primary_key[0]
        return ClaimLinkData(lid, annotator_id, source_span_id, target_span_id, kind, LinkOrigin(origin),
                             confirmed, dict(attrs or {}))

    def restore_link(self, link: ClaimLinkData) -> ClaimLinkData:
        return self.add_link(link.annotator_id, link.source_span_id, link.target_span_id, link.kind,
                             origin=link.origin, confirmed=link.confirmed, attrs=link.attrs, link_id=link.id)

    def delete_link(self, link_id: int) -> ClaimLinkData:
        before = self.link(link_id)
        with self.project.write() as c:
            c.execute(delete(CL).where(CL.c.id == link_id))
        return before

    def update_link(self, link_id: int, *, kind: LinkKind | str | None = None, confirmed: bool | None = None,
                    attrs: dict[str, Any] | None = None, source_span_id: int | None = None,
                    target_span_id: int | None = None) -> tuple[ClaimLinkData, ClaimLinkData]:
        """Change a link; returns (before, after). Direction may change with the kind."""
        before = self.link(link_id)
        new_kind = LinkKind(kind) if kind is not None else before.kind
        src = before.source_span_id if source_span_id is None else source_span_id
        tgt = before.target_span_id if target_span_id is None else target_span_id
        src, tgt = canonical_pair(src, tgt, new_kind)
        values: dict[str, Any] = dict(kind=str(new_kind), source_span_id=src, target_span_id=tgt,
                                      updated_at=time.time())
        if confirmed is not None:
            values["confirmed"] = confirmed
        if attrs is not None:
            values["attrs"] = attrs
        with self.project.write() as c:
            c.execute(update(CL).where(CL.c.id == link_id).values(**values))
        return before, self.link(link_id)

    def set_link(self, link: ClaimLinkData) -> ClaimLinkData:
        """Put a link back exactly as it was (undo of ``update_link``)."""
        return self.update_link(link.id, kind=link.kind, confirmed=link.confirmed, attrs=link.attrs,
                                source_span_id=link.source_span_id, target_span_id=link.target_span_id)[1]

    def link_count(self, annotator_id: int | None = None) -> int:
        q = select(func.count()).select_from(CL)
        if annotator_id is not None:
            q = q.where(CL.c.annotator_id == annotator_id)
        with self.project.read() as c:
            return c.execute(q).scalar_one()


def export_extras(project: Project, annotator_ids: Sequence[int], document_ids: Sequence[int]
                  ) -> dict[int, dict[str, Any]]:
    """For the native export: per document, its stories and the claim links whose source claim
    is in it (made by these annotators), the target named by document hash and offsets.
    Documents with neither are left out."""
    from annotator.storage.tables import Document as DocumentT
    from annotator.storage.views import _in_ids

    D = DocumentT.__table__
    ids = list(document_ids)
    sqlite = project.url is None
    out: dict[int, dict[str, Any]] = {}
    src, tgt = S.alias("src"), S.alias("tgt")
    with project.read() as c:
        for r in c.execute(select(SD.c.document_id, STORY.c.id, STORY.c.title, STORY.c.origin)
                           .join(STORY, STORY.c.id == SD.c.story_id).where(_in_ids(SD.c.document_id, ids, sqlite))
                           .order_by(SD.c.document_id, STORY.c.id)):
            out.setdefault(r.document_id, {}).setdefault("stories", []).append(
                {"id": r.id, "title": r.title, "origin": r.origin})
        q = (select(CL, src.c.document_id.label("doc"), src.c.start.label("s_start"), src.c.end.label("s_end"),
                    tgt.c.start.label("t_start"), tgt.c.end.label("t_end"), D.c.content_hash.label("t_hash"))
             .join(src, src.c.id == CL.c.source_span_id).join(tgt, tgt.c.id == CL.c.target_span_id)
             .join(D, D.c.id == tgt.c.document_id)
             .where(_in_ids(src.c.document_id, ids, sqlite), CL.c.annotator_id.in_(list(annotator_ids)))
             .order_by(src.c.document_id, src.c.start, src.c.end, tgt.c.start, CL.c.id))
        for r in c.execute(q):
            out.setdefault(r.doc, {}).setdefault("claim_links", []).append({
                "start": r.s_start, "end": r.s_end, "kind": r.kind, "origin": r.origin,
                "confirmed": bool(r.confirmed), "attrs": dict(r.attrs or {}),
                "target": {"hash": r.t_hash, "start": r.t_start, "end": r.t_end},
            })
    return out
