"""The sample project that a first start opens: a few news articles written for this project,
the default news schema, and a few annotations by three annotators."""

from __future__ import annotations

from pathlib import Path

import orjson

from annotator.core.model import Layer, Origin, Role, Status
from annotator.core.schema import Schema, load_schema
from annotator.resources import resource
from annotator.services.importing import import_paths
from annotator.storage import Project


def default_schema_path() -> Path:
    return resource("schemas", "news.json")


def new_project_schema(stance_target: str | None = None, schema_path: str | Path | None = None) -> Schema:
    """The labels for a user's new project: the given schema file, or the news labels. The stance
    target is the one given, else the schema file's own; the news schema's target is the sample
    articles' ("the deployment of troops to the border") and never goes into a user's project."""
    schema = load_schema(schema_path or default_schema_path())
    if stance_target is not None:
        schema.stance_target = stance_target.strip()
    elif schema_path is None:
        schema.stance_target = ""
    return schema


def _find(text: str, quote: str, nth: int) -> int:
    pos = -1
    for _ in range(nth + 1):
        pos = text.find(quote, pos + 1)
        if pos < 0:
            raise ValueError(f"sample annotation: {quote!r} (occurrence {nth}) not in the text")
    return pos


def seed_sample(project: Project, *, with_annotations: bool = True) -> None:
    project.apply_schema(load_schema(default_schema_path()))
    folder = resource("sample")
    files = sorted(folder.glob("*.txt"))
    # the sample's texts stay as they were written (content hashes, and so bundles and exports made
    # from sample projects of earlier versions, still match); its metadata is found as for any import
    report = import_paths(project, files, keep_boilerplate=True)
    if report.errors:
        raise RuntimeError("sample articles failed to import: " + "; ".join(map(str, report.errors)))
    if not with_annotations:
        return
    data = orjson.loads((folder / "annotations.json").read_bytes())
    by_file = {}
    for doc in project.documents():
        by_file[doc.meta.get("file")] = doc
    ids = {name: project.ensure_annotator(name, Role(role)).id for name, role in data["annotators"].items()}
    labels = {(lab.name): lab.id for lab in project.labels()}
    rows = []
    for entry in data["spans"]:
        fname, who, label, quote, nth = entry[:5]
        attrs = entry[5] if len(entry) > 5 else {}
        doc = by_file[fname]
        start = _find(doc.text, quote, nth)
        rows.append((doc.id, ids[who], labels[label], start, start + len(quote), attrs, Origin.MANUAL))
    project.add_spans(rows)
    for fname, who, label in data["document_labels"]:
        project.set_document_label(by_file[fname].id, ids[who], "stance",
                                   project.label_by_name(label, Layer.DOCUMENT).id)
    for fname, who in data["done"]:
        project.set_status(by_file[fname].id, ids[who], Status.DONE)


def open_or_create_default(path: Path) -> Project:
    """Open the default project, creating and seeding it on first start."""
    if path.exists() and path.stat().st_size > 0:
        return Project.open(path)
    project = Project.create(path)
    seed_sample(project)
    return project
