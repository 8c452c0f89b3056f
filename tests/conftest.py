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
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory):
    """A throwaway PostgreSQL server on loopback for the whole run (initdb + pg_ctl). Without
    PostgreSQL installed the postgresql tests skip, except in CI (CI=true), where they fail."""
    from annotator.storage.postgres import LocalCluster

    cluster = LocalCluster(tmp_path_factory.mktemp("pg"), durable=False)
    try:
        cluster.start()
    except Exception as e:  # noqa: BLE001
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"PostgreSQL is needed in CI and could not start: {e}")
        pytest.skip(f"no PostgreSQL server ({e})")
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_database(request):
    """``pg_database(owner=None)``: a new empty database on the test server; returns its URL."""
    import uuid

    cluster = request.getfixturevalue("pg_cluster")
    return lambda owner=None: cluster.create_database(f"t_{uuid.uuid4().hex[:12]}", owner)


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path: Path):
    """A factory: ``backend(name)`` creates an empty project (no schema) on the parametrised backend."""
    from annotator.storage import Project

    opened = []
    new_db = request.getfixturevalue("pg_database") if request.param == "postgresql" else None

    def make(name: str):
        p = Project.create(new_db() if new_db else tmp_path / f"{name}.annotator")
        opened.append(p)
        return p

    yield make
    for p in opened:
        p.close()


@pytest.fixture
def cli(data_dir: Path):
    """``cli(*args, check=None)``: run ``python -m annotator ARGS`` in a subprocess, as a script
    would, with the test's data folder (``env_dir=``/``tmp_path=`` pick another one)."""
    import subprocess
    import sys

    def run(*args, check: int | None = None, env_dir: Path | None = None, tmp_path: Path | None = None):
        folder = env_dir if env_dir is not None else (tmp_path / "data" if tmp_path is not None else data_dir)
        env = {**os.environ, "ANNOTATOR_DATA_DIR": str(folder)}
        r = subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], capture_output=True, text=True,
                           env=env, timeout=120)
        if check is not None:
            assert r.returncode == check, r.stderr
        return r

    return run
