"""Likely annotation mistakes: k-fold out-of-fold predictions, ranked by how confidently the
model disagrees with the annotation.

The view's documents are cut into ``k`` folds (seeded). For each fold a spaCy pipeline is
trained on the other folds with spaCy's config and loop (:mod:`.fit`):

- a ``spancat_singlelabel`` on the entity spans (``doc.spans["entity"]``, all of them, overlaps
  too): for every annotated entity span of the held-out fold, the model gives a probability
  for each label and for "not an entity" (spaCy's negative label);
- a ``textcat`` (exclusive) on the stance: a probability per stance label for each document.

Each annotated item thus gets out-of-fold predicted probabilities; ``cleanlab``'s label quality
score (``cleanlab.rank.get_label_quality_scores``, self-confidence: the probability the model
gives to the annotated label) ranks them, lowest first. An item whose most likely label is
not the annotated one is *flagged*. Entities the model predicts with high confidence where the
annotation has nothing are listed too ("missing"), with quality 1 − the model's probability.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from annotator.services.training import data as _data
from annotator.services.training.evaluate import predict
from annotator.services.training.fit import (
    ENTITY_KEY,
    FitSettings,
    TrainingError,
    counting_step,
    fit_in_memory,
    make_config,
)
from annotator.storage import Project

Progress = Callable[[int, int, str], None]
NOT_AN_ENTITY = "(none)"
SPANCAT = "spancat_singlelabel"


@dataclass
class Mistake:
    kind: str  # "label" (an entity's label), "stance" (a document's stance), "missing" (no span where one is likely)
    document_id: int | None
    title: str
    start: int  # code points into the document text (0, 0 for a stance)
    end: int
    text: str
    given: str  # the annotated label ("" for missing)
    suggested: str  # the model's most likely label
    probability: float  # the model's probability of ``suggested``
    quality: float  # cleanlab's label quality (low = likely wrong)
    flagged: bool  # the model's most likely label is not the annotated one
    fold: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class MistakeReport:
    items: list[Mistake] = field(default_factory=list)
    folds: int = 0
    documents: int = 0
    view: str = ""

    def flagged(self) -> list[Mistake]:
        return [m for m in self.items if m.flagged]


def _folds(n: int, k: int, seed: int) -> list[list[int]]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [sorted(order[f::k]) for f in range(k)]


def _entity_probs(nlp: Any, preds: Sequence[Any], refs: Sequence[Any]) -> tuple[list[tuple[int, Any]], Any]:
    """Probabilities (labels + negative) for every reference entity span, on the model's docs."""
    import numpy
    from thinc.api import Ragged

    spancat = nlp.get_pipe(SPANCAT)
    ops = spancat.model.ops
    where, starts, lengths = [], [], []
    for i, ref in enumerate(refs):
        spans = list(ref.spans.get(ENTITY_KEY, ()))
        for sp in spans:
            where.append((i, sp))
            starts.append((sp.start, sp.end))
        lengths.append(len(spans))
    if not where:
        return [], numpy.zeros((0, len(spancat.labels) + 1), dtype="f")
    indices = Ragged(ops.asarray2i(numpy.array(starts, dtype="i")), ops.asarray1i(numpy.array(lengths, dtype="i")))
    scores = ops.to_numpy(spancat.model.predict((list(preds), indices)))
    return where, scores


def find_mistakes(project: Project, view: _data.ViewChoice, *, k: int = 4, seed: int = 0,
                  settings: FitSettings | None = None, min_missing: float = 0.9,
                  progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> MistakeReport:
    import numpy

    settings = settings or FitSettings(max_steps=400, eval_frequency=100)
    if k < 2:
        raise TrainingError("k-fold needs at least 2 folds")
    lang = project.language
    with tempfile.TemporaryDirectory(prefix="annotator-mistakes-") as t:
        tmp = Path(t)
        _data.export_view(project, view, tmp / "all.spacy", cancelled=cancelled)
        docs = _data.read_docs(tmp / "all.spacy", lang)
        if len(docs) < k:
            raise TrainingError(f"{len(docs)} documents cannot be cut into {k} folds")
        ents = [len(sp) for d in docs for sp in d.spans.get(ENTITY_KEY, ())]
        comps = (["spancat"] if ents else []) + (["textcat"] if any(d.cats for d in docs) else [])
        if not comps:
            raise TrainingError(f"{view.name} has no entities or stance to check")
        sizes = (min(ents), max(ents)) if ents else (1, 1)
        cfg = make_config(lang, comps, settings, claim_sizes=sizes, spancat_key=ENTITY_KEY, spancat_factory=SPANCAT)
        folds = _folds(len(docs), k, seed)
        ent_rows: list[tuple[int, int, Any, list[str], Any]] = []  # (fold, doc index, span, labels, probs)
        cat_rows: list[tuple[int, int, list[str], Any]] = []
        missing: list[tuple[int, int, Any, float]] = []
        steps = settings.max_steps
        for f, held in enumerate(folds):
            held_set = set(held)
            train = [d for i, d in enumerate(docs) if i not in held_set]
            refs = [docs[i] for i in held]
            tr = _data.write_lean(train, tmp / f"train-{f}.spacy", [ENTITY_KEY])
            dv = _data.write_lean(refs, tmp / f"dev-{f}.spacy", [ENTITY_KEY])
            nlp = fit_in_memory(cfg, tr, dv, step=counting_step(steps, progress, cancelled, f * steps, k * steps,
                                                                f"fold {f + 1} of {k}: "))
            preds = predict(nlp, refs)
            if ents:
                labels = list(nlp.get_pipe(SPANCAT).labels) + [NOT_AN_ENTITY]
                where, scores = _entity_probs(nlp, preds, refs)
                for (i, sp), row in zip(where, scores):
                    ent_rows.append((f, held[i], sp, labels, row))
                for i, (pred, ref) in enumerate(zip(preds, refs)):
                    gold = [(s.start, s.end) for s in ref.spans.get(ENTITY_KEY, ())]
                    pscores = pred.spans[ENTITY_KEY].attrs.get("scores", []) if ENTITY_KEY in pred.spans else []
                    for sp, p in zip(pred.spans.get(ENTITY_KEY, ()), pscores):
                        if p >= min_missing and not any(s < sp.end and sp.start < e for s, e in gold):
                            missing.append((f, held[i], sp, float(p)))
            if "textcat" in comps:
                tlabels = list(nlp.get_pipe("textcat").labels)
                for i, (pred, ref) in enumerate(zip(preds, refs)):
                    if any(v == 1.0 for v in ref.cats.values()):
                        cat_rows.append((f, held[i], tlabels, numpy.array([pred.cats.get(lab, 0.0) for lab in tlabels])))
    report = MistakeReport(folds=k, documents=len(docs), view=view.name)
    ids: dict[int, int | None] = {}

    def doc_id(i: int) -> int | None:
        if i not in ids:
            ids[i] = project.document_by_hash(_data.content_hash(docs[i])) if _data.content_hash(docs[i]) else None
        return ids[i]

    def title(i: int) -> str:
        info = docs[i].user_data.get("annotator")
        return (info.get("title") if isinstance(info, dict) else "") or ""

    # entity labels: one cleanlab call over every span, labels as indices into a shared class list
    if ent_rows:
        classes = sorted({lab for _f, _i, _s, labs, _p in ent_rows for lab in labs[:-1]} |
                         {sp.label_ for _f, _i, sp, _l, _p in ent_rows}) + [NOT_AN_ENTITY]
        col = {c: j for j, c in enumerate(classes)}
        probs = numpy.zeros((len(ent_rows), len(classes)), dtype="f8")
        given = numpy.zeros(len(ent_rows), dtype="i8")
        for r, (_f, _i, sp, labs, row) in enumerate(ent_rows):
            for lab, p in zip(labs, row):
                probs[r, col[lab]] += float(p)
            given[r] = col[sp.label_]
        probs = numpy.clip(probs, 1e-12, None)
        probs /= probs.sum(axis=1, keepdims=True)
        quality = label_quality(given, probs)
        for r, (f, i, sp, _l, _row) in enumerate(ent_rows):
            best = int(probs[r].argmax())
            report.items.append(Mistake("label", doc_id(i), title(i), sp.start_char, sp.end_char, sp.text, sp.label_,
                                        classes[best], float(probs[r, best]), float(quality[r]),
                                        best != given[r], f))
    if cat_rows:
        classes = sorted({lab for _f, _i, labs, _p in cat_rows for lab in labs})
        col = {c: j for j, c in enumerate(classes)}
        probs = numpy.zeros((len(cat_rows), len(classes)), dtype="f8")
        given = numpy.zeros(len(cat_rows), dtype="i8")
        for r, (_f, i, labs, row) in enumerate(cat_rows):
            for lab, p in zip(labs, row):
                probs[r, col[lab]] = float(p)
            given[r] = col[max(docs[i].cats.items(), key=lambda kv: kv[1])[0]]
        probs = numpy.clip(probs, 1e-12, None)
        probs /= probs.sum(axis=1, keepdims=True)
        quality = label_quality(given, probs)
        for r, (f, i, _l, _row) in enumerate(cat_rows):
            best = int(probs[r].argmax())
            opening = " ".join(docs[i].text[:120].split())
            report.items.append(Mistake("stance", doc_id(i), title(i), 0, 0, opening, classes[given[r]],
                                        classes[best], float(probs[r, best]), float(quality[r]),
                                        best != given[r], f))
    for f, i, sp, p in missing:
        report.items.append(Mistake("missing", doc_id(i), title(i), sp.start_char, sp.end_char, sp.text, "",
                                    sp.label_, p, 1.0 - p, True, f))
    report.items.sort(key=lambda m: (m.quality, m.document_id or 0, m.start))
    return report


def label_quality(given: Any, probs: Any) -> Any:
    """cleanlab's label quality score (self-confidence) of each item: low means likely wrong.
    Without cleanlab (the desktop bundle leaves pandas out), the same figure, computed here:
    the probability given to the annotated label (a test checks they are equal)."""
    try:
        from cleanlab.rank import get_label_quality_scores
    except ImportError:
        import numpy

        return probs[numpy.arange(len(given)), given]
    return get_label_quality_scores(given, probs, method="self_confidence")


def precision_at_k(ranked: Sequence[Mistake], truth: set[tuple[int, int, int]], k: int) -> float:
    """Share of the first ``k`` items whose (document, start, end) is in ``truth``."""
    top = ranked[:k]
    return sum((m.document_id, m.start, m.end) in truth for m in top) / max(1, len(top))
