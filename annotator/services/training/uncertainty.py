"""What to annotate next: documents ordered by the model's uncertainty (active learning).

A document's uncertainty is the largest of:

- stance (``textcat``): 1 − (best − second best probability), the margin (high when the model
  cannot decide between two stances);
- claims (``spancat``) and any span categoriser: for each suggested span, 1 − |2s − 1| where
  ``s`` is its score (high when a span sits at the 0.5 threshold); the most uncertain span counts.

``ner`` gives no probabilities in spaCy (a greedy transition parser), so a model with only
``ner`` cannot order the queue; train it with the stance or claims too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.core.model import Status
from annotator.services.training.fit import TrainingError
from annotator.services.training.store import ModelInfo
from annotator.storage import Project

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class Uncertain:
    document_id: int
    title: str
    uncertainty: float
    stance: str  # the model's stance ("" without textcat)
    stance_probability: float


def doc_uncertainty(doc: Any, span_keys: Sequence[str]) -> float:
    u = 0.0
    if doc.cats:
        ps = sorted(doc.cats.values(), reverse=True) + [0.0]
        u = max(u, 1.0 - (ps[0] - ps[1]))
    for key in span_keys:
        group = doc.spans.get(key)
        scores = group.attrs.get("scores", []) if group is not None else []
        for s in scores:
            u = max(u, 1.0 - abs(2.0 * float(s) - 1.0))
    return u


def rank_documents(project: Project, model: ModelInfo, *, annotator_id: int | None = None,
                   document_ids: Sequence[int] | None = None, batch: int = 64,
                   progress: Progress | None = None, cancelled: Callable[[], bool] | None = None
                   ) -> list[Uncertain]:
    """Documents the annotator has not finished (default: every document), most uncertain first."""
    import spacy

    from annotator.services.importing import Cancelled

    nlp = spacy.load(model.model_path)
    keys = [nlp.get_pipe(n).key for n in nlp.pipe_names if n.startswith("spancat")]
    if "textcat" not in nlp.pipe_names and not keys:
        raise TrainingError(f"model {model.name} has only {', '.join(nlp.pipe_names)}: spaCy's ner gives no "
                            "probabilities; train with the stance (textcat) or claims (spancat) to order the queue")
    ids = list(document_ids) if document_ids is not None else project.document_ids()
    if annotator_id is not None:
        st = project.statuses(annotator_id)
        ids = [d for d in ids if st.get((d, annotator_id)) != Status.DONE]
    out: list[Uncertain] = []
    chunk: list = []

    def flush() -> None:
        for d, doc in zip(chunk, nlp.pipe([x.text for x in chunk], batch_size=batch)):
            stance, p = ("", 0.0)
            if doc.cats:
                stance, p = max(doc.cats.items(), key=lambda kv: kv[1])
            out.append(Uncertain(d.id, d.title, doc_uncertainty(doc, keys), stance, float(p)))
        chunk.clear()
        if progress:
            progress(len(out), len(ids), f"{len(out):,} of {len(ids):,} documents")

    for d in project.documents(ids):
        chunk.append(d)
        if len(chunk) >= batch:
            if cancelled is not None and cancelled():
                raise Cancelled()
            flush()
    if chunk:
        flush()
    out.sort(key=lambda u: (-u.uncertainty, u.document_id))
    return out
