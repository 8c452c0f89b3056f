"""Tools → Agreement dashboard (Ctrl+Shift+A), for project leads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from annotator.core.model import Role

if TYPE_CHECKING:
    from annotator.qt.dashboard import AgreementDashboard
    from annotator.qt.host import Host


class AgreementFeature(QObject):
    def __init__(self, window: Host) -> None:
        super().__init__(window)
        self.setObjectName("agreementFeature")
        self.window = window
        self.dashboard: AgreementDashboard | None = None
        self.action = QAction("&Agreement dashboard…", window, objectName="agreementDashboardAction")
        self.action.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.action.triggered.connect(self.open)
        window.menu("&Tools").addAction(self.action)
        window.addAction(self.action)
        window.annotatorChanged.connect(self._update_enabled)  # a role can change (Project → Annotators)
        self._update_enabled()

    def _update_enabled(self) -> None:
        who = self.window.annotator
        lead = who is None or who.role == Role.LEAD
        self.action.setEnabled(lead)
        self.action.setStatusTip("Agreement between annotators: heatmap, per-label figures, documents worst first"
                                 if lead else "For project leads (Project → Annotators: a lead makes you one)")

    def open(self) -> AgreementDashboard:
        from annotator.qt.dashboard import AgreementDashboard  # QtCharts loads only when asked for

        if self.dashboard is None:
            self.dashboard = AgreementDashboard(self.window.project, self.window)
        self.dashboard.show()
        self.dashboard.activateWindow()
        if self.dashboard.report is None and self.dashboard.task is None:
            self.dashboard.compute()
        return self.dashboard


def install(window: Host) -> None:
    window.register_feature("agreement", AgreementFeature(window))
