"""Training data: a view of the project exported as spaCy DocBins by the export code itself
(:func:`annotator.services.exporting.export`, format ``spacy``), so what a model learns from is
byte for byte what ``annotator export --format spacy`` writes with the same options."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from annotator.services.exporting import ExportOptions, ExportReport, export
from annotator.services.training.fit import CLAIM_KEY, TrainingError
from annotator.storage import Project


@dataclass(frozen=True, slots=True)
class ViewChoice:
    """Which annotations to learn from: one annotator, the gold set, or the majority merge."""

    annotator: str | None = None
    gold: bool = False
    merged: bool = False
    suggestions: bool = False  # also machine suggestions nobody accepted yet

    @property
    def name(self) -> str:
        return "gold" if self.gold else "merged" if self.merged else f"annotator:{self.annotator}"

    def export_options(self, fmt: str, out: Path, **kw: Any) -> ExportOptions:
        return ExportOptions(fmt, out, annotator=self.annotator, gold=self.gold, merged=self.merged,
                             suggestions=self.suggestions, **kw)

    @classmethod
    def parse(cls, name: str) -> ViewChoice:
        if name == "gold":
            return cls(gold=True)
        if name == "merged":
            return cls(merged=True)
        if name.startswith("annotator:"):
            return cls(annotator=name.split(":", 1)[1])
        return cls(annotator=name)


def export_view(project: Project, view: ViewChoice, out: Path, *, split: Sequence[float] | None = None,
                seed: int = 0, progress: Callable[[int, int, str], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> ExportReport:
    """``annotator export --format spacy`` of the view (with ``--split`` and ``--stratify`` when
    a split is given)."""
    opts = view.export_options("spacy", out, split=split, seed=seed, stratify=bool(split), force=True)
    return export(project, opts, progress=progress, cancelled=cancelled)


def read_docs(path: Path, lang: str) -> list[Any]:
    """The documents of a ``.spacy`` file (or a folder of them), with their own vocab."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank(lang)
    files = sorted(path.rglob("*.spacy")) if path.is_dir() else [path]
    docs = []
    for f in files:
        docs.extend(DocBin().from_disk(f).get_docs(nlp.vocab))
    return docs


def write_docs(docs: Sequence[Any], path: Path) -> Path:
    from spacy.tokens import DocBin

    DocBin(docs=docs, store_user_data=True).to_disk(path)
    return path


def write_lean(docs: Sequence[Any], path: Path, span_keys: Sequence[str] = ()) -> Path:
    """The same documents for spaCy's corpus reader: the annotations a model learns from
    (tokens, ``doc.ents``, ``doc.cats``, the ``doc.spans`` keys it uses), without the user data
    the export keeps for round trips (spaCy would decode it on every pass over the corpus)."""
    from spacy.tokens import DocBin

    out = DocBin(store_user_data=False)
    for d in docs:
        c = d.copy()
        c.user_data.clear()
        for k in list(c.spans):
            if k not in span_keys:
                del c.spans[k]
        out.add(c)
    out.to_disk(path)
    return path


def doc_key(doc: Any) -> dict[str, Any]:
    """What a model learns from one document, as plain data (for the data hash)."""
    return {
        "text": doc.text,
        "ents": [(e.start_char, e.end_char, e.label_) for e in doc.ents],
        "spans": {k: [(s.start_char, s.end_char, s.label_) for s in doc.spans[k]] for k in sorted(doc.spans)},
        "cats": sorted(doc.cats.items()),
    }


def data_hash(parts: dict[str, Sequence[Any]]) -> str:
    """SHA-256 of the training and evaluation documents' annotations, per part, in order."""
    h = hashlib.sha256()
    for name in sorted(parts):
        h.update(name.encode())
        for doc in parts[name]:
            h.update(orjson.dumps(doc_key(doc), option=orjson.OPT_SORT_KEYS))
    return h.hexdigest()


def content_hash(doc: Any) -> str:
    info = doc.user_data.get("annotator")
    return info.get("hash", "") if isinstance(info, dict) else ""


def components_for(docs: Sequence[Any], wanted: Sequence[str] | None = None) -> list[str]:
    """The components the data can teach: ``ner`` when there are entities, ``spancat`` when there
    are claims, ``textcat`` when documents have a stance (limited to ``wanted``)."""
    have = []
    if any(len(d.ents) for d in docs):
        have.append("ner")
    if any(len(d.spans.get(CLAIM_KEY, ())) for d in docs):
        have.append("spancat")
    if any(d.cats for d in docs):
        have.append("textcat")
    if wanted is not None:
        bad = sorted(set(wanted) - {"ner", "spancat", "textcat"})
        if bad:
            raise TrainingError(f"unknown component {', '.join(bad)} (choose from ner, spancat, textcat)")
        missing = [c for c in wanted if c not in have]
        if missing:
            raise TrainingError(f"the data has nothing to teach {', '.join(missing)} "
                                "(ner needs entities, spancat claims, textcat a stance)")
        have = [c for c in have if c in wanted]
    if not have:
        raise TrainingError("the chosen view has no entities, claims or stance to learn from")
    return have


def claim_sizes(docs: Sequence[Any]) -> tuple[int, int]:
    lengths = [len(s) for d in docs for s in d.spans.get(CLAIM_KEY, ())]
    return (min(lengths), max(lengths)) if lengths else (1, 8)
