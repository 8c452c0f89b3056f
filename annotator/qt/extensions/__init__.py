"""Features that plug into the main window without editing it.

Each module here defines ``install(window)``; the main window calls them in name order
after it has built itself. A feature adds its actions to ``window.menu("&Tools")`` (or
another menu), opens its own widgets, and listens to ``window.documentChanged`` /
``window.projectChanged``. Nothing here holds business logic: call services and the
``Project`` API.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.qt.main_window import MainWindow


def install_all(window: MainWindow) -> list[str]:
    names = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        mod.install(window)
        names.append(info.name)
    return names
