"""Label creation that is safe with several writers on one project.

Two imports that meet the same new label at once must both succeed: the label is looked up
and, if missing, inserted inside one write transaction (``BEGIN IMMEDIATE`` on SQLite, so the
second writer waits and then finds it; ``ON CONFLICT DO NOTHING`` on PostgreSQL, where two
transactions can run together), never inserted blindly after a look-up made earlier.
"""

from __future__ import annotations

from sqlalchemy import func, insert, select

from annotator.core.errors import InputError
from annotator.core.model import Label, Layer
from annotator.core.schema import label_name_problem
from annotator.storage.project import L, Project, _label


def _insert(dialect: str):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(L).on_conflict_do_nothing(index_elements=["layer", "name"])
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(L).on_conflict_do_nothing(index_elements=["layer", "name"])
    return insert(L)


def ensure_label(project: Project, name: str, layer: Layer, color: str = "#cccccc") -> tuple[Label, bool]:
    """The label ``(layer, name)``, created if missing; returns (label, created).

    Raises ``InputError`` (no file named: the caller adds where the name came from) for a name
    that cannot be a label (see ``label_name_problem``)."""
    problem = label_name_problem(name)
    if problem:
        raise InputError(problem)
    where = (L.c.layer == str(layer)) & (L.c.name == name)
    with project.write() as c:
        row = c.execute(select(L).where(where)).first()
        if row is not None:
            return _label(row), False
        pos = c.execute(select(func.coalesce(func.max(L.c.position), -1) + 1)).scalar_one()
        c.execute(_insert(c.dialect.name).values(
            name=name, layer=str(layer), color=color, hotkey=None, description="",
            group="stance" if layer == Layer.DOCUMENT else None, position=pos))
        row = c.execute(select(L).where(where)).one()
    return _label(row), True
