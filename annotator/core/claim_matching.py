"""Claims across documents: link kinds, the plain data types for stories and links, similarity
for link suggestions, and conflicting-figure detection.

No SQL and no Qt here. Similarity is TF-IDF (scikit-learn) over word and character n-grams,
plus the share of named entities two claims have in common; a conflict is two figures about
the same quantity (same counted thing, same kind of event: troops sent vs troops killed are
different quantities) whose intervals cannot both be true (see ``annotator.core.quantities``).
Two claims whose figures are all about different quantities are never suggested as a link.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from annotator.core.quantities import Quantity, comparable, incompatible, parse_quantities


class LinkKind(StrEnum):
    SAME = "same"  # the same claim, reported twice
    SUPPORTS = "supports"  # source backs target up (directed)
    CONTRADICTS = "contradicts"

    @property
    def symmetric(self) -> bool:
        return self is not LinkKind.SUPPORTS


class LinkOrigin(StrEnum):
    MANUAL = "manual"
    SUGGESTION = "suggestion"
    IMPORT = "import"


@dataclass(frozen=True, slots=True)
class StoryData:
    id: int
    title: str
    origin: str  # "auto" until edited by hand, then "manual"
    document_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ClaimLinkData:
    id: int
    annotator_id: int
    source_span_id: int
    target_span_id: int
    kind: LinkKind
    origin: LinkOrigin = LinkOrigin.MANUAL
    confirmed: bool = False
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Claim:
    """A claim span with the text it covers (what matching works on)."""

    span_id: int
    document_id: int
    annotator_id: int
    start: int
    end: int
    text: str
    attrs: dict[str, Any] = field(default_factory=dict)
    entities: frozenset[str] = frozenset()  # normalised names of entities in or near the claim


def canonical_pair(source: int, target: int, kind: LinkKind) -> tuple[int, int]:
    """Symmetric kinds are stored with the smaller id first, so a pair has one spelling."""
    if LinkKind(kind).symmetric and target < source:
        return target, source
    return source, target


# ---------------------------------------------------------------------------- conflicts
@dataclass(frozen=True, slots=True)
class Conflict:
    """Two figures about the same quantity whose intervals do not overlap."""

    quantity: str  # what the figures are about, e.g. "troops deployed", "civilians killed"
    a: Quantity
    b: Quantity

    def describe(self) -> str:
        return f"{self.quantity}: {self.a.describe()} vs {self.b.describe()}"

    def to_json(self) -> dict[str, Any]:
        return {"quantity": self.quantity, "a": self.a.to_json(), "b": self.b.to_json()}


def figure_conflicts(text_a: str, text_b: str) -> list[Conflict]:
    """Conflicting figures between two claim texts: figures about the same quantity
    (:func:`~annotator.core.quantities.comparable`) whose intervals are disjoint."""
    out = []
    for a in parse_quantities(text_a):
        for b in parse_quantities(text_b):
            if comparable(a, b) and incompatible(a, b):
                out.append(Conflict(a.what if a.counted else b.what, a, b))
    return out


def figures_relation(text_a: str, text_b: str) -> str | None:
    """How the figures of two claims relate: "same" (some figure of one is about the same
    quantity as a figure of the other), "different" (both give figures, none about the same
    quantity: troops killed vs troops sent), None (one of them has no figure that says what it
    is about)."""
    qa = [q for q in parse_quantities(text_a) if (q.counted or q.event) and not q.is_factor]
    qb = [q for q in parse_quantities(text_b) if (q.counted or q.event) and not q.is_factor]
    if not qa or not qb:
        return None
    return "same" if any(comparable(a, b) for a in qa for b in qb) else "different"


# ---------------------------------------------------------------------------- similarity
_WORD = re.compile(r"\w+", re.UNICODE)


def normalise_entity(name: str) -> str:
    """"Veldorian", "Veldoria's" and "Veldoria" meet as "veldor": casefold, drop possessives,
    and strip common place-name and demonym endings from the last word (a heuristic for
    matching, never shown)."""
    s = re.sub(r"['’]s\b", "", name.casefold())
    words = _WORD.findall(s)
    if not words:
        return ""
    last = words[-1]
    for suffix in ("ians", "ian", "ans", "ia", "an", "ese", "ish", "a"):
        if len(last) > len(suffix) + 3 and last.endswith(suffix):
            last = last[: -len(suffix)]
            break
    return " ".join([*words[:-1], last])


def _entity_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


@dataclass(frozen=True, slots=True)
class Suggestion:
    a: Claim
    b: Claim
    score: float
    text_similarity: float
    entity_overlap: float
    kind: LinkKind  # what the figures suggest: contradicts when they conflict, else same
    conflicts: tuple[Conflict, ...] = ()


TEXT_WEIGHT = 0.6
ENTITY_WEIGHT = 0.25
QUANTITY_WEIGHT = 0.2  # both claims give a figure about the same quantity (troops deployed, civilians killed …)
SUGGEST_THRESHOLD = 0.2


def similarity_matrix(texts: Sequence[str]):
    """Cosine similarity of TF-IDF vectors (word 1-2-grams + character 3-5-grams, so that
    "Veldoria" meets "Veldorian"); a dense numpy array."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    if not texts:
        import numpy as np

        return np.zeros((0, 0))
    union = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english", min_df=1)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1)),
    ])
    try:
        m = union.fit_transform(list(texts))
    except ValueError:  # nothing but stop words
        import numpy as np

        return np.eye(len(texts))
    sim = (m @ m.T).toarray() / 2.0  # each block is L2-normalised: halve to get a cosine in [0, 1]
    return sim


def suggest_links(claims: Sequence[Claim], *, threshold: float = SUGGEST_THRESHOLD,
                  exclude: set[tuple[int, int]] | None = None) -> list[Suggestion]:
    """Pairs of claims in different documents worth linking, best first. Claims whose figures
    are about different quantities (a casualty figure and a deployment figure) are never paired."""
    exclude = exclude or set()
    sim = similarity_matrix([c.text for c in claims])
    out = []
    for i, a in enumerate(claims):
        for j in range(i + 1, len(claims)):
            b = claims[j]
            if a.document_id == b.document_id:
                continue
            if (a.span_id, b.span_id) in exclude or (b.span_id, a.span_id) in exclude:
                continue
            figures = figures_relation(a.text, b.text)
            if figures == "different":
                continue
            ts = float(sim[i, j])
            eo = _entity_overlap(a.entities, b.entities)
            score = TEXT_WEIGHT * ts + ENTITY_WEIGHT * eo + (QUANTITY_WEIGHT if figures == "same" else 0.0)
            conflicts = tuple(figure_conflicts(a.text, b.text))
            if score >= threshold or conflicts:
                kind = LinkKind.CONTRADICTS if conflicts else LinkKind.SAME
                out.append(Suggestion(a, b, score, ts, eo, kind, conflicts))
    out.sort(key=lambda s: (-(s.score + (0.5 if s.conflicts else 0.0)), s.a.span_id, s.b.span_id))
    return out
