"""Stories and claim links: automatic grouping of articles about one event (editable by
hand), link suggestions, conflicting-figure flags, claim-pairs export and link agreement.

Everything here is Qt-free and works on a ``Project``; the Qt story view and the
``annotator stories`` command call these functions. Link edits return a ``LinkEdit``
(before/after); ``annotator.services.story_changes.link_change`` makes it a typed ``Change`` that
the window undoes and redoes like every other edit.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from annotator.core.claim_matching import (
    Claim,
    ClaimLinkData,
    Conflict,
    LinkKind,
    LinkOrigin,
    StoryData,
    Suggestion,
    figure_conflicts,
    normalise_entity,
    suggest_links,
)
from annotator.core.errors import AnnotatorError
from annotator.core.model import DocumentData, Layer
from annotator.formats.claim_pairs import write_pairs
from annotator.storage import Project
from annotator.storage.claims import ClaimStore

Progress = Callable[[int, int, str], None]

GROUP_THRESHOLD = 0.1  # combined similarity above which two articles are about the same event
MAX_DAYS_APART = 14  # articles published further apart are less likely one story
TEXT_WEIGHT, ENTITY_WEIGHT = 0.5, 0.5
MAX_DENSE = 3000  # above this many documents, single-link components of a sparse graph instead


class StoryError(AnnotatorError):
    pass


# ---------------------------------------------------------------------------- entities
_CAPS = re.compile(r"(?<![\w'’])[A-Z][\w-]+", re.UNICODE)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”—]\s*|\n\s*)$")
_CAPS_STOP = set("""the a an he she it they we i in on at by photo reporting published source related subscribe
leave your earlier these this but and or if as our her his its their there online comments sign
for of more than least roughly about some over under
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december""".split())


# words that name an office, not who holds it: poor story titles
_TITLE_STOP = set("""minister ministry prime president defence defense foreign interior council officials spokesman
spokeswoman general secretary office government army police state""".split())


def capitalised_names(text: str, *, first_word: bool = False) -> set[str]:
    """Capitalised words not at a sentence start (``first_word``: a claim's first word counts
    too), normalised: a cheap stand-in for entities in texts nobody has annotated yet (no model
    download needed)."""
    out = set()
    for m in _CAPS.finditer(text):
        if (m.start() > 0 or not first_word) and _SENTENCE_START.search(text[max(0, m.start() - 3):m.start()]):
            continue
        word = m.group()
        if word.isupper() or word.casefold() in _CAPS_STOP:
            continue
        name = normalise_entity(word)
        if len(name) > 2:
            out.add(name)
    return out


def _name_words(text: str) -> set[str]:
    """An entity span's text as normalised words (so "Jonas Hale" meets "Hale")."""
    words = (normalise_entity(w) for w in re.findall(r"[^\W\d_][\w'’-]*", text))
    return {w for w in words if len(w) > 2 and w not in _CAPS_STOP}


def document_entities(project: Project, doc: DocumentData, entity_labels: set[int] | None = None) -> set[str]:
    """Entity names in a document: every annotator's entity spans plus capitalised names."""
    if entity_labels is None:
        entity_labels = {lab.id for lab in project.labels(Layer.ENTITY)}
    names: set[str] = set()
    for s in project.spans(doc.id):
        if s.label_id in entity_labels and not any(ch.isdigit() for ch in doc.text[s.start:s.end]):
            names |= _name_words(doc.text[s.start:s.end])
    names |= capitalised_names(doc.text)
    names |= capitalised_names(doc.title)
    return {n for n in names if n}


def _parse_date(s: str | None) -> date | None:
    if not s:
        return None
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        return None


# ---------------------------------------------------------------------------- grouping
def document_similarity(project: Project, docs: Sequence[DocumentData]):
    """Combined similarity (numpy array): TF-IDF cosine of title + text, IDF-weighted cosine
    of entity names, halved for articles published more than ``MAX_DAYS_APART`` days apart."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(docs)
    if n == 0:
        return np.zeros((0, 0))
    texts = [f"{d.title}\n{d.title}\n{d.text}" for d in docs]
    try:
        x = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1).fit_transform(texts)
        text_sim = (x @ x.T).toarray()
    except ValueError:
        text_sim = np.eye(n)
    entity_labels = {lab.id for lab in project.labels(Layer.ENTITY)}
    ents = [sorted(document_entities(project, d, entity_labels)) for d in docs]
    from sklearn.preprocessing import MultiLabelBinarizer

    from sklearn.feature_extraction.text import TfidfTransformer

    # names weighted by rarity (IDF): a name in every article ("Reuters", a capital) says little
    e = MultiLabelBinarizer(sparse_output=True).fit_transform(ents).astype(np.float64)
    e = TfidfTransformer(smooth_idf=True).fit_transform(e)
    ent_sim = (e @ e.T).toarray()
    sim = TEXT_WEIGHT * text_sim + ENTITY_WEIGHT * ent_sim
    days = np.array([(dt.toordinal() if (dt := _parse_date(d.published)) else np.nan) for d in docs])
    apart = np.abs(days[:, None] - days[None, :]) > MAX_DAYS_APART  # NaN (no date) compares False
    sim = np.where(apart, sim * 0.5, sim)
    np.fill_diagonal(sim, 1.0)
    return sim


def _clusters(sim, threshold: float) -> list[list[int]]:
    """Average-linkage clusters (no chaining through one shared name) cut at ``threshold``."""
    import numpy as np

    n = sim.shape[0]
    if n < 2:
        return [[i] for i in range(n)]
    if n > MAX_DENSE:
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import connected_components

        _, labels = connected_components(csr_matrix(sim >= threshold), directed=False)
    else:
        from sklearn.cluster import AgglomerativeClustering

        dist = np.clip(1.0 - sim, 0.0, None)
        labels = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                         distance_threshold=1.0 - threshold).fit_predict(dist)
    groups: dict[int, list[int]] = {}
    for i, lab in enumerate(labels):
        groups.setdefault(int(lab), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def _story_title(docs: Sequence[DocumentData]) -> str:
    """The names most of the story's articles mention, as written (e.g. "Brezno · Veldoria · Hale")."""
    counts: Counter[str] = Counter()
    spelling: dict[str, Counter[str]] = {}
    for d in docs:
        seen = set()
        for m in _CAPS.finditer(d.title + "\n" + d.text):
            word = m.group()
            key = normalise_entity(word)
            if len(key) <= 2 or word.isupper() or word.casefold() in _CAPS_STOP | _TITLE_STOP:
                continue
            spelling.setdefault(key, Counter())[re.sub(r"['’]s$", "", word)] += 1
            seen.add(key)
        counts.update(seen)
    need = max(2, (len(docs) + 1) // 2)
    shared = [k for k, c in counts.most_common() if c >= need][:3]
    if shared:
        return " · ".join(spelling[k].most_common(1)[0][0] for k in shared)
    return docs[0].title or f"story of document {docs[0].id}"


def group_stories(project: Project, *, threshold: float = GROUP_THRESHOLD, progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> list[StoryData]:
    """Group articles into stories automatically. Stories someone edited by hand (and their
    documents) are left alone; the previous automatic stories are replaced."""
    store = ClaimStore(project)
    keep = store.manual_document_ids()
    docs = [d for d in project.documents() if d.id not in keep]
    if progress:
        progress(0, 3, "comparing articles")
    sim = document_similarity(project, docs)
    if cancelled and cancelled():
        return []
    if progress:
        progress(1, 3, "grouping")
    groups = [g for g in _clusters(sim, threshold) if len(g) >= 2]
    if cancelled and cancelled():
        return []
    if progress:
        progress(2, 3, "saving")
    out = store.replace_auto_stories(
        (_story_title([docs[i] for i in g]), [docs[i].id for i in g]) for g in groups)
    if progress:
        progress(3, 3, f"{len(out)} stories")
    return out


# ---------------------------------------------------------------------------- claims and the board
def claims_of(project: Project, document_ids: Sequence[int], annotator_id: int) -> list[Claim]:
    store = ClaimStore(project)
    texts = {d.id: d.text for d in project.documents(list(document_ids))}
    entity_labels = {lab.id for lab in project.labels(Layer.ENTITY)}
    ents: dict[int, list[tuple[int, int, str]]] = {}
    for d in document_ids:
        ents[d] = [(s.start, s.end, w) for s in project.spans(d) if s.label_id in entity_labels
                   for w in _name_words(texts[d][s.start:s.end])]
    out = []
    for s in store.claim_spans(document_ids, annotator_id):
        text = texts[s.document_id][s.start:s.end]
        names = {n for (a, b, n) in ents[s.document_id] if a >= s.start and b <= s.end and n}
        names |= capitalised_names(text, first_word=True)
        if s.attrs.get("claimant"):
            names |= _name_words(str(s.attrs["claimant"]))
        out.append(Claim(s.id, s.document_id, s.annotator_id, s.start, s.end, text, dict(s.attrs),
                         frozenset(names)))
    return out


@dataclass(frozen=True, slots=True)
class Flag:
    """Conflicting figures between two claims in different articles, for the annotator to confirm."""

    a: Claim
    b: Claim
    conflicts: tuple[Conflict, ...]
    link: ClaimLinkData | None  # the annotator's link between them, if any

    @property
    def confirmed(self) -> bool:
        return self.link is not None and self.link.confirmed

    def describe(self) -> str:
        return "; ".join(c.describe() for c in self.conflicts)


@dataclass
class StoryBoard:
    """What the story view shows: the articles side by side, each with its claims."""

    story: StoryData
    annotator_id: int
    articles: list[DocumentData]
    claims: dict[int, list[Claim]]  # document id -> claims in text order
    links: list[ClaimLinkData]
    flags: list[Flag] = field(default_factory=list)

    def claim(self, span_id: int) -> Claim:
        for cs in self.claims.values():
            for c in cs:
                if c.span_id == span_id:
                    return c
        raise KeyError(span_id)

    def links_of(self, span_id: int) -> list[ClaimLinkData]:
        return [ln for ln in self.links if span_id in (ln.source_span_id, ln.target_span_id)]

    def flags_of(self, span_id: int) -> list[Flag]:
        return [f for f in self.flags if span_id in (f.a.span_id, f.b.span_id)]


def story_board(project: Project, story_id: int, annotator_id: int) -> StoryBoard:
    store = ClaimStore(project)
    story = store.story(story_id)
    articles = list(project.documents(list(story.document_ids)))
    order = {d: i for i, d in enumerate(story.document_ids)}
    articles.sort(key=lambda d: order[d.id])
    claims = claims_of(project, story.document_ids, annotator_id)
    by_doc: dict[int, list[Claim]] = {d.id: [] for d in articles}
    for c in claims:
        by_doc[c.document_id].append(c)
    links = store.links(annotator_id=annotator_id, span_ids=[c.span_id for c in claims])
    return StoryBoard(story, annotator_id, articles, by_doc, links, conflict_flags(claims, links))


def conflict_flags(claims: Sequence[Claim], links: Sequence[ClaimLinkData]) -> list[Flag]:
    """Every pair of claims in different articles whose figures about the same quantity conflict."""
    by_pair = {frozenset((ln.source_span_id, ln.target_span_id)): ln for ln in links}
    out = []
    for a, b in itertools.combinations(claims, 2):
        if a.document_id == b.document_id:
            continue
        conflicts = figure_conflicts(a.text, b.text)
        if conflicts:
            out.append(Flag(a, b, tuple(conflicts), by_pair.get(frozenset((a.span_id, b.span_id)))))
    return out


def board_suggestions(board: StoryBoard, *, threshold: float | None = None) -> list[Suggestion]:
    """Link suggestions among a board's claims, for pairs the annotator has not linked yet."""
    claims = [c for cs in board.claims.values() for c in cs]
    linked = {(ln.source_span_id, ln.target_span_id) for ln in board.links}
    kw = {} if threshold is None else {"threshold": threshold}
    return suggest_links(claims, exclude=linked, **kw)


def suggestions(project: Project, story_id: int, annotator_id: int, *, threshold: float | None = None
                ) -> list[Suggestion]:
    """Link suggestions inside a story for pairs the annotator has not linked yet."""
    return board_suggestions(story_board(project, story_id, annotator_id), threshold=threshold)


# ---------------------------------------------------------------------------- link edits (undoable)
@dataclass(frozen=True, slots=True)
class LinkEdit:
    before: ClaimLinkData | None
    after: ClaimLinkData | None


def _conflict_attrs(project: Project, a: int, b: int) -> dict[str, Any]:
    sa, sb = project.span(a), project.span(b)
    ta = project.document(sa.document_id).text[sa.start:sa.end]
    tb = project.document(sb.document_id).text[sb.start:sb.end]
    conflicts = figure_conflicts(ta, tb)
    return {"conflicts": [c.to_json() for c in conflicts]} if conflicts else {}


def link_claims(project: Project, annotator_id: int, source: int, target: int, kind: LinkKind | str, *,
                origin: LinkOrigin = LinkOrigin.MANUAL) -> LinkEdit:
    """Link two claims (or change the kind of their existing link). Conflicting figures are
    recorded on the link (``attrs["conflicts"]``) for the annotator to confirm."""
    store = ClaimStore(project)
    kind = LinkKind(kind)
    existing = store.link_between(annotator_id, source, target)
    if existing is None:
        after = store.add_link(annotator_id, source, target, kind, origin=origin,
                               attrs=_conflict_attrs(project, source, target))
        return LinkEdit(None, after)
    before, after = store.update_link(existing.id, kind=kind, source_span_id=source, target_span_id=target)
    return LinkEdit(before, after)


def unlink_claims(project: Project, annotator_id: int, a: int, b: int) -> LinkEdit | None:
    store = ClaimStore(project)
    existing = store.link_between(annotator_id, a, b)
    if existing is None:
        return None
    return LinkEdit(store.delete_link(existing.id), None)


def confirm_conflict(project: Project, annotator_id: int, a: int, b: int) -> LinkEdit:
    """The annotator confirms the figures conflict: an existing link is marked confirmed with
    the conflict recorded; without a link, a confirmed "contradicts" link is made."""
    store = ClaimStore(project)
    attrs = _conflict_attrs(project, a, b)
    existing = store.link_between(annotator_id, a, b)
    if existing is None:
        after = store.add_link(annotator_id, a, b, LinkKind.CONTRADICTS, confirmed=True, attrs=attrs)
        return LinkEdit(None, after)
    before, after = store.update_link(existing.id, confirmed=True, attrs={**existing.attrs, **attrs})
    return LinkEdit(before, after)


# ---------------------------------------------------------------------------- export
def _claim_json(c: Claim, doc: DocumentData) -> dict[str, Any]:
    # the sentence around the claim, for models that want context
    lo = max(doc.text.rfind(". ", 0, c.start) + 2, doc.text.rfind("\n", 0, c.start) + 1, 0)
    hi_candidates = [i for i in (doc.text.find(". ", c.end), doc.text.find("\n", c.end)) if i >= 0]
    hi = min(hi_candidates) + 1 if hi_candidates else len(doc.text)
    return {"text": c.text, "start": c.start, "end": c.end, "claimant": c.attrs.get("claimant"),
            "stance": c.attrs.get("stance"), "context": doc.text[lo:hi].strip(),
            "document": {"id": doc.id, "title": doc.title, "source": doc.source, "published": doc.published,
                         "hash": doc.content_hash}}


def pair_records(project: Project, *, annotators: Sequence[str] | None = None, story_id: int | None = None,
                 negatives: bool = True) -> list[dict[str, Any]]:
    """Claim-pair records (see ``annotator.formats.claim_pairs``): every link, and with
    ``negatives`` the unlinked cross-article claim pairs of each story as "unrelated" — only from
    an annotator who linked at least one pair of claims in that story. Someone who never linked
    there has not looked (or not finished): their unlinked pairs, the real matches among them,
    say nothing about whether the claims are related."""
    store = ClaimStore(project)
    people = [a for a in project.annotators(include_gold=True) if annotators is None or a.name in annotators]
    if annotators is not None:
        missing = set(annotators) - {a.name for a in people}
        if missing:
            raise StoryError(f"no annotator {', '.join(sorted(missing))} in this project")
    stories = store.stories() if story_id is None else [store.story(story_id)]
    story_of: dict[int, StoryData] = {}
    for s in stories:
        for d in s.document_ids:
            story_of.setdefault(d, s)
    docs: dict[int, DocumentData] = {}

    def doc(i: int) -> DocumentData:
        if i not in docs:
            docs[i] = project.document(i)
        return docs[i]

    out = []
    for person in people:
        links = store.links(annotator_id=person.id)
        seen = set()
        linked_in: set[int] = set()  # stories where this annotator linked a pair of claims
        for ln in links:
            a, b = project.span(ln.source_span_id), project.span(ln.target_span_id)
            st = story_of.get(a.document_id)
            if story_id is not None and (st is None or b.document_id not in st.document_ids):
                continue
            ca = Claim(a.id, a.document_id, a.annotator_id, a.start, a.end, doc(a.document_id).text[a.start:a.end],
                       dict(a.attrs))
            cb = Claim(b.id, b.document_id, b.annotator_id, b.start, b.end, doc(b.document_id).text[b.start:b.end],
                       dict(b.attrs))
            seen.add(frozenset((a.id, b.id)))
            for s_ in stories:
                if a.document_id in s_.document_ids and b.document_id in s_.document_ids:
                    linked_in.add(s_.id)
            out.append({
                "id": f"{person.name}:{a.id}:{b.id}", "label": str(ln.kind), "annotator": person.name,
                "origin": str(ln.origin), "confirmed": ln.confirmed,
                "story": None if st is None else {"id": st.id, "title": st.title},
                "a": _claim_json(ca, doc(a.document_id)), "b": _claim_json(cb, doc(b.document_id)),
                "figures": [c.to_json() for c in figure_conflicts(ca.text, cb.text)],
            })
        if not negatives:
            continue
        for st in stories:
            if st.id not in linked_in:
                continue  # no link here: no evidence that any pair is unrelated
            claims = claims_of(project, st.document_ids, person.id)
            for ca, cb in itertools.combinations(claims, 2):
                if ca.document_id == cb.document_id or frozenset((ca.span_id, cb.span_id)) in seen:
                    continue
                out.append({
                    "id": f"{person.name}:{ca.span_id}:{cb.span_id}", "label": "unrelated",
                    "annotator": person.name, "origin": None, "confirmed": False,
                    "story": {"id": st.id, "title": st.title},
                    "a": _claim_json(ca, doc(ca.document_id)), "b": _claim_json(cb, doc(cb.document_id)),
                    "figures": [c.to_json() for c in figure_conflicts(ca.text, cb.text)],
                })
    out.sort(key=lambda r: (r["story"]["id"] if r["story"] else 0, r["annotator"], r["a"]["document"]["id"],
                            r["a"]["start"], r["b"]["document"]["id"], r["b"]["start"], r["label"]))
    return out


def export_pairs(project: Project, path: Path, *, annotators: Sequence[str] | None = None,
                 story_id: int | None = None, negatives: bool = True, force: bool = False) -> int:
    return write_pairs(pair_records(project, annotators=annotators, story_id=story_id, negatives=negatives),
                       Path(path), force=force)


# ---------------------------------------------------------------------------- agreement on links
def link_key(project: Project, link: ClaimLinkData, *, labelled: bool = True) -> tuple:
    """A link as offsets, so that two annotators' links (on their own spans) can be compared:
    ((doc, start, end), (doc, start, end), kind); unordered for symmetric kinds."""
    a, b = project.span(link.source_span_id), project.span(link.target_span_id)
    ka, kb = (a.document_id, a.start, a.end), (b.document_id, b.start, b.end)
    if not labelled or link.kind.symmetric:
        ka, kb = min(ka, kb), max(ka, kb)
    return (ka, kb, str(link.kind)) if labelled else (ka, kb)


def pair_f1(a: set, b: set) -> float | None:
    """F1 of one set against the other (symmetric: 2|A∩B| / (|A|+|B|)); undefined (None) when
    both are empty: two annotators who linked nothing neither agree nor disagree."""
    if not a and not b:
        return None
    return 2 * len(a & b) / (len(a) + len(b))


def link_agreement(project: Project, annotators: Sequence[str] | None = None) -> dict[str, Any]:
    """Pairwise F1 on claim links between annotators, with and without the link kind. A pair in
    which neither annotator linked anything has F1 None (``undefined_reason`` says why), and the
    mean leaves it out; None when no pair has links."""
    store = ClaimStore(project)
    people = [a for a in project.annotators() if annotators is None or a.name in annotators]
    keys = {}
    for p in people:
        links = store.links(annotator_id=p.id)
        keys[p.name] = ({link_key(project, ln) for ln in links},
                        {link_key(project, ln, labelled=False) for ln in links})
    pairs = []
    for x, y in itertools.combinations([p.name for p in people], 2):
        pairs.append({"a": x, "b": y, "links_a": len(keys[x][0]), "links_b": len(keys[y][0]),
                      "f1": pair_f1(keys[x][0], keys[y][0]), "f1_unlabelled": pair_f1(keys[x][1], keys[y][1])})
    for p in pairs:
        p["undefined_reason"] = None if p["f1"] is not None else "neither annotator linked any claims"
    scored = [p for p in pairs if p["f1"] is not None]
    mean = sum(p["f1"] for p in scored) / len(scored) if scored else None
    return {"pairs": pairs, "mean_f1": mean}
