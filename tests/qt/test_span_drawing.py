"""How spans reach the screen: formatted lazily, block by block, as they become visible; an edit
re-formats only the blocks it touches; a large document's spans, loaded in the background, are
drawn and listed exactly as a small document's are."""

from __future__ import annotations

import random

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from annotator.core.model import CLAIMANT, Layer, NewDocument, Origin
from annotator.qt.span_list import SpanListModel
from annotator.qt.text_view import RenderSpan, SpanTextView, Style
from annotator.services.importing import import_documents


def _view(qtbot, text: str) -> SpanTextView:
    view = SpanTextView()
    qtbot.addWidget(view)
    view.resize(500, 300)
    view.set_paragraph_layout()
    view.show()
    qtbot.waitExposed(view)
    view.set_text(text, headline=(0, 5))
    return view


def _spy(view: SpanTextView) -> list[int]:
    """Block numbers the view computes formats for, in order."""
    seen: list[int] = []
    real = view._block_formats

    def spy(block):  # noqa: ANN001
        seen.append(block.blockNumber())
        return real(block)

    view._block_formats = spy
    return seen


def _fills(view: SpanTextView, block_no: int) -> list[tuple[int, int, str]]:
    """A block's fills as (start, length, colour), adjacent ranges of one colour joined (a range is
    cut where another span, e.g. a claim's underline, starts or ends)."""
    out: list[tuple[int, int, str]] = []
    for f in view.document().findBlockByNumber(block_no).layout().formats():
        colour = f.format.background().color().name()
        if out and out[-1][2] == colour and out[-1][0] + out[-1][1] == f.start:
            out[-1] = (out[-1][0], out[-1][1] + f.length, colour)
        else:
            out.append((f.start, f.length, colour))
    return out


def test_blocks_are_formatted_when_they_become_visible_and_edits_touch_only_theirs(qtbot):
    lines = ["Title"] + [f"line {i} with some words 😀 in it" for i in range(1, 400)]
    text = "\n".join(lines)
    view = _view(qtbot, text)
    start = {i: text.index(f"line {i} ") for i in (2, 3, 350)}
    seen = _spy(view)
    view.set_spans([RenderSpan("a", start[2], start[2] + 4, "#a6c8f4"),
                    RenderSpan("b", start[350], start[350] + 4, "#f4a6a6"),
                    RenderSpan("c", start[350] + 2, start[350] + 8, "#d9480f", Style.UNDERLINE)])
    on_screen = [b.blockNumber() for b, _geo in view._visible_blocks()]
    assert 2 in on_screen and 350 not in on_screen
    assert set(seen) == set(on_screen)  # only what is on screen: not the whole document
    assert _fills(view, 2) == [(0, 4, "#a6c8f4")] and _fills(view, 350) == []

    seen.clear()
    view.scroll_to(start[350])  # scrolled into view: formatted then, once
    view.grab()
    assert 350 in seen and len(seen) == len(set(seen))
    assert _fills(view, 350) == [(0, 4, "#f4a6a6")]

    seen.clear()
    view.update_spans(add=[RenderSpan("b", start[350], start[350] + 6, "#a6e3b3")])
    assert seen == [350]  # the edit: its block only, not the other blocks on screen
    assert _fills(view, 350) == [(0, 6, "#a6e3b3")]

    seen.clear()
    view.update_spans(add=[RenderSpan("d", start[3], start[3] + 4, "#a6e3b3")], remove=["a"])
    assert seen == []  # off screen now: done when it shows
    view.scroll_to(start[3])
    view.grab()
    assert _fills(view, 2) == [] and _fills(view, 3) == [(0, 4, "#a6e3b3")]
    assert [s.id for s in view.spans_at(start[3])] == ["d"]


def test_visible_block_rectangles_are_qts(qtbot):
    """The view stacks block rectangles itself (one layout call per block); they must be the
    ones Qt's blockBoundingGeometry gives, with paragraph spacing and the headline."""
    rng = random.Random(3)
    paras = [" ".join(rng.choice(["troops", "border", "東京", "😀", "minister", "said"]) for _ in range(rng.randint(1, 60)))
             for _ in range(300)]
    view = _view(qtbot, "Title\n" + "\n".join(p if i % 4 else "" for i, p in enumerate(paras)))
    sb = view.verticalScrollBar()
    for value in (0, 1, sb.maximum() // 3, sb.maximum() // 2, sb.maximum()):
        sb.setValue(value)
        got = view._visible_blocks()
        assert got
        offset = view.contentOffset()
        assert [(b.blockNumber(), g) for b, g in got] == \
            [(b.blockNumber(), view.blockBoundingGeometry(b).translated(offset)) for b, _g in got]
        last = got[-1][1]
        nxt = got[-1][0].next()
        assert last.bottom() >= view.viewport().height() or not nxt.isValid()


def _big_project(project):
    """A document above the background-load size, with every kind of span the workspace draws:
    nested and same-start entities, a claim with a claimant and stance, a pending suggestion."""
    words = [f"w{i}" for i in range(25_000)]
    text = " ".join(words)
    assert len(text) > 100_000
    import_documents(project, [NewDocument("small", title="a"), NewDocument(text, title="big")])
    big = project.document_ids()[1]
    ana = project.ensure_annotator("ana")
    ents = project.labels(Layer.ENTITY)
    claim = project.labels(Layer.CLAIM)[0]
    at = {w: text.index(f" {w} ") + 1 for w in ("w10", "w11", "w12", "w20", "w4000", "w20000")}
    rows = [(big, ana.id, ents[i % len(ents)].id, s, s + 3, {}, "manual")
            for i, s in enumerate(range(at["w20"], at["w20000"], 97))]
    rows += [(big, ana.id, ents[0].id, at["w10"], at["w12"] + 3, {}, "manual"),  # nested, same start
             (big, ana.id, ents[1].id, at["w10"], at["w10"] + 3, {}, "manual"),
             (big, ana.id, ents[2].id, at["w10"], at["w12"] + 3, {}, "manual"),
             (big, ana.id, claim.id, at["w4000"], at["w4000"] + 60, {"stance": "refutes"}, "manual"),
             (big, ana.id, ents[0].id, at["w11"], at["w11"] + 3, {"source": "ner"}, str(Origin.MODEL))]
    rng = random.Random(5)
    rng.shuffle(rows)  # stored out of order
    project.add_spans(rows)
    spans = project.spans(big, ana.id)
    the_claim = next(s for s in spans if s.label_id == claim.id)
    claimant = next(s for s in spans if s.start == at["w10"] and s.end == at["w10"] + 3)
    project.add_relation(ana.id, the_claim.id, claimant.id, CLAIMANT)
    return big, ana


def test_large_document_draws_and_lists_spans_as_a_small_one(qtbot, project, open_window):
    big, ana = _big_project(project)
    w = open_window(project, "ana")
    c = w.controller
    with qtbot.waitSignal(c.spansLoaded, timeout=20_000):
        w.open_document(big)
        assert c.loading
    drawn = {s.id: s for s in w.text_view.spans()}
    listed = [w.span_list.model_.index(r).data(SpanListModel.SpanIdRole) for r in range(w.span_list.model_.rowCount())]
    # the same document read the small-document way, on the GUI thread
    c.open(big, background=False)
    want = {s.id: c.render(s) for s in c.spans.values()}
    assert drawn == want
    assert any("claimant: w10" in r.tooltip and "refutes" in r.tooltip for r in drawn.values())
    assert any(r.style is Style.DASHED for r in drawn.values())
    assert listed == [s.id for s in c.sorted_spans()]


def test_span_list_keeps_text_order_from_any_input(qtbot, sample_project):
    labels = {lab.id: lab for lab in sample_project.labels()}
    doc = sample_project.document(1)
    spans = sample_project.spans(1)
    ordered = sorted(spans, key=lambda s: (s.start, -s.end, s.id))
    for given in (spans, ordered, list(reversed(ordered))):
        m = SpanListModel()
        m.reset(doc.text, given, labels)
        assert [m.index(r).data(SpanListModel.SpanIdRole) for r in range(m.rowCount())] == [s.id for s in ordered]
        assert all(m.row_of(s.id) == i for i, s in enumerate(ordered))
    # an edit moves one row; a removed span has no row
    moved = ordered[0]
    from dataclasses import replace

    later = replace(moved, start=len(doc.text) - 2, end=len(doc.text))
    m.apply([later], [ordered[1].id])
    ids = [m.index(r).data(SpanListModel.SpanIdRole) for r in range(m.rowCount())]
    assert ids == [s.id for s in ordered[2:]] + [moved.id] and m.row_of(ordered[1].id) == -1


def test_overlapping_spans_render_in_the_window(qtbot, sample_project, open_window, tmp_path):
    """The first document of the sample has an entity inside a claim: both are drawn."""
    w = open_window(sample_project, "alice")
    view = w.text_view
    pos = view.text().index("Ostrava,")
    hits = view.spans_at(pos)
    assert {h.style for h in hits} >= {Style.FILL, Style.UNDERLINE}
    block = view.document().findBlock(view.offset_map.to_utf16(pos))
    fill = next(h for h in hits if h.style is Style.FILL)
    rel = view.offset_map.to_utf16(pos) - block.position()
    colours = [f.format.background().color() for f in block.layout().formats() if f.start <= rel < f.start + f.length]
    assert colours == [QColor(fill.color)]
    assert not view.grab().isNull()
    qtbot.keyClick(view, Qt.Key.Key_Escape)
