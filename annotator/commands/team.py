"""annotator team enable|add NAME --project postgresql://lead@host/db  (a shared project on a server)"""

from __future__ import annotations

import argparse
import getpass
import sys

from annotator.commands._common import add_project_arg, open_project
from annotator.core.errors import ProjectError
from annotator.storage import postgres


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("team", help="a shared PostgreSQL project: row-level security, annotator logins",
                       description="Run as the lead (the database owner). See docs/teams.md.")
    tsub = p.add_subparsers(dest="team_command", metavar="ACTION", required=True)
    e = tsub.add_parser("enable", help="turn on row-level security (annotators change only their own rows)")
    add_project_arg(e)
    e.set_defaults(func=run_enable)
    a = tsub.add_parser("add", help="create an annotator's login role and annotator row")
    a.add_argument("name")
    a.add_argument("--password", help="the annotator's password (default: ask; '-' for none, e.g. with "
                                      "certificate or peer authentication)")
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


def run_add(args: argparse.Namespace) -> int:
    password = args.password
    if password is None:
        password = getpass.getpass(f"password for {args.name}: ") if sys.stdin.isatty() else None
    if password == "-":
        password = None
    with _server_project(args) as project, project.write() as c:
        postgres.add_annotator(c, args.name, password)
    print(f"annotator {args.name} can log in as postgresql://{args.name}@HOST/{project.path.name}")
    return 0
