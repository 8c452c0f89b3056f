"""Command line: ``annotator`` alone opens the window; subcommands work headless.

Subcommands live in ``annotator/commands/``, one module each with ``register(subparsers)``;
this module finds them, so adding a command touches no shared file. No Qt import here:
the GUI is loaded by name only when it is asked for. Only the command named on the command line
is imported (all of them for ``--help`` or a name that is not a command): the window's start
does not load the storage and services the commands use.

Exit codes: 0 success; 1 finished, but some input was refused (see messages);
2 usage error; 3 the project cannot be opened or used, or a file cannot be written (read-only,
full disk, I/O error: one sentence names the path and what was kept); 130 interrupted.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import pkgutil
import sqlite3
import sys
from collections.abc import Sequence

import annotator
from annotator.core.errors import AnnotatorError, ProjectError
from annotator.paths import PROJECT_SUFFIX

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_PROJECT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}


def _project_shown(args: argparse.Namespace) -> str:
    from annotator.paths import default_project_path

    project = getattr(args, "project", None)
    return str(project) if project else str(default_project_path())


# the global options that take a value (the token after them is not a command)
_VALUE_OPTIONS = {"--data-dir", "--project", "-p", "--annotator"}
_HELP = object()


def _command_token(argv: Sequence[str]) -> object:
    """The first positional token of ``argv`` (the command), None if there is none (the window,
    --version, --self-test), or ``_HELP`` for --help before it."""
    it = iter(argv)
    for tok in it:
        if tok in ("-h", "--help", "--"):
            return _HELP
        if tok in _VALUE_OPTIONS:
            next(it, None)
        elif not tok.startswith("-"):
            return tok
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser. With ``argv``, only what it needs is imported: no command for the window, the
    module of the command it names (``import-annotations``: ``commands/import_annotations.py``);
    every command for --help, or when the name is not a module's (argparse then parses, and
    refuses, exactly as with every command registered)."""
    import annotator.commands as commands_pkg

    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Label news text: entities, claims and stance. Without a command, opens the window.",
        epilog="Run 'annotator COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {annotator.__version__}")
    parser.add_argument("--data-dir", help="keep settings and the default project here (default: the "
                                           "platform's user data folder; env ANNOTATOR_DATA_DIR)")
    parser.add_argument("--project", "-p", help="project file or postgresql:// URL (for the window, and for commands)")
    parser.add_argument("--annotator", help="annotate as this person (window only)")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation offscreen (project, import, window, span, export) and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    names = sorted(info.name for info in pkgutil.iter_modules(commands_pkg.__path__) if not info.name.startswith("_"))
    tok = _command_token(argv) if argv is not None else _HELP
    if tok is None:
        return parser
    if isinstance(tok, str):
        guess = next((m for m in (tok.replace("-", "_"), tok.replace("-", "_") + "_") if m in names), None)
        if guess is not None:
            importlib.import_module(f"annotator.commands.{guess}").register(sub)
            if tok in sub.choices:
                return parser
            names.remove(guess)
    for name in names:
        importlib.import_module(f"annotator.commands.{name}").register(sub)
    return parser


def opened_file_argv(argv: list[str]) -> list[str]:
    """A project file alone (what a file manager passes on double-click: the .desktop file's
    ``%f``, Windows' ``"%1"``) means ``--project FILE``."""
    if len(argv) == 1 and argv[0].lower().endswith(PROJECT_SUFFIX) and not argv[0].startswith("-"):
        return ["--project", argv[0]]
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    argv = opened_file_argv(list(sys.argv[1:] if argv is None else argv))
    args = build_parser(argv).parse_args(argv)
    if args.data_dir:
        os.environ["ANNOTATOR_DATA_DIR"] = os.path.abspath(args.data_dir)
    if args.self_test:
        return importlib.import_module("annotator.qt.selftest").run(args)  # by name, like the window
    if args.command is None:
        gui = importlib.import_module("annotator.qt.app")  # by name: the CLI itself never imports Qt
        return gui.run(args)
    from annotator.storage.db import problem_sentence
    from annotator.storage.errors import DatabaseError

    try:
        return int(args.func(args) or 0)
    except ProjectError as e:
        print(f"annotator: {e}", file=sys.stderr)
        return EXIT_PROJECT
    except AnnotatorError as e:
        print(f"annotator: {e}", file=sys.stderr)
        return EXIT_PARTIAL
    except DatabaseError as e:  # e.g. a team server's row-level security or grants said no
        if isinstance(e.orig, sqlite3.Error):  # damage, a full disk, an I/O error: name the file
            print(f"annotator: {problem_sentence(_project_shown(args), e)}", file=sys.stderr)
            return EXIT_PROJECT
        reason = (str(e.orig) if e.orig is not None else str(e)).strip().splitlines()[0]
        print(f"annotator: the database refused: {reason}", file=sys.stderr)
        return EXIT_PROJECT
    except sqlite3.Error as e:
        print(f"annotator: {problem_sentence(_project_shown(args), e)}", file=sys.stderr)
        return EXIT_PROJECT
    except OSError as e:  # a full disk, a read-only folder, an I/O error writing an output file
        if e.errno not in _WRITE_ERRNOS:
            raise
        where = e.filename or _project_shown(args)
        print(f"annotator: cannot write {where}: {e.strerror}; nothing partial was left under that name",
              file=sys.stderr)
        return EXIT_PROJECT
    except KeyboardInterrupt:
        print("annotator: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(main())
