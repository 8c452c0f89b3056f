"""Models stored per project: a folder beside the project file, ``<project>.models/<name>/``.

Each model folder holds:

- ``model/``: the trained spaCy pipeline (``spacy.load`` it, or use it for suggestions);
- ``config.cfg``: the training config as spaCy wrote it;
- ``data/train.spacy``, ``data/dev.spacy``: what it was trained and evaluated on (the export);
- ``meta.json``: the view, the data hash, the components, the base pipeline, the steps, the
  document counts, the held-out scores and the date.

A model is written under a temporary name and renamed into place when training is complete;
a cancelled or failed training leaves nothing.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import AnnotatorError
from annotator.paths import data_dir
from annotator.storage import Project

META = "meta.json"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$")


class ModelError(AnnotatorError):
    pass


@dataclass
class ModelInfo:
    name: str
    path: Path
    view: str = ""
    components: list[str] = field(default_factory=list)
    base: str | None = None
    language: str = "en"
    data_hash: str = ""
    created: str = ""
    documents: dict[str, int] = field(default_factory=dict)  # train / dev
    settings: dict[str, Any] = field(default_factory=dict)
    scores: dict[str, Any] = field(default_factory=dict)  # Evaluation.as_dict() on the held-out split
    curve: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def model_path(self) -> Path:
        return self.path / "model"

    @property
    def train_path(self) -> Path:
        return self.path / "data" / "train.spacy"

    @property
    def dev_path(self) -> Path:
        return self.path / "data" / "dev.spacy"

    def to_json(self) -> bytes:
        d = {k: v for k, v in self.__dict__.items() if k not in ("path",)}
        return orjson.dumps(d, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)

    @classmethod
    def load(cls, path: Path) -> ModelInfo:
        try:
            d = orjson.loads((path / META).read_bytes())
        except (OSError, orjson.JSONDecodeError) as e:
            raise ModelError(f"{path}: not a stored model ({e})") from None
        d.pop("name", None)
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        return cls(name=path.name, path=path, **known)

    def save(self) -> None:
        (self.path / META).write_bytes(self.to_json())


def models_dir(project: Project, *, create: bool = False) -> Path:
    """``<project file>.models`` beside the project file; for a team server project, a folder
    named after the database in the user data folder."""
    if project.url is not None:
        d = data_dir() / "models" / project.path.name
    else:
        d = project.path.with_name(project.path.name + ".models")
    if create:
        d.mkdir(parents=True, exist_ok=True)
    return d


def check_name(name: str) -> str:
    if not NAME_RE.match(name):
        raise ModelError(f"{name!r} is not a model name (letters, digits, '.', '_', '-'; at most 81)")
    return name


def list_models(project: Project) -> list[ModelInfo]:
    """Stored models, newest first."""
    d = models_dir(project)
    if not d.is_dir():
        return []
    out = []
    for p in d.iterdir():
        if p.is_dir() and not p.name.startswith(".") and (p / META).is_file():
            try:
                out.append(ModelInfo.load(p))
            except ModelError:
                continue
    return sorted(out, key=lambda m: (m.created, m.name), reverse=True)


def get_model(project: Project, name: str) -> ModelInfo:
    """A stored model by name ("latest" is the newest)."""
    models = list_models(project)
    if name == "latest" and models:
        return models[0]
    for m in models:
        if m.name == name:
            return m
    known = ", ".join(m.name for m in models) or "none yet (annotator train)"
    raise ModelError(f"no model {name!r} in this project (models: {known})")


def delete_model(project: Project, name: str) -> ModelInfo:
    m = get_model(project, name)
    trash = m.path.with_name(f".{m.path.name}.old-{os.getpid()}")
    os.replace(m.path, trash)
    shutil.rmtree(trash, ignore_errors=True)
    return m


def temp_dir(project: Project, name: str) -> Path:
    d = models_dir(project, create=True) / f".{name}.tmp-{os.getpid()}"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir()
    return d


def publish(tmp: Path, info: ModelInfo) -> ModelInfo:
    """Rename a finished model folder into place."""
    final = tmp.parent / info.name
    if final.exists():
        raise ModelError(f"a model named {info.name!r} exists; choose another name or delete it")
    info.path = tmp
    info.save()
    os.replace(tmp, final)
    info.path = final
    return info
