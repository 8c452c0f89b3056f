"""What ``annotator stats`` counts, in one read transaction.

- A label's count is what it is used for: spans for entity and claim labels, document labels
  (a stance chosen for a document) for document labels.
- Pending machine suggestions (spans with origin ``pattern`` or ``model``, see
  docs/preannotation.md) are nobody's decision yet: they are counted apart from spans, per
  label and per annotator.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from annotator.core.model import Origin, Status
from annotator.storage import postgres
from annotator.storage.project import Project
from annotator.storage.tables import (
    Annotator as AnnotatorT,
    ClaimLink as ClaimLinkT,
    Document as DocumentT,
    DocumentLabel as DocumentLabelT,
    DocumentStatus as DocumentStatusT,
    Label as LabelT,
    Span as SpanT,
)

SUGGESTED = (str(Origin.PATTERN), str(Origin.MODEL))


def project_stats(project: Project) -> dict[str, Any]:
    """Documents, per-label and per-annotator counts (see the module docstring)."""
    D, L, A, S = DocumentT.__table__, LabelT.__table__, AnnotatorT.__table__, SpanT.__table__
    DL, ST, CL = DocumentLabelT.__table__, DocumentStatusT.__table__, ClaimLinkT.__table__
    pending = S.c.origin.in_(SUGGESTED)
    with project.read() as c:
        docs = c.execute(select(func.count(), func.coalesce(func.sum(D.c.length), 0)).select_from(D)).one()
        labels = c.execute(select(L.c.id, L.c.layer, L.c.name).order_by(L.c.position, L.c.id)).all()
        spans = {(r.label_id, r.pending): r.n for r in c.execute(
            select(S.c.label_id, pending.label("pending"), func.count().label("n"))
            .group_by(S.c.label_id, pending))}
        by_label_doc = dict(c.execute(select(DL.c.label_id, func.count()).group_by(DL.c.label_id)).all())
        people = c.execute(select(A.c.id, A.c.name, A.c.role).order_by(A.c.id)).all()
        a_spans = {(r.annotator_id, r.pending): r.n for r in c.execute(
            select(S.c.annotator_id, pending.label("pending"), func.count().label("n"))
            .group_by(S.c.annotator_id, pending))}
        a_docs = dict(c.execute(select(DL.c.annotator_id, func.count()).group_by(DL.c.annotator_id)).all())
        a_done = dict(c.execute(select(ST.c.annotator_id, func.count()).where(ST.c.status == str(Status.DONE))
                                .group_by(ST.c.annotator_id)).all())
        a_links = dict(c.execute(select(CL.c.annotator_id, func.count()).group_by(CL.c.annotator_id)).all())
    return {
        "path": postgres.display_url(project.url) if project.url else str(project.path),
        "documents": docs[0],
        "characters": docs[1],
        "labels": [{"layer": r.layer, "name": r.name, "spans": spans.get((r.id, False), 0),
                    "suggestions": spans.get((r.id, True), 0), "document_labels": by_label_doc.get(r.id, 0)}
                   for r in labels],
        "annotators": [{"name": r.name, "role": r.role, "spans": a_spans.get((r.id, False), 0),
                        "suggestions": a_spans.get((r.id, True), 0), "document_labels": a_docs.get(r.id, 0),
                        "claim_links": a_links.get(r.id, 0), "done": a_done.get(r.id, 0)} for r in people],
        "size_bytes": project.path.stat().st_size if project.url is None and project.path.exists() else 0,
    }
