"""Features that plug into the main window without editing it.

Each module here defines ``install(host)``, where ``host`` is the window seen through the
declared interface :class:`annotator.qt.host.Host` (menus by section, actions, messages, the
open document and its selection, the edit session, documents, and named features). The window
installs them in the explicit order of :data:`FEATURES` after it has built itself. A feature
registers itself with ``host.register_feature(name, obj)``; nothing here holds business logic:
call services and the ``Project`` API.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.qt.host import Host

# install order: menus are placed by section whatever the order; within the File menu, features
# that put their actions at its top (projects: New/Open) come after the ones they go above
FEATURES = ("about", "agreement", "annotators", "article_header", "export", "importer", "merge", "preannotate",
            "projects", "review", "stories", "train")


def install_all(host: Host) -> list[str]:
    names = []
    for name in FEATURES:
        try:
            mod = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"{__name__}.{name}":
                continue  # a feature not shipped in this build
            raise
        mod.install(host)
        names.append(name)
    return names
