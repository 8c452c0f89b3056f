"""annotator team enable|add NAME --project postgresql://lead@host/db  (a shared project on a server)

Passwords never go on the command line (process lists, shell history): ``team add`` asks for
one at a terminal, or reads it from ``--password-file FILE`` ('-' for standard input) or the
environment variable ``ANNOTATOR_NEW_PASSWORD``. Without any of these it refuses, unless
``--no-password`` says the login needs none (certificate or peer authentication). The password
is sent to the server as a SCRAM-SHA-256 verifier computed on this machine, never as text.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from annotator.commands._common import add_project_arg, open_project
from annotator.core.errors import ProjectError
from annotator.storage import postgres

PASSWORD_ENV = "ANNOTATOR_NEW_PASSWORD"
EXIT_USAGE = 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("team", help="a shared PostgreSQL project: row-level security, annotator logins",
                       description="Run as the lead (the database owner). See docs/teams.md.")
    tsub = p.add_subparsers(dest="team_command", metavar="ACTION", required=True)
    e = tsub.add_parser("enable", help="turn on row-level security (annotators change only their own rows)")
    add_project_arg(e)
    e.set_defaults(func=run_enable)
    a = tsub.add_parser(
        "add", help="create an annotator's login role and annotator row",
        description=f"The password is asked for at a terminal, or read from --password-file or the environment "
                    f"variable {PASSWORD_ENV}; it is sent to the server as a SCRAM-SHA-256 verifier, never as text.")
    a.add_argument("name")
    how = a.add_mutually_exclusive_group()
    how.add_argument("--password-file", metavar="FILE",
                     help="read the password from the first line of FILE ('-': standard input)")
    how.add_argument("--no-password", action="store_true",
                     help="create the login without a password (certificate or peer authentication); an existing "
                          "login keeps its password")
    # a password on the command line is refused with a sentence (it would sit in the process list
    # and the shell's history); '--password -' is the old spelling of --no-password
    how.add_argument("--password", help=argparse.SUPPRESS)
    add_project_arg(a)
    a.set_defaults(func=run_add)


def _server_project(args: argparse.Namespace):
    project = open_project(args)
    if project.url is None:
        project.close()
        raise ProjectError("'annotator team' works on a PostgreSQL project (--project postgresql://…)")
    return project


def run_enable(args: argparse.Namespace) -> int:
    with _server_project(args) as project, project.write() as c:
        group = postgres.enable_team(c)
    print(f"row-level security on; annotators are members of role {group}")
    return 0


class _NoPassword(Exception):
    pass


def read_password(args: argparse.Namespace) -> str | None:
    """The new login's password, or None for --no-password. Raises _NoPassword with a sentence."""
    if args.password is not None:
        if args.password == "-":
            return None
        raise _NoPassword("a password on the command line can be read by anyone on this machine (process list, "
                          f"shell history); use --password-file FILE, the environment variable {PASSWORD_ENV}, "
                          "or type it when asked")
    if args.no_password:
        return None
    if args.password_file is not None:
        try:
            text = sys.stdin.read() if args.password_file == "-" else Path(args.password_file).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise _NoPassword(f"{args.password_file}: cannot read the password ({getattr(e, 'strerror', None) or e})")
        password = text.splitlines()[0] if text.splitlines() else ""
        if not password:
            raise _NoPassword(f"{args.password_file}: no password on its first line")
        return password
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if sys.stdin.isatty():
        first = getpass.getpass(f"password for {args.name}: ")
        if not first:
            raise _NoPassword("no password typed; use --no-password for a login without one")
        if getpass.getpass("again: ") != first:
            raise _NoPassword("the two passwords differ; nothing was changed")
        return first
    raise _NoPassword(f"no password for {args.name}: not a terminal, and neither --password-file nor {PASSWORD_ENV} "
                      "was given (--no-password creates a login without one)")


def run_add(args: argparse.Namespace) -> int:
    try:
        password = read_password(args)
    except _NoPassword as e:
        print(f"annotator team add: {e}", file=sys.stderr)
        return EXIT_USAGE
    with _server_project(args) as project, project.write() as c:
        postgres.add_annotator(c, args.name, password)
    how = "no password" if password is None else "a password (sent as a SCRAM-SHA-256 verifier)"
    print(f"annotator {args.name} can log in as postgresql://{args.name}@HOST/{project.path.name} ({how})")
    return 0
