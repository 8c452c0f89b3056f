"""Every key a window answers, in one list: for the F1 table, for tooltips, and for the test that
fails when two things in one window share a key.

A window's keys are its actions' shortcuts (every one of them, not just the first), the Alt+letter
mnemonics of its menu bar, and the Alt+letter mnemonics of the labels and buttons in its panels
(``&Stance:`` focuses the claim's stance box). Keys are compared in Qt's portable form
(``QKeySequence.toString()``), so ``n`` and ``N`` are one key and ``Shift+N`` another.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QLabel, QMainWindow, QToolButton, QWidget


@dataclass(frozen=True)
class Shortcut:
    keys: str  # portable text, e.g. "Shift+Right"
    what: str  # what it does
    where: str  # "menu", "panel", or the action's menu title


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip()


def _portable(seq: QKeySequence) -> str:
    return seq.toString(QKeySequence.SequenceFormat.PortableText)


def native(keys: str) -> str:
    """How this platform writes a key (``Ctrl`` on Linux and Windows, ``⌘`` on macOS)."""
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


def _menu_actions(menu, where: str) -> list[tuple[QAction, str]]:  # noqa: ANN001
    out = []
    for a in menu.actions():
        if a.menu() is not None:
            out += _menu_actions(a.menu(), f"{where} › {_plain(a.text())}")
        else:
            out.append((a, where))
    return out


def window_shortcuts(window: QWidget) -> list[Shortcut]:
    """Every key ``window`` answers: actions, menu bar mnemonics, and mnemonics in its panels."""
    out: list[Shortcut] = []
    seen: set[int] = set()
    actions: list[tuple[QAction, str]] = []
    if isinstance(window, QMainWindow):
        for top in window.menuBar().actions():
            menu = top.menu()
            mn = QKeySequence.mnemonic(top.text())
            if not mn.isEmpty():
                out.append(Shortcut(_portable(mn), f"open the {_plain(top.text())} menu", "menu"))
            if menu is not None:
                actions += _menu_actions(menu, _plain(top.text()))
    actions += [(a, "") for a in window.actions()]
    for w in window.findChildren(QWidget):
        if QWidget.window(w) is window:  # (a feature widget may keep its host as `.window`)
            actions += [(a, "") for a in w.actions()]
    for a, where in actions:
        if id(a) in seen or a.isSeparator():
            continue
        seen.add(id(a))
        for seq in a.shortcuts():
            if not seq.isEmpty():
                out.append(Shortcut(_portable(seq), _plain(a.text()), where))
    for w in window.findChildren(QLabel) + window.findChildren(QAbstractButton):
        if QWidget.window(w) is not window:
            continue
        if isinstance(w, QLabel) and w.buddy() is None:
            continue  # a label's mnemonic works only with a buddy
        if isinstance(w, QToolButton) and w.defaultAction() is not None:
            continue  # a tool button showing an action: the action's own key
        mn = QKeySequence.mnemonic(w.text())
        if not mn.isEmpty():
            out.append(Shortcut(_portable(mn), f"focus “{_plain(w.text()).rstrip(':')}”", "panel"))
    # one row per (key, action): an action in a menu and on the window is one shortcut
    unique: dict[tuple[str, str], Shortcut] = {}
    for s in out:
        unique.setdefault((s.keys, s.what), s)
    return list(unique.values())


def duplicates(shortcuts: list[Shortcut]) -> dict[str, list[Shortcut]]:
    """Keys claimed by more than one thing (Qt would answer either, or neither: "ambiguous")."""
    by_key: dict[str, list[Shortcut]] = defaultdict(list)
    for s in shortcuts:
        by_key[s.keys.lower()].append(s)
    return {k: v for k, v in by_key.items() if len({s.what for s in v}) > 1}


def keys_of(action: QAction) -> str:
    """The action's keys as this platform writes them, joined by " or "."""
    return " or ".join(native(_portable(s)) for s in action.shortcuts() if not s.isEmpty())


def add_keys_to_tooltip(action: QAction) -> None:
    """Say the key in the action's tooltip (and so on every button showing it)."""
    keys = keys_of(action)
    tip = action.toolTip() or _plain(action.text())
    if keys and f"({keys})" not in tip:
        action.setToolTip(f"{tip} ({keys})")


def claim_stance_keys(stances: tuple[str, ...] | list[str], used: set[str]) -> dict[str, str]:
    """A key for each claim stance: Shift + its first letter that is free ("supports" Shift+S,
    "refutes" Shift+R, "neutral" Shift+N), never one in ``used`` (lower-case portable keys)."""
    out: dict[str, str] = {}
    taken = {u.lower() for u in used}
    for stance in stances:
        for ch in stance:
            if not ch.isalpha() or not ch.isascii():
                continue
            key = f"Shift+{ch.upper()}"
            if key.lower() not in taken:
                out[stance] = key
                taken.add(key.lower())
                break
    return out
