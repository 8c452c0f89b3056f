"""Light or dark, following the desktop.

Qt 6 reports the desktop's colour scheme (``QStyleHints.colorScheme``: GNOME and KDE through the
platform theme, Windows and macOS natively); where the style does not follow it by itself (a
style without a dark variant, X11 without a platform theme), the Fusion style with a dark
palette is used. ``ANNOTATOR_COLOR_SCHEME=dark|light`` overrides the desktop (and is how the
dark screenshots are taken). Label colours are pale fills whose text colour is chosen for
contrast, so they read on both.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory


def wanted_scheme(app: QGuiApplication) -> Qt.ColorScheme:
    forced = os.environ.get("ANNOTATOR_COLOR_SCHEME", "").strip().lower()
    if forced == "dark":
        return Qt.ColorScheme.Dark
    if forced == "light":
        return Qt.ColorScheme.Light
    return app.styleHints().colorScheme()


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def dark_palette() -> QPalette:
    p = QPalette()
    c = QColor
    roles = {
        QPalette.ColorRole.Window: c("#202124"), QPalette.ColorRole.WindowText: c("#e8eaed"),
        QPalette.ColorRole.Base: c("#17181a"), QPalette.ColorRole.AlternateBase: c("#26282b"),
        QPalette.ColorRole.ToolTipBase: c("#2d2f33"), QPalette.ColorRole.ToolTipText: c("#e8eaed"),
        QPalette.ColorRole.PlaceholderText: c("#8a8d91"), QPalette.ColorRole.Text: c("#e8eaed"),
        QPalette.ColorRole.Button: c("#2a2c30"), QPalette.ColorRole.ButtonText: c("#e8eaed"),
        QPalette.ColorRole.BrightText: c("#ff6b6b"), QPalette.ColorRole.Highlight: c("#3d7fd9"),
        QPalette.ColorRole.HighlightedText: c("#ffffff"), QPalette.ColorRole.Link: c("#8ab4f8"),
        QPalette.ColorRole.Light: c("#3a3d42"), QPalette.ColorRole.Midlight: c("#303236"),
        QPalette.ColorRole.Mid: c("#27292c"), QPalette.ColorRole.Dark: c("#141517"),
        QPalette.ColorRole.Shadow: c("#000000"),
    }
    for role, color in roles.items():
        p.setColor(role, color)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, c("#6f7378"))
    return p


def apply(app: QApplication) -> None:
    """Follow the desktop's (or the override's) scheme now and when it changes."""
    _apply(app)
    app.styleHints().colorSchemeChanged.connect(lambda _s: _apply(app))


def _apply(app: QApplication) -> None:
    scheme = wanted_scheme(app)
    if scheme == Qt.ColorScheme.Dark and not is_dark(app.palette()):
        if "fusion" in QStyleFactory.keys() and app.style().name().lower() != "fusion":
            app.setStyle("Fusion")
        app.setPalette(dark_palette())
    elif scheme == Qt.ColorScheme.Light and is_dark(app.palette()) and os.environ.get("ANNOTATOR_COLOR_SCHEME"):
        app.setPalette(app.style().standardPalette())
