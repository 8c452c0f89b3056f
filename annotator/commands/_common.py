"""Helpers shared by subcommands."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from annotator.core.errors import ProjectError, ProjectReadOnlyError
from annotator.paths import default_project_path
from annotator.storage import Project, db, postgres


def add_project_arg(p: argparse.ArgumentParser, *, required: bool = False) -> None:
    # SUPPRESS: without its own --project, a command keeps `annotator --project P COMMAND`'s
    p.add_argument("--project", "-p", required=required, default=argparse.SUPPRESS,
                   help="project file or postgresql:// URL (default: the default project in the user data "
                        "folder)")


def add_new_project_args(p: argparse.ArgumentParser) -> None:
    """Options for a project this command creates (they do nothing to an existing one)."""
    p.add_argument("--stance-target", metavar="TEXT",
                   help="a new project's stance target: what articles are FAVOR/AGAINST (default: the schema "
                        "file's, or none; set it later with 'annotator labels import')")
    p.add_argument("--schema", metavar="FILE", help="a new project's label schema (JSON; default: the news labels)")


def open_project(args: argparse.Namespace, *, create: bool = False, write: bool = False) -> Project:
    """The project a command works on. ``create``: make it if there is no file (an existing
    file is opened, never replaced: an empty or foreign one is refused untouched); ``write``:
    the command will change it, so a read-only file is refused now, before any work, with
    "read-only: PATH …" (exit 3). Read commands open a read-only file read-only."""
    project = _open(args, create)
    if write and project.read_only:
        project.close()
        reason = db.read_only_reason(project.engine) or f"read-only: {project.path}"
        raise ProjectReadOnlyError(f"{reason}; nothing was changed")
    return project


def _open(args: argparse.Namespace, create: bool) -> Project:
    if postgres.is_url(getattr(args, "project", None)):
        project = Project.open(args.project)
        if create and not project.labels():
            from annotator.services.sample import new_project_schema

            project.apply_schema(new_project_schema(getattr(args, "stance_target", None),
                                                    getattr(args, "schema", None)))
        return project
    path = Path(args.project) if getattr(args, "project", None) else default_project_path()
    if create and not os.path.lexists(path):  # (lexists: a dangling link or a loop is refused, not replaced)
        from annotator.services.sample import new_project_schema

        schema = new_project_schema(getattr(args, "stance_target", None), getattr(args, "schema", None))
        print(f"annotator: creating project {path}", file=sys.stderr)
        return Project.create(path, schema)
    if not os.path.lexists(path):
        raise ProjectError(f"{path}: no such project file (create one with 'annotator import … --project {path}')")
    return Project.open(path)


@contextmanager
def progress_bar(desc: str, unit: str = "B") -> Iterator[Callable[[int, int, str], None]]:
    """A progress bar on stderr when it is a terminal (silent otherwise). Yields the
    ``progress(done, total, message)`` callback that services take."""
    from tqdm import tqdm

    bar = tqdm(total=1, desc=desc, unit=unit, unit_scale=True, disable=not sys.stderr.isatty(),
               file=sys.stderr, leave=False)
    last = [0]

    def progress(done: int, total: int, _message: str = "") -> None:
        bar.total = total
        bar.update(done - last[0])
        last[0] = done

    try:
        yield progress
    finally:
        bar.close()
