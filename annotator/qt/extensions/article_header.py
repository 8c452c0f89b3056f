"""The workspace header: the open article's headline, outlet, date, byline and dateline above
the text, and — when import left web page boilerplate out — how many lines, with a button that
shows the file's original text and the lines left out (read-only; re-import with "Keep web page
boilerplate" to annotate them)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.storage.articles import article_info, cut_count, original

if TYPE_CHECKING:
    from annotator.qt.host import Host


class ArticleHeader(QWidget):
    def __init__(self, window: Host) -> None:
        super().__init__(objectName="articleHeader")
        self.window = window
        self.document_id: int | None = None
        self.dialog: QDialog | None = None
        self.title = QLabel(objectName="articleTitle", wordWrap=True)
        self.facts = QLabel(objectName="articleFacts", wordWrap=True)
        self.original_button = QPushButton(objectName="showOriginal", flat=True)
        self.original_button.setToolTip("Show the file's own text and the lines left out of the text you annotate")
        self.original_button.clicked.connect(self.show_original)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 4)
        lay.setSpacing(1)
        lay.addWidget(self.title)
        row = QHBoxLayout()
        row.addWidget(self.facts, 1)
        row.addWidget(self.original_button)
        lay.addLayout(row)
        self.hide()
        window.documentChanged.connect(self.show_document)
        window.projectChanged.connect(lambda: self.show_document(window.current_document_id))

    def show_document(self, document_id: int | None) -> None:
        self.document_id = document_id
        info = article_info(self.window.project, document_id) if document_id is not None else {}
        if not info:
            self.hide()
            return
        self.title.setText(f"<b style='font-size:115%'>{html.escape(info['title'] or '(untitled)')}</b>")
        facts = [info.get("source"), info.get("published"),
                 f"by {info['byline']}" if info.get("byline") else None,
                 f"dateline {info['dateline']}" if info.get("dateline") else None]
        self.facts.setText(" · ".join(html.escape(f) for f in facts if f) or "no outlet, date or byline found")
        self.facts.setToolTip(info.get("standfirst") or "")
        n = cut_count(self.window.project, document_id)
        self.original_button.setText(f"{n} line{'s' if n != 1 else ''} left out: show original…")
        self.original_button.setVisible(n > 0)
        self.show()

    def show_original(self) -> None:
        if self.document_id is None:
            return
        kept = original(self.window.project, self.document_id)
        dlg = QDialog(self.window, objectName="originalTextDialog")
        dlg.setWindowTitle("Original text")
        lay = QVBoxLayout(dlg)
        cuts = "\n".join(f"line {c.line} ({c.reason}): {c.text.strip()}" for c in kept.cuts)
        lay.addWidget(QLabel(f"Left out of the text you annotate ({len(kept.cuts)} lines):", wordWrap=True))
        listed = QPlainTextEdit(cuts, readOnly=True, objectName="cutLines")
        listed.setMaximumHeight(140)
        lay.addWidget(listed)
        lay.addWidget(QLabel("The file as imported" + (" (HTML)" if kept.kind == "html" else "") + ":"))
        lay.addWidget(QPlainTextEdit(kept.text, readOnly=True, objectName="originalText"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dlg.reject)
        lay.addWidget(buttons)
        dlg.resize(720, 560)
        self.dialog = dlg
        dlg.open()


def install(window: Host) -> None:
    header = ArticleHeader(window)
    window.add_text_header(header)
    window.register_feature("article_header", header)
