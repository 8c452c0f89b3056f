"""Who is who in a project: annotators and leads.

- The person who creates a project is its lead: a project without a lead makes the first
  person who opens it in the window (:func:`sign_in`) its lead. On a PostgreSQL server that is
  only the database's owner (the login that owns the tables, who created them), never an
  annotator's login.
- ``annotator annotators add|set-role`` and Project → Annotators change roles afterwards
  (:func:`add_annotator`, :func:`set_role`). A project keeps at least one lead; the special
  ``gold`` annotator (the adjudicated set) is not a person and keeps its role.
- On a PostgreSQL team server (``annotator team enable``) a role is also a grant: a lead's login
  joins the project's leads group (sees and changes everyone's work, row-level security
  allows it), an annotator's login leaves it. Only the owner can change that.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, insert, select, update

from annotator.core.errors import AnnotatorError
from annotator.core.model import GOLD_ANNOTATOR, Annotator, Role
from annotator.storage import postgres
from annotator.storage.project import Project
from annotator.storage.tables import Annotator as AnnotatorT

A = AnnotatorT.__table__


class RoleError(AnnotatorError):
    """A name or role change that is refused (the CLI exits 1 with the sentence)."""

PEOPLE_ROLES = (Role.ANNOTATOR, Role.LEAD)


def _row(r) -> Annotator:  # noqa: ANN001
    return Annotator(r.id, r.name, Role(r.role))


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise RoleError("an annotator needs a name")
    if name == GOLD_ANNOTATOR:
        raise RoleError(f"{GOLD_ANNOTATOR!r} is the adjudicated set, not a person; choose another name")
    return name


def _check_role(role: Role | str) -> Role:
    try:
        role = Role(role)
    except ValueError:
        raise RoleError(f"role must be one of {', '.join(map(str, PEOPLE_ROLES))}, not {role!r}") from None
    if role not in PEOPLE_ROLES:
        raise RoleError(f"role must be one of {', '.join(map(str, PEOPLE_ROLES))}, not {str(role)!r}")
    return role


def leads(project: Project) -> list[Annotator]:
    return [a for a in project.annotators() if a.role == Role.LEAD]


def _server_grant(project: Project, c: Connection, name: str, role: Role) -> None:
    if project.url is not None and postgres.team_enabled(c):
        postgres.set_lead(c, name, role == Role.LEAD)


def add_annotator(project: Project, name: str, role: Role | str = Role.ANNOTATOR) -> Annotator:
    """A new person in the project. An existing name is refused (change a role with
    :func:`set_role`)."""
    name, role = _check_name(name), _check_role(role)
    with project.write() as c:
        if c.execute(select(A.c.id).where(A.c.name == name)).first() is not None:
            raise RoleError(f"{name!r} is already in this project (change the role with 'set-role')")
        aid = c.execute(insert(A).values(name=name, role=str(role))).inserted_primary_key[0]
        _server_grant(project, c, name, role)
    return Annotator(aid, name, role)


def set_role(project: Project, name: str, role: Role | str) -> tuple[Role, Annotator]:
    """Change a person's role; returns (role before, annotator after). Refuses to leave the
    project without a lead."""
    role = _check_role(role)
    with project.write() as c:
        r = c.execute(select(A).where(A.c.name == name)).first()
        if r is None:
            names = ", ".join(c.execute(select(A.c.name).where(A.c.role != str(Role.GOLD)).order_by(A.c.id))
                              .scalars()) or "none"
            raise RoleError(f"no annotator named {name!r} in this project (annotators: {names})")
        before = Role(r.role)
        if before == Role.GOLD:
            raise RoleError(f"{name!r} is the adjudicated set, not a person; its role stays {Role.GOLD}")
        if before == Role.LEAD and role != Role.LEAD:
            others = c.execute(select(func.count()).select_from(A).where(
                A.c.role == str(Role.LEAD), A.c.id != r.id)).scalar_one()
            if not others:
                raise RoleError(f"{name} is the project's only lead; make someone else lead first")
        if before != role:
            c.execute(update(A).where(A.c.id == r.id).values(role=str(role)))
        _server_grant(project, c, name, role)
    return before, Annotator(r.id, r.name, role)


def sign_in(project: Project, name: str) -> Annotator:
    """The annotator ``name`` opening the project in the window: added if new; made lead when
    the project has no lead yet (its creator), or on a server when this login owns the project."""
    name = name.strip()
    if not name:
        raise RoleError("an annotator needs a name")
    if project.read_only:  # a file that cannot be written is opened for reading: nobody is added or promoted
        return project.ensure_annotator(name)
    with project.write() as c:
        r = c.execute(select(A).where(A.c.name == name)).first()
        if project.url is not None:
            become_lead = postgres.owns_project(c)
        else:
            become_lead = c.execute(select(func.count()).select_from(A).where(
                A.c.role == str(Role.LEAD))).scalar_one() == 0 and name != GOLD_ANNOTATOR
        if r is None:
            role = Role.LEAD if become_lead else Role.ANNOTATOR
            aid = c.execute(insert(A).values(name=name, role=str(role))).inserted_primary_key[0]
            return Annotator(aid, name, role)
        if become_lead and r.role == str(Role.ANNOTATOR):
            c.execute(update(A).where(A.c.id == r.id).values(role=str(Role.LEAD)))
            return Annotator(r.id, r.name, Role.LEAD)
        return _row(r)
