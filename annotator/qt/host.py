"""What a feature (``annotator/qt/extensions``) may ask of the window, and nothing else.

The main window implements :class:`Host`; features are typed against it and never import the
main window (no import cycle), never touch its private members, and never attach attributes to
it: a feature registers itself under a name (:meth:`Host.register_feature`) and others (and tests)
find it with :meth:`Host.feature`. Menus are named by section (the constants below) and keep the
conventional order whatever order features are installed in; the install order itself is the
explicit list ``annotator.qt.extensions.FEATURES``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMenu

    from annotator.core.model import Annotator
    from annotator.qt.controller import DocumentController
    from annotator.qt.undo import EditSession
    from annotator.storage import Project

# menu sections, in the order the menu bar shows them
FILE, EDIT, VIEW, ANNOTATE, GO, PROJECT, TOOLS, HELP = (
    "&File", "&Edit", "&View", "&Annotate", "&Go", "&Project", "&Tools", "&Help")
SECTIONS = (FILE, EDIT, VIEW, ANNOTATE, GO, PROJECT, TOOLS, HELP)


class Host(Protocol):
    """The window as features see it. It is a ``QMainWindow``: use it as the parent of dialogs."""

    # signals
    documentChanged: SignalInstance  # (document id) another document is open
    projectChanged: SignalInstance  # documents were added or removed (import, merge)
    annotatorChanged: SignalInstance  # the user switched annotator (or role)

    # state
    project: Project
    annotator: Annotator
    session: EditSession  # the undo history: push every edit here (one undo command)
    controller: DocumentController  # the open document's model (spans, claims, stance, status)
    current_document_id: int | None

    # menus, actions, messages
    def menu(self, section: str) -> QMenu: ...
    def add_action(self, action: QAction, section: str | None = None) -> QAction: ...
    def shortcuts_in_use(self) -> set[str]: ...
    def show_message(self, text: str, ms: int = 5000) -> None: ...

    # the document list and the open document
    def open_document(self, document_id: int) -> None: ...
    def select_document(self, document_id: int) -> None: ...
    def refresh_documents(self, document_ids: list[int] | None = None) -> None: ...

    # a strip above the document text (e.g. the article's outlet, date and byline)
    def add_text_header(self, widget: Any) -> None: ...

    # the selection in the text
    def selection(self) -> tuple[int, int]: ...
    def select_text(self, start: int, end: int) -> None: ...
    def current_span(self) -> int | None: ...
    def select_span(self, span_id: int | None, scroll: bool = False) -> None: ...

    # who is annotating
    def annotator_updated(self, annotator: Annotator) -> None: ...  # same person, new role: views follow

    # another project in a window of its own
    def new_window(self, project: Project, annotator: Annotator) -> Host: ...

    # features
    def register_feature(self, name: str, feature: Any) -> Any: ...
    def feature(self, name: str) -> Any: ...
