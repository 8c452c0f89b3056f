"""Reads the agreement reports need beyond ``Project``: when each annotator set a document's status
(the time axis of "agreement with gold over time")."""

from __future__ import annotations

from sqlalchemy import select

from annotator.core.model import Status
from annotator.storage.project import Project
from annotator.storage.tables import DocumentStatus as DocumentStatusT

ST = DocumentStatusT.__table__


def status_times(project: Project, annotator_ids: list[int] | None = None) -> dict[tuple[int, int], tuple[Status, float]]:
    """``(document id, annotator id) → (status, when it was last set, epoch seconds)``."""
    q = select(ST.c.document_id, ST.c.annotator_id, ST.c.status, ST.c.updated_at)
    if annotator_ids is not None:
        q = q.where(ST.c.annotator_id.in_(list(annotator_ids)))
    with project.read() as c:
        return {(r.document_id, r.annotator_id): (Status(r.status), float(r.updated_at or 0.0)) for r in c.execute(q)}
