"""Where the app keeps its files. Nothing is decided at import time.

``ANNOTATOR_DATA_DIR`` (or ``--data-dir``) overrides every location, which the tests use.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "annotator"
PROJECT_SUFFIX = ".annotator"


def data_dir() -> Path:
    override = os.environ.get("ANNOTATOR_DATA_DIR")
    if override:
        path = Path(override)
    else:
        import platformdirs  # (when first needed: ~6 ms)

        path = Path(platformdirs.user_data_dir(APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    override = os.environ.get("ANNOTATOR_DATA_DIR")
    if override:
        path = Path(override) / "config"
    else:
        import platformdirs

        path = Path(platformdirs.user_config_dir(APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_project_path() -> Path:
    return data_dir() / "projects" / f"sample{PROJECT_SUFFIX}"
