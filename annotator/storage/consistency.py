"""Label consistency: the same words labelled differently by the same annotator.

``label_uses(project, annotator_id, texts)`` tells, for each text, which labels this annotator
gave spans with exactly that text anywhere in the project, and where (document id, span id).
The span list shows a hint when a string of the open document carries another label elsewhere
("Pyongyang" GPE here, ORG in 2 other places) and offers to jump there. Pending suggestions
(origin pattern/model) are nobody's decision and are left out; so is the document layer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from annotator.core.model import Layer, Origin
from annotator.storage.project import Project
from annotator.storage.tables import Document as DocumentT, Label as LabelT, Span as SpanT

_PENDING = (str(Origin.PATTERN), str(Origin.MODEL))
MAX_PLACES = 50  # places kept per (text, label): enough to jump to, bounded for huge projects


@dataclass(frozen=True)
class Use:
    document_id: int
    span_id: int


def label_uses(project: Project, annotator_id: int, texts: Iterable[str]) -> dict[str, dict[int, list[Use]]]:
    """text -> label id -> places, for this annotator's spans whose text is exactly one of ``texts``."""
    wanted = {t for t in texts if t.strip()}
    if not wanted:
        return {}
    S, D, L = SpanT.__table__, DocumentT.__table__, LabelT.__table__
    lengths = sorted({len(t) for t in wanted})
    # substr() counts code points from 1 on both SQLite and PostgreSQL, as offsets do from 0
    text = func.substr(D.c.text, S.c.start + 1, S.c.end - S.c.start)
    q = (select(S.c.id, S.c.document_id, S.c.label_id, text.label("covered"))
         .select_from(S.join(D, D.c.id == S.c.document_id).join(L, L.c.id == S.c.label_id))
         .where(S.c.annotator_id == annotator_id, S.c.origin.not_in(_PENDING), L.c.layer != str(Layer.DOCUMENT),
                (S.c.end - S.c.start).in_(lengths))
         .order_by(S.c.document_id, S.c.start))
    out: dict[str, dict[int, list[Use]]] = defaultdict(lambda: defaultdict(list))
    with project.read() as c:
        for r in c.execute(q):
            if r.covered in wanted:
                places = out[r.covered][r.label_id]
                if len(places) < MAX_PLACES:
                    places.append(Use(r.document_id, r.id))
    return {t: dict(v) for t, v in out.items()}
