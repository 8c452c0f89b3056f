"""The training window (Tools → Train model…, see :mod:`annotator.qt.extensions.train`): train a
spaCy model from the annotations, see its per-label scores and train curve, find likely
annotation mistakes, order what to annotate next, and use the model for suggestions. Business
logic is in :mod:`annotator.services.training`; every long step runs through ``run_task``
(progress, Cancel) and spaCy is imported in the worker. See docs/training.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QMargins, QObject, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Layer
from annotator.qt.workers import run_task
from annotator.services.training import store
from annotator.services.training.data import ViewChoice
from annotator.services.training.evaluate import LAYERS, Evaluation
from annotator.services.training.fit import FitSettings

if TYPE_CHECKING:
    from annotator.qt.host import Host
    from annotator.services.training.mistakes import Mistake, MistakeReport
    from annotator.services.training.uncertainty import Uncertain

LAYER_COLORS = {"entity": "#1971c2", "claim": "#d9480f", "stance": "#2f9e44"}
MEASURES = (("precision", "P", "#74c0fc"), ("recall", "R", "#ffa94d"), ("f", "F1", "#1971c2"))


def _view_box(chart: QChartView | None = None, name: str = "") -> QChartView:
    v = chart or QChartView(objectName=name)
    v.setRenderHint(QPainter.RenderHint.Antialiasing)
    v.setMinimumHeight(220)
    return v


class TrainWindow(QWidget):
    """The training window (one per main window)."""

    def __init__(self, window: Host) -> None:
        super().__init__(window, Qt.WindowType.Window)
        self.setObjectName("trainWindow")
        self.setWindowTitle("Train model")
        self.resize(1100, 720)
        self.main = window
        self.project = window.project
        self.task = None
        self.evaluation: Evaluation | None = None
        self.model: store.ModelInfo | None = None
        self.mistakes: MistakeReport | None = None
        self.dismissed: set[tuple] = set()
        self.message = QLabel("", objectName="trainMessage", wordWrap=True)

        # --- what to train
        self.view = QComboBox(objectName="trainView")
        self.view.addItem("gold set", "gold")
        self.view.addItem("merged (majority of annotators)", "merged")
        for a in self.project.annotators():
            self.view.addItem(f"annotator {a.name}", f"annotator:{a.name}")
        self.components = {c: QCheckBox(text, objectName=f"trainComponent_{c}", checked=True)
                           for c, text in (("ner", "entities (ner)"), ("spancat", "claims (spancat)"),
                                           ("textcat", "stance (textcat)"))}
        comps = QHBoxLayout()
        for box in self.components.values():
            comps.addWidget(box)
        self.base = QLineEdit(objectName="trainBase",
                              placeholderText=f"blank '{self.project.language}' pipeline (or an installed one)")
        self.dev = QDoubleSpinBox(objectName="trainDev", minimum=0.05, maximum=0.5, singleStep=0.05, value=0.2)
        self.steps = QSpinBox(objectName="trainSteps", minimum=1, maximum=100000, value=2000, singleStep=100)
        self.curve = QCheckBox("also train on 25 / 50 / 75 % (train curve)", objectName="trainCurve")
        self.name = QLineEdit(objectName="trainName", placeholderText="default: the view and the date")
        self.train_button = QPushButton("&Train", objectName="trainButton")
        self.train_button.clicked.connect(self.train)
        form = QFormLayout()
        form.addRow("&Learn from:", self.view)
        form.addRow("Components:", comps)
        form.addRow("&Start from:", self.base)
        form.addRow("&Held out:", self.dev)
        form.addRow("At most &steps:", self.steps)
        form.addRow("", self.curve)
        form.addRow("&Name:", self.name)
        form.addRow("", self.train_button)
        train_box = QGroupBox("New model")
        train_box.setLayout(form)

        # --- stored models
        self.models = QListWidget(objectName="trainModels")
        self.models.currentItemChanged.connect(self._model_chosen)
        self.delete_button = QPushButton("&Delete", objectName="trainDelete")
        self.delete_button.clicked.connect(self.delete_model)
        self.use_button = QPushButton("&Use for suggestions", objectName="trainUseForSuggestions")
        self.use_button.setToolTip("Annotate → Suggestions → Run on document (Ctrl+Shift+M) then shows this "
                                   "model's entities as suggestions (Y accepts, X rejects)")
        self.use_button.clicked.connect(self.use_for_suggestions)
        mb = QHBoxLayout()
        mb.addWidget(self.delete_button)
        mb.addWidget(self.use_button)
        models_box = QGroupBox("Stored models")
        ml = QVBoxLayout(models_box)
        ml.addWidget(self.models)
        ml.addLayout(mb)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(train_box)
        ll.addWidget(models_box, 1)

        # --- evaluation
        self.eval_on = QComboBox(objectName="trainEvalOn")
        self.eval_on.addItem("held-out split", None)
        self.eval_on.addItem("gold set (documents not trained on)", "gold")
        self.eval_on.activated.connect(lambda _i: self.evaluate())
        self.eval_summary = QLabel("", objectName="trainEvalSummary", wordWrap=True)
        self.eval_chart = _view_box(name="trainEvalChart")
        self.eval_table = QTreeWidget(objectName="trainEvalTable")
        self.eval_table.setHeaderLabels(["layer", "label", "P", "R", "F1", "tp", "fp", "fn", "n"])
        self.eval_table.setRootIsDecorated(False)
        self.eval_table.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        ev = QWidget()
        el = QVBoxLayout(ev)
        row = QHBoxLayout()
        row.addWidget(QLabel("Evaluate on:"))
        row.addWidget(self.eval_on, 1)
        el.addLayout(row)
        el.addWidget(self.eval_summary)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.eval_chart)
        split.addWidget(self.eval_table)
        split.setSizes([420, 200])
        el.addWidget(split, 1)

        # --- train curve
        self.curve_chart = _view_box(name="trainCurveChart")
        self.curve_note = QLabel("Tick 'train curve' and train: the model is trained on 25, 50, 75 and 100 % of "
                                 "the training documents and scored on the same held-out split. A curve still "
                                 "rising at 100 % says more annotation will help.", wordWrap=True)
        cv = QWidget()
        cl = QVBoxLayout(cv)
        cl.addWidget(self.curve_note)
        cl.addWidget(self.curve_chart, 1)

        # --- likely mistakes
        self.folds = QSpinBox(objectName="trainFolds", minimum=2, maximum=10, value=4)
        self.mistake_steps = QSpinBox(objectName="trainMistakeSteps", minimum=1, maximum=100000, value=400,
                                      singleStep=100)
        self.find_button = QPushButton("&Find likely mistakes", objectName="trainFindMistakes")
        self.find_button.clicked.connect(self.find_mistakes)
        self.mistake_list = QTreeWidget(objectName="trainMistakes")
        self.mistake_list.setHeaderLabels(["quality", "kind", "document", "text", "annotated", "model says"])
        self.mistake_list.setRootIsDecorated(False)
        self.mistake_list.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.mistake_list.header().setStretchLastSection(False)
        self.mistake_list.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # the text
        self.mistake_list.itemActivated.connect(lambda item, _c: self.open_mistake(item))
        self.mistake_list.currentItemChanged.connect(self._show_mistake)
        self.mistake_detail = QLabel("", objectName="trainMistakeDetail", wordWrap=True)
        self.mistake_detail.setTextFormat(Qt.TextFormat.RichText)
        self.mistake_list.installEventFilter(self)  # F fixes, D dismisses (keys of the list itself)
        mk = QWidget()
        mkl = QVBoxLayout(mk)
        top = QHBoxLayout()
        top.addWidget(QLabel("Folds:"))
        top.addWidget(self.folds)
        top.addWidget(QLabel("steps per fold:"))
        top.addWidget(self.mistake_steps)
        top.addWidget(self.find_button)
        top.addStretch(1)
        mkl.addLayout(top)
        mkl.addWidget(QLabel("Enter opens the case in the workspace; F takes the model's label (your own "
                             "annotations; undo with Ctrl+Z); D dismisses it.", wordWrap=True))
        mkl.addWidget(self.mistake_list, 1)
        mkl.addWidget(self.mistake_detail)

        # --- what next
        self.next_button = QPushButton("&Order my unfinished documents by uncertainty", objectName="trainNext")
        self.next_button.clicked.connect(self.order_next)
        self.next_list = QTreeWidget(objectName="trainNextList")
        self.next_list.setHeaderLabels(["uncertainty", "model's stance", "document"])
        self.next_list.setRootIsDecorated(False)
        self.next_list.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.next_list.itemActivated.connect(lambda item, _c: self._open_doc(item.data(0, Qt.ItemDataRole.UserRole)))
        nx = QWidget()
        nl = QVBoxLayout(nx)
        nl.addWidget(self.next_button)
        nl.addWidget(self.next_list, 1)

        self.tabs = QTabWidget(objectName="trainTabs")
        self.tabs.addTab(ev, "&Evaluation")
        self.tabs.addTab(cv, "Train &curve")
        self.tabs.addTab(mk, "Likely &mistakes")
        self.tabs.addTab(nx, "Annotate ne&xt")
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(left)
        body.addWidget(self.tabs)
        body.setSizes([380, 720])
        lay = QVBoxLayout(self)
        lay.addWidget(body, 1)
        lay.addWidget(self.message)
        self.refresh_models()

    # ------------------------------------------------------------------ helpers
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.mistake_list and event.type() == QEvent.Type.KeyPress and not event.modifiers():
            slot = {Qt.Key.Key_F: self.fix_current, Qt.Key.Key_D: self.dismiss_current}.get(event.key())
            if slot is not None:
                slot()
                return True
        return super().eventFilter(obj, event)

    def _say(self, text: str) -> None:
        self.message.setText(text)

    def _busy(self) -> bool:
        if self.task is not None and not self.task.done.is_set():
            self._say("Still working on the last request (Cancel it in its progress window).")
            return True
        return False

    def _failed(self, message: str, _tb: str = "") -> None:
        if shiboken6.isValid(self):
            self.task = None
            self._say(f"Failed: {message}")

    def _cancelled(self) -> None:
        if shiboken6.isValid(self):
            self.task = None
            self._say("Cancelled: nothing was stored.")

    def _run(self, work, done, title: str) -> None:
        self.task = run_task(work, on_done=done, on_error=self._failed, on_cancel=self._cancelled,
                             parent=self, title=title)

    def view_choice(self) -> ViewChoice:
        return ViewChoice.parse(self.view.currentData())

    # ------------------------------------------------------------------ models
    def refresh_models(self, select: str | None = None) -> None:
        self.models.blockSignals(True)
        self.models.clear()
        for m in store.list_models(self.project):
            ev = Evaluation.from_dict(m.scores)
            figs = ", ".join(f"{lay} F {100 * ev.total(lay).f:.0f}" for lay in LAYERS if ev.layer(lay))
            item = QListWidgetItem(f"{m.name}\n{m.view} · {', '.join(m.components)} · {figs}")
            item.setData(Qt.ItemDataRole.UserRole, m.name)
            item.setToolTip(f"{m.path}\ndata {m.data_hash[:12]} · {m.created}")
            self.models.addItem(item)
        self.models.blockSignals(False)
        names = [self.models.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.models.count())]
        if names:
            self.models.setCurrentRow(names.index(select) if select in names else 0)
        else:
            self.model = None
            self._say("No model yet: choose what to learn from and press Train.")
        has = bool(names)
        for w in (self.delete_button, self.use_button, self.find_button, self.next_button, self.eval_on):
            w.setEnabled(has or w is self.find_button)

    def _model_chosen(self, item: QListWidgetItem | None, _prev: Any = None) -> None:
        if item is None:
            return
        self.model = store.get_model(self.project, item.data(Qt.ItemDataRole.UserRole))
        self.eval_on.setCurrentIndex(0)
        self.show_evaluation(Evaluation.from_dict(self.model.scores))
        self.show_curve(self.model.curve)

    def delete_model(self) -> None:
        if self.model is None:
            return
        name = self.model.name
        store.delete_model(self.project, name)
        self.refresh_models()
        self._say(f"Deleted model {name}.")

    def use_for_suggestions(self) -> None:
        if self.model is None:
            return
        pre = self.main.feature("preannotate")
        if pre is None:
            self._say("Suggestions are not available in this window.")
            return
        pre.set_model(str(self.model.model_path))
        self._say(f"Suggestions now come from {self.model.name}: Annotate → Suggestions → Run on document "
                  "(Ctrl+Shift+M), then Y accepts and X rejects.")

    # ------------------------------------------------------------------ train
    def train(self) -> None:
        if self._busy():
            return
        from annotator.services.training.train import TrainOptions, train_model

        comps = [c for c, box in self.components.items() if box.isChecked()]
        if not comps:
            self._say("Tick at least one component.")
            return
        steps = self.steps.value()
        opts = TrainOptions(view=self.view_choice(), components=comps, base=self.base.text().strip() or None,
                            dev=self.dev.value(), settings=FitSettings(max_steps=steps,
                                                                       eval_frequency=max(1, min(200, steps // 2))),
                            name=self.name.text().strip() or None,
                            curve=(0.25, 0.5, 0.75, 1.0) if self.curve.isChecked() else ())
        project = self.project

        def work(progress, cancelled):  # worker thread: no widgets
            return train_model(project, opts, progress=progress, cancelled=cancelled)

        self._say("Training…")
        self._run(work, self._trained, "Training model")

    def _trained(self, info: store.ModelInfo) -> None:
        if not shiboken6.isValid(self):
            return
        self.task = None
        self.name.clear()
        self.refresh_models(select=info.name)
        self.tabs.setCurrentIndex(1 if info.curve else 0)
        self._say(f"Trained {info.name} in {info.seconds:.0f} s on {info.documents['train']} documents, "
                  f"scored on {info.documents['dev']} held out.")

    # ------------------------------------------------------------------ evaluation
    def evaluate(self) -> None:
        if self.model is None or self._busy():
            return
        target = self.eval_on.currentData()
        if target is None:
            self.show_evaluation(Evaluation.from_dict(self.model.scores))
            return
        from annotator.services.training.train import evaluate_model

        model, project, view = self.model, self.project, ViewChoice.parse(target)

        def work(progress, cancelled):
            return evaluate_model(project, model, view, progress=progress, cancelled=cancelled)

        self._run(work, self._evaluated, "Evaluating model")

    def _evaluated(self, ev: Evaluation) -> None:
        if shiboken6.isValid(self):
            self.task = None
            self.show_evaluation(ev)

    def show_evaluation(self, ev: Evaluation) -> None:
        self.evaluation = ev
        figs = "; ".join(f"{lay} P {100 * t.precision:.1f} R {100 * t.recall:.1f} F {100 * t.f:.1f}"
                         for lay in LAYERS if ev.layer(lay) for t in [ev.total(lay)])
        partial = ev.partial.get("partial")
        extra = f" · entities with partial matches (nervaluate): F {100 * partial['f']:.1f}" if partial else ""
        self.eval_summary.setText(f"{ev.what}: {figs}{extra}")
        self.eval_table.clear()
        for lay in LAYERS:
            for r in ev.layer(lay) + ([ev.total(lay)] if ev.layer(lay) else []):
                it = QTreeWidgetItem([lay, r.label, f"{100 * r.precision:.1f}", f"{100 * r.recall:.1f}",
                                      f"{100 * r.f:.1f}", str(r.tp), str(r.fp), str(r.fn), str(r.support)])
                for c in range(2, 9):
                    it.setTextAlignment(c, Qt.AlignmentFlag.AlignRight)
                self.eval_table.addTopLevelItem(it)
        chart = QChart()
        chart.setMargins(QMargins(2, 2, 2, 2))
        chart.setTitle("Per label: precision, recall, F1 (n = reference count)")
        rows = [r for lay in LAYERS for r in ev.layer(lay)]
        sets = []
        for attr, title, color in MEASURES:
            s = QBarSet(title)
            s.setColor(QColor(color))
            for r in reversed(rows):
                s.append(getattr(r, attr))
            sets.append(s)
        series = QHorizontalBarSeries()
        for s in sets:
            series.append(s)
        chart.addSeries(series)
        ay = QBarCategoryAxis()
        ay.append([f"{r.layer}: {r.label} (n={r.support})" for r in reversed(rows)])
        ay.setTruncateLabels(False)
        ax = QValueAxis()
        ax.setRange(0, 1)
        ax.setTickCount(6)
        chart.addAxis(ay, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(ax, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(ax)
        series.attachAxis(ay)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.eval_chart.setChart(chart)

    def show_curve(self, curve: list[dict]) -> None:
        chart = QChart()
        chart.setMargins(QMargins(2, 2, 2, 2))
        chart.setTitle("F1 on the held-out split by share of training documents" if curve
                       else "No train curve for this model (tick 'train curve' and train)")
        ax = QValueAxis()
        ax.setRange(0, 100)
        ax.setLabelFormat("%d %%")
        ax.setTitleText("training documents used")
        ay = QValueAxis()
        ay.setRange(0, 1)
        ay.setTitleText("F1")
        chart.addAxis(ax, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(ay, Qt.AlignmentFlag.AlignLeft)
        points = [(p["share"], p["documents"], Evaluation.from_dict(p["scores"])) for p in curve]
        for lay in LAYERS:
            if not points or not points[0][2].layer(lay):
                continue
            line = QLineSeries()
            dots = QScatterSeries()
            line.setName(f"{lay} F1")
            for share, _n, ev in points:
                line.append(100 * share, ev.total(lay).f)
                dots.append(100 * share, ev.total(lay).f)
            for s in (line, dots):
                s.setColor(QColor(LAYER_COLORS[lay]))
                chart.addSeries(s)
                s.attachAxis(ax)
                s.attachAxis(ay)
            dots.setMarkerSize(8)
            chart.legend().markers(dots)[0].setVisible(False)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.curve_chart.setChart(chart)

    # ------------------------------------------------------------------ likely mistakes
    def find_mistakes(self) -> None:
        if self._busy():
            return
        from annotator.services.training.mistakes import find_mistakes

        project, view, k, steps = self.project, self.view_choice(), self.folds.value(), self.mistake_steps.value()
        settings = FitSettings(max_steps=steps, eval_frequency=max(1, min(200, steps // 2)))

        def work(progress, cancelled):
            return find_mistakes(project, view, k=k, settings=settings, progress=progress, cancelled=cancelled)

        self._say(f"Training {k} models on {view.name}…")
        self._run(work, self._found, "Finding likely mistakes")

    def _found(self, report: MistakeReport) -> None:
        if not shiboken6.isValid(self):
            return
        self.task = None
        self.mistakes = report
        self.tabs.setCurrentIndex(2)
        self.fill_mistakes()
        self._say(f"{len(report.flagged())} likely mistakes in {report.view} ({report.documents} documents, "
                  f"{report.folds} folds).")

    @staticmethod
    def _key(m: Mistake) -> tuple:
        return (m.kind, m.document_id, m.start, m.end, m.given)

    def fill_mistakes(self) -> None:
        self.mistake_list.clear()
        for m in (self.mistakes.flagged() if self.mistakes else []):
            if self._key(m) in self.dismissed:
                continue
            it = QTreeWidgetItem([f"{m.quality:.3f}", m.kind, m.title or f"#{m.document_id}", m.text[:60],
                                  m.given or "—", f"{m.suggested} ({100 * m.probability:.0f} %)"])
            it.setData(0, Qt.ItemDataRole.UserRole, m)
            self.mistake_list.addTopLevelItem(it)
        if self.mistake_list.topLevelItemCount():
            self.mistake_list.setCurrentItem(self.mistake_list.topLevelItem(0))

    def _show_mistake(self, item: QTreeWidgetItem | None, _prev: Any = None) -> None:
        if item is None:
            self.mistake_detail.clear()
            return
        m: Mistake = item.data(0, Qt.ItemDataRole.UserRole)
        what = {"label": "entity label", "stance": "document stance", "missing": "possibly missing entity"}[m.kind]
        self.mistake_detail.setText(
            f"<table><tr><th align=left>{what}</th><th align=left>annotated ({self.mistakes.view})</th>"
            f"<th align=left>model (fold {m.fold + 1}, not trained on this document)</th></tr>"
            f"<tr><td>{_esc(m.text[:80])}</td><td><b>{_esc(m.given or 'nothing')}</b></td>"
            f"<td><b>{_esc(m.suggested)}</b> {100 * m.probability:.0f} %</td></tr></table>")

    def current_mistake(self) -> Mistake | None:
        item = self.mistake_list.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def _open_doc(self, document_id: int | None, start: int | None = None, end: int | None = None) -> None:
        if document_id is None:
            return
        w = self.main
        if w.current_document_id != document_id:
            w.select_document(document_id)
        if start is not None and end is not None and end > start:
            w.select_text(start, end)
        w.activateWindow()

    def open_mistake(self, item: QTreeWidgetItem | None = None) -> None:
        m = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else self.current_mistake()
        if m is not None:
            self._open_doc(m.document_id, m.start, m.end)

    def dismiss_current(self) -> None:
        item = self.mistake_list.currentItem()
        if item is None:
            return
        self.dismissed.add(self._key(item.data(0, Qt.ItemDataRole.UserRole)))
        row = self.mistake_list.indexOfTopLevelItem(item)
        self.mistake_list.takeTopLevelItem(row)
        nxt = self.mistake_list.topLevelItem(min(row, self.mistake_list.topLevelItemCount() - 1))
        if nxt is not None:
            self.mistake_list.setCurrentItem(nxt)

    def fix_current(self) -> None:
        """Take the model's label for the current annotator's own span (or stance): an undoable edit."""
        m = self.current_mistake()
        if m is None or m.document_id is None:
            return
        self._open_doc(m.document_id, m.start, m.end)
        c = self.main.controller
        if m.kind == "stance":
            lab = self.project.label_by_name(m.suggested, Layer.DOCUMENT)
            cur = c.stance()
            if lab is not None and cur is not None and cur.name == m.given:
                c.set_stance(lab.id)
                self.dismiss_current()
                return
        elif m.kind == "label":
            lab = self.project.label_by_name(m.suggested, Layer.ENTITY)
            span = next((s for s in c.spans.values() if (s.start, s.end) == (m.start, m.end)
                         and c.labels[s.label_id].name == m.given), None)
            if lab is not None and span is not None:
                c.relabel(span.id, lab.id)
                self.dismiss_current()
                return
        self._say(f"Not one of {self.main.annotator.name}'s own annotations: open the project as the annotator "
                  f"(or use Review mode for the gold set) to fix it; D dismisses it here.")

    # ------------------------------------------------------------------ what next
    def order_next(self) -> None:
        if self.model is None or self._busy():
            return
        from annotator.services.training.uncertainty import rank_documents

        project, model, who = self.project, self.model, self.main.annotator
        ids = project.assignments(who.id) or None

        def work(progress, cancelled):
            return rank_documents(project, model, annotator_id=who.id, document_ids=ids, progress=progress,
                                  cancelled=cancelled)

        self._run(work, self._ordered, "Ordering by uncertainty")

    def _ordered(self, ranked: list[Uncertain]) -> None:
        if not shiboken6.isValid(self):
            return
        self.task = None
        self.next_list.clear()
        for u in ranked:
            it = QTreeWidgetItem([f"{u.uncertainty:.3f}", f"{u.stance} {100 * u.stance_probability:.0f} %"
                                  if u.stance else "—", u.title or f"#{u.document_id}"])
            it.setData(0, Qt.ItemDataRole.UserRole, u.document_id)
            self.next_list.addTopLevelItem(it)
        if ranked:
            self.next_list.setCurrentItem(self.next_list.topLevelItem(0))
        self._say(f"{len(ranked)} unfinished documents, the model's most uncertain first (Enter opens one).")


def _esc(s: str) -> str:
    import html

    return html.escape(s)
