"""Tools → Stories: articles about one event side by side, claims linked across them
(see ``annotator.qt.story_view``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from annotator.qt.main_window import MainWindow


def install(window: MainWindow) -> None:
    def open_view() -> None:
        from annotator.qt.story_view import StoryView

        view = getattr(window, "story_view", None)
        if view is None:
            view = StoryView(window.project, lambda: window.annotator.id, window.session, window)
            window.story_view = view
            window.projectChanged.connect(view.reload_stories)
        else:
            view.reload_stories()
        view.show()
        view.activateWindow()
        if view.columns:
            view.columns[0].claims.setFocus()

    action = QAction("&Stories…", window, objectName="storiesAction", shortcut=QKeySequence("Ctrl+Shift+S"))
    action.setToolTip("Articles about one event side by side: link claims across them, check conflicting figures")
    action.triggered.connect(open_view)
    window.menu("&Tools").addAction(action)
    window.addAction(action)
    window.open_stories = open_view
