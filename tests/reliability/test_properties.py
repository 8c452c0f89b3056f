"""Property-based tests (hypothesis): Python <-> Qt offsets against a real QTextDocument, and
span operations against a model of what must be stored."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule

from annotator.core.errors import SpanError
from annotator.core.model import Layer, NewDocument
from annotator.core.offsets import OffsetMap
from annotator.core.text import normalise

# news-like text with the hard cases: emoji (astral, ZWJ sequences, flags), CJK (incl. extension B),
# combining marks, CRLF and lone CR (stored as LF), tabs, RTL
PIECES = st.sampled_from([
    "a", "Z", " ", "  ", "\t", "\n", "\r\n", "\r", ".", "—", "é", "e\u0301", "q\u0307", "A\u0328\u0301",
    "東", "京", "都", "𠀋", "😀", "👩\u200d👩\u200d👧", "🇨🇿", "\u200d", "ש", "ל", "ם", "\u00a0", "ﬁ", "’",
])
TEXTS = st.lists(st.one_of(PIECES, st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"))),
                 min_size=1, max_size=40).map(lambda xs: normalise("".join(xs)))

QT_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _qt_text(s: str) -> str:
    return s.replace("\u2029", "\n")  # QTextCursor.selectedText() marks block breaks with U+2029


@QT_SETTINGS
@given(text=TEXTS, data=st.data())
def test_python_and_qt_offsets_agree(qapp, text, data):
    from PySide6.QtGui import QTextCursor, QTextDocument

    doc = QTextDocument()
    doc.setPlainText(text)
    m = OffsetMap(text)
    assert doc.characterCount() == m.utf16_length + 1  # Qt counts one extra, the final block end
    # toPlainText() turns U+00A0 into a space (documented Qt behaviour); the raw text keeps it
    assert _qt_text(doc.toRawText()) == text
    s = data.draw(st.integers(0, len(text)), label="start")
    e = data.draw(st.integers(s, len(text)), label="end")
    cur = QTextCursor(doc)
    cur.setPosition(m.to_utf16(s))
    cur.setPosition(m.to_utf16(e), QTextCursor.MoveMode.KeepAnchor)
    assert _qt_text(cur.selectedText()) == text[s:e]
    assert (m.from_utf16(cur.selectionStart()), m.from_utf16(cur.selectionEnd())) == (s, e)


@QT_SETTINGS
@given(text=TEXTS)
def test_every_qt_cursor_position_is_a_code_point_boundary(qapp, text):
    from PySide6.QtGui import QTextCursor, QTextDocument

    doc = QTextDocument()
    doc.setPlainText(text)
    m = OffsetMap(text)
    cur = QTextCursor(doc)
    seen = [0]
    while cur.movePosition(QTextCursor.MoveOperation.NextCharacter):
        seen.append(cur.position())
    assert seen[-1] == m.utf16_length
    for u in seen:  # Qt never stops inside a surrogate pair, and the map lands exactly on it
        assert m.to_utf16(m.from_utf16(u)) == u
    # a position inside a surrogate pair (a click Qt would not make) snaps to a whole character
    for cp, ch in enumerate(text):
        if ord(ch) > 0xFFFF:
            u = m.to_utf16(cp) + 1
            assert m.from_utf16(u) == cp and m.from_utf16(u, snap="right") == cp + 1


# ---------------------------------------------------------------- span operations
@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    from annotator.core.schema import load_schema
    from annotator.services.importing import import_documents
    from annotator.services.sample import default_schema_path
    from annotator.storage import Project

    path = tmp_path_factory.mktemp("props") / "template.annotator"
    with Project.create(path, load_schema(default_schema_path())) as p:
        import_documents(p, [NewDocument("Briefing 👩‍👩‍👧 from 東京都\nMayor Ą́dam 🇨🇿 said 😀  \n\n q̇uoted 𠀋 end"),
                             NewDocument("Short one.")])
        p.ensure_annotator("alice")
        p.ensure_annotator("bo")
    return path


class SpanMachine(RuleBasedStateMachine):
    """add / delete+undo / update+undo / set status, checked against a dict after every step."""

    template: Path

    spans = Bundle("spans")

    def __init__(self) -> None:
        super().__init__()
        from annotator.storage import Project

        self.dir = Path(tempfile.mkdtemp(prefix="annotator-props-"))
        shutil.copy(self.template, self.dir / "p.annotator")
        self.p = Project.open(self.dir / "p.annotator")
        self.docs = {d.id: d.text for d in self.p.documents()}
        self.annotators = [a.id for a in self.p.annotators()]
        self.labels = [lab.id for lab in self.p.labels() if lab.layer != Layer.DOCUMENT]
        self.doc_label = next(lab.id for lab in self.p.labels() if lab.layer == Layer.DOCUMENT)
        self.model: dict[int, tuple] = {}

    def teardown(self) -> None:
        self.p.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _valid(self, doc: int, start: int, end: int) -> bool:
        text = self.docs[doc]
        return 0 <= start < end <= len(text) and bool(text[start:end].strip())

    @rule(target=spans, data=st.data())
    def add(self, data):
        doc = data.draw(st.sampled_from(sorted(self.docs)))
        n = len(self.docs[doc])
        start = data.draw(st.integers(-2, n + 2))
        end = data.draw(st.integers(-2, n + 2))
        who = data.draw(st.sampled_from(self.annotators))
        label = data.draw(st.sampled_from(self.labels + [self.doc_label]))
        before = self.p.span_count()
        if not self._valid(doc, start, end) or label == self.doc_label:
            with pytest.raises(SpanError):
                self.p.add_span(doc, who, label, start, end)
            assert self.p.span_count() == before  # nothing stored
            return None
        s = self.p.add_span(doc, who, label, start, end, {"stance": "supports"})
        assert self.docs[doc][s.start:s.end] == self.docs[doc][start:end]
        self.model[s.id] = (doc, who, label, start, end)
        return s.id

    @rule(sid=consumes(spans))
    def delete_then_undo(self, sid):
        if sid is None:
            return
        span = self.p.span(sid)
        change = self.p.apply(self.p.removal_of([sid]))
        assert sid not in {s.id for s in self.p.spans(span.document_id)}
        self.p.apply(change.inverse())  # undo
        assert self.p.span(sid) == span

    @rule(sid=consumes(spans))
    def delete(self, sid):
        if sid is None:
            return
        self.p.delete_span(sid)
        del self.model[sid]

    @rule(sid=spans, data=st.data())
    def update_then_undo(self, sid, data):
        if sid is None or sid not in self.model:
            return
        doc, who, label, start, end = self.model[sid]
        n = len(self.docs[doc])
        ns, ne = data.draw(st.integers(0, n)), data.draw(st.integers(0, n))
        if not self._valid(doc, ns, ne):
            with pytest.raises(SpanError):
                self.p.update_span(sid, start=ns, end=ne)
            assert self.p.span(sid).start == start
            return
        before, after = self.p.update_span(sid, start=ns, end=ne)
        assert (after.start, after.end) == (ns, ne) and (before.start, before.end) == (start, end)
        self.p.update_span(sid, start=before.start, end=before.end)  # undo
        assert self.p.span(sid) == before

    @invariant()
    def stored_equals_model(self):
        got = {s.id: (s.document_id, s.annotator_id, s.label_id, s.start, s.end)
               for d in self.docs for s in self.p.spans(d)}
        assert got == self.model
        for d in self.docs:  # spans come back sorted by position
            spans = self.p.spans(d)
            assert [(s.start, s.end, s.id) for s in spans] == sorted((s.start, s.end, s.id) for s in spans)


def test_span_operations_match_a_model(template):
    SpanMachine.template = template
    run = SpanMachine.TestCase
    run.settings = settings(max_examples=25, stateful_step_count=25, deadline=None)
    run("runTest").runTest()
