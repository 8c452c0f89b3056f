"""annotator check --project P [--backup | --list-backups | --restore BACKUP | --repair-search]"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from annotator.commands._common import add_project_arg
from annotator.core.errors import ProjectError, ProjectReadOnlyError
from annotator.paths import default_project_path
from annotator.services import recovery
from annotator.storage import db


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check", help="check a project file for damage; back it up or restore it from a backup",
        description="Check a project file without changing it: SQLite's integrity and foreign-key checks, "
                    "the search index, the schema version and every span's offsets. Automatic backups "
                    "(one a day, the last 7 days) live in NAME.backups/ next to the project. "
                    "A file that cannot be written (read-only mount, no permission) is checked and said to be "
                    "read-only, which is not damage. Exit code 0: no problem; 1: problems found (damage); "
                    "3: not a project file, or the check could not run (full disk, I/O error).")
    add_project_arg(p)
    what = p.add_mutually_exclusive_group()
    what.add_argument("--backup", nargs="?", const="", metavar="FILE",
                      help="write a checked backup (default: into NAME.backups/)")
    what.add_argument("--list-backups", action="store_true", help="list the backups of the project, newest first")
    what.add_argument("--restore", metavar="BACKUP",
                      help="replace the project by BACKUP (a path, or 'latest') after checking it; the "
                           "current file is kept as NAME.before-restore-….bak. Close the app first.")
    what.add_argument("--repair-search", action="store_true", help="rebuild the full-text search index")
    p.set_defaults(func=run)


def _project_path(args: argparse.Namespace) -> Path:
    return Path(args.project) if args.project else default_project_path()


def run(args: argparse.Namespace) -> int:
    path = _project_path(args)
    if args.list_backups:
        backups = recovery.list_backups(path)
        if not backups:
            print(f"no backups of {path}")
        for b in backups:
            print(b)
        return 0
    if args.restore:
        backup = Path(args.restore)
        if args.restore == "latest":
            good = [b for b in recovery.list_backups(path) if recovery.check(b).ok]
            if not good:
                raise ProjectError(f"{path}: no usable backup found (see 'annotator check --list-backups')")
            backup = good[0]
        report, aside = recovery.restore(path, backup)
        print(f"restored {path} from {backup}")
        print(report.summary().replace(str(backup), "backup", 1))
        if aside is not None:
            print(f"the replaced file is kept as {aside}")
        return 0
    db.check_sqlite_file(path)
    if args.repair_search:
        mode, why = db.open_mode(path)
        if why is not None:
            raise ProjectReadOnlyError(f"read-only: {path} cannot be written ({why}); the search index was not "
                                       "rebuilt")
        try:
            recovery.repair_search(path)
        except sqlite3.Error as e:
            raise ProjectError(db.problem_sentence(path, e)) from None
        print("search index rebuilt")
    report = recovery.check(path)
    for problem in report.problems:
        print(f"problem: {problem}", file=sys.stderr)
    print(report.summary())
    if report.unable is not None:
        return 3  # not checked: neither "ok" nor "damaged"
    if args.backup is not None:
        if not report.ok:
            print("not backing up a damaged project; restore one with --restore latest", file=sys.stderr)
            return 1
        dest = recovery.backup_now(path, args.backup or None)
        print(f"backup written to {dest}")
    if not report.ok:
        backups = recovery.list_backups(path)
        if backups:
            print(f"backups exist (newest: {backups[0]}); restore with: annotator check --project {path} "
                  "--restore latest", file=sys.stderr)
        return 1
    return 0
