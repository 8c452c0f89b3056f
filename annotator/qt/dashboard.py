"""The agreement dashboard (Tools → Agreement dashboard, Ctrl+Shift+A) and the read-only
side-by-side comparison of two annotators' versions of a document.

Widgets only draw what :mod:`annotator.services.agreement` computed; the computation runs off
the GUI thread through ``run_task`` with an inline progress bar and Cancel, so the dashboard
stays usable (and keeps showing the previous figures) while it computes.
"""

from __future__ import annotations

import html

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen, QStandardItem, \
    QStandardItemModel, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QTableView,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement import NOT_ANNOTATED, Result
from annotator.core.offsets import OffsetMap
from annotator.qt.workers import run_task
from annotator.services import agreement as ag
from annotator.storage import Project

KIND_COLORS = {
    "agree": QColor("#c3e6cb"),
    "boundary": QColor("#ffd8a8"),
    "label": QColor("#ffa8a8"),
    "boundary+label": QColor("#e5b3f0"),
    "only_a": QColor("#a5d8ff"),
    "only_b": QColor("#a5d8ff"),
}
KIND_TEXT = {"agree": "same", "boundary": "boundary differs", "label": "label differs",
             "boundary+label": "boundary and label differ", "only_a": "only here", "only_b": "only here"}


def score_color(v: float) -> QColor:
    """Red (≤ 0) through yellow (0.5) to green (1)."""
    t = max(0.0, min(1.0, v))
    if t < 0.5:
        a, b, u = QColor("#e03131"), QColor("#fcc419"), t / 0.5
    else:
        a, b, u = QColor("#fcc419"), QColor("#2f9e44"), (t - 0.5) / 0.5
    return QColor(int(a.red() + (b.red() - a.red()) * u), int(a.green() + (b.green() - a.green()) * u),
                  int(a.blue() + (b.blue() - a.blue()) * u))


class HeatmapWidget(QWidget):
    """A labelled matrix drawn with QPainter. Scores in [-1, 1] (red→green) or counts (white→blue).
    Click or Enter on a cell emits ``cellActivated(row, col)``; arrow keys move the current cell."""

    cellActivated = Signal(int, int)

    def __init__(self, parent: QWidget | None = None, *, counts: bool = False, objectName: str = "") -> None:
        super().__init__(parent)
        self.setObjectName(objectName)
        self.counts = counts
        self.rows: list[str] = []
        self.cols: list[str] = []
        self.cells: list[list[tuple[float | None, str]]] = []  # (value or None, text)
        self.current = (0, 0)
        self.row_title = ""
        self.col_title = ""
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(260, 200)

    def set_data(self, rows: list[str], cols: list[str], cells: list[list[tuple[float | None, str]]],
                 row_title: str = "", col_title: str = "") -> None:
        self.rows, self.cols, self.cells = rows, cols, cells
        self.row_title, self.col_title = row_title, col_title
        self.current = (min(self.current[0], max(len(rows) - 1, 0)), min(self.current[1], max(len(cols) - 1, 0)))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 300)

    def _geometry(self) -> tuple[float, float, float, float]:
        fm = self.fontMetrics()
        left = max([fm.horizontalAdvance(r) for r in self.rows] + [40]) + 14
        top = fm.height() * 2 + 8
        w = (self.width() - left - 6) / max(len(self.cols), 1)
        h = (self.height() - top - 6) / max(len(self.rows), 1)
        return left, top, w, h

    def cell_rect(self, r: int, c: int) -> QRectF:
        left, top, w, h = self._geometry()
        return QRectF(left + c * w, top + r * h, w, h)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.palette().base())
        if not self.rows:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "no data")
            return
        left, top, w, h = self._geometry()
        fm = self.fontMetrics()
        vmax = max((v for row in self.cells for v, _ in row if v is not None), default=1) or 1
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() * 0.85, 6))
        if self.col_title:
            p.drawText(QRectF(left, 0, self.width() - left, fm.height()), Qt.AlignmentFlag.AlignCenter,
                       self.col_title)
        for c, name in enumerate(self.cols):
            p.drawText(QRectF(left + c * w, fm.height() + 2, w, fm.height()), Qt.AlignmentFlag.AlignCenter,
                       fm.elidedText(name, Qt.TextElideMode.ElideRight, int(w) - 2))
        for r, name in enumerate(self.rows):
            p.drawText(QRectF(0, top + r * h, left - 8, h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       name)
            for c in range(len(self.cols)):
                v, text = self.cells[r][c]
                rect = self.cell_rect(r, c).adjusted(1, 1, -1, -1)
                if v is None:
                    p.fillRect(rect, QBrush(QColor("#dee2e6"), Qt.BrushStyle.BDiagPattern))
                    color = QColor("#495057")
                elif self.counts:
                    t = v / vmax
                    bg = QColor(int(255 - 200 * t), int(255 - 140 * t), 255)
                    p.fillRect(rect, bg)
                    color = QColor("white") if t > 0.6 else QColor("black")
                else:
                    p.fillRect(rect, score_color(v))
                    color = QColor("black")
                p.setPen(color)
                p.setFont(small)
                p.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
                p.setFont(self.font())
                p.setPen(self.palette().text().color())
        if self.hasFocus():
            p.setPen(QPen(self.palette().highlight().color(), 2))
            p.drawRect(self.cell_rect(*self.current).adjusted(1, 1, -1, -1))

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        left, top, w, h = self._geometry()
        if x < left or y < top or w <= 0 or h <= 0:
            return None
        c, r = int((x - left) // w), int((y - top) // h)
        if 0 <= r < len(self.rows) and 0 <= c < len(self.cols):
            return r, c
        return None

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        hit = self.cell_at(event.position().x(), event.position().y())
        if hit is not None:
            self.current = hit
            self.update()
            self.cellActivated.emit(*hit)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        r, c = self.current
        moves = {Qt.Key.Key_Up: (-1, 0), Qt.Key.Key_Down: (1, 0), Qt.Key.Key_Left: (0, -1), Qt.Key.Key_Right: (0, 1)}
        if event.key() in moves and self.rows:
            dr, dc = moves[event.key()]
            self.current = (max(0, min(len(self.rows) - 1, r + dr)), max(0, min(len(self.cols) - 1, c + dc)))
            self.update()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self.rows:
            self.cellActivated.emit(r, c)
        else:
            super().keyPressEvent(event)


def _fmt(v: Result) -> str:
    return f"{v.value:.2f}" if v.defined else "n/a"


class IntervalWidget(QWidget):
    """Main figures as dots with their 95 % bootstrap interval as error bars, and the .667 / .8
    thresholds as dashed lines (a forest plot)."""

    def __init__(self, parent: QWidget | None = None, objectName: str = "") -> None:
        super().__init__(parent)
        self.setObjectName(objectName)
        self.rows: list[tuple[str, Result, object]] = []  # (name, value, Interval or None)
        self.setMinimumSize(260, 120)

    def set_rows(self, rows: list[tuple[str, Result, object]]) -> None:
        self.rows = rows
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 200)

    def scale(self) -> tuple[float, float, float]:
        lows = [iv.low for _n, _v, iv in self.rows if iv is not None] + \
               [v.value for _n, v, _iv in self.rows if v.defined]
        lo = min([0.0] + lows)
        fm = self.fontMetrics()
        left = max([fm.horizontalAdvance(n) for n, _v, _i in self.rows] + [60]) + 12
        return lo, float(left), float(self.width() - 12)

    def x_of(self, v: float) -> float:
        lo, left, right = self.scale()
        return left + (v - lo) / (1.0 - lo) * (right - left)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.palette().base())
        if not self.rows:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "no data")
            return
        fm = self.fontMetrics()
        lo, left, right = self.scale()
        bottom = self.height() - fm.height() - 4
        rh = max(14.0, min(28.0, (bottom - fm.height() - 6) / len(self.rows)))
        for t, col in ((lo, "#adb5bd"), (0.0, "#adb5bd"), (0.5, "#adb5bd"), (1.0, "#adb5bd"), (0.667, "#e67700"),
                       (0.8, "#2b8a3e")):
            x = self.x_of(t)
            pen = QPen(QColor(col))
            if t in (0.667, 0.8):
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            top = fm.height() + 2 if t in (0.667, 0.8) else 4
            p.drawLine(int(x), int(top), int(x), int(bottom))
            # thresholds labelled above the plot, the scale below, so .667 and .8 never overprint
            if t == 0.667:
                p.drawText(QRectF(x - 44, 0, 42, fm.height()), Qt.AlignmentFlag.AlignRight, f"{t:g}")
            elif t == 0.8:
                p.drawText(QRectF(x + 3, 0, 42, fm.height()), Qt.AlignmentFlag.AlignLeft, f"{t:g}")
            else:
                p.drawText(QRectF(x - 20, bottom + 2, 40, fm.height()), Qt.AlignmentFlag.AlignCenter, f"{t:g}")
        for i, (name, v, iv) in enumerate(self.rows):
            y = fm.height() + 6 + rh * i + rh / 2
            p.setPen(self.palette().text().color())
            p.drawText(QRectF(0, y - rh / 2, left - 8, rh), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       name)
            if not v.defined:
                p.setPen(QColor("#868e96"))
                p.drawText(QRectF(left + 4, y - rh / 2, 200, rh), Qt.AlignmentFlag.AlignVCenter, "undefined")
                continue
            if iv is not None:
                p.setPen(QPen(QColor("#343a40"), 2))
                x0, x1 = self.x_of(iv.low), self.x_of(iv.high)
                p.drawLine(int(x0), int(y), int(x1), int(y))
                p.drawLine(int(x0), int(y - 5), int(x0), int(y + 5))
                p.drawLine(int(x1), int(y - 5), int(x1), int(y + 5))
            p.setPen(QPen(QColor("#212529"), 1))
            p.setBrush(score_color(v.value))
            p.drawEllipse(QRectF(self.x_of(v.value) - 5, y - 5, 10, 10))
            p.setBrush(Qt.BrushStyle.NoBrush)


class ComparisonView(QWidget):
    """Two annotators' versions of one document side by side, read-only, differences coloured."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementComparison")
        self.setWindowTitle("Compare annotators")
        self.comparison: ag.Comparison | None = None
        self.title = QLabel(objectName="comparisonTitle")
        self.title.setWordWrap(True)
        self.heads = [QLabel(objectName="comparisonHeadA"), QLabel(objectName="comparisonHeadB")]
        self.texts = [QPlainTextEdit(objectName="comparisonTextA"), QPlainTextEdit(objectName="comparisonTextB")]
        self.lists = [QPlainTextEdit(objectName="comparisonSpansA"), QPlainTextEdit(objectName="comparisonSpansB")]
        grid = QGridLayout()
        for i in range(2):
            self.texts[i].setReadOnly(True)
            self.lists[i].setReadOnly(True)
            self.lists[i].setMaximumHeight(150)
            grid.addWidget(self.heads[i], 0, i)
            grid.addWidget(self.texts[i], 1, i)
            grid.addWidget(self.lists[i], 2, i)
        legend = QLabel(" ".join(
            f"<span style='background:{KIND_COLORS[k].name()}'>&nbsp;{KIND_TEXT[k]}&nbsp;</span>"
            for k in ("agree", "boundary", "label", "boundary+label", "only_a")))
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(legend)
        lay.addLayout(grid)
        # scroll together: the two versions stay aligned
        a, b = self.texts[0].verticalScrollBar(), self.texts[1].verticalScrollBar()
        a.valueChanged.connect(b.setValue)
        b.valueChanged.connect(a.setValue)
        self.resize(1100, 650)

    def set_comparison(self, c: ag.Comparison) -> None:
        self.comparison = c
        self.title.setText(f"<b>{c.title}</b> (document {c.document_id})")
        omap = OffsetMap(c.text)
        for i, (name, spans, kinds, stance) in enumerate(((c.a, c.spans_a, c.kind_a, c.stance_a),
                                                         (c.b, c.spans_b, c.kind_b, c.stance_b))):
            diff = sum(k != "agree" for k in kinds)
            self.heads[i].setText(f"<b>{name}</b> — {len(spans)} spans, {diff} differ"
                                  + (f" — stance: {stance}" if stance else " — no stance"))
            view = self.texts[i]
            view.setPlainText(c.text)
            sels = []
            for (s, e, lab), kind in zip(spans, kinds):
                sel = QTextEdit.ExtraSelection()
                cur = QTextCursor(view.document())
                cur.setPosition(omap.to_utf16(s))
                cur.setPosition(omap.to_utf16(e), QTextCursor.MoveMode.KeepAnchor)
                fmt = QTextCharFormat()
                fmt.setBackground(KIND_COLORS[kind])
                if kind != "agree":
                    fmt.setFontUnderline(True)
                fmt.setToolTip(f"{lab}: {KIND_TEXT[kind]}")
                sel.cursor, sel.format = cur, fmt
                sels.append(sel)
            view.setExtraSelections(sels)
            lines = [f"{'✓' if k == 'agree' else '✗'} {lab:<9} {c.text[s:e][:60]!r}  {KIND_TEXT[k]}"
                     for (s, e, lab), k in sorted(zip(spans, kinds), key=lambda x: x[0][0])]
            self.lists[i].setPlainText("\n".join(lines) or "(no spans)")
        self.setWindowTitle(f"Compare {c.a} and {c.b} — {c.title}")


GAMMA_SAMPLES = 30


def _compute_all(project: Project, layer: str, include_unfinished: bool, every, progress=None, cancelled=None,
                 gamma: bool = True):
    """The dashboard's one background task: the agreement report and the against-gold report."""
    report = ag.compute(project, layer, include_unfinished=include_unfinished, progress=progress, cancelled=cancelled,
                        gamma_samples=GAMMA_SAMPLES if gamma else 0)
    return report, ag.gold_report(project, layer, by=every, cancelled=cancelled)


class AgreementDashboard(QWidget):
    """Tools → Agreement dashboard."""

    reportReady = Signal(object)

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("agreementDashboard")
        self.setWindowTitle("Agreement dashboard")
        self.project = project
        self.report: ag.AgreementReport | None = None
        self.task = None
        self.comparison: ComparisonView | None = None

        self.layer = QComboBox(objectName="agreementLayer")
        self.layer.addItems(list(ag.LAYERS))
        self.unfinished = QCheckBox("Include &unfinished work", objectName="agreementUnfinished")
        self.gamma = QCheckBox("&γ (slower)", objectName="agreementGamma", checked=True)
        self.gamma.setToolTip(f"Mathet's γ on span layers, its chance level from {GAMMA_SAMPLES} shuffled corpora; "
                              "adds a few seconds per 1,000 documents")
        self.refresh = QPushButton("&Recompute", objectName="agreementRefresh")
        self.progress = QProgressBar(objectName="agreementProgress")
        self.progress.setMaximumWidth(240)
        self.progress.hide()
        self.cancel = QPushButton("Cancel", objectName="agreementCancel")
        self.cancel.hide()
        top = QHBoxLayout()
        for w in (QLabel("&Layer:", buddy=self.layer), self.layer, self.unfinished, self.gamma, self.refresh):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.progress)
        top.addWidget(self.cancel)
        self.summary = QLabel(objectName="agreementSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.summary.setMinimumHeight(self.fontMetrics().height() * 3 + 6)

        self.measure = QComboBox(objectName="agreementMeasure")
        self.heatmap = HeatmapWidget(objectName="agreementHeatmap")
        self.heat_box = self._box("Annotator × annotator", self.measure, self.heatmap)

        self.label_chart = QChartView(objectName="agreementLabelChart")
        self.label_chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.label_chart.setMinimumSize(300, 270)
        self.label_box = self._box("Per label", None, self.label_chart)

        self.conf_pair = QComboBox(objectName="agreementConfusionPair")
        self.confusion = HeatmapWidget(counts=True, objectName="agreementConfusion")
        self.conf_box = self._box("Confusion matrix", self.conf_pair, self.confusion)

        self.progress_chart = QChartView(objectName="agreementProgressChart")
        self.progress_chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.progress_chart.setMinimumSize(300, 160)
        self.progress_box = self._box("Progress per annotator", None, self.progress_chart)

        self.intervals = IntervalWidget(objectName="agreementIntervals")
        self.interval_box = self._box("Main figures with 95 % intervals", None, self.intervals)

        self.gold_label = QComboBox(objectName="agreementGoldLabel")
        self.gold_every = QComboBox(objectName="agreementGoldEvery")
        for text, by in (("every 10 documents", 10), ("every 25 documents", 25), ("by week", "week")):
            self.gold_every.addItem(text, by)
        gold_tools = QWidget()
        gl = QHBoxLayout(gold_tools)
        gl.setContentsMargins(0, 0, 0, 0)
        gl.addWidget(self.gold_label, 1)
        gl.addWidget(self.gold_every)
        self.gold_chart = QChartView(objectName="agreementGoldChart")
        self.gold_chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.gold_chart.setMinimumSize(300, 180)
        self.gold_box = self._box("Against gold over time (F1)", gold_tools, self.gold_chart)
        self.gold: ag.GoldReport | None = None

        self.doc_model = QStandardItemModel(0, 5, self)
        self.doc_model.setHorizontalHeaderLabels(["Document", "Score", "Measure", "Annotators", "Disagreements"])
        self.docs = QTableView(objectName="agreementDocuments")
        self.docs.setModel(self.doc_model)
        self.docs.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.docs.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.docs.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.docs.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.docs.verticalHeader().hide()

        self.case_model = QStandardItemModel(0, 5, self)
        self.case_model.setHorizontalHeaderLabels(["Document", "First annotator", "Their span", "Second annotator",
                                                   "Their span"])
        self.cases = QTableView(objectName="agreementCases")
        self.cases.setModel(self.case_model)
        self.cases.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.cases.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.cases.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.cases.verticalHeader().hide()
        self.case_title = QLabel("Click a cell of the confusion matrix to list the spans behind it.",
                                 objectName="agreementCaseTitle")
        case_page = QWidget()
        cl = QVBoxLayout(case_page)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.case_title)
        cl.addWidget(self.cases, 1)
        self.tabs = QTabWidget(objectName="agreementTabs")
        self.tabs.addTab(self.docs, "Documents, worst first (Enter or click: compare)")
        self.tabs.addTab(case_page, "Spans behind a confusion cell (Enter or click: compare)")

        grid = QGridLayout()
        grid.addWidget(self.interval_box, 0, 0)
        grid.addWidget(self.heat_box, 0, 1)
        grid.addWidget(self.label_box, 0, 2)
        grid.addWidget(self.conf_box, 1, 0)
        grid.addWidget(self.gold_box, 1, 1)
        grid.addWidget(self.progress_box, 1, 2)
        charts = QWidget()
        charts.setLayout(grid)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(charts)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([680, 190])
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addWidget(split, 1)

        self.layer.currentTextChanged.connect(lambda _t: self.compute())
        self.unfinished.toggled.connect(lambda _b: self.compute())
        self.gamma.toggled.connect(lambda _b: self.compute())
        self.refresh.clicked.connect(self.compute)
        self.cancel.clicked.connect(self._cancel)
        self.measure.currentTextChanged.connect(lambda _t: self._draw_heatmap())
        self.conf_pair.currentIndexChanged.connect(lambda _i: self._draw_confusion())
        self.heatmap.cellActivated.connect(self._pair_activated)
        self.confusion.cellActivated.connect(self._confusion_activated)
        self.docs.activated.connect(self._doc_activated)
        self.docs.clicked.connect(self._doc_activated)
        self.cases.activated.connect(self._case_activated)
        self.cases.clicked.connect(self._case_activated)
        self.gold_label.currentIndexChanged.connect(lambda _i: self._draw_gold())
        self.gold_every.currentIndexChanged.connect(lambda _i: self.compute())
        self.resize(1600, 960)

    @staticmethod
    def _box(title: str, tool: QWidget | None, body: QWidget) -> QGroupBox:
        box = QGroupBox(title)
        lay = QVBoxLayout(box)
        if tool is not None:
            lay.addWidget(tool)
        lay.addWidget(body, 1)
        return box

    # ------------------------------------------------------------------ computing
    def compute(self) -> None:
        """Recompute off the GUI thread; the old figures stay visible until the new ones arrive."""
        if self.task is not None:
            self.task.cancel()
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel.show()
        self.refresh.setEnabled(False)
        task = run_task(_compute_all, self.project, self.layer.currentText(), self.unfinished.isChecked(),
                        self.gold_every.currentData(), gamma=self.gamma.isChecked(), on_done=None, parent=self)
        self.task = task
        task.signals.progress.connect(self._progress)
        task.signals.finished.connect(lambda r, t=task: self._done(t, r))
        task.signals.failed.connect(lambda msg, _tb, t=task: self._failed(t, msg))
        task.signals.cancelled.connect(lambda t=task: self._finished_task(t))

    def _progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(min(done, total))
        self.progress.setFormat("γ: %v / %m shuffled corpora" if message.startswith("γ") else "%v / %m documents")

    def _cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _finished_task(self, task) -> bool:
        if task is not self.task:
            return False
        self.task = None
        self.progress.hide()
        self.cancel.hide()
        self.refresh.setEnabled(True)
        return True

    def _failed(self, task, message: str) -> None:
        if self._finished_task(task):
            self.summary.setText(f"<span style='color:#c92a2a'>Could not compute agreement: {message}</span>")

    def _done(self, task, result: tuple) -> None:
        if self._finished_task(task):
            report, gold = result
            self.gold = gold
            self.set_report(report)

    # ------------------------------------------------------------------ drawing
    def set_report(self, report: ag.AgreementReport) -> None:
        self.report = report
        head = []
        for m in report.measures:
            f = report.figure(m)
            if f is not None:
                iv = f" {f.interval.format(2)}" if f.interval is not None else ""
                head.append(f"<b>{m}</b>: {_fmt(f.value) if not f.value.defined else f'{f.value.value:.3f}'}{iv}"
                            f" <span style='color:#666'>({f.value.items:,} {f.value.unit})</span>")
        warn = "".join(f"<br><span style='color:#b35c00'>⚠ {w}</span>" for w in report.warnings)
        boot = (f" <span style='color:#666'>[95 % intervals: {report.resamples:,} bootstrap resamples over "
                f"documents, seed {report.seed}]</span>") if report.resamples else ""
        gnote = f"<br><span style='color:#666'>{html.escape(ag.gamma_note(report))}</span>" if report.gamma else ""
        self.summary.setText(f"{len(report.annotators)} annotators ({', '.join(report.annotators)}), "
                             f"{report.documents} documents — " + " · ".join(head) + boot + gnote + warn)
        self.measure.blockSignals(True)
        current = self.measure.currentText()
        self.measure.clear()
        self.measure.addItems(report.measures)
        self.measure.setCurrentText(current if current in report.measures else report.main_measure)
        self.measure.blockSignals(False)
        self.conf_pair.blockSignals(True)
        self.conf_pair.clear()
        self.conf_pair.addItem("All pairs (both directions)", None)
        for p in report.pairs():
            self.conf_pair.addItem(f"{p[0]} (rows) × {p[1]} (columns)", p)
        self.conf_pair.blockSignals(False)
        self._draw_heatmap()
        self._draw_labels()
        self._draw_confusion()
        self._draw_progress()
        self._draw_intervals()
        self._fill_gold_labels()
        self._draw_gold()
        self._fill_documents()
        self.case_model.removeRows(0, self.case_model.rowCount())
        self.reportReady.emit(report)

    def _draw_heatmap(self) -> None:
        r = self.report
        if r is None:
            return
        m = self.measure.currentText() or r.main_measure
        names = r.annotators
        cells = []
        for a in names:
            row = []
            for b in names:
                if a == b:
                    row.append((None, "—"))
                    continue
                f = r.figure(m, pair=(a, b))
                if f is None or not f.value.defined:
                    row.append((None, "undefined" if f is None else f"undefined\nn={f.value.items}"))
                else:
                    iv = f"\n{f.interval.format(2)}" if f.interval is not None else ""
                    row.append((f.value.value, f"{f.value.value:.2f}{iv}\nn={f.value.items:,}"))
            cells.append(row)
        self.heat_box.setTitle(f"Annotator × annotator — {m}")
        self.heatmap.set_data(names, names, cells)

    def _draw_labels(self) -> None:
        r = self.report
        chart = QChart()
        chart.setMargins(QMargins(2, 2, 2, 2))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        if r.layer == "stance":
            measures = [ag.ALPHA]
        else:
            measures = [ag.ALPHA_U, ag.F1_OVERLAP]
        labels = list(r.labels) + ([ag.CLAIM_STANCE] if r.layer == "claim" else [])
        # the claims' stance is a category, not a span: its bar is Krippendorff's alpha, in its own series
        names = list(measures) + ([f"{ag.CLAIM_STANCE}: {ag.ALPHA}"] if r.layer == "claim" else [])
        cats = []
        sets = [QBarSet(m) for m in names]
        for s, color in zip(sets, ("#1971c2", "#f08c00", "#2f9e44")):
            s.setColor(QColor(color))
        for lab in reversed(labels):
            vals = []
            for m in names:
                if (lab == ag.CLAIM_STANCE) != (m not in measures):
                    vals.append(None)
                    continue
                f = r.figure(ag.ALPHA if lab == ag.CLAIM_STANCE else m, label=lab)
                vals.append(f.value if f is not None else None)
            items = max((v.items for v in vals if v is not None), default=0)
            undefined = all(v is None or not v.defined for v in vals)
            cats.append(f"{lab} ({'undefined' if undefined else f'n={items}'})")
            for s, v in zip(sets, vals):
                s.append(max(v.value, 0.0) if v is not None and v.defined else 0.0)
        series = QHorizontalBarSeries()
        for s in sets:
            series.append(s)
        chart.addSeries(series)
        ay = QBarCategoryAxis()
        ay.append(cats)
        ay.setTruncateLabels(False)
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() * 0.85, 6))
        ay.setLabelsFont(small)
        ax = QValueAxis()
        ax.setRange(0, 1)
        ax.setTickCount(6)
        chart.addAxis(ay, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(ax, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(ax)
        series.attachAxis(ay)
        self.label_chart.setChart(chart)
        self.label_box.setTitle("Per label — " + ", ".join(names) + " (negative shown as 0)")

    def _draw_confusion(self) -> None:
        r = self.report
        if r is None:
            return
        pair = self.conf_pair.currentData()
        m = r.confusion.get(pair if pair is None else tuple(pair))
        labels = r.confusion_labels
        if not m:
            self.confusion.set_data([], [], [])
            return
        keep = [i for i in range(len(labels)) if sum(m[i]) + sum(row[i] for row in m) > 0]
        short = [labels[i].replace("(not annotated)", "none") for i in keep]
        cells = [[(float(m[i][j]) if m[i][j] else 0.0, str(m[i][j])) for j in keep] for i in keep]
        a, b = (pair if pair is not None else ("first", "second"))
        self.confusion.set_data(short, short, cells, a, f"{b} →")

    def _draw_progress(self) -> None:
        r = self.report
        chart = QChart()
        chart.setMargins(QMargins(2, 2, 2, 2))
        names = list(r.progress)
        series = QHorizontalStackedBarSeries()
        for key, title, color in (("done", "done", "#2f9e44"), ("in_progress", "in progress", "#fab005"),
                                  ("todo", "to do", "#ced4da")):
            s = QBarSet(title)
            s.setColor(QColor(color))
            for n in reversed(names):
                s.append(r.progress[n][key])
            series.append(s)
        chart.addSeries(series)
        ay = QBarCategoryAxis()
        ay.append(list(reversed(names)))
        ax = QValueAxis()
        ax.setLabelFormat("%d")
        total = max((sum(v.values()) for v in r.progress.values()), default=1)
        ax.setRange(0, max(total, 1))
        ax.setTickCount(min(max(total, 1), 6) + 1)
        chart.addAxis(ay, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(ax, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(ax)
        series.attachAxis(ay)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.progress_chart.setChart(chart)

    def _fill_documents(self) -> None:
        r = self.report
        self.doc_model.removeRows(0, self.doc_model.rowCount())
        for d in r.document_rows:
            # a pair's name only next to that pair's figure; an all-annotator figure says so
            who = f"{d.pair[0]} × {d.pair[1]}" if d.pair else "all annotators"
            items = [QStandardItem(f"{d.title}  (#{d.document_id})"), QStandardItem(_fmt(d.score)),
                     QStandardItem(d.measure), QStandardItem(who), QStandardItem(str(d.disagreements))]
            if d.score.defined:
                items[1].setBackground(score_color(d.score.value))
            items[0].setData(d.document_id, Qt.ItemDataRole.UserRole)
            items[0].setData(d.compare, Qt.ItemDataRole.UserRole + 1)
            self.doc_model.appendRow(items)
        self.docs.resizeColumnsToContents()
        self.docs.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _draw_intervals(self) -> None:
        r = self.report
        rows = []
        for m in r.measures:
            f = r.figure(m)
            if f is not None:
                rows.append((m, f.value, f.interval))
        if r.layer == "claim":
            f = r.figure(ag.ALPHA, label=ag.CLAIM_STANCE)
            if f is not None:
                rows.append((f"{ag.CLAIM_STANCE}: α", f.value, f.interval))
        self.intervals.set_rows(rows)

    def _fill_gold_labels(self) -> None:
        g = self.gold
        current = self.gold_label.currentData()
        self.gold_label.blockSignals(True)
        self.gold_label.clear()
        self.gold_label.addItem("All labels", None)
        for lab in (g.labels if g is not None else []):
            self.gold_label.addItem(lab, lab)
        i = self.gold_label.findData(current)
        self.gold_label.setCurrentIndex(max(i, 0))
        self.gold_label.blockSignals(False)

    def _draw_gold(self) -> None:
        g = self.gold
        chart = QChart()
        chart.setMargins(QMargins(2, 2, 2, 2))
        label = self.gold_label.currentData()
        if g is None or not g.timeline:
            chart.setTitle(g.warnings[0] if g is not None and g.warnings else "no gold set yet")
            self.gold_chart.setChart(chart)
            return
        longest = max(g.timeline.values(), key=len)
        ax = QBarCategoryAxis()
        ax.append([p.bucket.replace("docs ", "") for p in longest])
        ay = QValueAxis()
        ay.setRange(0, 1)
        ay.setTickCount(6)
        chart.addAxis(ax, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(ay, Qt.AlignmentFlag.AlignLeft)
        for name, pts in g.timeline.items():
            series = QLineSeries()
            series.setName(name)
            for i, p in enumerate(pts):
                s = p.scores.get(label)
                if s is not None and s.f1.defined:
                    series.append(i, s.f1.value)
            series.setPointsVisible(True)
            chart.addSeries(series)
            series.attachAxis(ax)
            series.attachAxis(ay)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.gold_chart.setChart(chart)
        self.gold_box.setTitle(f"Against gold over time — F1 ({label or 'all labels'}), {g.by}, "
                               f"{g.documents} reviewed documents")

    # ------------------------------------------------------------------ drill-down
    def _confusion_activated(self, row: int, col: int) -> None:
        """List the spans behind a confusion cell; a click on one opens the two versions side by side."""
        r = self.report
        if r is None or row >= len(self.confusion.rows):
            return
        names = {lab.replace(NOT_ANNOTATED, "none"): lab for lab in r.confusion_labels}
        la, lb = names[self.confusion.rows[row]], names[self.confusion.cols[col]]
        pair = self.conf_pair.currentData()
        cases = ag.confusion_cases(self.project, r, la, lb, tuple(pair) if pair else None)
        self.case_model.removeRows(0, self.case_model.rowCount())
        for c in cases:
            def span(sp, text):
                if sp is None:
                    return text or "—"  # stance: the label itself
                return f"{sp[2]} {text[:50]!r} [{sp[0]}–{sp[1]}]"
            items = [QStandardItem(f"{c.title}  (#{c.document_id})"), QStandardItem(c.a),
                     QStandardItem(span(c.span_a, c.text_a)), QStandardItem(c.b), QStandardItem(span(c.span_b, c.text_b))]
            items[0].setData(c.document_id, Qt.ItemDataRole.UserRole)
            items[0].setData((c.a, c.b), Qt.ItemDataRole.UserRole + 1)
            self.case_model.appendRow(items)
        self.cases.resizeColumnsToContents()
        self.case_title.setText(f"{len(cases)} case{'s' if len(cases) != 1 else ''}: {la} (first annotator) "
                                f"against {lb} (second)")
        self.tabs.setCurrentIndex(1)

    def _case_activated(self, index) -> None:
        first = self.case_model.index(index.row(), 0)
        doc_id = first.data(Qt.ItemDataRole.UserRole)
        pair = first.data(Qt.ItemDataRole.UserRole + 1)
        if doc_id is not None and pair:
            self.open_comparison(int(doc_id), pair[0], pair[1])

    def _doc_activated(self, index) -> None:
        first = self.doc_model.index(index.row(), 0)
        doc_id = first.data(Qt.ItemDataRole.UserRole)
        pair = first.data(Qt.ItemDataRole.UserRole + 1)
        if doc_id is not None and pair:
            self.open_comparison(int(doc_id), pair[0], pair[1])

    def _pair_activated(self, row: int, col: int) -> None:
        r = self.report
        if r is None or row == col:
            return
        a, b = r.annotators[row], r.annotators[col]
        pairs = r.pairs()
        key = (a, b) if (a, b) in pairs else (b, a)
        if key in pairs:
            self.conf_pair.setCurrentIndex(pairs.index(key) + 1)  # 0 is "all pairs"
        docs = r.pair_documents.get((a, b)) or r.pair_documents.get((b, a))
        if docs:
            self.open_comparison(docs[0][0], a, b)

    def open_comparison(self, document_id: int, a: str, b: str) -> ComparisonView:
        layer = self.report.layer if self.report is not None else "entity"
        c = ag.compare_document(self.project, document_id, a, b, layer)
        if self.comparison is None:
            self.comparison = ComparisonView()
            self.comparison.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.comparison.set_comparison(c)
        self.comparison.show()
        return self.comparison

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.task is not None:
            self.task.cancel()
        if self.comparison is not None:
            self.comparison.close()
        super().closeEvent(event)
