"""Tools → Train model… (Ctrl+Shift+K): train a spaCy model from the annotations, see its
per-label scores and train curve, find likely annotation mistakes, order what to annotate next,
and use the model for suggestions. The window is :class:`annotator.qt.train_window.TrainWindow`
(QtCharts and the training service load only when it is opened). See docs/training.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from annotator.qt.host import Host
    from annotator.qt.train_window import TrainWindow


class TrainFeature(QObject):
    def __init__(self, window: Host) -> None:
        super().__init__(window)
        self.setObjectName("trainFeature")
        self.window = window
        self.train_window: TrainWindow | None = None
        self.action = QAction("Train &model…", window, objectName="trainModelAction")
        self.action.setShortcut(QKeySequence("Ctrl+Shift+K"))
        self.action.setStatusTip("Train a spaCy model from the annotations: scores per label, train curve, "
                                 "likely mistakes, what to annotate next")
        self.action.triggered.connect(self.open)
        window.menu("&Tools").addAction(self.action)
        window.addAction(self.action)

    def open(self) -> TrainWindow:
        from annotator.qt.train_window import TrainWindow

        if self.train_window is None:
            self.train_window = TrainWindow(self.window)
        self.train_window.show()
        self.train_window.activateWindow()
        return self.train_window


def install(window: Host) -> None:
    window.register_feature("train", TrainFeature(window))
