"""``SpanTextView``: a read-only plain-text view that draws *render spans*.

The view knows nothing about projects, labels or annotators. Callers hand it plain
:class:`RenderSpan` values and it draws them; review/adjudication (several annotators),
pre-annotation suggestions and cross-document links reuse it without touching its internals.

API
---
``RenderSpan(id, start, end, color, style=Style.FILL, tooltip="", priority=0)``
    ``start``/``end``: Python ``str`` indices (code points) into the text, end exclusive.
    ``id``: any hashable (a span id, ``("suggestion", 3)``, ...); it comes back in signals.
    ``style``: a combination of :class:`Style` flags:

    * ``FILL``: background fill in ``color`` (entities); the text colour is chosen for contrast,
      so it reads in light and dark palettes.
    * ``UNDERLINE``: a thick underline in ``color`` (claims); overlapping claims stack downwards.
    * ``DASHED``: a dashed outline in ``color`` (machine suggestions), painted for visible lines only.
    * ``OUTLINE``: a solid outline (the selected span uses it automatically).
    * ``DISAGREEMENT``: a red wavy underline (annotators disagree here).

    Where spans overlap, every style is combined; for two fills, the shorter (inner) span wins,
    so nested entities stay visible. ``priority`` breaks ties (higher wins).

``view.set_text(text)``             show plain text (never interpreted as rich text/HTML).
``view.set_spans(spans, index=None)``  replace all render spans (``index``: the same spans
                                    indexed by ``index_spans``, e.g. on a worker thread).
``view.update_spans(add=(), remove=())``  add/replace spans and remove ids; only the text
                                    blocks these spans touch are re-formatted.
``view.spans_at(pos)``              render spans covering a code-point position.
``view.selected_range()``           the selection as code points ``(start, end)``.
``view.select_range(start, end)``   select code points and scroll there.
``view.set_current_span(id)``       outline one span (``None`` clears); ``current_span()``.
``view.position_at(point)``         code point under a viewport point.
``view.token_at``                   optional ``callable(pos) -> (start, end) | None``; when set,
                                    a double click selects that range (the workspace: a word).
``view.edge_editing``               ``True``: the current span shows a handle at each edge; hovering
                                    one shows a resize cursor, dragging it emits ``spanEdgeDragged``.
``view.set_paragraph_layout(px)``   space between paragraphs; ``set_text(text, headline=(s, e))``
                                    sets a headline apart; display only, text and offsets as stored.

Signals: ``spanClicked(object)`` (id of the innermost span under a click, or ``None``),
``selectionRangeChanged(int, int)`` (code points), ``cursorPositionCp(int)``,
``spanEdgeDragged(object, str, int, object)`` (span id, ``"start"``/``"end"``, the code point the
edge was dropped at, the keyboard modifiers held).

Speed: formats are computed lazily, only for blocks that become visible (scrolling, resize,
``set_spans``), with ``QTextLayout.setFormats``; an edit re-formats only the blocks its spans
touch. Spans are bucketed by position so a block finds its spans without scanning the rest.
Every conversion between code points and Qt's UTF-16 positions goes through
:class:`annotator.core.offsets.OffsetMap`.
"""

from __future__ import annotations

import enum
import html
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import NamedTuple

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextLayout,
)
from PySide6.QtWidgets import QApplication, QPlainTextDocumentLayout, QPlainTextEdit, QToolTip, QWidget

from annotator.core.offsets import OffsetMap


class Style(enum.Flag):
    NONE = 0
    FILL = enum.auto()
    UNDERLINE = enum.auto()
    DASHED = enum.auto()
    OUTLINE = enum.auto()
    DISAGREEMENT = enum.auto()


class RenderSpan(NamedTuple):
    """Immutable; a named tuple because a document may need 20,000 of them at once."""

    id: Hashable
    start: int
    end: int
    color: str
    style: Style = Style.FILL
    tooltip: str = ""
    priority: int = 0


_BUCKET = 2048  # code points per index bucket


class SpanIndex(NamedTuple):
    """Render spans by id and by position bucket: what ``set_spans`` builds. Plain data, so a
    large document's index can be made on a worker thread (:func:`index_spans`) and handed over."""

    by_id: dict
    buckets: dict


def index_spans(spans: Iterable[RenderSpan]) -> SpanIndex:
    by_id = {s.id: s for s in spans}
    buckets: dict[int, set[Hashable]] = defaultdict(set)
    for s in by_id.values():
        first, last = s.start // _BUCKET, max(s.start, s.end - 1) // _BUCKET
        if first == last:  # nearly every span: one bucket
            buckets[first].add(s.id)
        else:
            for b in range(first, last + 1):
                buckets[b].add(s.id)
    return SpanIndex(by_id, buckets)
_DISAGREE = QColor("#e03131")


def readable_text_color(background: QColor) -> QColor:
    """Black or white, whichever contrasts more with ``background`` (WCAG relative luminance)."""
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * lin(background.redF()) + 0.7152 * lin(background.greenF()) + 0.0722 * lin(background.blueF())
    return QColor("#000000") if lum > 0.179 else QColor("#ffffff")


class ReadingLayout(QPlainTextDocumentLayout):
    """The plain-text layout with room between paragraphs: a paragraph (a line of the text)
    followed by another gets ``spacing`` pixels below it, so dense scraped text with no blank
    lines reads as paragraphs. Display only: the text, its lines and every offset are unchanged
    (QPlainTextEdit ignores block margins, so the space is added to the block's bounding rect)."""

    def __init__(self, document) -> None:  # noqa: ANN001
        super().__init__(document)
        self.spacing = 0.0

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:
        r = super().blockBoundingRect(block)
        if self.spacing and block.length() > 1:
            nxt = block.next()
            if nxt.isValid() and nxt.length() > 1:
                r.setHeight(r.height() + self.spacing)
        return r


class SpanTextView(QPlainTextEdit):
    spanClicked = Signal(object)
    selectionRangeChanged = Signal(int, int)
    cursorPositionCp = Signal(int)
    spanEdgeDragged = Signal(object, str, int, object)  # span id, "start" | "end", code point, modifiers
    EDGE_GRAB_PX = 5  # how near an edge (in logical pixels) the mouse picks it up

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                     | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setUndoRedoEnabled(False)
        self._reading = ReadingLayout(self.document())
        self.document().setDocumentLayout(self._reading)
        self._headline: tuple[int, int] | None = None
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setMouseTracking(True)
        self.token_at: Callable[[int], tuple[int, int] | None] | None = None
        self._text = ""
        self._map = OffsetMap("")
        self._spans: dict[Hashable, RenderSpan] = {}
        self._buckets: dict[int, set[Hashable]] = defaultdict(set)
        self._formatted: set[int] = set()  # block numbers whose formats are current
        self._paint_starts: list[int] = []  # UTF-16 positions of the blocks being painted
        self._current: Hashable | None = None
        self._press: QPoint | None = None
        self.edge_editing = False
        self._drag: tuple[Hashable, str] | None = None  # (span id, edge) while an edge is dragged
        self._drag_pos: int | None = None
        self._drag_from = QPoint()
        self.verticalScrollBar().valueChanged.connect(lambda _v: self._format_visible())
        self.selectionChanged.connect(self._emit_selection)
        self.cursorPositionChanged.connect(
            lambda: self.cursorPositionCp.emit(self._map.from_utf16(min(self.textCursor().position(),
                                                                         self._map.utf16_length))))

    # ------------------------------------------------------------------ text
    def set_text(self, text: str, headline: tuple[int, int] | None = None) -> None:
        """Show ``text``; ``headline`` (a code-point range, display only) is set apart."""
        self._text = text
        self._headline = headline
        self._map = OffsetMap(text)
        self._formatted.clear()
        self._current = None
        self.setPlainText(text)  # plain text: HTML in the input shows as literal characters
        self._apply_headline()
        self._format_visible()

    def text(self) -> str:
        return self._text

    # ------------------------------------------------------------------ reading comfort (display only)
    def set_paragraph_layout(self, spacing: float | None = None) -> None:
        """Space between paragraphs (``None``: 0.6 of a line; 0: none), for this and later texts.
        The text and every offset stay exactly as stored."""
        self._reading.spacing = round(self.fontMetrics().lineSpacing() * 0.6) if spacing is None else spacing
        self.document().markContentsDirty(0, self.document().characterCount())
        self.viewport().update()

    def headline(self) -> tuple[int, int] | None:
        return self._headline

    def _apply_headline(self) -> None:
        doc = self.document()
        h = self._headline
        if h is None or not 0 <= h[0] < h[1] <= self._map.length:
            return
        fmt = QTextCharFormat()
        fmt.setFontWeight(700)
        fmt.setFontPointSize(self.font().pointSizeF() * 1.3)
        c = QTextCursor(doc)
        c.setPosition(self._map.to_utf16(h[0]))
        c.setPosition(self._map.to_utf16(h[1]), QTextCursor.MoveMode.KeepAnchor)
        c.mergeCharFormat(fmt)

    @property
    def offset_map(self) -> OffsetMap:
        return self._map

    # ------------------------------------------------------------------ spans
    def set_spans(self, spans: Iterable[RenderSpan], index: SpanIndex | None = None) -> None:
        """Replace all render spans; ``index``: the same spans already indexed (``index_spans``,
        made off the GUI thread for a large document), taken as it is."""
        old_blocks = set(self._formatted)
        prepared = index if index is not None else index_spans(spans)
        self._spans, self._buckets = prepared.by_id, prepared.buckets
        self._formatted.clear()
        doc = self.document()
        # drop stale formats of blocks formatted before; they are redone when visible
        for n in old_blocks:
            block = doc.findBlockByNumber(n)
            if block.isValid() and block.layout().formats():
                block.layout().clearFormats()
                doc.markContentsDirty(block.position(), block.length())
        self._format_visible()

    def spans(self) -> list[RenderSpan]:
        return list(self._spans.values())

    def update_spans(self, add: Iterable[RenderSpan] = (), remove: Iterable[Hashable] = ()) -> None:
        touched: list[tuple[int, int]] = []
        for sid in remove:
            old = self._spans.pop(sid, None)
            if old is not None:
                self._unindex(old)
                touched.append((old.start, old.end))
        for s in add:
            old = self._spans.get(s.id)
            if old is not None:
                self._unindex(old)
                touched.append((old.start, old.end))
            self._spans[s.id] = s
            self._index(s)
            touched.append((s.start, s.end))
        self._invalidate(touched)

    def span(self, span_id: Hashable) -> RenderSpan | None:
        return self._spans.get(span_id)

    def _index(self, s: RenderSpan) -> None:
        for b in range(s.start // _BUCKET, max(s.start, s.end - 1) // _BUCKET + 1):
            self._buckets[b].add(s.id)

    def _unindex(self, s: RenderSpan) -> None:
        for b in range(s.start // _BUCKET, max(s.start, s.end - 1) // _BUCKET + 1):
            self._buckets[b].discard(s.id)

    def _spans_in(self, start: int, end: int) -> list[RenderSpan]:
        ids: set[Hashable] = set()
        for b in range(start // _BUCKET, max(start, end - 1) // _BUCKET + 1):
            got = self._buckets.get(b)
            if got:
                ids |= got
        out = []
        for i in ids:
            s = self._spans[i]
            if s.start < end and s.end > start:
                out.append(s)
        return out

    def spans_at(self, pos: int) -> list[RenderSpan]:
        """Spans covering ``pos``, innermost (shortest) first."""
        hits = [s for s in self._spans_in(pos, pos + 1) if s.start <= pos < s.end]
        return sorted(hits, key=lambda s: (s.end - s.start, -s.priority))

    def set_current_span(self, span_id: Hashable | None) -> None:
        self._current = span_id  # drawn as an outline in paintEvent: no re-formatting needed
        self.viewport().update()

    def current_span(self) -> Hashable | None:
        return self._current if self._current in self._spans else None

    # ------------------------------------------------------------------ selection
    def selected_range(self) -> tuple[int, int]:
        c = self.textCursor()
        n = self._map.utf16_length
        return (self._map.from_utf16(min(max(c.selectionStart(), 0), n), snap="left"),
                self._map.from_utf16(min(max(c.selectionEnd(), 0), n), snap="right"))

    def select_range(self, start: int, end: int) -> None:
        c = QTextCursor(self.document())
        c.setPosition(self._map.to_utf16(start))
        c.setPosition(self._map.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(c)
        self.ensureCursorVisible()

    def scroll_to(self, pos: int) -> None:
        c = QTextCursor(self.document())
        c.setPosition(self._map.to_utf16(pos))
        self.setTextCursor(c)
        self.centerCursor()

    def position_at(self, point: QPoint) -> int:
        return self._map.from_utf16(self.cursorForPosition(point).position())

    def _emit_selection(self) -> None:
        s, e = self.selected_range()
        self.selectionRangeChanged.emit(s, e)

    # ------------------------------------------------------------------ formatting
    def _invalidate(self, ranges: list[tuple[int, int]]) -> None:
        if not ranges:
            return
        doc = self.document()
        for start, end in ranges:
            b = doc.findBlock(self._map.to_utf16(min(start, self._map.length)))
            last = doc.findBlock(self._map.to_utf16(min(max(end - 1, start), self._map.length))).blockNumber()
            while b.isValid() and b.blockNumber() <= last:
                n = b.blockNumber()
                self._formatted.discard(n)  # off screen: formatted again when it becomes visible
                b = b.next()
        self._format_visible()

    def _visible_blocks(self) -> list[tuple[QTextBlock, QRectF]]:
        """The blocks on screen with their viewport rectangles, top to bottom. One layout call
        per block: ``blockBoundingGeometry`` walks from the first visible block to the one asked
        for (quadratic over a screenful), so the rectangles are stacked here as Qt's own paint does."""
        block = self.firstVisibleBlock()
        if not block.isValid():
            return []
        bottom = self.viewport().rect().height()
        geo = self.blockBoundingGeometry(block).translated(self.contentOffset())
        layout = self._reading
        out = []
        while block.isValid():
            if geo.top() > bottom:
                break
            out.append((block, geo))
            top = geo.top() + geo.height()
            block = block.next()
            while block.isValid() and not block.isVisible():
                block = block.next()
            if block.isValid():
                r = layout.blockBoundingRect(block)
                geo = QRectF(geo.left(), top, r.width(), r.height())
        return out

    def _format_visible(self, blocks: list[tuple[QTextBlock, QRectF]] | None = None) -> None:
        doc = self.document()
        for block, _geo in self._visible_blocks() if blocks is None else blocks:
            n = block.blockNumber()
            if n in self._formatted:
                continue
            self._formatted.add(n)
            ranges = self._block_formats(block)
            layout = block.layout()
            if not ranges and not layout.formats():
                continue
            layout.setFormats(ranges)
            doc.markContentsDirty(block.position(), block.length())

    def _block_formats(self, block: QTextBlock) -> list[QTextLayout.FormatRange]:
        m = self._map
        b16 = block.position()
        e16 = b16 + block.length() - 1  # without the block separator
        bs, be = m.from_utf16(b16), m.from_utf16(min(e16, m.utf16_length), snap="right")
        if be <= bs:
            return []
        spans = self._spans_in(bs, be)
        if not spans:
            return []
        cuts = {bs, be}
        for s in spans:
            cuts.add(max(s.start, bs))
            cuts.add(min(s.end, be))
        points = sorted(cuts)
        out: list[QTextLayout.FormatRange] = []
        for a, z in zip(points, points[1:]):
            cover = [s for s in spans if s.start <= a and s.end >= z]
            if not cover:
                continue
            fmt = self._merge(cover)
            if fmt is None:
                continue
            r = QTextLayout.FormatRange()
            r.start = m.to_utf16(a) - b16
            r.length = m.to_utf16(z) - m.to_utf16(a)
            r.format = fmt
            out.append(r)
        return out

    def _merge(self, cover: list[RenderSpan]) -> QTextCharFormat | None:
        fmt = QTextCharFormat()
        used = False
        fills = [s for s in cover if s.style & Style.FILL]
        if fills:
            inner = min(fills, key=lambda s: (s.end - s.start, -s.priority))
            bg = QColor(inner.color)
            fmt.setBackground(bg)
            fmt.setForeground(readable_text_color(bg))
            used = True
        if any(s.style & Style.DISAGREEMENT for s in cover):
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(_DISAGREE)
            used = True
        return fmt if used else None

    # ------------------------------------------------------------------ painting
    def paintEvent(self, e: QPaintEvent) -> None:
        blocks = self._visible_blocks()  # formats change colours only: the rectangles stay
        self._format_visible(blocks)
        super().paintEvent(e)
        if not blocks or not self._spans:
            return
        m = self._map
        first, last = blocks[0][0], blocks[-1][0]
        vs = m.from_utf16(first.position())
        ve = m.from_utf16(min(last.position() + last.length() - 1, m.utf16_length), snap="right")
        visible = sorted(self._spans_in(vs, max(ve, vs + 1)), key=lambda s: (s.start, -s.end))
        self._paint_starts = [b.position() for b, _geo in blocks]
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        try:
            # claims: a thick underline; nested/overlapping claims stack downwards
            lines = [s for s in visible if s.style & Style.UNDERLINE]
            depth: dict[Hashable, int] = {}
            open_: list[RenderSpan] = []
            for s in lines:
                open_ = [o for o in open_ if o.end > s.start]
                used = {depth[o.id] for o in open_}
                depth[s.id] = next(i for i in range(len(used) + 1) if i not in used)
                open_.append(s)
            for s in lines:
                self._paint(painter, blocks, s, QColor(s.color), Qt.PenStyle.SolidLine, 2.5,
                            underline=depth[s.id])
            for s in visible:
                if s.style & (Style.DASHED | Style.OUTLINE):
                    style = Qt.PenStyle.DashLine if s.style & Style.DASHED else Qt.PenStyle.SolidLine
                    self._paint(painter, blocks, s, QColor(s.color), style, 1.2)
            current = self._spans.get(self._current)
            if current is not None:
                self._paint(painter, blocks, current, self.palette().highlight().color(),
                            Qt.PenStyle.SolidLine, 2.0)
                if self.edge_editing:
                    self._paint_edge_handles(painter, current)
        finally:
            painter.end()

    def _paint(self, painter: QPainter, blocks: list[tuple[QTextBlock, QRectF]], s: RenderSpan, color: QColor,
               style: Qt.PenStyle, width: float, underline: int | None = None) -> None:
        """Outline ``s`` (or, with ``underline=depth``, underline it) on the visible lines."""
        pen = QPen(color, width, style)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        s16, e16 = self._map.to_utf16(s.start), self._map.to_utf16(s.end)
        starts = self._paint_starts  # the blocks' positions (contiguous): from the one holding s16 on
        for k in range(max(bisect_right(starts, s16) - 1, 0), len(blocks)):
            block, geo = blocks[k]
            b16 = starts[k]
            if b16 >= e16:
                break
            if b16 + block.length() <= s16:
                continue
            layout = block.layout()
            a, z = max(s16, b16) - b16, min(e16, b16 + block.length() - 1) - b16
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                ls, le = line.textStart(), line.textStart() + line.textLength()
                if le <= a or ls >= z:
                    continue
                x1 = line.cursorToX(max(a, ls))[0]
                x2 = line.cursorToX(min(z, le))[0]
                rect = QRectF(geo.left() + min(x1, x2), geo.top() + line.y(), abs(x2 - x1), line.height())
                if underline is None:
                    painter.drawRoundedRect(rect.adjusted(-2, -1, 2, 2), 3, 3)
                else:
                    y = rect.bottom() - 1 - 3 * underline
                    painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))

    # ------------------------------------------------------------------ mouse
    def mousePressEvent(self, e: QMouseEvent) -> None:
        if self._edge_press(e):
            return
        self._press = e.position().toPoint()
        super().mousePressEvent(e)

    def mouseMoveEvent(self, e: QMouseEvent) -> None:
        if self._edge_move(e):
            return
        super().mouseMoveEvent(e)

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        if self._edge_release(e):
            return
        super().mouseReleaseEvent(e)
        if self._press is not None and (e.position().toPoint() - self._press).manhattanLength() < 4 \
                and e.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            hits = self.spans_at(self.position_at(e.position().toPoint()))
            self.spanClicked.emit(hits[0].id if hits else None)
        self._press = None

    def mouseDoubleClickEvent(self, e: QMouseEvent) -> None:
        if self.token_at is None:
            super().mouseDoubleClickEvent(e)
            return
        hit = self.token_at(self.position_at(e.position().toPoint()))
        if hit is None:
            super().mouseDoubleClickEvent(e)
            return
        self.select_range(*hit)

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            vp = self.viewport().mapFrom(self, e.pos())
            hits = self.spans_at(self.position_at(vp)) if self._spans else []
            tips = [s.tooltip for s in hits if s.tooltip]
            if tips:
                # escaped: span text and labels are never interpreted as HTML
                QToolTip.showText(e.globalPos(), "<qt>" + "<br>".join(html.escape(t) for t in tips) + "</qt>",
                                  self)
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)

    def resizeEvent(self, e) -> None:  # noqa: ANN001
        super().resizeEvent(e)
        self._format_visible()

    # ------------------------------------------------------------------ edge handles (boundary editing)
    def _edge_rects(self, s: RenderSpan) -> dict[str, QRectF]:
        """Viewport rectangles (2 px wide, a line high) of a span's start and end edges. The end
        edge sits on the line of the span's last character, also where a line wraps right after it."""
        out: dict[str, QRectF] = {}
        offset = self.contentOffset()
        for edge, cp in (("start", s.start), ("end", s.end)):
            u = self._map.to_utf16(cp)
            anchor = u - 1 if edge == "end" and cp > s.start else u
            block = self.document().findBlock(anchor)
            if not block.isValid():
                continue
            line = block.layout().lineForTextPosition(anchor - block.position())
            if not line.isValid():
                continue  # not laid out: off screen
            x = line.cursorToX(u - block.position())[0]
            geo = self.blockBoundingGeometry(block).translated(offset)
            out[edge] = QRectF(geo.left() + x - 1, geo.top() + line.y(), 2, line.height())
        return out

    def edge_at(self, point: QPoint) -> tuple[Hashable, str] | None:
        """The current span's edge under a viewport point, as (span id, "start" | "end")."""
        s = self._spans.get(self._current) if self.edge_editing else None
        if s is None:
            return None
        best = None
        for edge, r in self._edge_rects(s).items():
            dx = abs(point.x() - r.center().x())
            if dx <= self.EDGE_GRAB_PX and r.top() - 2 <= point.y() <= r.bottom() + 2:
                if best is None or dx < best[0]:
                    best = (dx, edge)
        return (s.id, best[1]) if best is not None else None

    def dragged_edge(self) -> tuple[Hashable, str, int] | None:
        """While an edge is being dragged: (span id, edge, the code point under the mouse)."""
        if self._drag is None or self._drag_pos is None:
            return None
        return (*self._drag, self._drag_pos)

    def _edge_press(self, e: QMouseEvent) -> bool:
        if e.button() != Qt.MouseButton.LeftButton or e.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            return False  # Shift+click extends a text selection, even at an edge
        hit = self.edge_at(e.position().toPoint())
        if hit is None:
            return False
        self._drag = hit
        self._drag_from = e.position().toPoint()
        self._drag_pos = self.position_at(self._drag_from)
        self.viewport().update()
        e.accept()
        return True

    def _edge_move(self, e: QMouseEvent) -> bool:
        point = e.position().toPoint()
        if self._drag is not None:
            self._drag_pos = self.position_at(point)
            self.viewport().update()
            e.accept()
            return True
        if self.edge_editing and not e.buttons():
            shape = Qt.CursorShape.SizeHorCursor if self.edge_at(point) is not None else Qt.CursorShape.IBeamCursor
            if self.viewport().cursor().shape() != shape:
                self.viewport().setCursor(shape)
        return False

    def _edge_release(self, e: QMouseEvent) -> bool:
        if self._drag is None:
            return False
        span_id, edge = self._drag
        point = e.position().toPoint()
        pos = self.position_at(point)
        moved = (point - self._drag_from).manhattanLength() >= QApplication.startDragDistance()
        self._drag = self._drag_pos = None
        self.viewport().update()
        e.accept()
        if moved:
            self.spanEdgeDragged.emit(span_id, edge, pos, e.modifiers())
        else:  # a click on an edge, not a drag: what a click does anywhere else
            c = self.textCursor()
            c.setPosition(self._map.to_utf16(pos))
            self.setTextCursor(c)
            hits = self.spans_at(pos)
            self.spanClicked.emit(hits[0].id if hits else None)
        return True

    def _paint_edge_handles(self, painter: QPainter, s: RenderSpan) -> None:
        """A grip at each edge of the current span; while dragging, where the edge would go."""
        color = self.palette().highlight().color()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        for edge, r in self._edge_rects(s).items():
            x = r.center().x()
            painter.drawRoundedRect(QRectF(x - 1.5, r.top() - 1, 3, r.height() + 2), 1.5, 1.5)
            # a knob like a touch selection handle: above the start, below the end
            painter.drawEllipse(QPointF(x, r.top() - 3 if edge == "start" else r.bottom() + 3), 4, 4)
        if self._drag is not None and self._drag_pos is not None:
            c = QTextCursor(self.document())
            c.setPosition(self._map.to_utf16(self._drag_pos))
            r = QRectF(self.cursorRect(c))
            pen = QPen(color, 2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLine(QPointF(r.center().x(), r.top() - 2), QPointF(r.center().x(), r.bottom() + 2))
