"""Document-level labels (stance towards the target) and the selected claim's attributes."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from annotator.core.model import ClaimData, Label, SpanData


class StancePanel(QWidget):
    claimStanceChosen = Signal(object)  # str | None
    claimantChosen = Signal(object)  # entity span id | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stancePanel")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.doc_box = QGroupBox("Document stance")
        dl = QVBoxLayout(self.doc_box)
        self.target = QLabel(wordWrap=True, objectName="stanceTarget")
        self.target.setTextFormat(Qt.TextFormat.PlainText)
        dl.addWidget(self.target)
        self._row = QHBoxLayout()
        dl.addLayout(self._row)
        self.buttons: dict[int, QToolButton] = {}
        lay.addWidget(self.doc_box)

        self.claim_box = QGroupBox("Selected claim")
        form = QFormLayout(self.claim_box)
        self.claim_stance = QComboBox(objectName="claimStance")
        self.claim_stance.setToolTip("The claim's stance towards the target")
        self.claimant = QComboBox(objectName="claimant")
        self.claimant.setToolTip("Who makes the claim: an entity span of this document")
        self.stance_label = QLabel("&Stance:", objectName="claimStanceLabel")
        self.stance_label.setBuddy(self.claim_stance)
        self.claimant_label = QLabel("C&laimant:", objectName="claimantLabel")
        self.claimant_label.setBuddy(self.claimant)
        form.addRow(self.stance_label, self.claim_stance)
        form.addRow(self.claimant_label, self.claimant)
        self._stance_keys: dict[str, str] = {}
        for combo in (self.claim_stance, self.claimant):
            combo.installEventFilter(self)
        lay.addWidget(self.claim_box)
        lay.addStretch(1)
        self.claim_stance.activated.connect(lambda i: self.claimStanceChosen.emit(self.claim_stance.itemData(i)))
        self.claimant.activated.connect(self._claimant_activated)
        self.show_claim(None, [], "", ())

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        """In the claim's boxes a plain letter searches the box ("n" picks neutral) rather than
        firing the window's single-letter keys (the document stance NONE): the box takes it."""
        if event.type() == QEvent.Type.ShortcutOverride and obj in (self.claim_stance, self.claimant):
            if event.modifiers() == Qt.KeyboardModifier.NoModifier and event.text().strip() \
                    and event.text().isprintable():
                event.accept()
                return True
        return super().eventFilter(obj, event)

    def set_claim_keys(self, stance_keys: dict[str, str], claimant_keys: str) -> None:
        """Show the keys that set the claim's stance and claimant (they work from the text too)."""
        self._stance_keys = dict(stance_keys)
        parts = ", ".join(f"{k} {st}" for st, k in stance_keys.items())
        self.claim_stance.setToolTip(f"The claim's stance towards the target. Keys, from anywhere: {parts}"
                                     " (again: clear)")
        self.claimant.setToolTip(f"Who makes the claim: an entity span of this document. Keys: {claimant_keys}"
                                 " (next / previous entity, nearest first)")
        self.claimant_label.setText(f"C&laimant ({claimant_keys.split(' /')[0]}):")
        self.stance_label.setToolTip(self.claim_stance.toolTip())
        self.claimant_label.setToolTip(self.claimant.toolTip())

    def _claimant_activated(self, i: int) -> None:
        data = self.claimant.itemData(i)
        if data != "text":
            self.claimantChosen.emit(data)

    def set_actions(self, target: str, actions: dict[int, QAction]) -> None:
        self.target.setText(f"Towards: {target}" if target else "")
        for b in self.buttons.values():
            self._row.removeWidget(b)
            b.deleteLater()
        self.buttons = {}
        for label_id, action in actions.items():
            b = QToolButton(self)
            b.setDefaultAction(action)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            self._row.addWidget(b)
            self.buttons[label_id] = b

    def show_stance(self, label: Label | None) -> None:
        for lid, b in self.buttons.items():
            b.defaultAction().setChecked(label is not None and label.id == lid)

    def show_claim(self, claim: ClaimData | None, entities: list[SpanData], text: str,
                   stances: tuple[str, ...]) -> None:
        self.claim_box.setEnabled(claim is not None)
        self.claim_stance.clear()
        self.claimant.clear()
        self.claim_stance.addItem("—", None)
        for s in stances:
            key = self._stance_keys.get(s)
            self.claim_stance.addItem(f"{s}   {key}" if key else s, s)
        self.claimant.addItem("—", None)
        for e in entities:
            name = " ".join(text[e.start:e.end].split())
            self.claimant.addItem(name if len(name) <= 40 else name[:39] + "…", e.id)
            self.claimant.setItemData(self.claimant.count() - 1, name, Qt.ItemDataRole.ToolTipRole)
        # the list that drops down is as wide as its longest name (the box itself keeps the panel's width)
        self.claimant.view().setMinimumWidth(self.claimant.view().sizeHintForColumn(0) + 24)
        if claim is not None:
            i = self.claim_stance.findData(claim.stance)
            self.claim_stance.setCurrentIndex(max(i, 0))
            j = self.claimant.findData(claim.claimant.id) if claim.claimant is not None else 0
            if claim.claimant is None and claim.claimant_text:  # imported as a name, not linked to a span yet
                self.claimant.addItem(f"{claim.claimant_text} (not linked)", "text")
                j = self.claimant.count() - 1
            self.claimant.setCurrentIndex(max(j, 0))
