"""``DocumentController``: the one model of the open document (one annotator's spans, claims,
stance and status), and the user's intents on it.

Intents (tag this selection with that label, delete, relabel, set a claim's stance or claimant,
set the document stance, mark done) become operations of :mod:`annotator.storage.edits` pushed on
the window's :class:`~annotator.qt.undo.EditSession`. Whatever applied a change (this document's
edit, an undo, review, suggestions, another feature), the session says so with
``changed(Change)``; the controller folds the change into its state and re-emits it as
``changed(Change)`` when it concerns the open document. Views (text, span list, stance panel)
follow that signal only: there are no hand-synced copies. It holds no widgets. Only the current
annotator's work is loaded (blind annotation).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QUndoStack

from annotator.core.changes import Change
from annotator.core.heap import building
from annotator.core.model import (
    CLAIMANT,
    SUGGESTION_ORIGINS,
    Annotator,
    ClaimData,
    DocumentData,
    Label,
    Layer,
    SpanData,
    Status,
    is_suggestion_origin,
)
from annotator.qt.text_view import RenderSpan, SpanIndex, Style, index_spans
from annotator.qt.undo import EditSession
from annotator.storage import Project, edits
from annotator.storage.spanread import document_spans

if TYPE_CHECKING:
    from annotator.core.tokens import TokenIndex

STANCE_GROUP = "stance"
_SUGGESTED = frozenset(SUGGESTION_ORIGINS)


class DocumentController(QObject):
    documentLoaded = Signal(int)  # text and (for small documents) spans are ready
    spansLoaded = Signal(int)  # spans of a large document arrived from the background load
    changed = Signal(object)  # a Change that touches the open document (its spans, stance, status)
    refused = Signal(str)  # an edit the core would refuse: shown to the user, nothing stored

    TOKEN_CACHE = 8
    BACKGROUND_LOAD_CHARS = 100_000  # larger documents show their text first, spans a moment later

    def __init__(self, project: Project, annotator: Annotator, parent: QObject | None = None,
                 session: EditSession | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.annotator = annotator
        self.session = session if session is not None else EditSession(project, self)
        self.undo_stack: QUndoStack = self.session.undo_stack
        self.session.changed.connect(self._on_change)
        self.session.refused.connect(self.refused)
        self.document: DocumentData | None = None
        self.spans: dict[int, SpanData] = {}
        self.claimant_of: dict[int, int] = {}  # claim span id -> claimant entity span id (CLAIMANT relations)
        self._stance: int | None = None
        self._status = Status.TODO
        self.rendered: list[RenderSpan] = []
        self.rendered_index: SpanIndex | None = None  # ``rendered``, indexed for the text view (large documents)
        self.loading = False
        self._load_generation = 0
        self._by_start: dict[int, int | tuple[int, ...]] = {}  # start offset -> span id(s) (duplicate check)
        self._task = None
        self._tokens: OrderedDict[int, TokenIndex] = OrderedDict()
        self.reload_labels()

    # ------------------------------------------------------------------ labels
    def reload_labels(self) -> None:
        self.labels: dict[int, Label] = {lab.id: lab for lab in self.project.labels()}
        self._looks = {lab.id: (lab.color, Style.UNDERLINE if lab.layer == Layer.CLAIM else Style.FILL, lab.name,
                                lab.position) for lab in self.labels.values()}
        self.claim_stances: tuple[str, ...] = tuple(self.project.get_setting(
            "claim_stances", ["supports", "refutes", "neutral"]))

    def span_labels(self) -> list[Label]:
        return [lab for lab in self.labels.values() if lab.layer != Layer.DOCUMENT]

    def stance_labels(self) -> list[Label]:
        return [lab for lab in self.labels.values() if lab.layer == Layer.DOCUMENT and lab.group == STANCE_GROUP]

    # ------------------------------------------------------------------ document
    @property
    def document_id(self) -> int | None:
        return self.document.id if self.document else None

    def set_annotator(self, annotator: Annotator) -> None:
        self.annotator = annotator
        if self.document is not None:
            self.open(self.document.id)

    def open(self, document_id: int, background: bool | None = None) -> DocumentData:
        """Load a document and the annotator's spans. A large document's spans (and how they are
        drawn) are read off the GUI thread: the text shows at once, ``spansLoaded`` follows."""
        self.document = self.project.document(document_id)
        self._load_generation += 1
        self._read_side()
        if background is None:
            background = len(self.document.text) > self.BACKGROUND_LOAD_CHARS
        if not background:
            self._set_spans(self.project.spans(document_id, self.annotator.id),
                            self.project.relations(document_id, self.annotator.id))
            self.loading = False
            self.documentLoaded.emit(document_id)
            return self.document
        from annotator.qt.workers import run_task

        self._set_spans([], [])
        self.rendered, self.rendered_index = [], None  # the previous document's: freed now
        self.loading = True
        generation, annotator_id = self._load_generation, self.annotator.id

        text, lang = self.document.text, self.project.language

        def load(progress, cancelled):  # worker thread: plain data only
            # everything the GUI thread would otherwise build from 20,000 spans is made here, with
            # the cycle collector paused, then left out of its passes (annotator.core.heap)
            with building():
                spans = document_spans(self.project, document_id, annotator_id, outer_first=True)
                rels = self.project.relations(document_id, annotator_id)
                claimant_of = {r.head_span_id: r.tail_span_id for r in rels if r.kind == CLAIMANT}
                by_id = {s.id: s for s in spans}  # in the span list's order
                by_start: dict[int, int | tuple[int, ...]] = {}
                for sp in spans:
                    _add_start(by_start, sp.start, sp.id)
                rendered = self.render_spans(spans, claimant_of, by_id, text)
                return (by_id, claimant_of, by_start), rels, rendered, index_spans(rendered)

        def tokenize(progress, cancelled):  # after the spans: snapping needs it, drawing does not
            from annotator.storage.tokens import token_index

            return self._tokens.get(document_id) or token_index(self.project, document_id, text, lang)

        def tokens_done(tokens: TokenIndex) -> None:
            if shiboken6.isValid(self):
                self._cache_tokens(document_id, tokens)

        def done(result) -> None:
            if not shiboken6.isValid(self) or generation != self._load_generation:
                return  # the window closed, or the user moved on
            (by_id, claimant_of, by_start), _rels, rendered, index = result
            if document_id not in self._tokens:
                self._token_task = run_task(tokenize, on_done=tokens_done)
            self.spans, self.claimant_of, self._by_start = by_id, claimant_of, by_start
            self.rendered, self.rendered_index = rendered, index
            self.loading = False
            self.spansLoaded.emit(document_id)
            self.rendered_index = None  # handed over once: the view owns (and edits) it now

        self.documentLoaded.emit(document_id)
        # Started on the next event-loop turn, after the text is set and painted, not with it:
        # both are CPU work under one GIL, and every call Qt makes into Python while it lays out
        # and paints the text (the reading layout, paintEvent) waits for the worker to let go of
        # it; started at once, the text showed 20-50 ms later and the spans no sooner.
        self._task = run_task(load, on_done=done, on_error=lambda msg, _tb: self.refused.emit(msg))
        return self.document

    def reload(self) -> None:
        """Re-read the open document's spans after a bulk write that is not an undoable edit
        (a pre-annotation run); views redraw through ``spansLoaded``."""
        if self.document is None or self.loading:
            return
        self._set_spans(self.project.spans(self.document.id, self.annotator.id),
                        self.project.relations(self.document.id, self.annotator.id))
        self.rendered = self.render_spans(list(self.spans.values()), self.claimant_of, self.spans, self.document.text)
        self.rendered_index = None
        self.spansLoaded.emit(self.document.id)

    def _read_side(self) -> None:
        assert self.document is not None
        stance_ids = {lab.id for lab in self.stance_labels()}
        self._stance = next((dl.label_id for dl in self.project.document_labels(self.document.id, self.annotator.id)
                             if dl.label_id in stance_ids), None)
        self._status = self.project.status(self.document.id, self.annotator.id)

    def _set_spans(self, spans: list[SpanData], relations) -> None:
        self.spans = {sp.id: sp for sp in spans}
        self.claimant_of = {r.head_span_id: r.tail_span_id for r in relations if r.kind == CLAIMANT}
        self._by_start = {}
        for sp in spans:
            _add_start(self._by_start, sp.start, sp.id)

    def _spans_starting(self, start: int) -> list[SpanData]:
        got = self._by_start.get(start, ())
        return [self.spans[i] for i in (got if type(got) is tuple else (got,)) if i in self.spans]

    # ------------------------------------------------------------------ following changes
    def _on_change(self, change: Change) -> None:
        """Fold a change (from any edit, undo or feature) into the open document's state."""
        if self.document is None:
            return
        doc, me = self.document.id, self.annotator.id
        relevant = False
        added, removed = change.span_edits(doc, me)
        for sid in removed:
            old = self.spans.pop(sid, None)
            if old is not None:
                _discard_start(self._by_start, old.start, sid)
                self.claimant_of.pop(sid, None)
            relevant = True
        for s in added:
            old = self.spans.get(s.id)
            if old is not None:
                _discard_start(self._by_start, old.start, old.id)
            self.spans[s.id] = s
            _add_start(self._by_start, s.start, s.id)
            relevant = True
        for e in change.relations:
            for row, present in ((e.before, False), (e.after, True)):
                if row is None or row.kind != CLAIMANT or row.annotator_id != me:
                    continue
                if row.head_span_id in self.spans or (not present and row.head_span_id in self.claimant_of):
                    relevant = True
                    if present:
                        self.claimant_of[row.head_span_id] = row.tail_span_id
                    elif self.claimant_of.get(row.head_span_id) == row.tail_span_id:
                        del self.claimant_of[row.head_span_id]
        stance_ids = {lab.id for lab in self.stance_labels()}
        for e in change.document_labels:
            row = e.after or e.before
            if row.document_id == doc and row.annotator_id == me and row.label_id in stance_ids:
                relevant = True
        if any(e.after is not None and e.after.document_id == doc and e.after.annotator_id == me
               and e.after.label_id in stance_ids for e in change.document_labels):
            self._stance = next(e.after.label_id for e in change.document_labels
                                if e.after is not None and e.after.document_id == doc
                                and e.after.annotator_id == me and e.after.label_id in stance_ids)
        elif any(e.before is not None and e.before.document_id == doc and e.before.annotator_id == me
                 and e.before.label_id == self._stance for e in change.document_labels):
            self._stance = None
        for e in change.statuses:
            row = e.after or e.before
            if row.document_id == doc and row.annotator_id == me:
                self._status = Status.TODO if e.after is None else e.after.status
                relevant = True
        if relevant:
            self.changed.emit(change)

    def tokens(self) -> TokenIndex:
        """Token boundaries of the open document (spaCy blank tokenizer): read from the project
        (made and stored the first time), cached per document."""
        assert self.document is not None
        doc_id = self.document.id
        idx = self._tokens.get(doc_id)
        if idx is None:
            from annotator.storage.tokens import token_index  # (numpy: not needed to show the window)

            idx = token_index(self.project, doc_id, self.document.text, self.project.language)
        self._cache_tokens(doc_id, idx)
        return idx

    def _cache_tokens(self, doc_id: int, idx: TokenIndex) -> None:
        self._tokens[doc_id] = idx
        self._tokens.move_to_end(doc_id)
        while len(self._tokens) > self.TOKEN_CACHE:
            self._tokens.popitem(last=False)

    def token_at(self, pos: int) -> tuple[int, int] | None:
        return self.tokens().token_at(pos) if self.document else None

    def word_at(self, pos: int) -> tuple[int, int] | None:
        """What a double click selects: the word ("Jong-un", "O'Brien"), on token boundaries."""
        return self.tokens().word_at(pos) if self.document else None

    def headline(self) -> tuple[int, int] | None:
        """The range of the text's first line when it is the document's title (set apart on screen)."""
        d = self.document
        if d is None or not d.title:
            return None
        start = len(d.text) - len(d.text.lstrip())
        end = d.text.find("\n", start)
        end = len(d.text) if end < 0 else end
        line = d.text[start:end].strip()
        if not line or line != d.title.strip():
            return None
        return start, start + len(d.text[start:end].rstrip())

    def stance(self) -> Label | None:
        if self.document is None or self._stance is None:
            return None
        return self.labels.get(self._stance)

    def status(self) -> Status:
        return self._status if self.document else Status.TODO

    def sorted_spans(self) -> list[SpanData]:
        return sorted(self.spans.values(), key=lambda s: (s.start, -s.end, s.id))

    def claim(self, span_id: int) -> ClaimData | None:
        """The claim with its stance and claimant, or None if the span is not a claim."""
        s = self.spans.get(span_id)
        if s is None or self.labels[s.label_id].layer != Layer.CLAIM:
            return None
        ent = self.spans.get(self.claimant_of.get(span_id, -1))
        return ClaimData(s, s.attrs.get("stance"), ent, None if ent else s.attrs.get("claimant"))

    # ------------------------------------------------------------------ rendering
    def render(self, s: SpanData) -> RenderSpan:
        return self.render_span(s, self.claimant_of, self.spans, self.document.text if self.document else "")

    def render_spans(self, spans: list[SpanData], claimant_of: dict[int, int], by_id: dict[int, SpanData],
                     text: str) -> list[RenderSpan]:
        """``render_span`` of each span; the common case (an entity, not a suggestion) made inline:
        a document may have 20,000 spans. Pure data: safe on a worker thread."""
        looks, fill, new, suggested = self._looks, Style.FILL, tuple.__new__, _SUGGESTED
        out = []
        for s in spans:
            look = looks.get(s.label_id)
            if look is None or look[1] is not fill or s.origin in suggested:
                out.append(self.render_span(s, claimant_of, by_id, text))
            else:  # what render_span returns for it
                out.append(new(RenderSpan, (s.id, s.start, s.end, look[0], fill, look[2], look[3])))
        return out

    def render_span(self, s: SpanData, claimant_of: dict[int, int] | None = None,
                    spans: dict[int, SpanData] | None = None, text: str = "") -> RenderSpan:
        """How the workspace draws a span: entities filled, claims underlined; the tooltip names
        the label (and a claim's stance and claimant). Pure data: safe on a worker thread."""
        look = self._looks.get(s.label_id)
        if look is None:
            self.reload_labels()
            look = self._looks[s.label_id]
        color, style, name, position = look
        if style is Style.UNDERLINE:
            ent = (spans or {}).get((claimant_of or {}).get(s.id, -1))
            who = text[ent.start:ent.end] if ent is not None else s.attrs.get("claimant")
            bits = [s.attrs.get("stance"), who and f"claimant: {who}"]
            extra = ", ".join(b for b in bits if b)
            if extra:
                name = f"{name} ({extra})"
        if is_suggestion_origin(s.origin):  # a machine suggestion not accepted yet: dashed outline
            style = Style.DASHED
            color = QColor(color).darker(170).name()  # label colours are pale fills: darker dashes show
            name = f"{name}: suggestion ({s.attrs.get('source') or s.origin}), Y accept, X reject"
        return RenderSpan(s.id, s.start, s.end, color, style, name, position)

    # ------------------------------------------------------------------ edits
    def snap(self, start: int, end: int, precise: bool) -> tuple[int, int] | None:
        if start > end:
            start, end = end, start
        if not precise:  # tokens, and a hyphenated name whole ("Kim Jong-un", not "Kim Jong-")
            from annotator.core.boundaries import snap_selection

            return snap_selection(self.document.text, self.tokens(), start, end)
        return (start, end) if start < end else None

    def create_span(self, label_id: int, start: int, end: int, *, precise: bool = False) -> SpanData | None:
        """Tag [start, end) (snapped to tokens unless ``precise``). Returns the span, or None if refused."""
        if self.document is None:
            return None
        if self.loading:
            self.refused.emit("Still loading this document's spans: try again in a moment.")
            return None
        got = self.snap(start, end, precise)
        if got is None or not self.document.text[got[0]:got[1]].strip():
            self.refused.emit("Select some text first: a span cannot be empty or only white space.")
            return None
        start, end = got
        lab = self.labels[label_id]
        same = [s for s in self._spans_starting(start) if s.end == end and s.label_id == label_id]
        if same:
            suggested = all(is_suggestion_origin(s.origin) for s in same)
            self.refused.emit(f"This text is already suggested as {lab.name}: press Y to accept it." if suggested
                              else f"This text is already tagged {lab.name}.")
            return None
        attrs: dict[str, Any] = {"stance": None} if lab.layer == Layer.CLAIM else {}
        doc, me = self.document.id, self.annotator.id
        text = f"Tag {lab.name}"
        ch = self.session.push(lambda: edits.add_span(self.project, doc, me, label_id, start, end, attrs,
                                                      text=text), text)
        return ch.spans[0].after if ch is not None else None

    # ------------------------------------------------------------------ boundaries
    def move_edge(self, span_id: int, edge: str, step: int, *, precise: bool = False) -> SpanData | None:
        """Move one edge of a span by a token (or, ``precise``, by one character: a grapheme
        cluster) to the left (``step`` -1) or right (+1). One undo step per move."""
        from annotator.core.boundaries import move_edge

        span = self.spans.get(span_id)
        if span is None or self.document is None:
            return None
        got = move_edge(self.document.text, self.tokens(), span.start, span.end, edge, step,  # type: ignore[arg-type]
                        "character" if precise else "token")
        if got is None:
            self.refused.emit("That edge cannot move further: a span cannot be empty or leave the text.")
            return None
        return self.resize_span(span_id, *got)

    def drag_edge(self, span_id: int, edge: str, pos: int, *, precise: bool = False) -> SpanData | None:
        """An edge dragged with the mouse to the code point ``pos``: snapped like a new selection
        (tokens and whole hyphenated words) unless ``precise``."""
        from annotator.core.boundaries import resize

        span = self.spans.get(span_id)
        if span is None or self.document is None:
            return None
        got = resize(self.document.text, self.tokens(), span.start, span.end, edge, pos, precise)  # type: ignore[arg-type]
        if got is None:
            self.refused.emit("A span cannot be empty or only white space: drag the edge back over some text.")
            return None
        return self.resize_span(span_id, *got)

    def resize_span(self, span_id: int, start: int, end: int) -> SpanData | None:
        """Give a span new boundaries (``edits.update_span``): the same span (id, label, claim
        stance and claimant), one undo step."""
        span = self.spans.get(span_id)
        if span is None or self.document is None or (start, end) == (span.start, span.end):
            return span
        if self.loading:
            self.refused.emit("Still loading this document's spans: try again in a moment.")
            return None
        lab = self.labels[span.label_id]
        if any(s.end == end and s.label_id == span.label_id and s.id != span_id for s in self._spans_starting(start)):
            self.refused.emit(f"This text is already tagged {lab.name}.")
            return None
        text = f"Resize {lab.name}"
        ch = self.session.push(lambda: edits.update_span(self.project, span_id, start=start, end=end, text=text),
                               text)
        return ch.spans[0].after if ch is not None and ch.spans else None

    def delete_span(self, span_id: int) -> None:
        span = self.spans.get(span_id)
        if span is not None:
            text = f"Delete {self.labels[span.label_id].name}"
            self.session.push(lambda: edits.delete_spans(self.project, [span_id], text=text), text)

    def relabel(self, span_id: int, label_id: int) -> None:
        span = self.spans.get(span_id)
        if span is None or span.label_id == label_id:
            return
        old, new = self.labels[span.label_id], self.labels[label_id]
        attrs = None
        if (old.layer == Layer.CLAIM) != (new.layer == Layer.CLAIM):
            attrs = {"stance": None} if new.layer == Layer.CLAIM else {}
        text = f"Relabel {old.name} → {new.name}"
        self.session.push(lambda: edits.update_span(self.project, span_id, label_id=label_id, attrs=attrs,
                                                    text=text), text)

    def set_claim(self, span_id: int, *, stance: str | None = ..., claimant_span: int | None = ...) -> None:
        """Set a claim's stance towards the target and/or its claimant (an entity span of this document)."""
        claim = self.claim(span_id)
        if claim is None:
            return
        if stance is not ... and stance != claim.stance:
            attrs = {**claim.span.attrs, "stance": stance}
            text = f"Claim stance: {stance or 'none'}"
            self.session.push(lambda: edits.update_span(self.project, span_id, attrs=attrs, text=text), text,
                              merge_key=("claim", span_id))
        if claimant_span is not ...:
            current = claim.claimant.id if claim.claimant is not None else None
            if claimant_span != current or (claimant_span is None and claim.claimant_text):
                ent = self.spans.get(claimant_span) if claimant_span is not None else None
                who = self.document.text[ent.start:ent.end] if ent is not None else "none"
                text = f"Claimant: {who}"
                self.session.push(lambda: edits.set_claimant(self.project, span_id, claimant_span, text=text), text,
                                  merge_key=("claim", span_id))

    def set_stance(self, label_id: int | None) -> None:
        if self.document is None:
            return
        current = self.stance()
        if (current.id if current else None) == label_id:
            label_id = None  # pressing the same stance again clears it
        name = self.labels[label_id].name if label_id else "none"
        doc, me, text = self.document.id, self.annotator.id, f"Stance: {name}"
        self.session.push(lambda: edits.set_document_label(self.project, doc, me, STANCE_GROUP, label_id,
                                                           text=text), text)

    def set_status(self, status: Status) -> None:
        if self.document is None:
            return
        doc, me, text = self.document.id, self.annotator.id, f"Mark {status.value.replace('_', ' ')}"
        self.session.push(lambda: edits.set_status(self.project, doc, me, status, text=text), text)


# ``DocumentController._by_start``: start offset -> the id of the one span starting there, or a
# tuple of ids when several do (no set per span: 20,000 of them cost time and memory on open)
def _add_start(index: dict[int, int | tuple[int, ...]], start: int, span_id: int) -> None:
    got = index.get(start)
    if got is None:
        index[start] = span_id
    elif type(got) is tuple:
        if span_id not in got:
            index[start] = (*got, span_id)
    elif got != span_id:
        index[start] = (got, span_id)


def _discard_start(index: dict[int, int | tuple[int, ...]], start: int, span_id: int) -> None:
    got = index.get(start)
    if got == span_id:
        del index[start]
    elif type(got) is tuple and span_id in got:
        rest = tuple(i for i in got if i != span_id)
        index[start] = rest[0] if len(rest) == 1 else rest
