"""A synthetic news project for tests, benchmarks and screenshots of training.

Short articles built from templates: a person of an organisation speaks in a place about a
claim, with a stance word that decides the document's stance. Every entity, claim and stance
is known, so the gold set is exact; :func:`plant_label_swaps` then changes a known share of
one label into another, which the likely-mistakes finder should point at.
Offsets are Python ``str`` indices; the names include accents, CJK and an emoji so that the
whole chain is exercised with more than ASCII.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from annotator.core.model import Layer, NewDocument, Origin, Status
from annotator.services.importing import import_documents
from annotator.storage import Project

PERSONS = ["Anika Sorel", "Marek Dvořák", "Lena Hoff", "Tomas Brel", "Ines Vaal", "Karl Omen", "Zhou Wei",
           "Rosa Quint", "Elif Kaya", "Jonas Veit", "Mira Sand", "Oskar Lind"]
ORGS = ["Border Guard", "Veldorian Army", "Reuters", "Red Cross", "Harbour Union", "Interior Ministry",
        "Lakeside Bank", "北京 Office", "Chip Labs", "Port Authority", "Civic Forum", "Daily Ledger"]
GPES = ["Veldoria", "Ostrava", "Brenmark", "Kastel", "Norvik", "Lumen City", "Tarsk", "Valmont", "Sorn", "Eberg"]
VERBS = {"FAVOR": ["welcomed", "praised", "supported"], "AGAINST": ["condemned", "criticised", "opposed"],
         "NONE": ["reported", "noted", "described"]}
CLAIMS = ["more than {n} troops crossed the border", "{n} soldiers arrived on Tuesday",
          "the convoy carried {n} tanks", "{n} people left the town"]
FILLER = ["The weather was cold 🌧.", "Shops stayed open.", "Traffic was slow near the bridge.",
          "Officials gave no further details.", "Markets were calm."]


@dataclass(frozen=True, slots=True)
class Planted:
    """A label error planted in the gold set: the span now says ``wrong`` instead of ``right``."""

    document_id: int
    start: int
    end: int
    right: str
    wrong: str


def _article(rng: random.Random) -> tuple[str, list[tuple[int, int, str, str]], str]:
    """One article: text, spans (start, end, label, layer) and its stance."""
    stance = rng.choice(sorted(VERBS))
    parts: list[tuple[str, str | None, str | None]] = []  # (text, label, layer)

    def add(text: str, label: str | None = None, layer: str | None = None) -> None:
        parts.append((text, label, layer))

    for k in range(rng.randint(1, 2)):
        add(rng.choice(PERSONS), "PERSON", "entity")
        add(" of the ")
        add(rng.choice(ORGS), "ORG", "entity")
        add(f" {rng.choice(VERBS[stance])} the deployment in ")
        add(rng.choice(GPES), "GPE", "entity")
        add(" and said that ")
        add(rng.choice(CLAIMS).format(n=rng.randint(2, 90) * 100), "CLAIM", "claim")
        add(". ")
        if rng.random() < 0.6:
            add(rng.choice(FILLER) + " ")
    text, spans, pos = "", [], 0
    for t, label, layer in parts:
        if label:
            spans.append((pos, pos + len(t), label, layer or "entity"))
        text += t
        pos += len(t)
    return text.rstrip(), spans, stance


def build(project: Project, n_docs: int = 120, seed: int = 0, *, annotator: str | None = None) -> list[int]:
    """Add ``n_docs`` synthetic articles with exact annotations by ``annotator`` (default: the
    gold set), each marked done. Returns the document ids. The project needs the news schema."""
    rng = random.Random(seed)
    arts = [_article(rng) for _ in range(n_docs)]
    before = set(project.document_ids())
    import_documents(project, [NewDocument(t, title=f"synthetic {i + 1}", source="synthetic")
                               for i, (t, _s, _st) in enumerate(arts)])
    ids = [d for d in project.document_ids() if d not in before]
    who = project.gold() if annotator is None else project.ensure_annotator(annotator)
    labels = {(lab.name, str(lab.layer)): lab.id for lab in project.labels()}
    rows = []
    for d, (_t, spans, _st) in zip(ids, arts):
        rows += [(d, who.id, labels[(lab, layer)], s, e, {}, Origin.MANUAL) for s, e, lab, layer in spans]
    project.add_spans(rows)
    for d, (_t, _s, stance) in zip(ids, arts):
        project.set_document_label(d, who.id, "stance", labels[(stance, str(Layer.DOCUMENT))])
        project.set_status(d, who.id, Status.DONE)
    return ids


def plant_label_swaps(project: Project, annotator_id: int, label: str, into: str, share: float = 0.05,
                      seed: int = 0) -> list[Planted]:
    """Relabel ``share`` of one annotator's ``label`` spans as ``into`` (a known label error)."""
    src = project.label_by_name(label, Layer.ENTITY)
    dst = project.label_by_name(into, Layer.ENTITY)
    if src is None or dst is None:
        raise ValueError(f"no entity labels {label!r} and {into!r}")
    spans = [s for d in project.document_ids() for s in project.spans(d, annotator_id) if s.label_id == src.id]
    rng = random.Random(seed)
    chosen = rng.sample(spans, max(1, round(share * len(spans))))
    for s in chosen:
        project.update_span(s.id, label_id=dst.id)
    return [Planted(s.document_id, s.start, s.end, label, into) for s in chosen]
