"""annotator annotators list|add|set-role --project P

Who works in a project and who leads it. The person who creates a project is its lead (the
first to open it in the window); leads see the agreement dashboard and review, annotators see
only their own work. See docs/teams.md.
"""

from __future__ import annotations

import argparse

import orjson

from annotator.commands._common import add_project_arg, open_project
from annotator.core.model import Role
from annotator.storage import roles

ROLES = [str(r) for r in roles.PEOPLE_ROLES]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("annotators", help="list annotators, add one, make someone lead",
                       description="Leads see the agreement dashboard and review everyone's work; annotators "
                                   "see only their own (blind annotation). A project keeps at least one lead. "
                                   "On a PostgreSQL team server a role is also a server grant (docs/teams.md).")
    asub = p.add_subparsers(dest="annotators_command", metavar="ACTION", required=True)
    ls = asub.add_parser("list", help="names, roles and how much each has done")
    add_project_arg(ls)
    ls.add_argument("--json", action="store_true", help="print JSON Lines")
    ls.set_defaults(func=run_list)
    a = asub.add_parser("add", help="add a person (default role: annotator)")
    a.add_argument("name")
    a.add_argument("--role", choices=ROLES, default=str(Role.ANNOTATOR))
    add_project_arg(a)
    a.set_defaults(func=run_add)
    s = asub.add_parser("set-role", help="change a person's role (e.g. make them lead)")
    s.add_argument("name")
    s.add_argument("role", choices=ROLES)
    add_project_arg(s)
    s.set_defaults(func=run_set_role)


def run_list(args: argparse.Namespace) -> int:
    from annotator.storage.counts import project_stats

    with open_project(args) as project:
        people = {a["name"]: a for a in project_stats(project)["annotators"]}
        listed = project.annotators()
    if args.json:
        for a in listed:
            n = people.get(a.name, {})
            print(orjson.dumps({"name": a.name, "role": str(a.role), "spans": n.get("spans", 0),
                                "done": n.get("done", 0)}).decode())
        return 0
    if not listed:
        print("nobody yet: the first person to open the project in the window becomes its lead "
              "(or: annotator annotators add NAME --role lead)")
        return 0
    print("name                 role         spans   done")
    for a in listed:
        n = people.get(a.name, {})
        print(f"{a.name:<20} {a.role:<10} {n.get('spans', 0):>7,} {n.get('done', 0):>6,}")
    if not any(a.role == Role.LEAD for a in listed):
        print("no lead yet: annotator annotators set-role NAME lead")
    return 0


def run_add(args: argparse.Namespace) -> int:
    with open_project(args, write=True) as project:
        a = roles.add_annotator(project, args.name, args.role)
    print(f"added {a.name} ({a.role})")
    return 0


def run_set_role(args: argparse.Namespace) -> int:
    with open_project(args, write=True) as project:
        before, after = roles.set_role(project, args.name, args.role)
    if before == after.role:
        print(f"{after.name} is already {after.role}")
    else:
        print(f"{after.name}: {before} → {after.role}")
    return 0
