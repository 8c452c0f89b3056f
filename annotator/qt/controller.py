"""``DocumentController``: the open document of one annotator, and the session's undo stack.

It turns user intents (tag this selection with that label, delete, relabel, set stance, mark
done) into ``QUndoCommand`` objects from :mod:`annotator.qt.commands`, and tells views what
changed through signals. It holds no widgets. Only the current annotator's work is loaded
(blind annotation).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QUndoStack

from annotator.core.model import Annotator, DocumentData, Label, Layer, SpanData, Status
from annotator.core.tokens import TokenIndex
from annotator.qt import commands as cmd
from annotator.qt.text_view import RenderSpan, Style
from annotator.storage import Project

STANCE_GROUP = "stance"


class DocumentController(QObject):
    documentLoaded = Signal(int)  # text and (for small documents) spans are ready
    spansLoaded = Signal(int)  # spans of a large document arrived from the background load
    spansChanged = Signal(int, list, list)  # document id, added/changed SpanData, removed span ids
    stanceChanged = Signal(int)
    statusChanged = Signal(int)
    refused = Signal(str)  # an edit the core would refuse: shown to the user, nothing stored

    TOKEN_CACHE = 8
    BACKGROUND_LOAD_CHARS = 100_000  # larger documents show their text first, spans a moment later

    def __init__(self, project: Project, annotator: Annotator, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.annotator = annotator
        self.undo_stack = QUndoStack(self)
        self.document: DocumentData | None = None
        self.spans: dict[int, SpanData] = {}
        self.rendered: list[RenderSpan] = []
        self.loading = False
        self._load_generation = 0
        self._by_start: dict[int, set[int]] = {}  # start offset -> span ids (duplicate check)
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
        if background is None:
            background = len(self.document.text) > self.BACKGROUND_LOAD_CHARS
        if not background:
            self._set_spans(self.project.spans(document_id, self.annotator.id))
            self.loading = False
            self.documentLoaded.emit(document_id)
            return self.document
        from annotator.qt.workers import run_task

        self._set_spans([])
        self.loading = True
        self.documentLoaded.emit(document_id)
        generation, annotator_id = self._load_generation, self.annotator.id

        text, lang = self.document.text, self.project.language

        def load(progress, cancelled):  # worker thread: plain data only
            spans = self.project.spans(document_id, annotator_id)
            return spans, [self.render_span(s) for s in spans]

        def tokenize(progress, cancelled):  # after the spans: snapping needs it, drawing does not
            return self._tokens.get(document_id) or TokenIndex(text, lang)

        def tokens_done(tokens: TokenIndex) -> None:
            if shiboken6.isValid(self):
                self._cache_tokens(document_id, tokens)

        def done(result) -> None:
            if not shiboken6.isValid(self) or generation != self._load_generation:
                return  # the window closed, or the user moved on
            spans, rendered = result
            if document_id not in self._tokens:
                self._token_task = run_task(tokenize, on_done=tokens_done)
            self._set_spans(spans)
            self.rendered = rendered
            self.loading = False
            self.spansLoaded.emit(document_id)

        self._task = run_task(load, on_done=done, on_error=lambda msg, _tb: self.refused.emit(msg))
        return self.document

    def _set_spans(self, spans: list[SpanData]) -> None:
        self.spans = {sp.id: sp for sp in spans}
        self._by_start = {}
        for sp in spans:
            self._by_start.setdefault(sp.start, set()).add(sp.id)

    def _spans_starting(self, start: int) -> list[SpanData]:
        return [self.spans[i] for i in self._by_start.get(start, ()) if i in self.spans]

    def tokens(self) -> TokenIndex:
        """Token boundaries of the open document (spaCy blank tokenizer), cached per document."""
        assert self.document is not None
        doc_id = self.document.id
        idx = self._tokens.get(doc_id)
        if idx is None:
            idx = TokenIndex(self.document.text, self.project.language)
        self._cache_tokens(doc_id, idx)
        return idx

    def _cache_tokens(self, doc_id: int, idx: TokenIndex) -> None:
        self._tokens[doc_id] = idx
        self._tokens.move_to_end(doc_id)
        while len(self._tokens) > self.TOKEN_CACHE:
            self._tokens.popitem(last=False)

    def token_at(self, pos: int) -> tuple[int, int] | None:
        return self.tokens().token_at(pos) if self.document else None

    def stance(self) -> Label | None:
        if self.document is None:
            return None
        stance_ids = {lab.id for lab in self.stance_labels()}
        for dl in self.project.document_labels(self.document.id, self.annotator.id):
            if dl.label_id in stance_ids:
                return self.labels[dl.label_id]
        return None

    def status(self) -> Status:
        return self.project.status(self.document.id, self.annotator.id) if self.document else Status.TODO

    def sorted_spans(self) -> list[SpanData]:
        return sorted(self.spans.values(), key=lambda s: (s.start, -s.end, s.id))

    # ------------------------------------------------------------------ rendering
    def render_span(self, s: SpanData) -> RenderSpan:
        """How the workspace draws a span: entities filled, claims underlined; the tooltip names
        the label (and a claim's stance and claimant). Pure data: safe on a worker thread."""
        look = self._looks.get(s.label_id)
        if look is None:
            self.reload_labels()
            look = self._looks[s.label_id]
        color, style, name, position = look
        if style is Style.UNDERLINE and s.attrs:
            bits = [s.attrs.get("stance"), s.attrs.get("claimant") and f"claimant: {s.attrs['claimant']}"]
            extra = ", ".join(b for b in bits if b)
            if extra:
                name = f"{name} ({extra})"
        if s.origin in ("pattern", "model"):  # a machine suggestion not accepted yet: dashed outline
            style = Style.DASHED
            color = QColor(color).darker(170).name()  # label colours are pale fills: darker dashes show
            name = f"{name}: suggestion ({s.attrs.get('source') or s.origin}), Y accept, X reject"
        return RenderSpan(s.id, s.start, s.end, color, style, name, position)

    # ------------------------------------------------------------------ edits
    def _notify(self, kind: str, document_id: int, added: SpanData | None = None,
                removed: int | None = None) -> None:
        if kind == "spans":
            if document_id == self.document_id:
                if removed is not None:
                    self.spans.pop(removed, None)
                if added is not None:
                    old = self.spans.get(added.id)
                    if old is not None:
                        self._by_start.get(old.start, set()).discard(old.id)
                    self.spans[added.id] = added
                    self._by_start.setdefault(added.start, set()).add(added.id)
            self.spansChanged.emit(document_id, [added] if added else [], [removed] if removed is not None else [])
        elif kind == "stance":
            self.stanceChanged.emit(document_id)
        elif kind == "status":
            self.statusChanged.emit(document_id)

    def snap(self, start: int, end: int, precise: bool) -> tuple[int, int] | None:
        if start > end:
            start, end = end, start
        if not precise:
            return self.tokens().snap(start, end, "expand")
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
            suggested = all(s.origin in ("pattern", "model") for s in same)
            self.refused.emit(f"This text is already suggested as {lab.name}: press Y to accept it." if suggested
                              else f"This text is already tagged {lab.name}.")
            return None
        attrs: dict[str, Any] = {}
        if lab.layer == Layer.CLAIM:
            attrs = {"stance": None, "claimant": None, "claimant_span": None}
        c = cmd.AddSpan(self.project, self._notify, self.document.id, self.annotator.id, label_id, start, end,
                        attrs, text=f"Tag {lab.name}")
        self.undo_stack.push(c)
        return c.span

    def delete_span(self, span_id: int) -> None:
        span = self.spans.get(span_id)
        if span is not None:
            self.undo_stack.push(cmd.DeleteSpan(self.project, self._notify, span,
                                                text=f"Delete {self.labels[span.label_id].name}"))

    def relabel(self, span_id: int, label_id: int) -> None:
        span = self.spans.get(span_id)
        if span is None or span.label_id == label_id:
            return
        old, new = self.labels[span.label_id], self.labels[label_id]
        attrs = None
        if (old.layer == Layer.CLAIM) != (new.layer == Layer.CLAIM):
            attrs = {"stance": None, "claimant": None, "claimant_span": None} if new.layer == Layer.CLAIM else {}
        self.undo_stack.push(cmd.UpdateSpan(self.project, self._notify, span, label_id=label_id, attrs=attrs,
                                            text=f"Relabel {old.name} → {new.name}"))

    def set_claim(self, span_id: int, *, stance: str | None = ..., claimant_span: int | None = ...) -> None:
        """Set a claim's stance towards the target and/or its claimant (an entity span of this document)."""
        span = self.spans.get(span_id)
        if span is None or self.document is None:
            return
        attrs = dict(span.attrs)
        if stance is not ...:
            attrs["stance"] = stance
        if claimant_span is not ...:
            ent = self.spans.get(claimant_span) if claimant_span is not None else None
            attrs["claimant_span"] = ent.id if ent else None
            attrs["claimant"] = self.document.text[ent.start:ent.end] if ent else None
        if attrs != span.attrs:
            self.undo_stack.push(cmd.UpdateSpan(self.project, self._notify, span, attrs=attrs,
                                                text="Change claim"))

    def set_stance(self, label_id: int | None) -> None:
        if self.document is None:
            return
        current = self.stance()
        if (current.id if current else None) == label_id:
            label_id = None  # pressing the same stance again clears it
        name = self.labels[label_id].name if label_id else "none"
        self.undo_stack.push(cmd.SetDocumentLabel(self.project, self._notify, self.document.id,
                                                  self.annotator.id, STANCE_GROUP, label_id,
                                                  text=f"Stance: {name}"))

    def set_status(self, status: Status) -> None:
        if self.document is None:
            return
        self.undo_stack.push(cmd.SetStatus(self.project, self._notify, self.document.id, self.annotator.id,
                                           status, text=f"Mark {status.value.replace('_', ' ')}"))
