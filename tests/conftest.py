"""Shared fixtures. Every app directory is redirected to a temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "appdata"
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(d))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    return d


@pytest.fixture
def project(tmp_path: Path):
    """An empty project with the default news schema."""
    from annotator.core.schema import load_schema
    from annotator.services.sample import default_schema_path
    from annotator.storage import Project

    p = Project.create(tmp_path / "test.annotator", load_schema(default_schema_path()))
    yield p
    p.close()


@pytest.fixture
def sample_project(tmp_path: Path):
    """The sample project a first start creates: six articles, three annotators' work."""
    from annotator.services.sample import open_or_create_default

    p = open_or_create_default(tmp_path / "sample.annotator")
    yield p
    p.close()


# --- storage backends (SQLite file; PostgreSQL server, see annotator/storage/postgres.py) ---------
BACKENDS = ["sqlite"]


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path: Path):
    """A factory: ``backend(name)`` creates an empty project (no schema) on the parametrised backend."""
    from annotator.storage import Project

    opened = []

    def make(name: str):
        p = Project.create(tmp_path / f"{name}.annotator")
        opened.append(p)
        return p

    yield make
    for p in opened:
        p.close()
