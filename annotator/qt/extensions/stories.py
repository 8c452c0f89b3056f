"""Tools → Stories: articles about one event side by side, claims linked across them
(see ``annotator.qt.story_view``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from annotator.qt.host import TOOLS

if TYPE_CHECKING:
    from annotator.qt.host import Host


class StoriesFeature:
    def __init__(self, window: Host) -> None:
        self.window = window
        self.view = None
        action = QAction("&Stories…", window, objectName="storiesAction", shortcut=QKeySequence("Ctrl+Shift+S"))
        action.setToolTip("Articles about one event side by side: link claims across them, check conflicting "
                          "figures")
        action.triggered.connect(self.open)
        window.add_action(action, TOOLS)

    def open(self) -> None:
        from annotator.qt.story_view import StoryView

        w = self.window
        if self.view is None:
            self.view = StoryView(w.project, lambda: w.annotator.id, w.session, w)
            w.projectChanged.connect(self.view.reload_stories)
        else:
            self.view.reload_stories()
        self.view.show()
        self.view.activateWindow()
        if self.view.columns:
            self.view.columns[0].claims.setFocus()


def install(window: Host) -> None:
    window.register_feature("stories", StoriesFeature(window))
